//! The two renderings of a [`Comparison`]: JSON for tools, text for people (findings first).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Comparison, FindingChange, RunInfo, StagePair, StageRun};
use crate::eventlog::Summary;
use crate::eventlog::report::{fmt_bytes, fmt_ms};

/// What `batchtop eventlog compare` prints: B compared with A, as pretty JSON or as the report.
/// Each run comes with the path it was read from, to name a log in which no line is a Spark
/// event (the only error: anything else that reads compares).
pub fn render(a: (&str, &Summary), b: (&str, &Summary), json: bool) -> Result<String, String> {
    for (path, s) in [a, b] {
        if s.lines == s.skipped_lines {
            return Err(format!("{path}: not a Spark event log: none of its {} lines is a Spark event", s.lines));
        }
    }
    let cmp = super::compare(a.1, b.1);
    Ok(if json {
        format!("{}\n", serde_json::to_string_pretty(&cmp.to_json()).unwrap_or_default())
    } else {
        cmp.to_text()
    })
}

impl Comparison {
    /// Machine-readable comparison; every stage number as `[a, b]`.
    pub fn to_json(&self) -> Value {
        let ids = |stages: &[StageRun]| stages.iter().map(|s| s.stage_id).collect::<Vec<_>>();
        let named = |stages: &[StageRun]| {
            stages.iter().map(|s| json!({"stage_id": s.stage_id, "name": s.name})).collect::<Vec<_>>()
        };
        json!({
            "a": run_json(&self.a),
            "b": run_json(&self.b),
            "config_changes": self.config_changes.iter().map(|c| json!({
                "key": c.key,
                "a": c.a,
                "b": c.b,
                "run_specific": c.run_specific,
            })).collect::<Vec<_>>(),
            "stages": self.stages.iter().map(pair_json).collect::<Vec<_>>(),
            "only_in_a": ids(&self.only_in_a),
            "only_in_b": ids(&self.only_in_b),
            "only_in_a_stages": named(&self.only_in_a),
            "only_in_b_stages": named(&self.only_in_b),
            "new_in_b": self.new_in_b.iter().map(change_json).collect::<Vec<_>>(),
            "gone_in_b": self.gone_in_b.iter().map(change_json).collect::<Vec<_>>(),
            "findings": self.findings.iter().map(|f| json!({
                "kind": f.kind,
                "message": f.message,
                "impact_ms": f.impact_ms,
            })).collect::<Vec<_>>(),
        })
    }

