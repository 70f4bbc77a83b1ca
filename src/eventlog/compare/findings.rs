//! The findings of a comparison, ranked (order in `compare`'s docs), each one line of words.

use super::{CompareFinding, Comparison, RunInfo, StagePair, StageRun};
use crate::eventlog::report::{fmt_bytes, fmt_ms};

/// A time change counts when one side is at least this many times the other...
const TIME_RATIO: f64 = 1.5;
/// ... and the difference is at least this long (ms).
const MIN_STAGE_DELTA_MS: i64 = 1_000;
/// A volume (bytes) explains a change when it moved by `TIME_RATIO` and the larger side is this big.
const MIN_BYTES: i64 = 1024 * 1024;
/// Stage time findings listed one by one; the rest are counted in one more line.
const MAX_STAGE_FINDINGS: usize = 8;
/// Setting changes listed one by one; the rest are counted in one more line.
const MAX_CONFIG_FINDINGS: usize = 12;
/// Longer values are cut in findings and in the text report (never in JSON).
const MAX_VALUE_CHARS: usize = 60;

pub(super) fn findings(c: &Comparison) -> Vec<CompareFinding> {
    let mut out = Vec::new();
    outcome(&c.a, &c.b, &mut out);
    duration(&c.a, &c.b, &mut out);
    stage_times(&c.stages, &mut out);
    failures(&c.a, &c.b, &mut out);
    if c.a.spark_version != c.b.spark_version {
        let v = |r: &RunInfo| r.spark_version.clone().unwrap_or_else(|| "unknown".into());
        out.push(finding("spark_version", format!("Spark version changed {} → {}", v(&c.a), v(&c.b)), 0));
    }
    config(c, &mut out);
    only_in("A", &c.only_in_a, &mut out);
    only_in("B", &c.only_in_b, &mut out);
    super::analysis::findings(c, &mut out);
    super::analysis::rank_by_impact(&mut out, MIN_STAGE_DELTA_MS);
    out
}

/// One finding per changed setting, up to `MAX_CONFIG_FINDINGS`; long values shortened.
fn config(c: &Comparison, out: &mut Vec<CompareFinding>) {
    let changed: Vec<_> = c.config_changes.iter().filter(|ch| !ch.run_specific).collect();
    for ch in changed.iter().take(MAX_CONFIG_FINDINGS) {
        let message = match (ch.a.as_deref().map(short), ch.b.as_deref().map(short)) {
            (Some(a), Some(b)) => format!("{} changed {a} → {b}", ch.key),
            (None, Some(b)) => format!("{} set only in B: {b}", ch.key),
            (Some(a), None) => format!("{} set only in A: {a} (B: Spark's default)", ch.key),
            (None, None) => continue,
        };
        out.push(finding("config", message, 0));
    }
    if changed.len() > MAX_CONFIG_FINDINGS {
        let message =
            format!("{} more settings differ (see the configuration changes)", changed.len() - MAX_CONFIG_FINDINGS);
        out.push(finding("config", message, 0));
    }
}

/// A value cut to `MAX_VALUE_CHARS` characters, with an ellipsis when cut.
pub(super) fn short(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => format!("{}…", &value[..at]),
        None => value.to_string(),
    }
}

fn finding(kind: &str, message: String, impact_ms: i64) -> CompareFinding {
    CompareFinding { kind: kind.into(), message, impact_ms }
}

fn outcome(a: &RunInfo, b: &RunInfo, out: &mut Vec<CompareFinding>) {
    let jobs = |r: &RunInfo| format!("{} of {} jobs failed", r.failed_jobs, r.jobs);
    match (a.failed_jobs, b.failed_jobs) {
        (0, 0) => {}
        (0, _) => out.push(finding("outcome", format!("B failed: {} (A: none)", jobs(b)), 0)),
        (_, 0) => out.push(finding("outcome", format!("B succeeded where A failed ({})", jobs(a)), 0)),
        (x, y) if x != y => out.push(finding("outcome", format!("failed jobs: B {y}, A {x}"), 0)),
        _ => {}
    }
    match (a.completed, b.completed) {
        (true, false) => {
            out.push(finding("outcome", "B did not finish: its log has no application end (A's has)".into(), 0))
        }
        (false, true) => {
            out.push(finding("outcome", "A did not finish: its log has no application end (B's has)".into(), 0))
        }
        _ => {}
    }
}

