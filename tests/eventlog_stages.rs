//! A few stages of the public fixtures in ../shared/fixtures/spark-events, with numbers checked
//! by hand: task counts, metric sums and duration quantiles as Spark's history server gives them.

use std::path::Path;

use batchtop::eventlog::{Options, Summary, summarize};

fn read(name: &str) -> Summary {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events").join(name);
    summarize(&path, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// How the hand-checked numbers were obtained, independently of batchtop: decompress with
/// `zstd -dc`, then this jq program (task records = the first end event of each started task;
/// sums over their `Task Metrics`; durations of records with a finish time, sorted, indexed at
/// min(floor(q*n), n-1) with n = records whose Task Info is neither Failed nor Killed):
///
/// ```text
/// jq -s --argjson sid S --argjson att A '
///   [.[]|select(.Event=="SparkListenerTaskStart")|."Task Info"."Task ID"] as $started
///   | [.[]|select(.Event=="SparkListenerTaskEnd" and ."Stage ID"==$sid and (."Stage Attempt ID"//0)==$att)] as $ends
///   | ($ends|map(select(."Task Info"."Task ID" as $t|$started|index($t)))|unique_by(."Task Info"."Task ID")) as $recs
///   | ($recs|map(select(."Task Info"."Finish Time"!=0)|."Task Info"."Finish Time"-."Task Info"."Launch Time")|sort) as $d
///   | ($recs|map(select((."Task Info".Failed|not) and ((."Task Info".Killed//false)|not)))|length) as $n
///   | {completed: ($ends|map(select(."Task End Reason".Reason=="Success"))|length),
///      run: ($recs|map(."Task Metrics"."Executor Run Time"//0)|add), ...,
///      q: [0,($n/2|floor),($n*3/4|floor),$n-1]|map([.,$n-1]|min)|map($d[.])}'
/// ```
///
/// `failed`/`killed` count end reasons (killed = TaskKilled or TaskCommitDenied, failed = all but
/// those and Success). The same numbers came out of a separate Python re-implementation of the
/// history server's listener.
#[derive(Debug, PartialEq)]
struct Expected {
    done_failed_killed: (i64, i64, i64),
    run_ms: i64,
    cpu_ns: i64,
    gc_ms: i64,
    input: i64,
    shuffle_read: i64,
    shuffle_write: i64,
    fetch_wait_ms: i64,
    spill_mem_disk: (i64, i64),
    quantiles: Option<[u64; 4]>,
}

fn check_stage(s: &Summary, stage: (i64, i64), want: Expected) {
    let st = s.stages.iter().find(|st| (st.stage_id, st.attempt) == stage).expect("stage present");
    let got = Expected {
        done_failed_killed: (st.completed_tasks, st.failed_tasks, st.killed_tasks),
        run_ms: st.executor_run_time_ms,
        cpu_ns: st.executor_cpu_time_ns,
        gc_ms: st.jvm_gc_time_ms,
        input: st.input_bytes,
        shuffle_read: st.shuffle_read_bytes,
        shuffle_write: st.shuffle_write_bytes,
        fetch_wait_ms: st.shuffle_fetch_wait_ms,
        spill_mem_disk: (st.memory_spilled_bytes, st.disk_spilled_bytes),
        quantiles: st.task_duration_ms.map(|q| [q.min, q.p50, q.p75, q.max]),
    };
    assert_eq!(got, want, "stage {stage:?}");
}

#[test]
fn hand_checked_stages_spark_1_2() {
    // Spark 1.2: no CPU time, Shuffle Read Metrics without Local Bytes Read; 1 failed task of 8.
    let s = read("local-1422981780767");
    check_stage(
        &s,
        (2, 0),
        Expected {
            done_failed_killed: (7, 1, 0),
            run_ms: 278,
            cpu_ns: 0,
            gc_ms: 0,
            input: 0,
            shuffle_read: 0,
            shuffle_write: 0,
            fetch_wait_ms: 1,
            spill_mem_disk: (0, 0),
            quantiles: Some([39, 43, 44, 44]),
        },
    );
    assert_eq!(s.stages[2].status, "FAILED");
    assert_eq!(s.stages[2].num_tasks, 8);
}

#[test]
fn hand_checked_stages_spark_2_3() {
    // Spark 2.3: 4 failed attempts make Spark's duration quirk visible (successful tasks alone
    // would give a different p75/max).
    check_stage(
        &read("application_1516285256255_0012"),
        (0, 0),
        Expected {
            done_failed_killed: (10, 4, 0),
            run_ms: 5080,
            cpu_ns: 1_163_210_819,
            gc_ms: 370,
            input: 0,
            shuffle_read: 0,
            shuffle_write: 1461,
            fetch_wait_ms: 0,
            spill_mem_disk: (0, 0),
            quantiles: Some([60, 96, 132, 1506]),
        },
    );
}

#[test]
fn hand_checked_stages_spark_3_1() {
    // Spark 3.1: 50 Resubmitted ends count as failed (227 complete, 53 failed) but are not task
    // records and carry no metrics.
    check_stage(
        &read("tasks_executors_fail_compressed_eventlog.zstd"),
        (238, 0),
        Expected {
            done_failed_killed: (227, 53, 0),
            run_ms: 421,
            cpu_ns: 554_013_879,
            gc_ms: 0,
            input: 0,
            shuffle_read: 1113,
            shuffle_write: 978,
            fetch_wait_ms: 0,
            spill_mem_disk: (0, 0),
            quantiles: Some([3, 5, 6, 21]),
        },
    );
}

#[test]
fn hand_checked_stages_spark_3_3_rapids() {
    // Spark 3.3 + RAPIDS: failed stage with 45 failures and a kill; sums include failed attempts.
    check_stage(
        &read("gpu_oom_eventlog.zstd"),
        (34, 0),
        Expected {
            done_failed_killed: (76, 45, 1),
            run_ms: 925_078,
            cpu_ns: 69_621_243_063,
            gc_ms: 208,
            input: 14_286_861_660,
            shuffle_read: 0,
            shuffle_write: 9885,
            fetch_wait_ms: 0,
            spill_mem_disk: (58_222_911_824, 0),
            quantiles: Some([4374, 6619, 7231, 7839]),
        },
    );
}

#[test]
fn hand_checked_stages_spark_4_1() {
    // Spark 4.1: a spilling stage, and a failed stage without any successful task (no summary).
    let s = read("local-1776286786993.zstd");
    check_stage(
        &s,
        (14, 0),
        Expected {
            done_failed_killed: (3, 0, 0),
            run_ms: 1240,
            cpu_ns: 1_052_098_793,
            gc_ms: 62,
            input: 0,
            shuffle_read: 7_525_495,
            shuffle_write: 9089,
            fetch_wait_ms: 0,
            spill_mem_disk: (15_728_400, 4_223_661),
            quantiles: Some([95, 599, 600, 600]),
        },
    );
    check_stage(
        &s,
        (5, 0),
        Expected {
            done_failed_killed: (0, 7, 1),
            run_ms: 2067,
            cpu_ns: 0,
            gc_ms: 6,
            input: 0,
            shuffle_read: 0,
            shuffle_write: 0,
            fetch_wait_ms: 0,
            spill_mem_disk: (0, 0),
            quantiles: None,
        },
    );
    let skipped = s.stages.iter().filter(|st| st.status == "SKIPPED").count();
    assert_eq!(skipped, 24); // stages listed by a job but never submitted
}
