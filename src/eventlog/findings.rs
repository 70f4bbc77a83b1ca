//! Ranked findings: what went wrong or is slow, per stage, with one line of advice each.

use super::Options;
use super::failures::one_line;
use super::model::{Finding, Severity, StageSummary, Summary};
use super::report::{fmt_bytes, fmt_ms};

/// Rough cost of spilling, to rank spill next to time-based findings: 1 ms per 100 KB on disk.
const SPILL_BYTES_PER_MS: i64 = 100_000;

pub(crate) fn findings(s: &Summary, opts: &Options) -> Vec<Finding> {
    let mut out = Vec::new();
    failed_jobs(s, &mut out);
    failed_stages(s, &mut out);
    lost_executors(s, &mut out);
    for st in s.stages.iter().filter(|st| st.status != "SKIPPED") {
        stage_findings(st, opts, &mut out);
    }
    super::usage::findings(s, opts, &mut out);
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(b.impact_ms.cmp(&a.impact_ms))
            .then(a.stage_id.cmp(&b.stage_id))
            .then(a.kind.cmp(&b.kind))
    });
    out
}

fn label(st: &StageSummary) -> String {
    let name = st.name.lines().next().unwrap_or("");
    if name.is_empty() {
        format!("stage {}.{}", st.stage_id, st.attempt)
    } else {
        format!("stage {}.{} ({name})", st.stage_id, st.attempt)
    }
}

/// Advice for a failure, from the words of its message.
fn failure_advice(text: &str) -> &'static str {
    let t = text.to_ascii_lowercase();
    if ["outofmemory", "out of memory", "oom", "memory limit"].iter().any(|w| t.contains(w)) {
        "Out of memory: give executors more memory (or memoryOverhead), or split the work into more, smaller partitions."
    } else if ["fetchfailed", "fetch failed", "missing an output location"].iter().any(|w| t.contains(w)) {
        "Shuffle output was lost, usually with an executor: find why executors died; keep the external shuffle service or decommissioning on."
    } else if cancelled(&t) {
        "Cancelled because of another failure: look at the first failed stage and its task errors."
    } else {
        "Fix the task error shown under failed tasks; the stage failed once a task failed spark.task.maxFailures times."
    }
}

/// Cancelled as a consequence of something else (another failure, shutdown).
fn cancelled(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("cancelled") || t.contains("canceled")
}

fn failed_jobs(s: &Summary, out: &mut Vec<Finding>) {
    for job in s.jobs.iter().filter(|j| j.status == "FAILED") {
        let stage = s
            .stages
            .iter()
            .filter(|st| st.status == "FAILED" && job.stage_ids.contains(&st.stage_id))
            .min_by_key(|st| (st.stage_id, st.attempt));
        let why = job.failure.as_deref().unwrap_or("no reason in the log");
        let advice =
            failure_advice(&format!("{why} {}", stage.and_then(|st| st.failure_reason.as_deref()).unwrap_or("")));
        out.push(Finding {
            kind: "failed_job".into(),
            severity: if cancelled(why) { Severity::High } else { Severity::Critical },
            stage_id: stage.map(|st| st.stage_id),
            attempt: stage.map(|st| st.attempt),
            message: format!("job {} failed: {}", job.job_id, one_line(why)),
            advice: advice.into(),
            impact_ms: job.duration_ms().unwrap_or(0),
        });
    }
}

fn failed_stages(s: &Summary, out: &mut Vec<Finding>) {
    for st in s.stages.iter().filter(|st| st.status == "FAILED") {
        let retried =
            s.stages.iter().find(|o| o.stage_id == st.stage_id && o.attempt > st.attempt && o.status == "COMPLETE");
        let why = one_line(st.failure_reason.as_deref().unwrap_or("no reason in the log"));
        let (severity, message) = match retried {
            Some(o) => (Severity::High, format!("{} failed, attempt {} then succeeded: {why}", label(st), o.attempt)),
            None if cancelled(&why) => (Severity::High, format!("{} failed: {why}", label(st))),
            None => (Severity::Critical, format!("{} failed: {why}", label(st))),
        };
        out.push(Finding {
            kind: "failed_stage".into(),
            severity,
            stage_id: Some(st.stage_id),
            attempt: Some(st.attempt),
            message,
            advice: failure_advice(st.failure_reason.as_deref().unwrap_or("")).into(),
            impact_ms: st.duration_ms().unwrap_or(0),
        });
    }
}

/// Removals that are part of normal operation (dynamic allocation, shutdown, decommissioning).
fn benign_removal(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    ["killed by driver", "explicit termination request", "decommission", "idle", "deallocated", "shutdown"]
        .iter()
        .any(|w| r.contains(w))
}

