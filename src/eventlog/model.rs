//! The result of reading one event log: plain data, serialisable, no behaviour beyond helpers.

use std::collections::BTreeMap;

/// Everything `batchtop eventlog summarize` reports about one application attempt.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub app_id: Option<String>,
    pub app_name: Option<String>,
    pub attempt_id: Option<String>,
    pub spark_version: Option<String>,
    pub user: Option<String>,
    /// The Spark properties of the environment update event (as Spark logged them: it redacts
    /// secret-looking values itself), by key.
    pub spark_properties: BTreeMap<String, String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub jobs: Vec<JobSummary>,
    pub stages: Vec<StageSummary>,
    pub executors: Vec<ExecutorSummary>,
    pub sql_executions: Vec<SqlExecution>,
    /// Unsuccessful task ends that Spark counts as failed, grouped by cause.
    pub failed_tasks: Vec<FailureGroup>,
    /// Killed tasks (and denied commits), grouped by cause.
    pub killed_tasks: Vec<FailureGroup>,
    pub findings: Vec<Finding>,
    /// Lines that are not a readable event (bad JSON, missing required fields).
    pub skipped_lines: u64,
    /// Non-blank lines read, skipped ones included.
    pub lines: u64,
    pub bytes: u64,
    /// The log ended in the middle of a line (usual for `.inprogress` logs); that line was left out
    /// and is not in `skipped_lines`.
    pub truncated_last_line: bool,
    /// Tasks that started but have no end event (still running, or the log is cut short).
    pub unfinished_tasks: u64,
    /// Remarks about the input worth showing (cut-off compressed stream, ...).
    pub notes: Vec<String>,
    /// Task attempts and failures per host (from task end events), most failures first.
    pub hosts: Vec<HostTasks>,
    /// Broadcast exchanges whose size the driver reported, largest first.
    pub broadcasts: Vec<Broadcast>,
    /// Attempts killed because another attempt of the same task succeeded (speculation) or
    /// denied their commit: how many, and their time (finish − launch).
    pub lost_attempts: u64,
    pub lost_attempt_ms: i64,
    /// The time of every finished task attempt (finish − launch), all added up.
    pub task_time_ms: i64,
}

/// Task attempts that ran on one host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostTasks {
    pub host: String,
    pub tasks: u64,
    /// Failures of the attempt itself (not killed, not resubmitted, not a fetch failure, which
    /// is the other host's).
    pub failed: u64,
}

/// One broadcast exchange of a SQL execution: its `data size` metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broadcast {
    pub sql_id: i64,
    pub bytes: i64,
}

impl Summary {
    pub fn duration_ms(&self) -> Option<i64> {
        Some(self.end_ms? - self.start_ms?)
    }

    /// The application finished (the log has an application end event).
    pub fn completed(&self) -> bool {
        self.end_ms.is_some()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobSummary {
    pub job_id: i64,
    /// RUNNING, SUCCEEDED or FAILED (as the history server says).
    pub status: String,
    pub stage_ids: Vec<i64>,
    pub submission_ms: Option<i64>,
    pub completion_ms: Option<i64>,
    pub sql_execution_id: Option<i64>,
    pub description: Option<String>,
    /// First line of the exception of a failed job.
    pub failure: Option<String>,
}

impl JobSummary {
    pub fn duration_ms(&self) -> Option<i64> {
        Some(self.completion_ms? - self.submission_ms?)
    }
}

/// Task duration quantiles as the history server's `taskSummary` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantiles {
    pub min: u64,
    pub p50: u64,
    pub p75: u64,
    pub max: u64,
}

/// One stage attempt, numbers as in `/api/v1/applications/<id>/stages`.
#[derive(Debug, Clone, PartialEq)]
pub struct StageSummary {
    pub stage_id: i64,
    pub attempt: i64,
    pub name: String,
    /// ACTIVE, COMPLETE, FAILED, PENDING or SKIPPED.
    pub status: String,
    /// The number of tasks the stage declared.
    pub num_tasks: i64,
    pub completed_tasks: i64,
    pub failed_tasks: i64,
    pub killed_tasks: i64,
    pub active_tasks: i64,
    pub submission_ms: Option<i64>,
    pub completion_ms: Option<i64>,
    pub failure_reason: Option<String>,
    pub executor_run_time_ms: i64,
    pub executor_cpu_time_ns: i64,
    pub jvm_gc_time_ms: i64,
    pub input_bytes: i64,
    pub output_bytes: i64,
    pub shuffle_read_bytes: i64,
    pub shuffle_write_bytes: i64,
    pub shuffle_fetch_wait_ms: i64,
    pub memory_spilled_bytes: i64,
    pub disk_spilled_bytes: i64,
    /// None when the attempt has no successful task (skipped, failed before launch, pending...).
    pub task_duration_ms: Option<Quantiles>,
    pub job_ids: Vec<i64>,
}

impl StageSummary {
    pub fn duration_ms(&self) -> Option<i64> {
        Some(self.completion_ms? - self.submission_ms?)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExecutorSummary {
    pub id: String,
    pub host: Option<String>,
    pub cores: Option<i64>,
    pub added_ms: Option<i64>,
    pub removed_ms: Option<i64>,
    pub removed_reason: Option<String>,
    /// Tasks that failed with `ExecutorLostFailure` naming this executor.
    pub lost_tasks: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SqlExecution {
    pub id: i64,
    pub description: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// Non-empty error message of the execution end event.
    pub error: Option<String>,
}

impl SqlExecution {
    pub fn duration_ms(&self) -> Option<i64> {
        Some(self.end_ms? - self.start_ms?)
    }
}

/// Unsuccessful tasks with the same cause (numbers and addresses in the message ignored).
#[derive(Debug, Clone, PartialEq)]
pub struct FailureGroup {
    /// The end reason type: ExceptionFailure, ExecutorLostFailure, FetchFailed, TaskKilled...
    pub kind: String,
    /// One readable line, from the first task of the group.
    pub reason: String,
    pub count: u64,
    /// Stage ids where it happened.
    pub stage_ids: Vec<i64>,
    /// The first lines of one stack trace, when the log has one.
    pub example_stack: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Critical,
    High,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// failed_job, failed_stage, lost_executor, skew, spill, gc, fetch_wait.
    pub kind: String,
    pub severity: Severity,
    pub stage_id: Option<i64>,
    pub attempt: Option<i64>,
    pub message: String,
    /// One line of advice.
    pub advice: String,
    /// Rough time at stake, used to rank findings of the same severity.
    pub impact_ms: i64,
}
