//! The demo's workflows, crawlers and bookmarks: per-stream workflows that fan out and
//! converge (one whose dedupe step failed, so curate and publish never ran; one running now), a crawler per stream
//! (one stale for three days), bookmarks on the incremental jobs.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::rng::Rng;
use super::seed::STREAMS;
use crate::model::{
    Bookmark, Crawler, CrawlerMetrics, Graph, JobRun, LastCrawl, Node, NodeKind, NodeState, RunState, Workflow,
    WorkflowRun, WorkflowStats, WorkflowStatus,
};

pub struct Catalog {
    pub workflows: Vec<(Workflow, Vec<WorkflowRun>)>,
    pub crawlers: Vec<Crawler>,
    /// Per job, the bookmark history, oldest first; the last is current.
    pub bookmarks: BTreeMap<String, Vec<Bookmark>>,
}

/// Fan-out steps between ingest and the converge trigger.
const FAN: [&str; 3] = ["validate", "dedupe", "enrich"];

fn node(id: &str, name: &str, kind: NodeKind, trigger_type: Option<&str>) -> Node {
    Node {
        id: id.into(),
        name: name.into(),
        kind: Some(kind),
        trigger_type: trigger_type.map(str::to_string),
        ..Default::default()
    }
}

/// start -> ingest_raw -> after_ingest -> {validate, dedupe, enrich} -> converge (AND) -> curate -> after_curate -> publish
fn skeleton(stream: &str) -> Graph {
    let mut nodes = vec![
        node("t_start", &format!("{stream}_start"), NodeKind::Trigger, Some("SCHEDULED")),
        node("j_ingest_raw", &format!("{stream}_ingest_raw"), NodeKind::Job, None),
        node("t_after_ingest", &format!("{stream}_after_ingest"), NodeKind::Trigger, Some("CONDITIONAL")),
    ];
    let mut edges =
        vec![("t_start".to_string(), "j_ingest_raw".to_string()), ("j_ingest_raw".into(), "t_after_ingest".into())];
    for step in FAN {
        let id = format!("j_{step}");
        nodes.push(node(&id, &format!("{stream}_{step}"), NodeKind::Job, None));
        edges.push(("t_after_ingest".into(), id.clone()));
        edges.push((id, "t_converge".into()));
    }
    nodes.push(node("t_converge", &format!("{stream}_converge"), NodeKind::Trigger, Some("CONDITIONAL")));
    nodes.push(node("j_curate", &format!("{stream}_curate"), NodeKind::Job, None));
    nodes.push(node("t_after_curate", &format!("{stream}_after_curate"), NodeKind::Trigger, Some("CONDITIONAL")));
    nodes.push(node("j_publish", &format!("{stream}_publish"), NodeKind::Job, None));
    for (s, d) in [("t_converge", "j_curate"), ("j_curate", "t_after_curate"), ("t_after_curate", "j_publish")] {
        edges.push((s.into(), d.into()));
    }
    Graph { nodes, edges }
}

/// How a run of the pipeline went.
#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Succeeded,
    FanOutFailed,
    RunningNow,
}

fn job_run(rng: &mut Rng, name: &str, start: DateTime<Utc>, mins: i64, state: RunState, now: DateTime<Utc>) -> JobRun {
    let done = !state.is_active();
    let end = start + Duration::minutes(mins);
    JobRun {
        id: format!("jr_{}", rng.hex64()),
        job_name: name.into(),
        trigger_name: None,
        state: Some(state),
        started_on: Some(start),
        completed_on: done.then_some(end),
        last_modified_on: Some(if done { end } else { now }),
        execution_time_s: if done { mins * 60 } else { (now - start).num_seconds() },
        worker_type: Some("G.1X".into()),
        number_of_workers: Some(10),
        error_message: (state == RunState::Failed).then(|| {
            "An error occurred while calling o85.pyWriteDynamicFrame. error while calling spill() on org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter@5f4bb34a : No space left on device".into()
        }),
        glue_version: Some("4.0".into()),
        log_group_name: Some("/aws-glue/jobs".into()),
        ..Default::default()
    }
}

