//! Findings about how the cluster was used, each with its threshold in `Options`
//! (`[eventlog.findings]`) and one line of advice: slots left idle, many small input
//! partitions, a large broadcast, shuffle partitions left at 200, task failures on one host,
//! time lost to speculative attempts. All from what Spark writes in every event log: stage
//! task counts and metrics, executors' cores, the Spark properties, task hosts and end reasons,
//! and the SQL plans' broadcast `data size` metric with its driver-side value.

use super::Options;
use super::model::{Finding, Severity, StageSummary, Summary};
use super::report::{fmt_bytes, fmt_ms};

pub(crate) fn findings(s: &Summary, opts: &Options, out: &mut Vec<Finding>) {
    let stages: Vec<&StageSummary> = s.stages.iter().filter(|st| st.status != "SKIPPED").collect();
    for st in &stages {
        idle_slots(s, st, opts, out);
        small_partitions(st, opts, out);
    }
    shuffle_partitions_left_at_200(s, &stages, opts, out);
    large_broadcasts(s, opts, out);
    failing_host(s, opts, out);
    speculation_waste(s, opts, out);
}

fn finding(kind: &str, stage: Option<&StageSummary>, message: String, advice: &str, impact_ms: i64) -> Finding {
    Finding {
        kind: kind.into(),
        severity: Severity::Warning,
        stage_id: stage.map(|st| st.stage_id),
        attempt: stage.map(|st| st.attempt),
        message,
        advice: advice.into(),
        impact_ms,
    }
}