    /// Findings first (why B differs from A), then the two runs, the configuration changes and
    /// the stages side by side.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "Findings: B ({}) against A ({})", run_label(&self.b), run_label(&self.a));
        if self.findings.is_empty() {
            let _ = writeln!(o, "  no difference that matters: B ran like A");
        }
        for (n, f) in self.findings.iter().enumerate() {
            let _ = writeln!(o, "  {:>2}. {}", n + 1, f.message);
        }
        self.write_runs(&mut o);
        self.write_config(&mut o);
        self.write_stages(&mut o);
        o
    }

    fn write_runs(&self, o: &mut String) {
        let _ = writeln!(o, "\nRuns");
        let mut rows =
            vec![cells(&["", "APPLICATION", "SPARK", "DURATION", "JOBS failed/all", "FAILED TASKS", "EXECUTORS"])];
        for (side, r) in [("A", &self.a), ("B", &self.b)] {
            let duration = match (r.duration_ms, r.completed) {
                (Some(ms), _) => fmt_ms(ms),
                (None, false) => "no end".into(),
                (None, true) => "-".into(),
            };
            rows.push(vec![
                side.into(),
                run_label(r),
                r.spark_version.clone().unwrap_or_else(|| "?".into()),
                duration,
                format!("{}/{}", r.failed_jobs, r.jobs),
                r.failed_tasks.to_string(),
                format!("{} ({} lost)", r.executors, r.lost_executors),
            ]);
        }
        write_table(o, &rows, 1);
    }

    fn write_config(&self, o: &mut String) {
        let (noise, real): (Vec<_>, Vec<_>) = self.config_changes.iter().partition(|c| c.run_specific);
        let _ = writeln!(o, "\nConfiguration changes: {} (and {} that differ in every run)", real.len(), noise.len());
        let value = |v: &Option<String>| v.as_deref().map(super::findings::short).unwrap_or_else(|| "(not set)".into());
        let rows: Vec<Vec<String>> =
            real.iter().map(|c| vec![c.key.clone(), value(&c.a), "→".into(), value(&c.b)]).collect();
        write_table(o, &rows, 0);
        if !noise.is_empty() {
            let keys: Vec<&str> = noise.iter().map(|c| c.key.as_str()).collect();
            let _ = writeln!(o, "  differ in every run: {}", keys.join(", "));
        }
    }

    fn write_stages(&self, o: &mut String) {
        let _ = writeln!(
            o,
            "\nStages: {} matched, {} only in A, {} only in B (matched by name and call site, then in order)",
            self.stages.len(),
            self.only_in_a.len(),
            self.only_in_b.len()
        );
        let mut rows = vec![cells(&[
            "STAGE A/B",
            "DURATION",
            "CHANGE",
            "TASKS",
            "INPUT",
            "OUTPUT",
            "SHUF READ",
            "SHUF WRITE",
            "SPILL mem/disk",
            "TASK p50",
            "TASK max",
            "NAME",
        ])];
        rows.extend(self.stages.iter().map(pair_row));
        for (side, stages) in [("A", &self.only_in_a), ("B", &self.only_in_b)] {
            rows.extend(stages.iter().map(|s| only_row(side, s)));
        }
        // Byte columns that are zero in every row say nothing: leave them out.
        let zero = |c: usize| (4..=8).contains(&c) && rows[1..].iter().all(|r| r[c] == "0 B" || r[c] == "0 B/0 B");
        let keep: Vec<usize> = (0..rows[0].len()).filter(|&c| !zero(c)).collect();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| keep.iter().map(|&c| r[c].clone()).collect()).collect();
        write_table(o, &rows, keep.len() - 1);
    }
}

fn run_json(r: &RunInfo) -> Value {
    json!({
        "app_id": r.app_id,
        "app_name": r.app_name,
        "spark_version": r.spark_version,
        "duration_ms": r.duration_ms,
        "completed": r.completed,
        "jobs": r.jobs,
        "failed_jobs": r.failed_jobs,
        "failed_tasks": r.failed_tasks,
        "lost_executors": r.lost_executors,
        "executors": r.executors,
    })
}

fn change_json(f: &FindingChange) -> Value {
    json!({
        "kind": f.kind,
        "severity": f.severity.as_str(),
        "a_stage_id": f.a_stage_id,
        "b_stage_id": f.b_stage_id,
        "message": f.message,
        "advice": f.advice,
        "impact_ms": f.impact_ms,
    })
}

fn pair_json(p: &StagePair) -> Value {
    let (a, b) = (&p.a, &p.b);
    json!({
        "a_stage_id": a.stage_id,
        "b_stage_id": b.stage_id,
        "name": a.name,
        "b_name": b.name,
        "matched_by": p.matched_by.as_str(),
        "status": [a.status, b.status],
        "attempts": [a.attempts, b.attempts],
        "duration_ms": [a.duration_ms, b.duration_ms],
        "num_tasks": [a.num_tasks, b.num_tasks],
        "failed_tasks": [a.failed_tasks, b.failed_tasks],
        "executor_run_time_ms": [a.executor_run_time_ms, b.executor_run_time_ms],
        "input_bytes": [a.input_bytes, b.input_bytes],
        "output_bytes": [a.output_bytes, b.output_bytes],
        "shuffle_read_bytes": [a.shuffle_read_bytes, b.shuffle_read_bytes],
        "shuffle_write_bytes": [a.shuffle_write_bytes, b.shuffle_write_bytes],
        "memory_spilled_bytes": [a.memory_spilled_bytes, b.memory_spilled_bytes],
        "disk_spilled_bytes": [a.disk_spilled_bytes, b.disk_spilled_bytes],
        "task_p50_ms": [a.task_p50_ms, b.task_p50_ms],
        "task_max_ms": [a.task_max_ms, b.task_max_ms],
    })
}

