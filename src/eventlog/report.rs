//! The two renderings of a [`Summary`]: JSON for tools, text for people.

use std::fmt::Write as _;

use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

use super::model::{FailureGroup, StageSummary, Summary};

impl Summary {
    /// Machine-readable summary; stage numbers as the history server REST API reports them.
    pub fn to_json(&self) -> Value {
        json!({
            "app_id": self.app_id,
            "app_name": self.app_name,
            "attempt_id": self.attempt_id,
            "spark_version": self.spark_version,
            "user": self.user,
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "duration_ms": self.duration_ms(),
            "completed": self.completed(),
            "jobs": self.jobs.iter().map(|j| json!({
                "job_id": j.job_id,
                "status": j.status,
                "stage_ids": j.stage_ids,
                "submission_ms": j.submission_ms,
                "completion_ms": j.completion_ms,
                "duration_ms": j.duration_ms(),
                "sql_execution_id": j.sql_execution_id,
                "description": j.description,
                "failure": j.failure,
            })).collect::<Vec<_>>(),
            "stages": self.stages.iter().map(stage_json).collect::<Vec<_>>(),
            "executors": self.executors.iter().map(|e| json!({
                "id": e.id,
                "host": e.host,
                "cores": e.cores,
                "added_ms": e.added_ms,
                "removed_ms": e.removed_ms,
                "removed_reason": e.removed_reason,
                "lost_tasks": e.lost_tasks,
            })).collect::<Vec<_>>(),
            "sql_executions": self.sql_executions.iter().map(|q| json!({
                "id": q.id,
                "description": q.description,
                "start_ms": q.start_ms,
                "end_ms": q.end_ms,
                "duration_ms": q.duration_ms(),
                "error": q.error,
            })).collect::<Vec<_>>(),
            "failed_tasks": self.failed_tasks.iter().map(group_json).collect::<Vec<_>>(),
            "killed_tasks": self.killed_tasks.iter().map(group_json).collect::<Vec<_>>(),
            "findings": self.findings.iter().map(|f| json!({
                "kind": f.kind,
                "severity": f.severity.as_str(),
                "stage_id": f.stage_id,
                "attempt": f.attempt,
                "message": f.message,
                "advice": f.advice,
                "impact_ms": f.impact_ms,
            })).collect::<Vec<_>>(),
            "skipped_lines": self.skipped_lines,
            "lines": self.lines,
            "bytes": self.bytes,
            "truncated_last_line": self.truncated_last_line,
            "unfinished_tasks": self.unfinished_tasks,
            "notes": self.notes,
        })
    }

