//! Each finding of `usage`: one case that triggers it, one that does not, and its threshold
//! changing the outcome.

use super::*;
use crate::eventlog::model::{Broadcast, ExecutorSummary, HostTasks};
use crate::eventlog::{Analyzer, Options};

fn stage(id: i64, tasks: i64, secs: i64) -> StageSummary {
    StageSummary {
        stage_id: id,
        attempt: 0,
        name: format!("save at job.py:{id}"),
        status: "COMPLETE".into(),
        num_tasks: tasks,
        completed_tasks: tasks,
        failed_tasks: 0,
        killed_tasks: 0,
        active_tasks: 0,
        submission_ms: Some(1_000),
        completion_ms: Some(1_000 + secs * 1000),
        failure_reason: None,
        executor_run_time_ms: 0,
        executor_cpu_time_ns: 0,
        jvm_gc_time_ms: 0,
        input_bytes: 0,
        output_bytes: 0,
        shuffle_read_bytes: 0,
        shuffle_write_bytes: 0,
        shuffle_fetch_wait_ms: 0,
        memory_spilled_bytes: 0,
        disk_spilled_bytes: 0,
        task_duration_ms: None,
        job_ids: vec![0],
    }
}

fn executor(id: &str, cores: i64) -> ExecutorSummary {
    ExecutorSummary {
        id: id.into(),
        host: Some(format!("{id}.internal")),
        cores: Some(cores),
        added_ms: Some(0),
        removed_ms: None,
        removed_reason: None,
        lost_tasks: 0,
    }
}

/// The kinds of the findings `s` gets with `opts`.
fn kinds(s: &Summary, opts: &Options) -> Vec<String> {
    let mut out = Vec::new();
    findings(s, opts, &mut out);
    out.into_iter().map(|f| f.kind).collect()
}

fn has(s: &Summary, opts: &Options, kind: &str) -> bool {
    kinds(s, opts).iter().any(|k| k == kind)
}

#[test]
fn idle_slots_when_tasks_fill_few_of_the_cores() {
    let mut s = Summary { executors: (1..=4).map(|i| executor(&i.to_string(), 8)).collect(), ..Summary::default() };
    s.stages = vec![stage(1, 4, 60)];
    let d = Options::default();
    assert!(has(&s, &d, "idle_slots"), "4 tasks on 32 slots");
    let mut out = Vec::new();
    findings(&s, &d, &mut out);
    assert!(
        out[0].message.contains("4 tasks for 32 task slots (32 cores): 88% of the slots idle"),
        "{}",
        out[0].message
    );
    s.stages = vec![stage(1, 20, 60)];
    assert!(!has(&s, &d, "idle_slots"), "20 tasks fill more than half");
    assert!(has(&s, &Options { min_slot_use: 0.75, ..d.clone() }, "idle_slots"), "the threshold decides");
    s.stages = vec![stage(1, 4, 10)];
    assert!(!has(&s, &d, "idle_slots"), "a short stage is not worth it");
    assert!(has(&s, &Options { idle_slots_min_stage_ms: 5_000, ..d.clone() }, "idle_slots"));
    s.stages = vec![stage(1, 4, 60)];
    s.spark_properties.insert("spark.task.cpus".into(), "4".into());
    assert!(!has(&s, &d, "idle_slots"), "4 cores per task: 8 slots");
    s.executors.clear();
    assert!(!has(&s, &d, "idle_slots"), "no cores known: no finding");
}

#[test]
fn small_files_when_tasks_read_little_each() {
    let mut st = stage(2, 200, 30);
    st.input_bytes = 100 << 20;
    let mut s = Summary { stages: vec![st.clone()], ..Summary::default() };
    let d = Options::default();
    assert!(has(&s, &d, "small_files"), "512 KiB per task");
    assert!(!has(&s, &Options { small_partition_min_tasks: 500, ..d.clone() }, "small_files"));
    assert!(!has(&s, &Options { small_partition_bytes: 256 << 10, ..d.clone() }, "small_files"));
    st.input_bytes = 200 * (64 << 20);
    s.stages = vec![st];
    assert!(!has(&s, &d, "small_files"), "64 MiB per task");
}

#[test]
fn a_large_broadcast() {
    let mut s = Summary { broadcasts: vec![Broadcast { sql_id: 3, bytes: 200 << 20 }], ..Summary::default() };
    let d = Options::default();
    assert!(has(&s, &d, "large_broadcast"));
    s.broadcasts = vec![Broadcast { sql_id: 3, bytes: 32 << 20 }];
    assert!(!has(&s, &d, "large_broadcast"));
    assert!(has(&s, &Options { large_broadcast_bytes: 16 << 20, ..d }, "large_broadcast"));
}

