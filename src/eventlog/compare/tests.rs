use super::*;
use crate::eventlog::model::{ExecutorSummary, FailureGroup, Finding, JobSummary, Quantiles, Severity};

const MIB: i64 = 1024 * 1024;

fn stage(id: i64, attempt: i64, name: &str, ms: i64, input: i64) -> StageSummary {
    StageSummary {
        stage_id: id,
        attempt,
        name: name.into(),
        status: "COMPLETE".into(),
        num_tasks: 4,
        completed_tasks: 4,
        failed_tasks: 0,
        killed_tasks: 0,
        active_tasks: 0,
        submission_ms: Some(1_000),
        completion_ms: Some(1_000 + ms),
        failure_reason: None,
        executor_run_time_ms: ms,
        executor_cpu_time_ns: 0,
        jvm_gc_time_ms: 0,
        input_bytes: input,
        output_bytes: 0,
        shuffle_read_bytes: 0,
        shuffle_write_bytes: 0,
        shuffle_fetch_wait_ms: 0,
        memory_spilled_bytes: 0,
        disk_spilled_bytes: 0,
        task_duration_ms: Some(Quantiles { min: 10, p50: 20, p75: 30, max: 40 }),
        job_ids: vec![0],
    }
}

fn job(id: i64, status: &str) -> JobSummary {
    JobSummary {
        job_id: id,
        status: status.into(),
        stage_ids: vec![],
        submission_ms: None,
        completion_ms: None,
        sql_execution_id: None,
        description: None,
        failure: None,
    }
}

fn run(app: &str, ms: i64) -> Summary {
    let mut s = Summary {
        app_id: Some(app.into()),
        app_name: Some("curate".into()),
        spark_version: Some("3.5.1".into()),
        start_ms: Some(0),
        end_ms: Some(ms),
        jobs: vec![job(0, "SUCCEEDED")],
        stages: vec![
            stage(0, 0, "parquet at NativeMethodAccessorImpl.java:0", 2_000, 10 * MIB),
            stage(1, 0, "save at /tmp/a/curate.py:88", 2_000, 100 * MIB),
            stage(2, 0, "parquet at NativeMethodAccessorImpl.java:0", 500, 0),
        ],
        ..Summary::default()
    };
    for (k, v) in [("spark.app.id", app), ("spark.sql.shuffle.partitions", "200"), ("spark.executor.memory", "4g")] {
        s.spark_properties.insert(k.into(), v.into());
    }
    s
}

fn kinds(c: &Comparison) -> Vec<&str> {
    c.findings.iter().map(|f| f.kind.as_str()).collect()
}

#[test]
fn a_run_against_itself_shows_nothing() {
    let a = run("app-1", 60_000);
    let c = compare(&a, &a);
    assert!(c.findings.is_empty() && c.config_changes.is_empty(), "{c:#?}");
    assert_eq!(c.stages.len(), 3);
    assert!(c.only_in_a.is_empty() && c.only_in_b.is_empty());
    assert!(c.stages.iter().all(|p| p.a == p.b && p.matched_by == MatchRule::Name));
    assert!(c.to_text().contains("no difference that matters"));
}