fn duration(a: &RunInfo, b: &RunInfo, out: &mut Vec<CompareFinding>) {
    let (Some(x), Some(y)) = (a.duration_ms, b.duration_ms) else { return };
    // The whole run: 10% (at least a second) is worth a line.
    if (y - x).abs() >= MIN_STAGE_DELTA_MS.max(x / 10) {
        let message = format!("B took {} than A ({} → {})", how_much(x, y), fmt_ms(x), fmt_ms(y));
        out.push(finding("duration", message, (y - x).abs()));
    }
}

/// "2.4x longer", "35% longer", "2.4x less time", "20% less time".
fn how_much(a: i64, b: i64) -> String {
    let (big, small) = (a.max(b) as f64, a.min(b).max(1) as f64);
    let amount = if big / small >= TIME_RATIO {
        format!("{:.1}x", big / small)
    } else {
        format!("{:.0}%", 100.0 * (big - small) / small)
    };
    if b >= a { format!("{amount} longer") } else { format!("{amount} less time") }
}

fn stage_times(pairs: &[StagePair], out: &mut Vec<CompareFinding>) {
    let mut changed: Vec<(&StagePair, i64, i64)> = pairs
        .iter()
        .filter_map(|p| {
            let (x, y) = (p.a.duration_ms?, p.b.duration_ms?);
            let ratio = x.max(y) as f64 / x.min(y).max(1) as f64;
            ((y - x).abs() >= MIN_STAGE_DELTA_MS && ratio >= TIME_RATIO).then_some((p, x, y))
        })
        .collect();
    changed.sort_by_key(|&(p, x, y)| (std::cmp::Reverse((y - x).abs()), p.a.stage_id));
    for &(p, x, y) in changed.iter().take(MAX_STAGE_FINDINGS) {
        let why = reasons(&p.a, &p.b);
        let why = if why.is_empty() { String::new() } else { format!(": {}", why.join(", ")) };
        let message = format!("{} took {} ({} → {}){why}", label(p), how_much(x, y), fmt_ms(x), fmt_ms(y));
        out.push(finding("stage_time", message, (y - x).abs()));
    }
    if changed.len() > MAX_STAGE_FINDINGS {
        let rest = &changed[MAX_STAGE_FINDINGS..];
        let ms: i64 = rest.iter().map(|&(_, x, y)| y - x).sum();
        let message =
            format!("{} more stages changed time by {:.1}x or more, {} in all", rest.len(), TIME_RATIO, fmt_ms(ms));
        out.push(finding("stage_time", message, ms.abs()));
    }
}

/// `stage 4 'save at curate.py:88'`, or `stage 4 (B: 6) '…'` when the ids differ.
pub(super) fn label(p: &StagePair) -> String {
    let ids = if p.a.stage_id == p.b.stage_id {
        format!("{}", p.a.stage_id)
    } else {
        format!("{} (B: {})", p.a.stage_id, p.b.stage_id)
    };
    format!("stage {ids} '{}'", p.a.name)
}