    /// A readable report: application, ranked findings, then jobs, stages, executors, failures, SQL.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        self.write_header(&mut o);
        self.write_findings(&mut o);
        self.write_jobs(&mut o);
        self.write_stages(&mut o);
        self.write_executors(&mut o);
        write_groups(&mut o, "Failed tasks", &self.failed_tasks);
        write_groups(&mut o, "Killed tasks", &self.killed_tasks);
        self.write_sql(&mut o);
        o
    }

    fn write_header(&self, o: &mut String) {
        let id = self.app_id.as_deref().unwrap_or("(no application id)");
        let name = self.app_name.as_deref().map(|n| format!(" \"{n}\"")).unwrap_or_default();
        let attempt = self.attempt_id.as_deref().map(|a| format!(" attempt {a}")).unwrap_or_default();
        let _ = writeln!(o, "Spark application {id}{name}{attempt}");
        let version = self.spark_version.as_deref().unwrap_or("version unknown (no LogStart event)");
        let user = self.user.as_deref().map(|u| format!(", user {u}")).unwrap_or_default();
        let _ = writeln!(o, "  Spark {version}{user}");
        let span = match (self.start_ms, self.end_ms) {
            (Some(s), Some(e)) => format!("{} -> {} ({})", fmt_time(s), fmt_time(e), fmt_ms(e - s)),
            (Some(s), None) => format!("started {}; no end event (still running or the log is cut short)", fmt_time(s)),
            _ => "no application start event".into(),
        };
        let _ = writeln!(o, "  {span}");
        let _ = writeln!(
            o,
            "  {} lines read ({}), {} skipped as unreadable",
            self.lines,
            fmt_bytes(self.bytes as i64),
            self.skipped_lines
        );
        if self.truncated_last_line {
            let _ = writeln!(o, "  note: the last line is cut off (usual while the application runs); it was left out");
        }
        if self.unfinished_tasks > 0 {
            let _ = writeln!(o, "  note: {} tasks started but have no end event", self.unfinished_tasks);
        }
        for note in &self.notes {
            let _ = writeln!(o, "  note: {note}");
        }
    }

    fn write_findings(&self, o: &mut String) {
        let _ = writeln!(o, "\nFindings ({})", self.findings.len());
        if self.findings.is_empty() {
            let _ = writeln!(o, "  nothing stands out");
        }
        for (n, f) in self.findings.iter().enumerate() {
            let _ = writeln!(o, "  {:>2}. [{}] {}", n + 1, f.severity.as_str(), f.message);
            let _ = writeln!(o, "      advice: {}", f.advice);
        }
    }

    fn write_jobs(&self, o: &mut String) {
        let count = |s: &str| self.jobs.iter().filter(|j| j.status == s).count();
        let _ = writeln!(
            o,
            "\nJobs: {} ({} succeeded, {} failed, {} running)",
            self.jobs.len(),
            count("SUCCEEDED"),
            count("FAILED"),
            count("RUNNING")
        );
        if !self.jobs.is_empty() {
            let _ = writeln!(o, "  {:>5}  {:<9}  {:>9}  {:>5}  STAGES", "JOB", "STATUS", "DURATION", "SQL");
        }
        for j in &self.jobs {
            let sql = j.sql_execution_id.map(|q| q.to_string()).unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "  {:>5}  {:<9}  {:>9}  {:>5}  {}",
                j.job_id,
                j.status,
                opt_ms(j.duration_ms()),
                sql,
                clip(&join(&sorted(&j.stage_ids)), 60)
            );
        }
    }

    fn write_stages(&self, o: &mut String) {
        let (skipped, shown): (Vec<&StageSummary>, Vec<&StageSummary>) =
            self.stages.iter().partition(|s| s.status == "SKIPPED" && s.completed_tasks + s.failed_tasks == 0);
        let _ = writeln!(o, "\nStages: {} attempts ({} skipped)", self.stages.len(), skipped.len());
        if !shown.is_empty() {
            let _ = writeln!(
                o,
                "  {:>7}  {:<8}  {:>18}  {:>8}  {:>8}  {:>8}  {:>7}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>28}  NAME",
                "STAGE",
                "STATUS",
                "TASKS ok/fail/kill",
                "DURATION",
                "RUN",
                "CPU",
                "GC",
                "INPUT",
                "OUTPUT",
                "SHUF READ",
                "SHUF WRITE",
                "DISK SPILL",
                "TASK min/p50/p75/max"
            );
        }
        for s in shown {
            let tasks = format!("{}/{}/{} of {}", s.completed_tasks, s.failed_tasks, s.killed_tasks, s.num_tasks);
            let quant = s
                .task_duration_ms
                .map(|q| format!("{}/{}/{}/{}", short_ms(q.min), short_ms(q.p50), short_ms(q.p75), short_ms(q.max)))
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                o,
                "  {:>7}  {:<8}  {:>18}  {:>8}  {:>8}  {:>8}  {:>7}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}  {:>28}  {}",
                format!("{}.{}", s.stage_id, s.attempt),
                s.status,
                tasks,
                opt_ms(s.duration_ms()),
                fmt_ms(s.executor_run_time_ms),
                fmt_ms(s.executor_cpu_time_ns / 1_000_000),
                fmt_ms(s.jvm_gc_time_ms),
                fmt_bytes(s.input_bytes),
                fmt_bytes(s.output_bytes),
                fmt_bytes(s.shuffle_read_bytes),
                fmt_bytes(s.shuffle_write_bytes),
                fmt_bytes(s.disk_spilled_bytes),
                quant,
                clip(s.name.lines().next().unwrap_or(""), 50)
            );
        }
        if !skipped.is_empty() {
            let ids: Vec<i64> = skipped.iter().map(|s| s.stage_id).collect();
            let _ = writeln!(o, "  skipped (output reused): {}", clip(&join(&ids), 120));
        }
    }

    fn write_executors(&self, o: &mut String) {
        let removed = self.executors.iter().filter(|e| e.removed_ms.is_some()).count();
        let _ = writeln!(o, "\nExecutors: {} ({removed} removed)", self.executors.len());
        if !self.executors.is_empty() {
            let _ = writeln!(o, "  {:>8}  {:<30}  {:>9}  {:>9}  REMOVAL REASON", "ID", "HOST", "ADDED", "REMOVED");
        }
        for e in &self.executors {
            let at = |t: Option<i64>| match (t, self.start_ms) {
                (Some(t), Some(s)) => format!("+{}", fmt_ms(t - s)),
                (Some(t), None) => fmt_time(t),
                _ => "-".into(),
            };
            let reason =
                e.removed_reason.as_deref().map(|r| clip(r.lines().next().unwrap_or(""), 70)).unwrap_or_default();
            let lost = if e.lost_tasks > 0 { format!(" ({} tasks lost)", e.lost_tasks) } else { String::new() };
            let _ = writeln!(
                o,
                "  {:>8}  {:<30}  {:>9}  {:>9}  {reason}{lost}",
                e.id,
                clip(e.host.as_deref().unwrap_or("-"), 30),
                at(e.added_ms),
                at(e.removed_ms)
            );
        }
    }

    fn write_sql(&self, o: &mut String) {
        if self.sql_executions.is_empty() {
            return;
        }
        let mut by_time: Vec<_> = self.sql_executions.iter().collect();
        by_time.sort_by_key(|q| std::cmp::Reverse(q.duration_ms().unwrap_or(-1)));
        let shown = by_time.len().min(20);
        let _ = writeln!(o, "\nSQL executions: {} (slowest {shown})", self.sql_executions.len());
        let _ = writeln!(o, "  {:>5}  {:>9}  {:<7}  DESCRIPTION", "ID", "DURATION", "STATUS");
        for q in by_time.into_iter().take(shown) {
            let status = match (&q.error, q.end_ms) {
                (Some(_), _) => "failed",
                (None, Some(_)) => "done",
                (None, None) => "running",
            };
            let desc = q.description.as_deref().unwrap_or("").lines().next().unwrap_or("");
            let _ = writeln!(o, "  {:>5}  {:>9}  {:<7}  {}", q.id, opt_ms(q.duration_ms()), status, clip(desc, 90));
        }
    }
}

