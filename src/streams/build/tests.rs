//! The readings of the status rules that the freshness table alone does not pin: a row built
//! from jobs, landing and workflows/crawlers/rulesets the way the app builds it.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use super::{Inputs, Stream, build};
use crate::model::{Crawler, DqResult, EmrData, Job, JobEntry, JobRun, Landing, PartitionStats, RunState, Workflow};
use crate::streams::{Sources, Status, StreamsSection};

fn utc(h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, mi, 0).single().expect("valid")
}

fn section(ready_by: Option<&str>) -> StreamsSection {
    let (ready_by, timezone) = (ready_by.map(str::to_string), Some("UTC".to_string()));
    StreamsSection { ready_by, timezone, ..Default::default() }
}

fn job(name: &str, ended: Option<DateTime<Utc>>) -> JobEntry {
    let runs = ended
        .map(|end| JobRun {
            id: format!("jr_{name}"),
            job_name: name.into(),
            state: Some(RunState::Succeeded),
            started_on: Some(end - chrono::Duration::minutes(20)),
            completed_on: Some(end),
            ..Default::default()
        })
        .into_iter()
        .collect();
    JobEntry {
        ctx: 0,
        job: std::sync::Arc::new(Job { name: name.into(), ..Default::default() }),
        stream: Some("orders".into()),
        runs: Arc::new(runs),
    }
}

fn landing(today: u64) -> Landing {
    let part = |objects: u64, at: DateTime<Utc>| PartitionStats {
        objects,
        newest: (objects > 0).then_some(at),
        ..Default::default()
    };
    Landing {
        stream: "orders".into(),
        uri: "s3://landing/orders/".into(),
        today: part(today, utc(1, 0)),
        yesterday: part(4, utc(1, 0) - chrono::Duration::days(1)),
        ..Default::default()
    }
}

struct World {
    jobs: Vec<JobEntry>,
    workflows: Vec<Workflow>,
    crawlers: Vec<Crawler>,
    dq: Vec<DqResult>,
    landings: Vec<Landing>,
}

fn orders(sec: &StreamsSection, w: &World, now: DateTime<Utc>) -> Stream {
    let by_name = |n: &str| n.strip_prefix("orders_").map(|_| "orders".to_string());
    let emr = EmrData::default();
    let inputs = Inputs {
        section: sec,
        sources: Sources {
            tag_key: "stream",
            name_stream: &by_name,
            jobs: &w.jobs,
            workflows: &w.workflows,
            crawlers: &w.crawlers,
            dq: &w.dq,
            emr: &emr,
            triggers: &[],
        },
        items: &[],
        landings: &w.landings,
        tables: &[],
        discovered: &[],
        cost: &|_, _| None,
        now,
    };
    let (rows, _) = build(&inputs);
    rows.into_iter().find(|s| s.name == "orders").expect("orders")
}

fn world(ended: Option<DateTime<Utc>>, today: u64) -> World {
    World {
        jobs: vec![job("orders_publish", ended)],
        workflows: Vec::new(),
        crawlers: Vec::new(),
        dq: Vec::new(),
        landings: vec![landing(today)],
    }
}

#[test]
fn late_needs_data_an_empty_partition_past_its_time_is_no_data() {
    let sec = section(Some("06:00"));
    let yesterday = Some(utc(5, 0) - chrono::Duration::days(1));
    let s = orders(&sec, &world(yesterday, 0), utc(7, 0));
    assert_eq!((s.status, s.freshness.late_s()), (Status::NoData, None), "{s:?}");
    assert_eq!(s.freshness.text(s.sla), "no data");
    // The same hour with data landed and nothing curated: late by an hour.
    let s = orders(&sec, &world(yesterday, 3), utc(7, 0));
    assert_eq!((s.status, s.freshness.late_s()), (Status::Late, Some(3600)), "{s:?}");
    assert_eq!(s.freshness.text(s.sla), "late by 1h00m");
    // Before the deadline an empty partition is nothing yet.
    let s = orders(&sec, &world(yesterday, 0), utc(5, 59));
    assert_eq!(s.status, Status::Ok, "{s:?}");
}

