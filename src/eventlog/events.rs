//! The events of an event-log line that the analysis uses, as [`Event`] and the borrowed structs
//! it carries. Reading a line into an `Event` is `decode`'s job (with `task` and `template`).

use std::borrow::Cow;

use serde::Deserialize;

/// (stage id, stage attempt id).
pub(crate) type StageKey = (i64, i64);

/// Task metrics as the history server sums them per stage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Metrics {
    pub run_ms: i64,
    pub cpu_ns: i64,
    pub gc_ms: i64,
    pub input_bytes: i64,
    pub output_bytes: i64,
    pub shuffle_read_bytes: i64,
    pub shuffle_write_bytes: i64,
    pub fetch_wait_ms: i64,
    pub memory_spill_bytes: i64,
    pub disk_spill_bytes: i64,
}

impl Metrics {
    pub(crate) fn add(&mut self, o: &Metrics) {
        self.run_ms = self.run_ms.saturating_add(o.run_ms);
        self.cpu_ns = self.cpu_ns.saturating_add(o.cpu_ns);
        self.gc_ms = self.gc_ms.saturating_add(o.gc_ms);
        self.input_bytes = self.input_bytes.saturating_add(o.input_bytes);
        self.output_bytes = self.output_bytes.saturating_add(o.output_bytes);
        self.shuffle_read_bytes = self.shuffle_read_bytes.saturating_add(o.shuffle_read_bytes);
        self.shuffle_write_bytes = self.shuffle_write_bytes.saturating_add(o.shuffle_write_bytes);
        self.fetch_wait_ms = self.fetch_wait_ms.saturating_add(o.fetch_wait_ms);
        self.memory_spill_bytes = self.memory_spill_bytes.saturating_add(o.memory_spill_bytes);
        self.disk_spill_bytes = self.disk_spill_bytes.saturating_add(o.disk_spill_bytes);
    }
}