#[test]
fn a_slower_stage_is_explained_and_ranked_before_settings() {
    let a = run("app-1", 60_000);
    let mut b = run("app-2", 72_000);
    b.stages[1] = stage(1, 0, "save at /opt/other/curate.py:88", 12_200, 580 * MIB);
    b.spark_properties.insert("spark.sql.shuffle.partitions".into(), "16".into());
    b.spark_properties.remove("spark.executor.memory");
    b.spark_properties.insert("spark.dynamicAllocation.enabled".into(), "true".into());
    let c = compare(&a, &b);
    let messages: Vec<&str> = c.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(kinds(&c), ["duration", "stage_time", "config", "config", "config"], "{messages:#?}");
    assert_eq!(messages[0], "B took 20% longer than A (1m 00s → 1m 12s)");
    assert_eq!(
        messages[1],
        "stage 1 'save at /tmp/a/curate.py:88' took 6.1x longer (2.0 s → 12.2 s): input grew 5.8x (100.0 MiB → 580.0 MiB)"
    );
    assert!(messages.contains(&"spark.sql.shuffle.partitions changed 200 → 16"));
    assert!(messages.contains(&"spark.executor.memory set only in A: 4g (B: Spark's default)"));
    assert!(messages.contains(&"spark.dynamicAllocation.enabled set only in B: true"));
    // spark.app.id differs too, but in every run: listed, not a finding.
    let ids = c.config_changes.iter().find(|ch| ch.key == "spark.app.id").expect("app id change");
    assert!(ids.run_specific);
    assert_eq!(c.config_changes.len(), 4);
    assert_eq!(c.stages[1].matched_by, MatchRule::Name);
    let text = c.to_text();
    assert!(text.starts_with("Findings: B (app-2 \"curate\") against A (app-1 \"curate\")\n   1. B took 20% longer"));
}

#[test]
fn failures_lost_executors_and_outcome() {
    let a = run("app-1", 60_000);
    let mut b = run("app-2", 60_000);
    b.jobs.push(job(1, "FAILED"));
    b.end_ms = None;
    b.failed_tasks = vec![FailureGroup {
        kind: "ExecutorLostFailure".into(),
        reason: "executor 3 lost".into(),
        count: 12,
        stage_ids: vec![1],
        example_stack: None,
    }];
    b.executors = vec![ExecutorSummary {
        id: "3".into(),
        host: None,
        cores: Some(4),
        added_ms: Some(0),
        removed_ms: Some(10),
        removed_reason: Some("Container killed".into()),
        lost_tasks: 12,
    }];
    b.findings = vec![Finding {
        kind: "lost_executor".into(),
        severity: Severity::High,
        stage_id: None,
        attempt: None,
        message: "executor 3 lost: Container killed, 12 tasks failed with it".into(),
        advice: String::new(),
        impact_ms: 0,
    }];
    let c = compare(&a, &b);
    let messages: Vec<&str> = c.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "B failed: 1 of 2 jobs failed (A: none)",
            "B did not finish: its log has no application end (A's has)",
            "B failed tasks: 12 (A: 0)",
            "executors lost only in B: 1",
            "B ran 1 executor (A: 0)",
            "only in B: executor 3 lost: Container killed, 12 tasks failed with it",
        ]
    );
}

fn warning(kind: &str, stage_id: Option<i64>, impact_ms: i64) -> Finding {
    Finding {
        kind: kind.into(),
        severity: Severity::Warning,
        stage_id,
        attempt: stage_id.map(|_| 0),
        message: format!("{kind} at {stage_id:?}"),
        advice: "advice".into(),
        impact_ms,
    }
}

#[test]
fn analysis_findings_by_kind_and_matched_stage() {
    let mut a = run("app-1", 60_000);
    let mut b = run("app-1", 60_000);
    // B ran one more stage first: its stage ids are one more than A's, matched by name.
    b.stages.insert(0, stage(0, 0, "count at x.py:1", 100, 0));
    for st in &mut b.stages[1..] {
        st.stage_id += 1;
    }
    a.findings = vec![warning("skew", Some(1), 500), warning("gc", Some(0), 300), warning("lost_executor", Some(0), 0)];
    b.findings = vec![
        warning("skew", Some(2), 900),
        warning("spill", Some(2), 400),
        warning("lost_executor", Some(3), 0),
        warning("idle_slots", Some(0), 50),
    ];
    let c = compare(&a, &b);
    let new: Vec<(&str, Option<i64>, Option<i64>)> =
        c.new_in_b.iter().map(|f| (f.kind.as_str(), f.a_stage_id, f.b_stage_id)).collect();
    assert_eq!(new, [("spill", Some(1), Some(2)), ("idle_slots", None, Some(0))], "skew and lost executors in both");
    let gone: Vec<&str> = c.gone_in_b.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(gone, ["gc"]);
    let messages: Vec<&str> = c.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "1 stage only in B: 0 'count at x.py:1'",
            "only in B: spill at Some(2)",
            "only in B: idle_slots at Some(0)",
            "gone in B: GC time in stage 0 (B: 1) 'parquet at NativeMethodAccessorImpl.java:0'",
        ]
    );
    assert_eq!(kinds(&c)[1..], ["new_finding", "new_finding", "gone_in_b"]);
    let v = c.to_json();
    assert_eq!(v["new_in_b"][0]["kind"], "spill");
    assert_eq!((&v["new_in_b"][0]["a_stage_id"], &v["new_in_b"][0]["b_stage_id"]), (&1.into(), &2.into()));
    assert_eq!(v["gone_in_b"][0]["severity"], "warning");
    let same = compare(&b, &b);
    assert!(same.findings.is_empty() && same.new_in_b.is_empty() && same.gone_in_b.is_empty());
}

