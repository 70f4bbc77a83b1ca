//! The analysis findings of the two runs (each summary's own: failed jobs and stages, lost
//! executors, skew, spill, GC, small files, idle slots, ...) set against each other: those B
//! has and A has not, and those A had that B has no more.
//!
//! A finding of a stage (skew, spill, gc, fetch_wait, idle_slots, small_files, failed_stage)
//! is the same in both runs when it has the same kind and its stages are matched (see the
//! module docs of `compare`); one of a stage only in one run is that run's alone. The others
//! (failed_job, lost_executor, shuffle_partitions_200, large_broadcast, failing_host,
//! speculation_waste) are the same when they have the same kind, wherever they happened.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::findings::{label, short};
use super::{CompareFinding, Comparison, FindingChange, StagePair};
use crate::eventlog::model::{Finding, Summary};

/// Findings new in B listed one by one; the rest are counted in one more line.
const MAX_NEW: usize = 8;
/// Findings gone in B listed one by one; the rest are counted in one more line.
const MAX_GONE: usize = 6;

/// Kinds that name a stage only to say when they happened: compared by kind alone.
const RUN_WIDE: [&str; 3] = ["failed_job", "lost_executor", "shuffle_partitions_200"];

/// Where a finding is, as both runs can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    Run,
    /// A stage matched in both runs, by its A and B stage ids.
    Matched(i64, i64),
    OnlyA(i64),
    OnlyB(i64),
}

impl Place {
    fn a_stage(self) -> Option<i64> {
        match self {
            Place::Matched(a, _) | Place::OnlyA(a) => Some(a),
            _ => None,
        }
    }

    fn b_stage(self) -> Option<i64> {
        match self {
            Place::Matched(_, b) | Place::OnlyB(b) => Some(b),
            _ => None,
        }
    }
}

fn stage_of(f: &Finding) -> Option<i64> {
    f.stage_id.filter(|_| !RUN_WIDE.contains(&f.kind.as_str()))
}

/// The findings only in B and the findings only in A (B's order, then A's: worst first).
pub(super) fn changes(a: &Summary, b: &Summary, pairs: &[StagePair]) -> (Vec<FindingChange>, Vec<FindingChange>) {
    let a_to_b: HashMap<i64, i64> = pairs.iter().map(|p| (p.a.stage_id, p.b.stage_id)).collect();
    let b_to_a: HashMap<i64, i64> = pairs.iter().map(|p| (p.b.stage_id, p.a.stage_id)).collect();
    let in_a = |f: &Finding| match stage_of(f) {
        None => Place::Run,
        Some(id) => a_to_b.get(&id).map_or(Place::OnlyA(id), |&b| Place::Matched(id, b)),
    };
    let in_b = |f: &Finding| match stage_of(f) {
        None => Place::Run,
        Some(id) => b_to_a.get(&id).map_or(Place::OnlyB(id), |&a| Place::Matched(a, id)),
    };
    let keys = |s: &Summary, at: &dyn Fn(&Finding) -> Place| -> HashSet<(String, Place)> {
        s.findings.iter().map(|f| (f.kind.clone(), at(f))).collect()
    };
    let (keys_a, keys_b) = (keys(a, &in_a), keys(b, &in_b));
    let only = |s: &Summary, at: &dyn Fn(&Finding) -> Place, other: &HashSet<(String, Place)>| {
        let fresh = s.findings.iter().map(|f| (f, at(f))).filter(|(f, p)| !other.contains(&(f.kind.clone(), *p)));
        fresh.map(|(f, p)| change(f, p)).collect::<Vec<_>>()
    };
    (only(b, &in_b, &keys_a), only(a, &in_a, &keys_b))
}

fn change(f: &Finding, at: Place) -> FindingChange {
    FindingChange {
        kind: f.kind.clone(),
        severity: f.severity,
        a_stage_id: at.a_stage(),
        b_stage_id: at.b_stage(),
        message: f.message.clone(),
        advice: f.advice.clone(),
        impact_ms: f.impact_ms,
    }
}

