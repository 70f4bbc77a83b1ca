//! Glue jobs and job runs as batchtop sees them.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use super::arguments::{Arguments, drop_older_arguments};
/// The state of a Glue job run (JobRunState in the API model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RunState {
    Starting,
    Running,
    Stopping,
    Stopped,
    Succeeded,
    Failed,
    Timeout,
    Error,
    Waiting,
    Expired,
    /// A state this build does not know yet.
    Unknown,
}

impl RunState {
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "STARTING" => Self::Starting,
            "RUNNING" => Self::Running,
            "STOPPING" => Self::Stopping,
            "STOPPED" => Self::Stopped,
            "SUCCEEDED" => Self::Succeeded,
            "FAILED" => Self::Failed,
            "TIMEOUT" => Self::Timeout,
            "ERROR" => Self::Error,
            "WAITING" => Self::Waiting,
            "EXPIRED" => Self::Expired,
            _ => Self::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "STARTING",
            Self::Running => "RUNNING",
            Self::Stopping => "STOPPING",
            Self::Stopped => "STOPPED",
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Timeout => "TIMEOUT",
            Self::Error => "ERROR",
            Self::Waiting => "WAITING",
            Self::Expired => "EXPIRED",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Still going: the poller watches these at the fast cadence.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Starting | Self::Running | Self::Stopping | Self::Waiting)
    }

    /// A run that ended badly.
    pub fn is_failure(self) -> bool {
        matches!(self, Self::Failed | Self::Timeout | Self::Error | Self::Expired)
    }

    /// Ordering used by the "state" sort: failures first, then active, then the rest.
    pub fn severity(self) -> u8 {
        match self {
            Self::Failed | Self::Error => 0,
            Self::Timeout | Self::Expired => 1,
            Self::Running | Self::Starting | Self::Stopping | Self::Waiting => 2,
            Self::Stopped => 3,
            Self::Unknown => 4,
            Self::Succeeded => 5,
        }
    }
}

impl std::fmt::Display for RunState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Glue job definition, with the fields the panes show.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Job {
    pub name: String,
    pub description: Option<String>,
    pub glue_version: Option<String>,
    pub worker_type: Option<String>,
    pub number_of_workers: Option<i32>,
    pub max_capacity: Option<f64>,
    pub tags: BTreeMap<String, String>,
}

/// One Glue job run (the JobRun structure), mapped to batchtop's types.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobRun {
    pub id: String,
    /// Shared strings (`model::intern`): the same text is one allocation per context.
    pub job_name: Arc<str>,
    pub attempt: i32,
    pub previous_run_id: Option<String>,
    pub trigger_name: Option<Arc<str>>,
    pub state: Option<RunState>,
    pub started_on: Option<DateTime<Utc>>,
    pub last_modified_on: Option<DateTime<Utc>>,
    pub completed_on: Option<DateTime<Utc>>,
    pub arguments: Arguments,
    pub error_message: Option<Arc<str>>,
    /// ExecutionTime in seconds, as reported by Glue.
    pub execution_time_s: i64,
    pub timeout_min: Option<i32>,
    pub max_capacity: Option<f64>,
    pub worker_type: Option<Arc<str>>,
    pub number_of_workers: Option<i32>,
    pub dpu_seconds: Option<f64>,
    pub glue_version: Option<Arc<str>>,
    pub log_group_name: Option<Arc<str>>,
    pub execution_class: Option<Arc<str>>,
    pub security_configuration: Option<Arc<str>>,
}

impl JobRun {
    pub fn state(&self) -> RunState {
        self.state.unwrap_or(RunState::Unknown)
    }

    /// Wall duration: completed - started, or now - started while running,
    /// falling back to ExecutionTime.
    pub fn duration_s(&self, now: DateTime<Utc>) -> Option<i64> {
        match (self.started_on, self.completed_on) {
            (Some(s), Some(c)) => Some((c - s).num_seconds().max(0)),
            (Some(s), None) if self.state().is_active() => Some((now - s).num_seconds().max(0)),
            _ if self.execution_time_s > 0 => Some(self.execution_time_s),
            _ => None,
        }
    }

    /// DPU-hours: DPUSeconds when Glue reports it (Flex, auto scaling), otherwise
    /// ExecutionTime x capacity (MaxCapacity, or workers x DPU per worker type).
    pub fn dpu_hours(&self) -> Option<f64> {
        if let Some(s) = self.dpu_seconds {
            return Some(s / 3600.0);
        }
        let capacity = self.capacity_dpu()?;
        if self.execution_time_s <= 0 {
            return None;
        }
        Some(self.execution_time_s as f64 * capacity / 3600.0)
    }

    /// Whether the DPU-hours figure is Glue's own (false: an estimate).
    pub fn dpu_hours_reported(&self) -> bool {
        self.dpu_seconds.is_some()
    }

    fn capacity_dpu(&self) -> Option<f64> {
        if let (Some(wt), Some(n)) = (&self.worker_type, self.number_of_workers) {
            return Some(dpu_per_worker(wt) * f64::from(n));
        }
        self.max_capacity
    }

    /// First line of the error message, for tables.
    pub fn error_first_line(&self) -> Option<&str> {
        self.error_message.as_deref().and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty()))
    }
}

