//! The records a replay keeps: one per stage attempt, job and executor, and the task durations
//! of a stage attempt.

use crate::eventlog::events::{Metrics, StageInfo};
use crate::eventlog::model::{ExecutorSummary, JobSummary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StageStatus {
    Pending,
    Active,
    Complete,
    Failed,
    Skipped,
}

impl StageStatus {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            StageStatus::Pending => "PENDING",
            StageStatus::Active => "ACTIVE",
            StageStatus::Complete => "COMPLETE",
            StageStatus::Failed => "FAILED",
            StageStatus::Skipped => "SKIPPED",
        }
    }
}

#[derive(Debug)]
pub(super) struct StageRec {
    pub(super) name: String,
    pub(super) num_tasks: i64,
    pub(super) submission_ms: Option<i64>,
    pub(super) completion_ms: Option<i64>,
    pub(super) failure_reason: Option<String>,
    pub(super) status: StageStatus,
    /// Still in the history server's `liveStages` (task ends are counted only then).
    pub(super) live: bool,
    pub(super) active: i64,
    pub(super) completed: i64,
    pub(super) failed: i64,
    pub(super) killed: i64,
    pub(super) metrics: Metrics,
    pub(super) job_ids: Vec<i64>,
}

impl StageRec {
    pub(super) fn new(info: &StageInfo<'_>) -> Self {
        let mut rec = StageRec {
            name: String::new(),
            num_tasks: 0,
            submission_ms: None,
            completion_ms: None,
            failure_reason: None,
            status: StageStatus::Pending,
            live: true,
            active: 0,
            completed: 0,
            failed: 0,
            killed: 0,
            metrics: Metrics::default(),
            job_ids: Vec::new(),
        };
        rec.set_info(info);
        rec
    }

    /// `stage.info = info`: every stage event replaces the stage info.
    pub(super) fn set_info(&mut self, info: &StageInfo<'_>) {
        let name = info.name.as_deref().unwrap_or("");
        if self.name != name {
            name.clone_into(&mut self.name);
        }
        self.num_tasks = info.num_tasks.unwrap_or(0);
        self.submission_ms = info.submission_ms;
        self.completion_ms = info.completion_ms;
        self.failure_reason = info.failure_reason.as_deref().map(str::to_owned);
    }
}

/// Task records of one stage attempt, reduced to what `taskSummary` needs for durations.
#[derive(Debug, Default)]
pub(super) struct TaskStats {
    /// Durations of every finished task attempt (failed and killed included).
    pub(super) durations: Vec<u64>,
    /// Tasks whose final status is SUCCESS.
    pub(super) successes: u64,
}

#[derive(Debug)]
pub(super) struct JobRec {
    pub(super) summary: JobSummary,
    pub(super) live: bool,
}

#[derive(Debug)]
pub(super) struct ExecRec {
    pub(super) summary: ExecutorSummary,
    pub(super) active: bool,
}