fn pipeline_run(
    rng: &mut Rng,
    stream: &str,
    start: DateTime<Utc>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> WorkflowRun {
    let mut graph = skeleton(stream);
    let mut t = start;
    let mut stats = WorkflowStats::default();
    let set = |g: &mut Graph, id: &str, run: JobRun, stats: &mut WorkflowStats| {
        let state = run.state();
        stats.total += 1;
        match state {
            RunState::Succeeded => stats.succeeded += 1,
            RunState::Failed => stats.failed += 1,
            s if s.is_active() => stats.running += 1,
            _ => {}
        }
        if let Some(n) = g.nodes.iter_mut().find(|n| n.id == id) {
            n.state = NodeState::Job(state);
            n.error = run.error_message.as_deref().map(str::to_string);
            n.job_run = Some(run);
        }
    };
    let ingest = job_run(rng, &format!("{stream}_ingest_raw"), t, 12, RunState::Succeeded, now);
    set(&mut graph, "j_ingest_raw", ingest, &mut stats);
    t += Duration::minutes(13);
    for (i, step) in FAN.iter().enumerate() {
        let running = outcome == Outcome::RunningNow && i == 1;
        let failed = outcome == Outcome::FanOutFailed && i == 1;
        let state = match (running, failed) {
            (true, _) => RunState::Running,
            (_, true) => RunState::Failed,
            _ => RunState::Succeeded,
        };
        let r = job_run(rng, &format!("{stream}_{step}"), t, 8 + 3 * i as i64, state, now);
        set(&mut graph, &format!("j_{step}"), r, &mut stats);
    }
    if outcome == Outcome::Succeeded {
        t += Duration::minutes(16);
        let r = job_run(rng, &format!("{stream}_curate"), t, 21, RunState::Succeeded, now);
        set(&mut graph, "j_curate", r, &mut stats);
        t += Duration::minutes(22);
        let r = job_run(rng, &format!("{stream}_publish"), t, 6, RunState::Succeeded, now);
        set(&mut graph, "j_publish", r, &mut stats);
        t += Duration::minutes(6);
    } else if outcome == Outcome::FanOutFailed {
        // The converge trigger waits for every fan-out step: nothing after it ran.
        t += Duration::minutes(16);
    }
    graph.mark_fired();
    let running = outcome == Outcome::RunningNow;
    let mut properties = BTreeMap::new();
    properties.insert("run_date".to_string(), start.format("%Y-%m-%d").to_string());
    WorkflowRun {
        workflow: format!("{stream}_pipeline"),
        id: format!("wr_{}", &rng.hex64()[..32]),
        previous_run_id: None,
        status: if running { WorkflowStatus::Running } else { WorkflowStatus::Completed },
        started_on: Some(start),
        completed_on: (!running).then_some(t),
        error_message: None,
        statistics: stats,
        properties,
        graph: Some(graph),
    }
}

/// Bookmarks of the incremental jobs (ingest and curate): one entry per succeeded run.
pub fn bookmarks(
    runs: &BTreeMap<String, Vec<super::seed::PlannedRun>>,
    epoch: DateTime<Utc>,
) -> BTreeMap<String, Vec<Bookmark>> {
    let mut out = BTreeMap::new();
    for (job, planned) in runs.iter().filter(|(j, _)| j.ends_with("_ingest_raw") || j.ends_with("_curate")) {
        let mut history: Vec<Bookmark> = Vec::new();
        for p in planned.iter().filter(|p| p.end <= epoch && p.final_state == RunState::Succeeded) {
            let v = history.len() as i32 + 1;
            history.push(Bookmark {
                job_name: job.clone(),
                version: v,
                run: v,
                attempt: p.attempt,
                previous_run_id: history.last().and_then(|b| b.run_id.clone()),
                run_id: Some(p.id.clone()),
                json: Some(bookmark_json(job, v, p.start)),
            });
        }
        out.insert(job.clone(), history);
    }
    out
}

fn bookmark_json(job: &str, version: i32, day: DateTime<Utc>) -> String {
    format!(
        r#"{{"jobName":"{job}","version":{version},"run":{version},"attempt":0,"jsonBookmark":{{"datasource0":{{"timestamp":{},"partitions":["ingest_date={}"]}}}}}}"#,
        day.timestamp_millis(),
        day.format("%Y-%m-%d")
    )
}

pub fn generate(seed: u64, epoch: DateTime<Utc>) -> Catalog {
    let mut rng = Rng::new(seed ^ 0x5EED_CA7A_1065);
    let mut workflows = Vec::new();
    let mut crawlers = Vec::new();
    for stream in STREAMS {
        let mut runs = Vec::new();
        for day in (0..3).rev() {
            let outcome = match (stream, day) {
                ("payments", 0) => Outcome::FanOutFailed,
                ("orders", 0) => Outcome::RunningNow,
                _ => Outcome::Succeeded,
            };
            // Today's runs: the one still running began 40 minutes ago; one that is done
            // (about 80 minutes end to end) began early enough to have ended by now.
            let today = if outcome == Outcome::Succeeded { 100 } else { 40 };
            let start = epoch - Duration::days(day) - Duration::minutes(if day == 0 { today } else { 600 });
            runs.push(pipeline_run(&mut rng, stream, start, outcome, epoch));
        }
        runs.reverse();
        let mut defaults = BTreeMap::new();
        defaults.insert("run_date".to_string(), "today".to_string());
        let wf = Workflow {
            ctx: 0,
            name: format!("{stream}_pipeline"),
            description: Some(format!("Nightly load of the {stream} stream: ingest, fan out, converge, publish")),
            default_properties: defaults,
            last_run: runs.first().cloned(),
            tags: BTreeMap::from([("stream".to_string(), stream.to_string())]),
        };
        workflows.push((wf, runs));
        let stale = stream == "customers";
        let failed = stream == "inventory";
        let started = epoch - if stale { Duration::days(3) + Duration::hours(2) } else { Duration::hours(10) };
        crawlers.push(Crawler {
            ctx: 0,
            name: format!("{stream}_raw_crawler"),
            state: "READY".into(),
            schedule: Some("cron(0 2 * * ? *)".into()),
            database: Some(format!("raw_{stream}")),
            last_crawl: Some(LastCrawl {
                status: if failed { "FAILED".into() } else { "SUCCEEDED".into() },
                started_on: Some(started),
                error_message: failed.then(|| "Internal Service Exception".to_string()),
                log_group: Some("/aws-glue/crawlers".into()),
                log_stream: Some(format!("{stream}_raw_crawler")),
            }),
            metrics: Some(CrawlerMetrics {
                last_runtime_s: 60.0 + rng.range(0, 120) as f64,
                median_runtime_s: 90.0,
                tables_created: if stale { 0 } else { rng.range(0, 3) as i32 },
                tables_updated: rng.range(1, 12) as i32,
                tables_deleted: 0,
                time_left_s: 0.0,
            }),
            tags: BTreeMap::from([("stream".to_string(), stream.to_string())]),
        });
    }
    Catalog { workflows, crawlers, bookmarks: BTreeMap::new() }
}
