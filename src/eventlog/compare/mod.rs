//! Run versus run: what changed from run A to run B of (usually) the same Spark program, from
//! their two [`Summary`] values. Pure: no I/O.
//!
//! [`compare`] reports
//! - **configuration changes**: every Spark property (from the environment update event) whose
//!   value differs or that only one run has, with both values. Properties that differ in every
//!   run (the application id, start and submit times, the driver's port and host, run ids) are
//!   kept but marked `run_specific` and left out of the findings;
//! - **stages matched between the runs**, side by side (see below), and the stages of only one run;
//! - **findings**, ranked, in words: the outcome first (a run that failed or did not finish),
//!   then changes of time (the whole run, then stages, by the time gained or lost), then failed
//!   tasks, lost executors and executor counts, then the Spark version and configuration
//!   changes, then the stages of only one run, then the analysis findings (each summary's own)
//!   only B has ("only in B: …", moved up among the stage times when their time at stake is
//!   larger), then a short "gone in B" note for those only A had (see `analysis`). A run
//!   compared with itself has none.
//!
//! # How stages are matched
//! A stage is all attempts of one stage id (see [`StageRun`]). Its key is the first line of its
//! name, which Spark builds from the call site ("save at curate.py:88"), with any directory in
//! front of the file name dropped (`collect at /tmp/x/curate.py:28` and
//! `collect at /opt/y/curate.py:28` are the same key).
//! 1. Stages with the same key are paired in stage id order: the first "parquet at
//!    NativeMethodAccessorImpl.java:0" of A with the first of B, the second with the second...
//! 2. Stages left over are paired the same way by the key without its line number
//!    (`collect at curate.py`), so an edit that moved a call to another line still matches.
//! 3. What is left is reported as only in A or only in B.
//!
//! Pairs are listed in A's stage order.

mod analysis;
mod findings;
mod matching;
mod report;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use super::model::{Severity, StageSummary, Summary};

pub use matching::{MatchRule, StageKey};
pub use report::render;

/// Both runs compared; see the module docs.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub a: RunInfo,
    pub b: RunInfo,
    pub config_changes: Vec<ConfigChange>,
    pub stages: Vec<StagePair>,
    pub only_in_a: Vec<StageRun>,
    pub only_in_b: Vec<StageRun>,
    /// The analysis findings of B that A has not (by kind, and by matched stage for a stage's).
    pub new_in_b: Vec<FindingChange>,
    /// The analysis findings of A that B has no more.
    pub gone_in_b: Vec<FindingChange>,
    pub findings: Vec<CompareFinding>,
}

/// What identifies one run, and its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct RunInfo {
    pub app_id: Option<String>,
    pub app_name: Option<String>,
    pub spark_version: Option<String>,
    pub duration_ms: Option<i64>,
    /// The log has an application end event.
    pub completed: bool,
    pub jobs: usize,
    pub failed_jobs: usize,
    /// Task ends Spark counts as failed.
    pub failed_tasks: u64,
    /// Executors lost (as the summary's `lost_executor` findings count them).
    pub lost_executors: usize,
    /// Executors other than the driver.
    pub executors: usize,
}

/// A Spark property whose value differs, or that one run has and the other does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigChange {
    pub key: String,
    pub a: Option<String>,
    pub b: Option<String>,
    /// Differs in every run (ids, times, ports): not a finding.
    pub run_specific: bool,
}

/// One stage of one run: all attempts of one stage id taken together.
#[derive(Debug, Clone, PartialEq)]
pub struct StageRun {
    pub stage_id: i64,
    /// The first line of the stage name.
    pub name: String,
    pub attempts: usize,
    /// The last attempt's status.
    pub status: String,
    /// Tasks the first attempt declared (its partitions).
    pub num_tasks: i64,
    /// Over all attempts from here on.
    pub failed_tasks: i64,
    /// The attempts' durations added up; None if no attempt has both times.
    pub duration_ms: Option<i64>,
    pub executor_run_time_ms: i64,
    pub input_bytes: i64,
    pub output_bytes: i64,
    pub shuffle_read_bytes: i64,
    pub shuffle_write_bytes: i64,
    pub memory_spilled_bytes: i64,
    pub disk_spilled_bytes: i64,
    /// Task duration p50 and max of the last attempt that has a task summary.
    pub task_p50_ms: Option<u64>,
    pub task_max_ms: Option<u64>,
}

/// A stage of A and the stage of B matched with it.
#[derive(Debug, Clone, PartialEq)]
pub struct StagePair {
    pub a: StageRun,
    pub b: StageRun,
    pub matched_by: MatchRule,
}

/// An analysis finding (see `eventlog::findings`) of one run that the other has not.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingChange {
    /// The finding's own kind: skew, spill, lost_executor, ...
    pub kind: String,
    pub severity: Severity,
    /// Its stage in A and in B (both when matched), for a stage's finding.
    pub a_stage_id: Option<i64>,
    pub b_stage_id: Option<i64>,
    pub message: String,
    pub advice: String,
    pub impact_ms: i64,
}

/// One difference that matters, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareFinding {
    /// outcome, duration, stage_time, failed_tasks, lost_executors, executors, spark_version,
    /// config, only_in_a, only_in_b, new_finding, gone_in_b.
    pub kind: String,
    pub message: String,
    /// Time gained or lost (ms, absolute) where it is known; ranks findings of the same kind.
    pub impact_ms: i64,
}