fn run_label(r: &RunInfo) -> String {
    let id = r.app_id.as_deref().unwrap_or("no application id");
    match r.app_name.as_deref() {
        Some(name) => format!("{id} \"{name}\""),
        None => id.to_string(),
    }
}

fn cells(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

/// `a → b`, or just `a` when both are the same.
fn both(a: String, b: String) -> String {
    if a == b { a } else { format!("{a} → {b}") }
}

fn opt_ms(ms: Option<i64>) -> String {
    ms.map(fmt_ms).unwrap_or_else(|| "-".into())
}

fn opt_task_ms(ms: Option<u64>) -> String {
    opt_ms(ms.map(|v| i64::try_from(v).unwrap_or(i64::MAX)))
}

/// B's duration relative to A's: `+35%`, `-59%`, `=`.
fn change(a: Option<i64>, b: Option<i64>) -> String {
    match (a, b) {
        (Some(x), Some(y)) if x == y => "=".into(),
        (Some(x), Some(y)) if x > 0 => format!("{:+.0}%", 100.0 * (y - x) as f64 / x as f64),
        _ => "-".into(),
    }
}

fn spill(s: &StageRun) -> String {
    format!("{}/{}", fmt_bytes(s.memory_spilled_bytes), fmt_bytes(s.disk_spilled_bytes))
}

fn pair_row(p: &StagePair) -> Vec<String> {
    let (a, b) = (&p.a, &p.b);
    let name = if a.name == b.name { a.name.clone() } else { format!("{} | B: {}", a.name, b.name) };
    vec![
        format!("{}/{}", a.stage_id, b.stage_id),
        both(opt_ms(a.duration_ms), opt_ms(b.duration_ms)),
        change(a.duration_ms, b.duration_ms),
        both(a.num_tasks.to_string(), b.num_tasks.to_string()),
        both(fmt_bytes(a.input_bytes), fmt_bytes(b.input_bytes)),
        both(fmt_bytes(a.output_bytes), fmt_bytes(b.output_bytes)),
        both(fmt_bytes(a.shuffle_read_bytes), fmt_bytes(b.shuffle_read_bytes)),
        both(fmt_bytes(a.shuffle_write_bytes), fmt_bytes(b.shuffle_write_bytes)),
        both(spill(a), spill(b)),
        both(opt_task_ms(a.task_p50_ms), opt_task_ms(b.task_p50_ms)),
        both(opt_task_ms(a.task_max_ms), opt_task_ms(b.task_max_ms)),
        name,
    ]
}

fn only_row(side: &str, s: &StageRun) -> Vec<String> {
    let id = if side == "A" { format!("{}/-", s.stage_id) } else { format!("-/{}", s.stage_id) };
    vec![
        id,
        opt_ms(s.duration_ms),
        format!("only {side}"),
        s.num_tasks.to_string(),
        fmt_bytes(s.input_bytes),
        fmt_bytes(s.output_bytes),
        fmt_bytes(s.shuffle_read_bytes),
        fmt_bytes(s.shuffle_write_bytes),
        spill(s),
        opt_task_ms(s.task_p50_ms),
        opt_task_ms(s.task_max_ms),
        s.name.clone(),
    ]
}

/// Rows as columns two spaces apart, indented by two; columns from `left` on are left-aligned
/// (the last column is never padded).
fn write_table(o: &mut String, rows: &[Vec<String>], left: usize) {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..cols).map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0)).collect();
    for row in rows {
        let mut line = String::from(" ");
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.chars().count());
            line.push(' ');
            match (c >= left, c + 1 == row.len()) {
                (true, true) => line.push_str(cell),
                (true, false) => line.push_str(&format!("{cell}{}", " ".repeat(pad))),
                (false, _) => line.push_str(&format!("{}{cell}", " ".repeat(pad))),
            }
            line.push(' ');
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
}