/// What moved along with a stage's time, most telling first (at most three).
fn reasons(a: &StageRun, b: &StageRun) -> Vec<String> {
    let mut out = Vec::new();
    let volumes = [
        ("input", a.input_bytes, b.input_bytes),
        ("shuffle read", a.shuffle_read_bytes, b.shuffle_read_bytes),
        ("output", a.output_bytes, b.output_bytes),
        ("shuffle write", a.shuffle_write_bytes, b.shuffle_write_bytes),
    ];
    for (what, x, y) in volumes {
        if let Some(moved) = volume_change(what, x, y) {
            out.push(moved);
        }
    }
    if a.disk_spilled_bytes != b.disk_spilled_bytes && a.disk_spilled_bytes.max(b.disk_spilled_bytes) >= MIN_BYTES {
        let was = if a.disk_spilled_bytes == 0 { "none".into() } else { fmt_bytes(a.disk_spilled_bytes) };
        out.push(format!("spilled {} to disk (A: {was})", fmt_bytes(b.disk_spilled_bytes)));
    }
    if a.num_tasks != b.num_tasks {
        out.push(format!("tasks {} → {}", a.num_tasks, b.num_tasks));
    }
    if let (Some(x), Some(y)) = (a.task_max_ms, b.task_max_ms) {
        let (x, y) = (x as i64, y as i64);
        if (y - x).abs() >= MIN_STAGE_DELTA_MS && x.max(y) as f64 >= TIME_RATIO * x.min(y).max(1) as f64 {
            out.push(format!("slowest task {} (A: {})", fmt_ms(y), fmt_ms(x)));
        }
    }
    if a.failed_tasks != b.failed_tasks {
        out.push(format!("failed tasks {} (A: {})", b.failed_tasks, a.failed_tasks));
    }
    if a.attempts != b.attempts {
        out.push(format!("attempts {} (A: {})", b.attempts, a.attempts));
    }
    out.truncate(3);
    out
}

/// "input grew 5.8x (1.0 GiB → 5.8 GiB)" when a volume moved enough to matter.
fn volume_change(what: &str, a: i64, b: i64) -> Option<String> {
    if a.max(b) < MIN_BYTES || (a.max(b) as f64) < TIME_RATIO * a.min(b).max(1) as f64 {
        return None;
    }
    let span = format!("({} → {})", fmt_bytes(a), fmt_bytes(b));
    Some(match (a, b) {
        (0, _) => format!("{what} new {span}"),
        (_, 0) => format!("no {what} any more {span}"),
        _ if b > a => format!("{what} grew {:.1}x {span}", b as f64 / a as f64),
        _ => format!("{what} shrank {:.1}x {span}", a as f64 / b as f64),
    })
}

fn failures(a: &RunInfo, b: &RunInfo, out: &mut Vec<CompareFinding>) {
    if a.failed_tasks != b.failed_tasks {
        out.push(finding("failed_tasks", format!("B failed tasks: {} (A: {})", b.failed_tasks, a.failed_tasks), 0));
    }
    match (a.lost_executors, b.lost_executors) {
        (x, y) if x == y => {}
        (0, y) => out.push(finding("lost_executors", format!("executors lost only in B: {y}"), 0)),
        (x, 0) => out.push(finding("lost_executors", format!("executors lost only in A: {x}"), 0)),
        (x, y) => out.push(finding("lost_executors", format!("executors lost: B {y} (A: {x})"), 0)),
    }
    if a.executors != b.executors {
        let what = if b.executors == 1 { "executor" } else { "executors" };
        let message = format!("B ran {} {what} (A: {})", b.executors, a.executors);
        out.push(finding("executors", message, 0));
    }
}

fn only_in(side: &str, stages: &[StageRun], out: &mut Vec<CompareFinding>) {
    if stages.is_empty() {
        return;
    }
    let names: Vec<String> = stages.iter().take(3).map(|s| format!("{} '{}'", s.stage_id, s.name)).collect();
    let more = if stages.len() > 3 { format!(" and {} more", stages.len() - 3) } else { String::new() };
    let what = if stages.len() == 1 { "stage" } else { "stages" };
    let message = format!("{} {what} only in {side}: {}{more}", stages.len(), names.join(", "));
    let ms = stages.iter().filter_map(|s| s.duration_ms).sum();
    out.push(finding(&format!("only_in_{}", side.to_ascii_lowercase()), message, ms));
}