#[test]
fn a_new_finding_with_more_time_at_stake_ranks_among_the_stage_times() {
    let a = run("app-1", 60_000);
    let mut b = run("app-2", 60_000);
    b.stages[1] = stage(1, 0, "save at /tmp/a/curate.py:88", 6_000, 100 * MIB);
    b.findings = vec![warning("skew", Some(1), 10_000), warning("gc", Some(0), 3_000), warning("spill", Some(2), 999)];
    let c = compare(&a, &b);
    let messages: Vec<&str> = c.findings.iter().map(|f| f.message.as_str()).collect();
    // The skew (10 s at stake) before the stage that took 4 s longer; GC and spill stay last.
    assert_eq!(kinds(&c), ["new_finding", "stage_time", "new_finding", "new_finding"], "{messages:#?}");
    assert!(messages[0].starts_with("only in B: skew"), "{messages:#?}");
    assert!(messages[1].starts_with("stage 1 'save at /tmp/a/curate.py:88' took 3.0x longer"), "{messages:#?}");
    assert_eq!(&messages[2..], ["only in B: gc at Some(0)", "only in B: spill at Some(2)"]);
}

#[test]
fn attempts_are_one_stage_and_unmatched_stages_are_listed() {
    let a = run("app-1", 60_000);
    let mut b = run("app-1", 60_000);
    let mut retry = stage(1, 1, "save at /tmp/a/curate.py:88", 300, 5 * MIB);
    retry.num_tasks = 1;
    retry.task_duration_ms = Some(Quantiles { min: 1, p50: 2, p75: 3, max: 4 });
    b.stages.insert(2, retry);
    b.stages.push(stage(7, 0, "count at curate.py:95", 100, 0));
    let c = compare(&a, &b);
    let save = &c.stages[1].b;
    assert_eq!((save.attempts, save.num_tasks, save.duration_ms), (2, 4, Some(2_300)));
    assert_eq!((save.input_bytes, save.task_p50_ms, save.task_max_ms), (105 * MIB, Some(2), Some(4)));
    assert_eq!(c.only_in_b.iter().map(|s| s.stage_id).collect::<Vec<_>>(), [7]);
    assert_eq!(kinds(&c), ["only_in_b"]);
    assert_eq!(c.findings[0].message, "1 stage only in B: 7 'count at curate.py:95'");
    let v = c.to_json();
    assert_eq!(v["only_in_b"], serde_json::json!([7]));
    assert_eq!(v["stages"][1]["attempts"], serde_json::json!([1, 2]));
    assert_eq!(v["stages"][1]["input_bytes"], serde_json::json!([100 * MIB, 105 * MIB]));
}

#[test]
fn run_specific_properties() {
    for key in
        ["spark.app.id", "spark.app.startTime", "spark.driver.port", "spark.glue.JOB_RUN_ID", "spark.glueJobRunId"]
    {
        assert!(run_specific(key), "{key}");
    }
    for key in ["spark.sql.shuffle.partitions", "spark.executor.memory", "spark.app.name"] {
        assert!(!run_specific(key), "{key}");
    }
}