fn stage_json(s: &StageSummary) -> Value {
    json!({
        "stage_id": s.stage_id,
        "attempt": s.attempt,
        "name": s.name,
        "status": s.status,
        "num_tasks": s.num_tasks,
        "completed_tasks": s.completed_tasks,
        "failed_tasks": s.failed_tasks,
        "killed_tasks": s.killed_tasks,
        "active_tasks": s.active_tasks,
        "submission_ms": s.submission_ms,
        "completion_ms": s.completion_ms,
        "duration_ms": s.duration_ms(),
        "failure_reason": s.failure_reason,
        "executor_run_time_ms": s.executor_run_time_ms,
        "executor_cpu_time_ns": s.executor_cpu_time_ns,
        "jvm_gc_time_ms": s.jvm_gc_time_ms,
        "input_bytes": s.input_bytes,
        "output_bytes": s.output_bytes,
        "shuffle_read_bytes": s.shuffle_read_bytes,
        "shuffle_write_bytes": s.shuffle_write_bytes,
        "shuffle_fetch_wait_ms": s.shuffle_fetch_wait_ms,
        "memory_spilled_bytes": s.memory_spilled_bytes,
        "disk_spilled_bytes": s.disk_spilled_bytes,
        "task_duration_ms": s.task_duration_ms.map(|q| json!({"min": q.min, "p50": q.p50, "p75": q.p75, "max": q.max})),
        "job_ids": s.job_ids,
    })
}

fn group_json(g: &FailureGroup) -> Value {
    json!({
        "kind": g.kind,
        "reason": g.reason,
        "count": g.count,
        "stage_ids": g.stage_ids,
        "example_stack": g.example_stack,
    })
}

fn write_groups(o: &mut String, title: &str, groups: &[FailureGroup]) {
    if groups.is_empty() {
        return;
    }
    let total: u64 = groups.iter().map(|g| g.count).sum();
    let plural = if groups.len() == 1 { "group" } else { "groups" };
    let _ = writeln!(o, "\n{title}: {total} in {} {plural}", groups.len());
    for g in groups {
        let _ = writeln!(o, "  {:>6} x {}  (stages {})", g.count, g.reason, clip(&join(&g.stage_ids), 40));
        if let Some(stack) = &g.example_stack {
            for line in stack.lines().skip(1).take(4) {
                let _ = writeln!(o, "             {}", clip(line.trim(), 110));
            }
        }
    }
}

fn sorted(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids
}

fn join(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

fn fmt_time(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
        None => format!("{ms} ms"),
    }
}

fn opt_ms(ms: Option<i64>) -> String {
    ms.map(fmt_ms).unwrap_or_else(|| "-".into())
}

fn short_ms(ms: u64) -> String {
    fmt_ms(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// 850 ms, 12.3 s, 4m 05s, 2h 03m.
pub(crate) fn fmt_ms(ms: i64) -> String {
    let sign = if ms < 0 { "-" } else { "" };
    let ms = ms.unsigned_abs();
    match ms {
        0..1_000 => format!("{sign}{ms} ms"),
        1_000..60_000 => format!("{sign}{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{sign}{}m {:02}s", ms / 60_000, ms % 60_000 / 1000),
        _ => format!("{sign}{}h {:02}m", ms / 3_600_000, ms % 3_600_000 / 60_000),
    }
}

/// 512 B, 1.5 KiB, 3.2 GiB.
pub(crate) fn fmt_bytes(b: i64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if b.unsigned_abs() < 1024 {
        return format!("{b} B");
    }
    let mut v = b as f64 / 1024.0;
    let mut unit = 0;
    while v.abs() >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(fmt_ms(850), "850 ms");
        assert_eq!(fmt_ms(12_345), "12.3 s");
        assert_eq!(fmt_ms(245_000), "4m 05s");
        assert_eq!(fmt_ms(7_380_000), "2h 03m");
        assert_eq!(fmt_bytes(512), "512 B");
        assert_eq!(fmt_bytes(1536), "1.5 KiB");
        assert_eq!(fmt_bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn empty_summary_renders() {
        let s = Summary::default();
        assert!(s.to_text().contains("no application start event"));
        assert_eq!(s.to_json()["skipped_lines"], 0);
    }
}