/// DPUs per worker for Glue worker types (G.1X = 1 DPU, G.2X = 2, ...; Standard = 1; G.025X = 0.25).
pub fn dpu_per_worker(worker_type: &str) -> f64 {
    match worker_type {
        "G.025X" => 0.25,
        "G.1X" | "Standard" => 1.0,
        "G.2X" | "R.1X" => 2.0,
        "G.4X" | "R.2X" => 4.0,
        "G.8X" | "R.4X" => 8.0,
        "G.12X" => 12.0,
        "G.16X" | "R.8X" => 16.0,
        "Z.2X" => 2.0,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dpu_hours_prefers_reported_then_estimates() {
        let mut run = JobRun {
            execution_time_s: 1800,
            worker_type: Some("G.2X".into()),
            number_of_workers: Some(10),
            ..Default::default()
        };
        assert_eq!(run.dpu_hours(), Some(10.0));
        run.dpu_seconds = Some(7200.0);
        assert_eq!(run.dpu_hours(), Some(2.0));
        assert!(run.dpu_hours_reported());
    }

    #[test]
    fn duration_of_running_run_grows_with_now() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid");
        let run = JobRun { started_on: Some(start), state: Some(RunState::Running), ..Default::default() };
        assert_eq!(run.duration_s(start + chrono::Duration::seconds(90)), Some(90));
    }

    #[test]
    fn older_runs_drop_their_arguments_but_the_last_success_and_runs_in_flight() {
        let run = |id: &str, state| JobRun {
            id: id.into(),
            state: Some(state),
            arguments: [("--day".to_string(), id.to_string())].into_iter().collect(),
            ..Default::default()
        };
        use RunState::*;
        let mut runs = vec![
            run("a", Succeeded),
            run("b", Succeeded),
            run("c", Running),
            run("d", Failed),
            run("e", Failed),
            run("f", Succeeded),
            run("g", Succeeded),
        ];
        drop_older_arguments(&mut runs, 2);
        let kept: Vec<&str> = runs.iter().filter(|r| !r.arguments.is_dropped()).map(|r| r.id.as_str()).collect();
        assert_eq!(kept, ["a", "b", "c", "d", "f"], "newest two, in flight, newest failure, the success before it");
        assert_eq!(runs[5].arguments.get("--day").map(String::as_str), Some("f"));
        assert_eq!(runs[6].arguments.get("--day"), None, "dropped");
        assert_eq!(runs[6].arguments.iter().count(), 0);
    }

    #[test]
    fn state_parse_round_trips() {
        for s in ["STARTING", "RUNNING", "FAILED", "TIMEOUT", "ERROR", "WAITING", "EXPIRED", "STOPPED"] {
            assert_eq!(RunState::parse(s).as_str(), s);
        }
        assert_eq!(RunState::parse("NEW_STATE").as_str(), "UNKNOWN");
    }
}

/// A job with its stream and its runs (newest first): one row of the jobs pane.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobEntry {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    /// Shared with the poller that listed it (a cycle hands over the same definition).
    pub job: Arc<Job>,
    pub stream: Option<String>,
    /// Newest first (by start time); `last_run` is the first. Shared with the poller that
    /// read them (a cycle hands over the same runs, it does not copy them).
    pub runs: std::sync::Arc<Vec<JobRun>>,
}

impl JobEntry {
    pub fn last_run(&self) -> Option<&JobRun> {
        self.runs.first()
    }

    pub fn has_active_run(&self) -> bool {
        self.runs.iter().any(|r| r.state().is_active())
    }
}

/// Everything the Glue source knows after one poll.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GlueData {
    pub jobs: Vec<JobEntry>,
    /// While the first load is under way: how far it is (None: everything is read).
    pub loading: Option<Loading>,
}

/// How far the first load of a context's Glue jobs is: of `total` jobs, how many have
/// their newest runs read, and how many their history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Loading {
    pub total: usize,
    pub runs: usize,
    pub history: usize,
    /// The jobs are still being listed (`total` so far).
    pub listing: bool,
}

impl Loading {
    /// Several contexts' loads as one.
    pub fn plus(self, other: Loading) -> Loading {
        Loading {
            total: self.total + other.total,
            runs: self.runs + other.runs,
            history: self.history + other.history,
            listing: self.listing || other.listing,
        }
    }

    /// "listing jobs (100)" while GetJobs pages come in, "loading 120/300" while newest runs
    /// come in, then "history 120/300".
    pub fn note(self) -> String {
        if self.listing {
            format!("listing jobs ({})", self.total)
        } else if self.runs < self.total {
            format!("loading {}/{}", self.runs, self.total)
        } else {
            format!("history {}/{}", self.history, self.total)
        }
    }
}

/// JobBookmarkEntry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bookmark {
    pub job_name: String,
    pub version: i32,
    pub run: i32,
    pub attempt: i32,
    pub previous_run_id: Option<String>,
    pub run_id: Option<String>,
    /// The bookmark document as Glue returns it (a JSON string).
    pub json: Option<String>,
}

impl Bookmark {
    /// The bookmark JSON pretty-printed, or as received when it is not JSON.
    pub fn pretty(&self) -> String {
        match &self.json {
            None => "(empty)".into(),
            Some(raw) => serde_json::from_str::<serde_json::Value>(raw)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| raw.clone()),
        }
    }
}