#[test]
fn broadcasts_of_a_real_emr_log() {
    let path = format!("{}/../shared/fixtures/spark-events/join_agg_on_yarn_eventlog.zstd", env!("CARGO_MANIFEST_DIR"));
    let Ok(s) = crate::eventlog::summarize(std::path::Path::new(&path), &Options::default()) else {
        return; // the shared fixtures are not there (a checkout on its own)
    };
    // Two broadcast exchanges of the AQE plan, 34354432 bytes each (DriverAccumUpdates).
    assert_eq!(s.broadcasts, [Broadcast { sql_id: 0, bytes: 34_354_432 }, Broadcast { sql_id: 0, bytes: 34_354_432 }]);
    assert!(!has(&s, &Options::default(), "large_broadcast"));
    let low = Options { large_broadcast_bytes: 16 << 20, ..Options::default() };
    assert_eq!(kinds(&s, &low).iter().filter(|k| *k == "large_broadcast").count(), 2);
}

#[test]
fn shuffle_partitions_left_at_200_on_little_shuffle_data() {
    let mut st = stage(4, 200, 20);
    st.shuffle_read_bytes = 10 << 20;
    let mut s = Summary { stages: vec![st.clone()], ..Summary::default() };
    let d = Options::default();
    assert!(has(&s, &d, "shuffle_partitions_200"), "the default, 51 KiB per task");
    s.spark_properties.insert("spark.sql.shuffle.partitions".into(), "200".into());
    assert!(has(&s, &d, "shuffle_partitions_200"), "set to 200");
    assert!(!has(&s, &Options { small_shuffle_partition_bytes: 32 << 10, ..d.clone() }, "shuffle_partitions_200"));
    s.spark_properties.insert("spark.sql.shuffle.partitions".into(), "64".into());
    assert!(!has(&s, &d, "shuffle_partitions_200"), "someone chose the number");
    s.spark_properties.clear();
    st.shuffle_read_bytes = 200 * (100 << 20);
    s.stages = vec![st];
    assert!(!has(&s, &d, "shuffle_partitions_200"), "100 MiB per task is right for 200");
}

#[test]
fn failures_gathered_on_one_host() {
    let host = |h: &str, tasks, failed| HostTasks { host: h.into(), tasks, failed };
    let mut s =
        Summary { hosts: vec![host("bad", 10, 5), host("good-1", 30, 1), host("good-2", 30, 0)], ..Summary::default() };
    let d = Options::default();
    assert!(has(&s, &d, "failing_host"), "5 of 6 failures on a host with 14% of the tasks");
    assert!(!has(&s, &Options { host_failure_share: 0.9, ..d.clone() }, "failing_host"));
    assert!(!has(&s, &Options { host_failures_min: 10, ..d.clone() }, "failing_host"));
    s.hosts = vec![host("bad", 60, 5), host("good-1", 10, 1)];
    assert!(!has(&s, &d, "failing_host"), "it ran most of the tasks too");
    s.hosts = vec![host("only", 60, 9)];
    assert!(!has(&s, &d, "failing_host"), "one host: nothing to compare with");
}

#[test]
fn time_lost_to_speculative_attempts() {
    let mut s = Summary { lost_attempts: 5, lost_attempt_ms: 120_000, task_time_ms: 600_000, ..Summary::default() };
    let d = Options::default();
    assert!(has(&s, &d, "speculation_waste"), "20% of task time");
    assert!(!has(&s, &Options { speculation_waste_share: 0.3, ..d.clone() }, "speculation_waste"));
    (s.lost_attempt_ms, s.task_time_ms) = (30_000, 150_000);
    assert!(!has(&s, &d, "speculation_waste"), "20% again, but under a minute");
    assert!(has(&s, &Options { speculation_waste_min_ms: 10_000, ..d }, "speculation_waste"));
}

#[test]
fn hosts_and_lost_attempts_come_from_task_ends() {
    let end = |id: i64, host: &str, reason: &str| {
        format!(
            r#"{{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{reason},"Task Info":{{"Task ID":{id},"Launch Time":1000,"Host":"{host}","Finish Time":61000,"Failed":false,"Killed":false}}}}"#
        )
    };
    let mut a = Analyzer::new(Options::default());
    let killed = r#"{"Reason":"TaskKilled","Kill Reason":"another attempt succeeded","Accumulator Updates":[]}"#;
    let failed = r#"{"Reason":"ExceptionFailure","Class Name":"E","Description":"disk"}"#;
    for (i, (host, reason)) in [
        ("w1", r#"{"Reason":"Success"}"#),
        ("w1", r#"{"Reason":"Success"}"#),
        ("w2", killed),
        ("w2", failed),
        ("w2", r#"{"Reason":"FetchFailed","Message":"from w9"}"#),
    ]
    .into_iter()
    .enumerate()
    {
        a.feed_line(end(i as i64, host, reason).as_bytes());
    }
    let s = a.finish();
    assert_eq!(
        s.hosts,
        [HostTasks { host: "w2".into(), tasks: 3, failed: 1 }, HostTasks { host: "w1".into(), tasks: 2, failed: 0 }]
    );
    assert_eq!((s.lost_attempts, s.lost_attempt_ms, s.task_time_ms), (1, 60_000, 300_000));
}