fn label(st: &StageSummary) -> String {
    match st.name.lines().next().unwrap_or("") {
        "" => format!("stage {}.{}", st.stage_id, st.attempt),
        name => format!("stage {}.{} ({name})", st.stage_id, st.attempt),
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Task slots when the stage started: the cores of the executors alive then, over `spark.task.cpus`.
fn slots_at(s: &Summary, at: i64) -> (i64, i64) {
    let cores: i64 = s
        .executors
        .iter()
        .filter(|e| e.added_ms.is_none_or(|t| t <= at) && e.removed_ms.is_none_or(|t| t > at))
        .filter_map(|e| e.cores)
        .sum();
    let per_task = s.spark_properties.get("spark.task.cpus").and_then(|v| v.trim().parse().ok()).unwrap_or(1i64);
    (cores, cores / per_task.max(1))
}

fn idle_slots(s: &Summary, st: &StageSummary, opts: &Options, out: &mut Vec<Finding>) {
    let (Some(at), Some(took)) = (st.submission_ms, st.duration_ms()) else { return };
    if u64::try_from(took).is_ok_and(|t| t < opts.idle_slots_min_stage_ms) || st.num_tasks <= 0 {
        return;
    }
    let (cores, slots) = slots_at(s, at);
    if slots == 0 || (st.num_tasks as f64) >= opts.min_slot_use * slots as f64 {
        return;
    }
    let idle = 1.0 - st.num_tasks as f64 / slots as f64;
    out.push(finding(
        "idle_slots",
        Some(st),
        format!(
            "{}: {} tasks for {slots} task slots ({cores} cores): {} of the slots idle for {}",
            label(st),
            st.num_tasks,
            pct(idle),
            fmt_ms(took)
        ),
        "Too few tasks for the cores: repartition to at least as many partitions as slots (spark.sql.shuffle.partitions, spark.default.parallelism), or ask for fewer executors.",
        (took as f64 * idle) as i64,
    ));
}

fn small_partitions(st: &StageSummary, opts: &Options, out: &mut Vec<Finding>) {
    let tasks = u64::try_from(st.num_tasks).unwrap_or(0);
    let input = u64::try_from(st.input_bytes).unwrap_or(0);
    if input == 0 || tasks < opts.small_partition_min_tasks || input / tasks >= opts.small_partition_bytes {
        return;
    }
    out.push(finding(
        "small_files",
        Some(st),
        format!(
            "{}: read {} in {tasks} tasks, {} each: many small input partitions",
            label(st),
            fmt_bytes(st.input_bytes),
            fmt_bytes((input / tasks) as i64)
        ),
        "Small files: compact the input into fewer, larger files (128 MB to 1 GB), or let Spark pack more per task (spark.sql.files.maxPartitionBytes, spark.sql.files.openCostInBytes).",
        st.duration_ms().unwrap_or(0) / 2,
    ));
}

fn shuffle_partitions_left_at_200(s: &Summary, stages: &[&StageSummary], opts: &Options, out: &mut Vec<Finding>) {
    let setting = s.spark_properties.get("spark.sql.shuffle.partitions").map(|v| v.trim());
    if setting.is_some_and(|v| v != "200") {
        return;
    }
    let small: Vec<&&StageSummary> = stages
        .iter()
        .filter(|st| st.num_tasks == 200 && st.shuffle_read_bytes > 0)
        .filter(|st| u64::try_from(st.shuffle_read_bytes / 200).is_ok_and(|b| b < opts.small_shuffle_partition_bytes))
        .collect();
    let Some(first) = small.first() else { return };
    let read: i64 = small.iter().map(|st| st.shuffle_read_bytes).sum();
    let how = if setting.is_some() { "set to 200" } else { "left at its default of 200" };
    let others = match small.len() {
        1 => String::new(),
        n => format!(" and {} more stages", n - 1),
    };
    out.push(finding(
        "shuffle_partitions_200",
        Some(first),
        format!(
            "spark.sql.shuffle.partitions {how}: {}{others} read {} of shuffle data in 200 tasks each ({} per task in the first)",
            label(first),
            fmt_bytes(read),
            fmt_bytes(first.shuffle_read_bytes / 200)
        ),
        "Set spark.sql.shuffle.partitions to about the shuffle size / 128 MB, or keep AQE on to coalesce small partitions (spark.sql.adaptive.coalescePartitions.enabled).",
        small.iter().filter_map(|st| st.duration_ms()).sum::<i64>() / 4,
    ));
}

fn large_broadcasts(s: &Summary, opts: &Options, out: &mut Vec<Finding>) {
    for b in s.broadcasts.iter().filter(|b| u64::try_from(b.bytes).is_ok_and(|x| x > opts.large_broadcast_bytes)) {
        let what = s
            .sql_executions
            .iter()
            .find(|q| q.id == b.sql_id)
            .and_then(|q| q.description.as_deref())
            .map(|d| format!(" ({})", d.lines().next().unwrap_or("")))
            .unwrap_or_default();
        out.push(finding(
            "large_broadcast",
            None,
            format!("SQL query {}{what}: a broadcast of {}", b.sql_id, fmt_bytes(b.bytes)),
            "A broadcast is built on the driver and copied to every executor: lower spark.sql.autoBroadcastJoinThreshold (and spark.sql.adaptive.autoBroadcastJoinThreshold) so this join shuffles, or select fewer rows and columns before it.",
            0,
        ));
    }
}

fn failing_host(s: &Summary, opts: &Options, out: &mut Vec<Finding>) {
    let failed: u64 = s.hosts.iter().map(|h| h.failed).sum();
    let tasks: u64 = s.hosts.iter().map(|h| h.tasks).sum();
    let Some(top) = s.hosts.first() else { return };
    if s.hosts.len() < 2 || failed < opts.host_failures_min || tasks == 0 {
        return;
    }
    let (fail_share, task_share) = (top.failed as f64 / failed as f64, top.tasks as f64 / tasks as f64);
    if fail_share < opts.host_failure_share || task_share >= fail_share {
        return;
    }
    let mut f = finding(
        "failing_host",
        None,
        format!(
            "{} of {failed} failed tasks ran on {}, which ran {} of the tasks",
            top.failed,
            top.host,
            pct(task_share)
        ),
        "Failures gather on one node: check its disks, memory and network in its node/container logs, and keep it out (spark.excludeOnFailure.enabled) or replace it.",
        0,
    );
    f.severity = Severity::High;
    out.push(f);
}

fn speculation_waste(s: &Summary, opts: &Options, out: &mut Vec<Finding>) {
    let lost = s.lost_attempt_ms;
    if s.lost_attempts == 0
        || u64::try_from(lost).is_ok_and(|l| l < opts.speculation_waste_min_ms)
        || (lost as f64) <= opts.speculation_waste_share * s.task_time_ms as f64
    {
        return;
    }
    out.push(finding(
        "speculation_waste",
        None,
        format!(
            "{} task attempts were killed because another attempt of the task finished first: {} of task time, {} of all",
            s.lost_attempts,
            fmt_ms(lost),
            pct(lost as f64 / s.task_time_ms.max(1) as f64)
        ),
        "Speculative copies ran for nothing: fix what makes tasks slow (skew, a slow node), or make speculation stricter (spark.speculation.multiplier, spark.speculation.quantile, spark.speculation.minTaskRuntime).",
        lost,
    ));
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