#[derive(Debug)]
pub(crate) struct TaskEnd<'a> {
    pub stage: StageKey,
    pub task_id: i64,
    pub launch_ms: i64,
    pub finish_ms: i64,
    pub failed: bool,
    pub killed: bool,
    /// The `Reason` of `Task End Reason` ("Success", "ExceptionFailure", ...).
    pub reason: Cow<'a, str>,
    /// The whole `Task End Reason` object, parsed further only for unsuccessful tasks.
    pub reason_raw: &'a [u8],
    /// `Task Info` / `Host`: where the attempt ran.
    pub host: Option<Cow<'a, str>>,
    pub metrics: Option<Metrics>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StageInfo<'a> {
    #[serde(rename = "Stage ID")]
    pub id: i64,
    #[serde(rename = "Stage Attempt ID", default)]
    pub attempt: i64,
    #[serde(rename = "Stage Name", default, borrow)]
    pub name: Option<Cow<'a, str>>,
    #[serde(rename = "Number of Tasks", default)]
    pub num_tasks: Option<i64>,
    #[serde(rename = "Submission Time", default)]
    pub submission_ms: Option<i64>,
    #[serde(rename = "Completion Time", default)]
    pub completion_ms: Option<i64>,
    #[serde(rename = "Failure Reason", default, borrow)]
    pub failure_reason: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StageEvent<'a> {
    #[serde(rename = "Stage Info", borrow)]
    pub info: StageInfo<'a>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct JobProperties<'a> {
    #[serde(rename = "spark.sql.execution.id", default, borrow)]
    pub sql_execution_id: Option<Cow<'a, str>>,
    #[serde(rename = "spark.job.description", default, borrow)]
    pub description: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct JobStart<'a> {
    #[serde(rename = "Job ID")]
    pub id: i64,
    #[serde(rename = "Submission Time", default)]
    pub submission_ms: Option<i64>,
    #[serde(rename = "Stage Infos", default, borrow)]
    pub stage_infos: Vec<StageInfo<'a>>,
    #[serde(rename = "Stage IDs", default)]
    pub stage_ids: Vec<i64>,
    #[serde(rename = "Properties", default, borrow)]
    pub properties: Option<JobProperties<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct JobException<'a> {
    #[serde(rename = "Message", default, borrow)]
    pub message: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct JobResult<'a> {
    #[serde(rename = "Result", borrow)]
    pub result: Cow<'a, str>,
    #[serde(rename = "Exception", default, borrow)]
    pub exception: Option<JobException<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct JobEnd<'a> {
    #[serde(rename = "Job ID")]
    pub id: i64,
    #[serde(rename = "Completion Time", default)]
    pub completion_ms: Option<i64>,
    #[serde(rename = "Job Result", borrow)]
    pub result: JobResult<'a>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AppStart<'a> {
    #[serde(rename = "App Name", default, borrow)]
    pub name: Option<Cow<'a, str>>,
    #[serde(rename = "App ID", default, borrow)]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "App Attempt ID", default, borrow)]
    pub attempt_id: Option<Cow<'a, str>>,
    #[serde(rename = "Timestamp", default)]
    pub time_ms: Option<i64>,
    #[serde(rename = "User", default, borrow)]
    pub user: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Timestamped {
    #[serde(rename = "Timestamp", default)]
    pub time_ms: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct LogStart<'a> {
    #[serde(rename = "Spark Version", default, borrow)]
    pub version: Option<Cow<'a, str>>,
}

/// `SparkListenerEnvironmentUpdate`: only its Spark properties (a `{key: value}` object; anything
/// else there is ignored rather than making the line unreadable).
#[derive(Debug, Deserialize)]
pub(crate) struct EnvironmentUpdate {
    #[serde(rename = "Spark Properties", default)]
    pub spark_properties: Option<serde_json::Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ExecutorInfo<'a> {
    #[serde(rename = "Host", default, borrow)]
    pub host: Option<Cow<'a, str>>,
    #[serde(rename = "Total Cores", default)]
    pub cores: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExecutorAdded<'a> {
    #[serde(rename = "Timestamp", default)]
    pub time_ms: Option<i64>,
    #[serde(rename = "Executor ID", borrow)]
    pub id: Cow<'a, str>,
    #[serde(rename = "Executor Info", default, borrow)]
    pub info: Option<ExecutorInfo<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExecutorRemoved<'a> {
    #[serde(rename = "Timestamp", default)]
    pub time_ms: Option<i64>,
    #[serde(rename = "Executor ID", borrow)]
    pub id: Cow<'a, str>,
    #[serde(rename = "Removed Reason", default, borrow)]
    pub reason: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BlockManagerId<'a> {
    #[serde(rename = "Executor ID", borrow)]
    pub executor_id: Cow<'a, str>,
    #[serde(rename = "Host", default, borrow)]
    pub host: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BlockManagerAdded<'a> {
    #[serde(rename = "Timestamp", default)]
    pub time_ms: Option<i64>,
    #[serde(rename = "Block Manager ID", borrow)]
    pub id: BlockManagerId<'a>,
}

/// Read with the scanner: its `sparkPlanInfo` can nest deeper than serde_json allows.
#[derive(Debug)]
pub(crate) struct SqlStart<'a> {
    pub id: i64,
    pub description: Option<Cow<'a, str>>,
    pub time_ms: Option<i64>,
    /// The accumulators of the `data size` metric of the plan's broadcast exchanges.
    pub broadcast_accums: Vec<i64>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct SqlEnd<'a> {
    #[serde(rename = "executionId")]
    pub id: i64,
    #[serde(rename = "time", default)]
    pub time_ms: Option<i64>,
    #[serde(rename = "errorMessage", default, borrow)]
    pub error: Option<Cow<'a, str>>,
}

/// Details of an unsuccessful task's `Task End Reason`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EndReason<'a> {
    #[serde(rename = "Class Name", default, borrow)]
    pub class_name: Option<Cow<'a, str>>,
    #[serde(rename = "Description", default, borrow)]
    pub description: Option<Cow<'a, str>>,
    #[serde(rename = "Full Stack Trace", default, borrow)]
    pub full_stack: Option<Cow<'a, str>>,
    #[serde(rename = "Stack Trace", default, borrow)]
    pub stack: Option<Vec<StackFrame<'a>>>,
    #[serde(rename = "Executor ID", default, borrow)]
    pub executor_id: Option<Cow<'a, str>>,
    #[serde(rename = "Exit Caused By App", default)]
    pub caused_by_app: Option<bool>,
    #[serde(rename = "Loss Reason", default, borrow)]
    pub loss_reason: Option<Cow<'a, str>>,
    #[serde(rename = "Kill Reason", default, borrow)]
    pub kill_reason: Option<Cow<'a, str>>,
    #[serde(rename = "Message", default, borrow)]
    pub message: Option<Cow<'a, str>>,
    #[serde(rename = "Shuffle ID", default)]
    pub shuffle_id: Option<i64>,
    #[serde(rename = "Block Manager Address", default, borrow)]
    pub block_manager: Option<BlockManagerId<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct StackFrame<'a> {
    #[serde(rename = "Declaring Class", default, borrow)]
    pub class: Option<Cow<'a, str>>,
    #[serde(rename = "Method Name", default, borrow)]
    pub method: Option<Cow<'a, str>>,
    #[serde(rename = "File Name", default, borrow)]
    pub file: Option<Cow<'a, str>>,
    #[serde(rename = "Line Number", default)]
    pub line: Option<i64>,
}

#[derive(Debug)]
pub(crate) enum Event<'a> {
    TaskStart {
        stage: StageKey,
        task_id: i64,
    },
    TaskEnd(TaskEnd<'a>),
    StageSubmitted(StageInfo<'a>),
    StageCompleted(StageInfo<'a>),
    JobStart(JobStart<'a>),
    JobEnd(JobEnd<'a>),
    AppStart(AppStart<'a>),
    AppEnd(Timestamped),
    LogStart(LogStart<'a>),
    EnvironmentUpdate(EnvironmentUpdate),
    ExecutorAdded(ExecutorAdded<'a>),
    ExecutorRemoved(ExecutorRemoved<'a>),
    BlockManagerAdded(BlockManagerAdded<'a>),
    SqlStart(SqlStart<'a>),
    SqlEnd(SqlEnd<'a>),
    /// An adaptive plan update: the SQL execution and its broadcast `data size` accumulators.
    SqlPlan {
        id: i64,
        broadcast_accums: Vec<i64>,
    },
    /// Driver-side SQL metric values: (accumulator id, value).
    DriverAccums(Vec<(i64, i64)>),
    /// A valid event of a type the analysis does not use.
    Other,
}