#[test]
fn landed_and_curated_late_today_is_late_done() {
    let sec = section(Some("06:00"));
    let s = orders(&sec, &world(Some(utc(8, 10)), 3), utc(9, 0));
    assert_eq!(s.freshness.text(s.sla), "2h10m late (done)");
    assert_eq!(s.status, Status::Late, "the SLA was missed today, nothing failed: {s:?}");
    assert_eq!(s.freshness.late_s(), Some(7800));
    // Curated on time: ok.
    let s = orders(&sec, &world(Some(utc(5, 50)), 3), utc(9, 0));
    assert_eq!((s.status, s.freshness.text(s.sla).as_str()), (Status::Ok, "on time"));
    // It stays so until the next deadline passes (the latest deadline is the one judged)...
    let day = chrono::Duration::days(1);
    let s = orders(&sec, &world(Some(utc(8, 10)), 3), utc(4, 0) + day);
    assert_eq!(s.status, Status::Late, "{s:?}");
    // ...and the next day is judged on its own.
    let s = orders(&sec, &world(Some(utc(5, 30) + day), 3), utc(6, 30) + day);
    assert_eq!(s.status, Status::Ok, "{s:?}");
}

#[test]
fn workflows_crawlers_and_rulesets_join_by_their_tag() {
    let sec = section(None);
    let tagged = || BTreeMap::from([("stream".to_string(), "orders".to_string())]);
    let wf = |name: &str, tags| Workflow {
        ctx: 0,
        name: name.into(),
        description: None,
        default_properties: BTreeMap::new(),
        last_run: None,
        tags,
    };
    let cr = |name: &str, tags| Crawler { name: name.into(), tags, ..Default::default() };
    let w = World {
        jobs: vec![job("orders_publish", None)],
        workflows: vec![wf("nightly_load", tagged()), wf("housekeeping", BTreeMap::new())],
        crawlers: vec![cr("raw_scan", tagged()), cr("misc_scan", BTreeMap::new())],
        dq: vec![DqResult {
            database: Some("curated".into()),
            table: Some("sales_daily".into()),
            ruleset: Some("quality_gate".into()),
            score: Some(0.5),
            ruleset_tags: tagged(),
            ..Default::default()
        }],
        landings: Vec::new(),
    };
    let s = orders(&sec, &w, utc(9, 0));
    assert_eq!(s.workflows, ["nightly_load"]);
    assert_eq!(s.crawlers, ["raw_scan"]);
    assert_eq!(s.dq_tables, ["curated.sales_daily"]);
    assert_eq!(s.dq_score, Some(0.5));
}

#[test]
fn an_emr_run_belongs_to_its_tag_else_its_applications_stream() {
    use crate::model::{EmrApp, EmrRun};
    use crate::streams::members::Members;
    let tagged = |s: &str| BTreeMap::from([("stream".to_string(), s.to_string())]);
    let app = |id: &str, tags| EmrApp { id: id.into(), name: format!("{id}-app"), tags, ..Default::default() };
    let run =
        |id: &str, app_id: &str, tags| EmrRun { id: id.into(), app_id: app_id.into(), tags, ..Default::default() };
    let emr = EmrData {
        apps: vec![app("a1", tagged("orders")), app("a2", BTreeMap::new())],
        runs: vec![
            run("r1", "a1", BTreeMap::new()),
            run("r2", "a1", tagged("clicks")),
            run("r3", "a2", BTreeMap::new()),
        ],
    };
    let none = |_: &str| None;
    let sources = Sources {
        tag_key: "stream",
        name_stream: &none,
        jobs: &[],
        workflows: &[],
        crawlers: &[],
        dq: &[],
        emr: &emr,
        triggers: &[],
    };
    let m = Members::of(&sources);
    assert_eq!(Members::names(&m.emr_runs, 0, "orders"), ["r1"], "untagged: its application's stream");
    assert_eq!(Members::names(&m.emr_runs, 0, "clicks"), ["r2"], "its own tag wins");
    assert_eq!(Members::names(&m.apps, 0, "clicks"), ["a1"], "a shared application is in both");
    assert_eq!(Members::names(&m.apps, 0, "orders"), ["a1"]);
    let all: usize = m.emr_runs.values().map(|v| v.len()).sum();
    assert_eq!(all, 2, "a run of an untagged application names no stream");
}