/// Compare run B with run A.
pub fn compare(a: &Summary, b: &Summary) -> Comparison {
    let (stages_a, stages_b) = (stage_runs(&a.stages), stage_runs(&b.stages));
    let matched = matching::match_stages(&stages_a, &stages_b);
    let stages = matched
        .pairs
        .iter()
        .map(|&(i, j, rule)| StagePair { a: stages_a[i].clone(), b: stages_b[j].clone(), matched_by: rule })
        .collect();
    let mut cmp = Comparison {
        a: run_info(a),
        b: run_info(b),
        config_changes: config_changes(a, b),
        stages,
        only_in_a: matched.only_a.iter().map(|&i| stages_a[i].clone()).collect(),
        only_in_b: matched.only_b.iter().map(|&j| stages_b[j].clone()).collect(),
        new_in_b: Vec::new(),
        gone_in_b: Vec::new(),
        findings: Vec::new(),
    };
    (cmp.new_in_b, cmp.gone_in_b) = analysis::changes(a, b, &cmp.stages);
    cmp.findings = findings::findings(&cmp);
    cmp
}

fn run_info(s: &Summary) -> RunInfo {
    RunInfo {
        app_id: s.app_id.clone(),
        app_name: s.app_name.clone(),
        spark_version: s.spark_version.clone(),
        duration_ms: s.duration_ms(),
        completed: s.completed(),
        jobs: s.jobs.len(),
        failed_jobs: s.jobs.iter().filter(|j| j.status == "FAILED").count(),
        failed_tasks: s.failed_tasks.iter().map(|g| g.count).sum(),
        lost_executors: s.findings.iter().filter(|f| f.kind == "lost_executor").count(),
        executors: s.executors.iter().filter(|e| e.id != "driver").count(),
    }
}

/// Every property whose value differs or that only one run has, by key.
fn config_changes(a: &Summary, b: &Summary) -> Vec<ConfigChange> {
    let (pa, pb) = (&a.spark_properties, &b.spark_properties);
    let keys: BTreeSet<&String> = pa.keys().chain(pb.keys()).collect();
    keys.into_iter()
        .filter(|k| pa.get(*k) != pb.get(*k))
        .map(|k| ConfigChange {
            key: k.clone(),
            a: pa.get(k).cloned(),
            b: pb.get(k).cloned(),
            run_specific: run_specific(k),
        })
        .collect()
}

/// Properties whose value is new in every run of the same job.
pub fn run_specific(key: &str) -> bool {
    const KEYS: [&str; 9] = [
        "spark.app.id",
        "spark.app.attempt.id",
        "spark.driver.port",
        "spark.driver.host",
        "spark.driver.appUIAddress",
        "spark.ui.proxyBase",
        "spark.yarn.app.id",
        "spark.repl.class.uri",
        "spark.repl.class.outputDir",
    ];
    let k = key.to_ascii_lowercase();
    KEYS.iter().any(|x| x.eq_ignore_ascii_case(key))
        || k.ends_with("starttime")
        || k.ends_with("submittime")
        || ["runid", "run_id", "run.id", "run-id"].iter().any(|w| k.contains(w))
        || k.contains(".amfilter.")
}

/// The attempts of each stage id taken together, in stage id order (the input is sorted by
/// stage id and attempt, as [`Summary::stages`] is).
fn stage_runs(attempts: &[StageSummary]) -> Vec<StageRun> {
    let mut out: Vec<StageRun> = Vec::new();
    let mut quantiles = Vec::new();
    for st in attempts {
        match out.last_mut() {
            Some(run) if run.stage_id == st.stage_id => add_attempt(run, st),
            _ => {
                out.push(first_attempt(st));
                quantiles.push(None);
            }
        }
        if let (Some(q), Some(slot)) = (st.task_duration_ms, quantiles.last_mut()) {
            *slot = Some(q);
        }
    }
    for (run, q) in out.iter_mut().zip(quantiles) {
        (run.task_p50_ms, run.task_max_ms) = (q.map(|q| q.p50), q.map(|q| q.max));
    }
    out
}

fn first_attempt(st: &StageSummary) -> StageRun {
    StageRun {
        stage_id: st.stage_id,
        name: st.name.lines().next().unwrap_or("").to_string(),
        attempts: 1,
        status: st.status.clone(),
        num_tasks: st.num_tasks,
        failed_tasks: st.failed_tasks,
        duration_ms: st.duration_ms(),
        executor_run_time_ms: st.executor_run_time_ms,
        input_bytes: st.input_bytes,
        output_bytes: st.output_bytes,
        shuffle_read_bytes: st.shuffle_read_bytes,
        shuffle_write_bytes: st.shuffle_write_bytes,
        memory_spilled_bytes: st.memory_spilled_bytes,
        disk_spilled_bytes: st.disk_spilled_bytes,
        task_p50_ms: None,
        task_max_ms: None,
    }
}

fn add_attempt(run: &mut StageRun, st: &StageSummary) {
    run.attempts += 1;
    run.status = st.status.clone();
    run.failed_tasks += st.failed_tasks;
    run.duration_ms = match (run.duration_ms, st.duration_ms()) {
        (Some(x), Some(y)) => Some(x.saturating_add(y)),
        (x, y) => x.or(y),
    };
    let add = |x: &mut i64, y: i64| *x = x.saturating_add(y);
    add(&mut run.executor_run_time_ms, st.executor_run_time_ms);
    add(&mut run.input_bytes, st.input_bytes);
    add(&mut run.output_bytes, st.output_bytes);
    add(&mut run.shuffle_read_bytes, st.shuffle_read_bytes);
    add(&mut run.shuffle_write_bytes, st.shuffle_write_bytes);
    add(&mut run.memory_spilled_bytes, st.memory_spilled_bytes);
    add(&mut run.disk_spilled_bytes, st.disk_spilled_bytes);
}