fn lost_executors(s: &Summary, out: &mut Vec<Finding>) {
    for e in &s.executors {
        let reason = e.removed_reason.as_deref().unwrap_or("");
        let removed_badly = e.removed_ms.is_some() && !benign_removal(reason);
        if e.lost_tasks == 0 && !removed_badly {
            continue;
        }
        // The stage that was running when it went away.
        let at = e.removed_ms;
        let stage = s
            .stages
            .iter()
            .filter(|st| match (at, st.submission_ms) {
                (Some(at), Some(sub)) => sub <= at && st.completion_ms.is_none_or(|c| c >= at),
                _ => false,
            })
            .min_by_key(|st| (st.stage_id, st.attempt));
        let host = e.host.as_deref().map(|h| format!(" on {h}")).unwrap_or_default();
        let why = if reason.is_empty() { "no removal event".to_string() } else { one_line(reason) };
        let tasks = match e.lost_tasks {
            0 => String::new(),
            1 => ", 1 task failed with it".into(),
            n => format!(", {n} tasks failed with it"),
        };
        out.push(Finding {
            kind: "lost_executor".into(),
            severity: Severity::High,
            stage_id: stage.map(|st| st.stage_id),
            attempt: stage.map(|st| st.attempt),
            message: format!("executor {}{host} lost: {why}{tasks}", e.id),
            advice: "Check its container/node logs (memory limit kills, OOM, spot or preemption); raise spark.executor.memoryOverhead if killed for memory.".into(),
            impact_ms: 0,
        });
    }
}

fn stage_findings(st: &StageSummary, opts: &Options, out: &mut Vec<Finding>) {
    let finding = |kind: &str, message: String, advice: &str, impact_ms: i64| Finding {
        kind: kind.into(),
        severity: Severity::Warning,
        stage_id: Some(st.stage_id),
        attempt: Some(st.attempt),
        message,
        advice: advice.into(),
        impact_ms,
    };
    if let Some(q) = st.task_duration_ms
        && q.max as f64 > opts.skew_ratio * q.p75 as f64
        && q.max > opts.skew_floor_ms
    {
        let ratio = if q.p75 > 0 { format!("{:.1}x", q.max as f64 / q.p75 as f64) } else { "far above".into() };
        out.push(finding(
            "skew",
            format!("{}: slowest task {}, {ratio} the p75 of {}", label(st), fmt_ms(q.max as i64), fmt_ms(q.p75 as i64)),
            "Data skew: salt or pre-aggregate the hot key, or let AQE split skewed partitions (spark.sql.adaptive.skewJoin.enabled).",
            q.max.saturating_sub(q.p75) as i64,
        ));
    }
    if st.disk_spilled_bytes > 0 || st.memory_spilled_bytes > 0 {
        let message = if st.disk_spilled_bytes > 0 {
            format!(
                "{}: spilled {} to disk ({} in memory)",
                label(st),
                fmt_bytes(st.disk_spilled_bytes),
                fmt_bytes(st.memory_spilled_bytes)
            )
        } else {
            format!("{}: spilled {} from memory (none reached disk)", label(st), fmt_bytes(st.memory_spilled_bytes))
        };
        out.push(finding(
            "spill",
            message,
            "Tasks ran out of execution memory: use more, smaller partitions (spark.sql.shuffle.partitions) or more memory per task.",
            st.disk_spilled_bytes / SPILL_BYTES_PER_MS + st.memory_spilled_bytes / (10 * SPILL_BYTES_PER_MS),
        ));
    }
    let run = st.executor_run_time_ms;
    let big_enough = u64::try_from(run).is_ok_and(|r| r >= opts.min_run_time_ms) && run > 0;
    if big_enough && st.jvm_gc_time_ms as f64 > opts.gc_ratio * run as f64 {
        let message = if st.jvm_gc_time_ms > run {
            // Spark charges JVM-wide GC to every task running at the time, so this can happen.
            format!(
                "{}: GC time {} exceeds the executor run time {} (GC of the whole JVM, charged to each running task)",
                label(st),
                fmt_ms(st.jvm_gc_time_ms),
                fmt_ms(run)
            )
        } else {
            format!(
                "{}: GC took {:.0}% of executor run time ({} of {})",
                label(st),
                100.0 * st.jvm_gc_time_ms as f64 / run as f64,
                fmt_ms(st.jvm_gc_time_ms),
                fmt_ms(run)
            )
        };
        out.push(finding(
            "gc",
            message,
            "Memory pressure: give executors more memory or fewer cores each, cache less or in serialized form, avoid huge objects.",
            st.jvm_gc_time_ms,
        ));
    }
    if big_enough && st.shuffle_fetch_wait_ms as f64 > opts.fetch_wait_ratio * run as f64 {
        out.push(finding(
            "fetch_wait",
            format!(
                "{}: tasks waited {} for shuffle data, {:.0}% of run time",
                label(st),
                fmt_ms(st.shuffle_fetch_wait_ms),
                100.0 * st.shuffle_fetch_wait_ms as f64 / run as f64
            ),
            "Slow shuffle fetch: look for overloaded or lost executors and network limits; fewer, larger shuffle blocks help.",
            st.shuffle_fetch_wait_ms,
        ));
    }
}
