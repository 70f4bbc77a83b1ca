//! Tests of `logs::locate` (kept apart to keep locate.rs short).

use std::collections::BTreeMap;

use super::*;
use crate::model::crawler::{CrawlerMetrics, LastCrawl};
use crate::model::emr::Monitoring;

/// 2024-11-24T10:00:00Z
const T0: i64 = 1_732_442_400_000;

fn at(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

fn group(g: &str, p: &str) -> Place {
    Place::Group { group: g.into(), prefix: p.into() }
}

fn glue(log_group: Option<&str>, args: &[(&str, &str)]) -> JobRun {
    JobRun {
        id: "jr_abc".into(),
        job_name: "orders".into(),
        log_group_name: log_group.map(Into::into),
        arguments: args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>().into(),
        started_on: at(T0),
        completed_on: at(T0 + 30 * 60_000),
        ..Default::default()
    }
}

#[test]
fn glue_classic_then_continuous_with_a_window() {
    let plan = glue_run(&glue(Some("/aws-glue/jobs"), &[]), &Layouts::default());
    assert_eq!(plan.title, "orders / jr_abc");
    assert_eq!(plan.run_id, "jr_abc");
    assert_eq!(
        plan.places,
        vec![
            group("/aws-glue/jobs/output", "jr_abc"),
            group("/aws-glue/jobs/error", "jr_abc"),
            group("/aws-glue/jobs/logs-v2", "jr_abc"),
        ]
    );
    assert_eq!(plan.start_ms, Some(1_732_442_340_000), "a minute early");
    assert_eq!(plan.end_ms, Some(1_732_444_500_000), "five minutes after 10:30");
    assert_eq!(
        describe(&plan),
        "looked in /aws-glue/jobs/output (streams jr_abc*), /aws-glue/jobs/error (streams jr_abc*), \
         /aws-glue/jobs/logs-v2 (streams jr_abc*)"
    );
}

#[test]
fn glue_log_group_name_with_role_and_security_configuration() {
    let mut run = glue(Some("/aws-glue/jobs-MyRole-secconf1/"), &[]);
    run.security_configuration = Some("secconf1".into());
    let plan = glue_run(&run, &Layouts::default());
    assert_eq!(
        plan.places,
        vec![
            group("/aws-glue/jobs-MyRole-secconf1/output", "jr_abc"),
            group("/aws-glue/jobs-MyRole-secconf1/error", "jr_abc"),
            group("/aws-glue/jobs/logs-v2-secconf1", "jr_abc"),
        ]
    );
}

#[test]
fn glue_without_log_group_name_uses_the_layout_and_tolerates_a_full_group_name() {
    let plan = glue_run(&glue(None, &[]), &Layouts::default());
    assert_eq!(plan.places[..2], [group("/aws-glue/jobs/output", "jr_abc"), group("/aws-glue/jobs/error", "jr_abc")]);
    let plan = glue_run(&glue(Some("/aws-glue/jobs/output"), &[]), &Layouts::default());
    assert_eq!(plan.places[..2], [group("/aws-glue/jobs/output", "jr_abc"), group("/aws-glue/jobs/error", "jr_abc")]);
    let layouts = Layouts { glue_output_group: "/x/stdout".into(), ..Layouts::default() };
    let plan = glue_run(&glue(Some("/aws-glue/jobs"), &[]), &layouts);
    assert_eq!(plan.places[0], group("/aws-glue/jobs/stdout", "jr_abc"), "the configured leaf");
}

#[test]
fn glue_continuous_arguments() {
    let args = [
        ("--enable-continuous-cloudwatch-log", "true"),
        ("--continuous-log-logGroup", "/custom/glue"),
        ("--continuous-log-logStreamPrefix", "orders-"),
    ];
    let mut run = glue(Some("/aws-glue/jobs"), &args);
    run.completed_on = None;
    let plan = glue_run(&run, &Layouts::default());
    assert_eq!(
        plan.places,
        vec![
            group("/custom/glue", "orders-"),
            group("/aws-glue/jobs/output", "jr_abc"),
            group("/aws-glue/jobs/error", "jr_abc"),
        ]
    );
    assert_eq!(plan.end_ms, None, "still running: follow");

    let off = glue_run(&glue(None, &[("--enable-continuous-cloudwatch-log", "false")]), &Layouts::default());
    assert_eq!(off.places.len(), 2);
    let blank = glue_run(&glue(None, &[("--continuous-log-logGroup", " ")]), &Layouts::default());
    assert_eq!(blank.places[2], group("/aws-glue/jobs/logs-v2", "jr_abc"), "a blank argument is ignored");
}

fn emr(attempt: i32, monitoring: Monitoring) -> EmrRun {
    EmrRun {
        app_id: "00abc".into(),
        id: "00run".into(),
        attempt: Some(attempt),
        monitoring,
        created_at: at(T0),
        ended_at: at(T0 + 10 * 60_000),
        ..Default::default()
    }
}

#[test]
fn emr_cloudwatch_and_s3() {
    let m = Monitoring {
        s3_log_uri: Some("s3://logs-bucket/emr/".into()),
        cloudwatch_enabled: Some(true),
        ..Default::default()
    };
    let plan = emr_run(&emr(1, m), &Layouts::default());
    assert_eq!(plan.title, "00abc / 00run");
    assert_eq!(
        plan.places,
        vec![
            group("/aws/emr-serverless", "/applications/00abc/jobs/00run/"),
            Place::S3 { bucket: "logs-bucket".into(), prefix: "emr/applications/00abc/jobs/00run/".into() },
        ]
    );
    assert_eq!((plan.start_ms, plan.end_ms), (Some(1_732_442_340_000), Some(1_732_443_300_000)));
    assert_eq!(
        describe(&plan),
        "looked in /aws/emr-serverless (streams /applications/00abc/jobs/00run/*), \
         s3://logs-bucket/emr/applications/00abc/jobs/00run/"
    );
}

#[test]
fn emr_custom_group_prefix_and_attempt() {
    let m = Monitoring {
        s3_log_uri: Some("s3://b".into()),
        cloudwatch_enabled: Some(true),
        cloudwatch_group: Some("/my/group".into()),
        cloudwatch_prefix: Some("team-a/".into()),
    };
    let mut run = emr(2, m);
    run.name = Some("nightly".into());
    run.ended_at = None;
    let plan = emr_run(&run, &Layouts::default());
    assert_eq!(plan.title, "nightly / 00run (attempt 2)");
    assert_eq!(
        plan.places,
        vec![
            group("/my/group", "team-a/applications/00abc/jobs/00run/attempts/2/"),
            Place::S3 { bucket: "b".into(), prefix: "applications/00abc/jobs/00run/attempts/2/".into() },
        ]
    );
    assert_eq!(plan.end_ms, None);
}

#[test]
fn emr_s3_path_without_trailing_slash_and_no_destination() {
    let m =
        Monitoring { s3_log_uri: Some("s3://b/logs".into()), cloudwatch_enabled: Some(false), ..Default::default() };
    let plan = emr_run(&emr(1, m), &Layouts::default());
    assert_eq!(
        plan.places,
        vec![Place::S3 { bucket: "b".into(), prefix: "logs/applications/00abc/jobs/00run/".into() }]
    );

    let none = emr_run(&emr(1, Monitoring::default()), &Layouts::default());
    assert!(none.places.is_empty());
    assert_eq!(describe(&none), "no CloudWatch or S3 log destination is known for this run");
}

fn crawler_at(state: &str, last: Option<LastCrawl>) -> Crawler {
    Crawler {
        name: "orders_crawler".into(),
        state: state.into(),
        last_crawl: last,
        metrics: Some(CrawlerMetrics { last_runtime_s: 90.0, ..Default::default() }),
        ..Default::default()
    }
}

#[test]
fn crawler_plans() {
    let last = LastCrawl { status: "SUCCEEDED".into(), started_on: at(T0), ..Default::default() };
    let plan = crawler(&crawler_at("READY", Some(last.clone())), &Layouts::default());
    assert_eq!(plan.title, "crawler orders_crawler");
    assert_eq!(plan.run_id, "orders_crawler");
    assert_eq!(plan.places, vec![group("/aws-glue/crawlers", "orders_crawler")]);
    // started 10:00:00 minus a minute; ended 10:01:30 plus five minutes
    assert_eq!((plan.start_ms, plan.end_ms), (Some(1_732_442_340_000), Some(1_732_442_790_000)));

    let running = crawler(&crawler_at("RUNNING", Some(last.clone())), &Layouts::default());
    assert_eq!((running.start_ms, running.end_ms), (Some(1_732_442_490_000), None));

    let reported = LastCrawl { log_group: Some("/custom/crawlers".into()), log_stream: Some("oc".into()), ..last };
    let plan = crawler(&crawler_at("READY", Some(reported)), &Layouts::default());
    assert_eq!(plan.places, vec![group("/custom/crawlers", "oc")]);

    let never = crawler(&crawler_at("READY", None), &Layouts::default());
    assert_eq!((never.start_ms, never.end_ms), (None, None));
}

#[test]
fn glue_streams() {
    let k = |s| classify_stream(s, "jr_a");
    assert_eq!(k("jr_a"), StreamKind::Driver);
    assert_eq!(k("jr_a_3"), StreamKind::Executor("3".into()));
    assert_eq!(k("jr_a-driver"), StreamKind::Driver);
    assert_eq!(k("jr_a-7"), StreamKind::Executor("7".into()));
    assert_eq!(k("jr_a-progress-bar"), StreamKind::Progress);
    assert_eq!(k("jr_a_attempt_1"), StreamKind::Other, "a retry's driver is another run");
    assert_eq!(k("jr_a_attempt_1_2"), StreamKind::Other);
    assert_eq!(k("jr_b"), StreamKind::Other);
    // a custom --continuous-log-logStreamPrefix
    assert_eq!(k("orders-driver"), StreamKind::Driver);
    assert_eq!(k("orders-12"), StreamKind::Executor("12".into()));
    assert_eq!(k("orders-progress-bar"), StreamKind::Progress);
    assert_eq!(k("-5"), StreamKind::Other);
}

#[test]
fn emr_streams_and_keys() {
    let k = |s| classify_stream(s, "r");
    assert_eq!(k("/applications/a/jobs/r/SPARK_DRIVER/stderr"), StreamKind::Driver);
    assert_eq!(k("/applications/a/jobs/r/attempts/2/SPARK_DRIVER/stdout"), StreamKind::Driver);
    assert_eq!(k("/applications/a/jobs/r/SPARK_EXECUTOR/3/stdout"), StreamKind::Executor("3".into()));
    assert_eq!(k("/applications/a/jobs/r/SPARK_EXECUTOR/stderr"), StreamKind::Executor(String::new()));
    assert_eq!(k("emr/applications/a/jobs/r/SPARK_EXECUTOR/12/stderr.gz"), StreamKind::Executor("12".into()));
    assert_eq!(k("team/jobs/x/applications/a/jobs/r/SPARK_DRIVER/stdout"), StreamKind::Driver);
    assert_eq!(k("/applications/a/jobs/other/SPARK_DRIVER/stderr"), StreamKind::Other);
    assert_eq!(k("/applications/a/jobs/r/HIVE_DRIVER/stderr"), StreamKind::Other);
}

#[test]
fn labels() {
    let cases = [
        ("/aws-glue/jobs/output", "jr_a", "jr_a", "driver (output)"),
        ("/aws-glue/jobs/error", "jr_a", "jr_a", "driver (error)"),
        ("/aws-glue/jobs/error", "jr_a_3", "jr_a", "executor 3 (error)"),
        ("/aws-glue/python-jobs/errors", "jr_a", "jr_a", "driver (error)"),
        ("/aws-glue/jobs/logs-v2", "jr_a-driver", "jr_a", "driver"),
        ("/aws-glue/jobs/logs-v2", "jr_a-4", "jr_a", "executor 4"),
        ("/aws-glue/jobs/logs-v2", "jr_a-progress-bar", "jr_a", "progress bar"),
        ("/aws-glue/jobs/output", "jr_a_attempt_1", "jr_a", "jr_a_attempt_1"),
        ("/aws-glue/crawlers", "orders_crawler", "orders_crawler", "orders_crawler"),
        ("/aws/emr-serverless", "/applications/a/jobs/r/SPARK_DRIVER/stderr", "r", "driver stderr"),
        ("/aws/emr-serverless", "/applications/a/jobs/r/SPARK_EXECUTOR/2/stderr", "r", "executor 2 stderr"),
        (
            "/aws/emr-serverless",
            "/applications/a/jobs/r/attempts/2/SPARK_DRIVER/stdout",
            "r",
            "driver stdout (attempt 2)",
        ),
        ("/aws/emr-serverless", "/applications/a/jobs/r/SPARK_EXECUTOR/stderr", "r", "executor stderr"),
        ("bucket", "logs/applications/a/jobs/r/SPARK_EXECUTOR/3/stdout.gz", "r", "executor 3 stdout"),
        ("bucket", "logs/applications/a/jobs/r/SPARK_DRIVER/stderr.gz", "r", "driver stderr"),
        (
            "/aws/emr-serverless",
            "/applications/a/jobs/r/HIVE_DRIVER/stderr",
            "r",
            "/applications/a/jobs/r/HIVE_DRIVER/stderr",
        ),
    ];
    for (g, s, id, want) in cases {
        assert_eq!(label(g, s, id), want, "{g} {s}");
    }
}

#[test]
fn describe_a_group_without_prefix() {
    let plan =
        Plan { title: "t".into(), run_id: "r".into(), places: vec![group("/g", "")], start_ms: None, end_ms: None };
    assert_eq!(describe(&plan), "looked in /g");
}

#[test]
fn layouts_from_a_config_section() {
    let l: Layouts =
        toml::from_str("emr_group = \"/x/emr\"\nemr_attempt_segment = \"attempt-{attempt}/\"\n").expect("parses");
    assert_eq!(l.emr_group, "/x/emr");
    assert_eq!(l.emr_attempt_segment, "attempt-{attempt}/");
    assert_eq!(l.glue_output_group, "/aws-glue/jobs/output", "others keep their defaults");
    assert_eq!(l.emr_stream_prefix, "/applications/{app_id}/jobs/{run_id}/");
    assert_eq!(l.emr_s3_prefix, "applications/{app_id}/jobs/{run_id}/");
    assert_eq!(l.crawler_group, "/aws-glue/crawlers");
    assert_eq!(l.glue_continuous_group, "/aws-glue/jobs/logs-v2");
    assert!(toml::from_str::<Layouts>("emr_grop = \"/x\"").is_err(), "unknown fields are refused");
    assert_eq!(toml::from_str::<Layouts>("").expect("empty"), Layouts::default());
}

#[test]
fn s3_uris() {
    assert_eq!(parse_s3_uri("s3://logs-bucket/emr/"), Some(("logs-bucket".into(), "emr/".into())));
    assert_eq!(parse_s3_uri("s3://b"), Some(("b".into(), String::new())));
    assert_eq!(parse_s3_uri("https://b/x"), None);
}