/// The comparison's findings for them: "only in B: <the finding>" each, then one short
/// "gone in B" note per kind and stage A had them in.
pub(super) fn findings(c: &Comparison, out: &mut Vec<CompareFinding>) {
    for f in c.new_in_b.iter().take(MAX_NEW) {
        out.push(finding("new_finding", format!("only in B: {}", f.message), f.impact_ms));
    }
    if c.new_in_b.len() > MAX_NEW {
        let message = format!("{} more findings only in B", c.new_in_b.len() - MAX_NEW);
        out.push(finding("new_finding", message, 0));
    }
    let mut gone: BTreeMap<(Option<i64>, Option<i64>, &str), usize> = BTreeMap::new();
    for f in &c.gone_in_b {
        *gone.entry((f.a_stage_id, f.b_stage_id, f.kind.as_str())).or_default() += 1;
    }
    for (&(a_stage, b_stage, kind), &n) in gone.iter().take(MAX_GONE) {
        let times = if n > 1 { format!(" (×{n} in A)") } else { String::new() };
        let message = format!("gone in B: {}{}{times}", words(kind), where_in_a(c, a_stage, b_stage));
        out.push(finding("gone_in_b", message, 0));
    }
    if gone.len() > MAX_GONE {
        out.push(finding("gone_in_b", format!("{} more of A's findings gone in B", gone.len() - MAX_GONE), 0));
    }
}

/// ` in stage 4 'save at curate.py:88'`, ` in stage 7 'count at x.py:9' (only in A)`, or nothing.
fn where_in_a(c: &Comparison, a_stage: Option<i64>, b_stage: Option<i64>) -> String {
    let Some(a) = a_stage else { return String::new() };
    if let Some(p) = c.stages.iter().find(|p| p.a.stage_id == a && Some(p.b.stage_id) == b_stage) {
        return format!(" in {}", label(p));
    }
    let name = c.only_in_a.iter().find(|s| s.stage_id == a).map(|s| short(&s.name)).unwrap_or_default();
    format!(" in stage {a} '{name}' (only in A)")
}

/// A finding's kind in words.
fn words(kind: &str) -> String {
    match kind {
        "failed_job" => "failed jobs".into(),
        "failed_stage" => "a failed stage".into(),
        "lost_executor" => "lost executors".into(),
        "skew" => "task skew".into(),
        "gc" => "GC time".into(),
        "fetch_wait" => "shuffle fetch wait".into(),
        "idle_slots" => "idle task slots".into(),
        "small_files" => "small input files".into(),
        "shuffle_partitions_200" => "shuffle partitions left at 200".into(),
        "large_broadcast" => "a large broadcast".into(),
        "failing_host" => "failed tasks gathered on one host".into(),
        "speculation_waste" => "time lost to speculative attempts".into(),
        other => other.replace('_', " "),
    }
}

fn finding(kind: &str, message: String, impact_ms: i64) -> CompareFinding {
    CompareFinding { kind: kind.into(), message, impact_ms }
}

/// New findings whose time at stake (at least `floor_ms`) beats a stage time finding's move up
/// among those, by impact; the others stay where they are (after the stages only in one run).
pub(super) fn rank_by_impact(out: &mut Vec<CompareFinding>, floor_ms: i64) {
    let is_stage = |f: &CompareFinding| f.kind == "stage_time";
    let Some(first) = out.iter().position(is_stage) else { return };
    let Some(least) = out.iter().filter(|f| is_stage(f)).map(|f| f.impact_ms).min() else { return };
    let up = |f: &CompareFinding| f.kind == "new_finding" && f.impact_ms >= floor_ms && f.impact_ms > least;
    let (moved, rest): (Vec<_>, Vec<_>) = std::mem::take(out).into_iter().partition(up);
    *out = rest;
    // New findings all come after the stage time findings: `first` still starts their block.
    let stages = out[first..].iter().take_while(|g| is_stage(g)).count();
    for (block, f) in (stages..).zip(moved) {
        let at = out[first..first + block].iter().position(|g| g.impact_ms < f.impact_ms).unwrap_or(block);
        out.insert(first + at, f);
    }
}
