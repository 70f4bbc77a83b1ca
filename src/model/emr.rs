//! EMR Serverless applications and job runs as batchtop sees them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// JobRunState.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EmrState {
    Submitted,
    Pending,
    Scheduled,
    Running,
    Success,
    Failed,
    Cancelling,
    Cancelled,
    Queued,
    Unknown,
}

impl EmrState {
    pub const ACTIVE: [EmrState; 6] = [
        EmrState::Submitted,
        EmrState::Pending,
        EmrState::Scheduled,
        EmrState::Running,
        EmrState::Cancelling,
        EmrState::Queued,
    ];

    pub fn parse(s: &str) -> Self {
        match s {
            "SUBMITTED" => Self::Submitted,
            "PENDING" => Self::Pending,
            "SCHEDULED" => Self::Scheduled,
            "RUNNING" => Self::Running,
            "SUCCESS" => Self::Success,
            "FAILED" => Self::Failed,
            "CANCELLING" => Self::Cancelling,
            "CANCELLED" => Self::Cancelled,
            "QUEUED" => Self::Queued,
            _ => Self::Unknown,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "SUBMITTED",
            Self::Pending => "PENDING",
            Self::Scheduled => "SCHEDULED",
            Self::Running => "RUNNING",
            Self::Success => "SUCCESS",
            Self::Failed => "FAILED",
            Self::Cancelling => "CANCELLING",
            Self::Cancelled => "CANCELLED",
            Self::Queued => "QUEUED",
            Self::Unknown => "UNKNOWN",
        }
    }

    pub fn is_active(self) -> bool {
        Self::ACTIVE.contains(&self)
    }

    /// Not running yet: the states "why is it waiting" explains.
    pub fn is_waiting(self) -> bool {
        matches!(self, Self::Submitted | Self::Queued | Self::Pending | Self::Scheduled)
    }
}

/// ResourceUtilization: vCPU-hours, memory GB-hours, storage GB-hours.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Utilization {
    pub vcpu_hours: f64,
    pub memory_gb_hours: f64,
    pub storage_gb_hours: f64,
}

/// MaximumAllowedResources (strings as the API gives them: "400 vCPU", "3000 GB").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Capacity {
    pub cpu: String,
    pub memory: String,
    pub disk: Option<String>,
}

/// One initialCapacity entry: a worker type kept warm.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InitialCapacity {
    pub worker_type: String,
    pub count: i64,
    pub cpu: String,
    pub memory: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmrApp {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    pub id: String,
    pub name: String,
    /// CREATING, CREATED, STARTING, STARTED, STOPPING, STOPPED, TERMINATED.
    pub state: String,
    pub state_details: Option<String>,
    pub app_type: String,
    pub release_label: String,
    pub auto_start: Option<bool>,
    /// (enabled, idle timeout in minutes).
    pub auto_stop: Option<(bool, Option<i32>)>,
    pub max_capacity: Option<Capacity>,
    pub initial_capacity: Vec<InitialCapacity>,
    /// SchedulerConfiguration.maxConcurrentRuns, when set.
    pub max_concurrent_runs: Option<i32>,
    pub tags: BTreeMap<String, String>,
}

/// The sparkSubmit job driver.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JobDriver {
    pub entry_point: String,
    pub arguments: Vec<String>,
    pub spark_submit_parameters: Option<String>,
}

/// Where a run's logs go (configurationOverrides.monitoringConfiguration).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Monitoring {
    pub s3_log_uri: Option<String>,
    pub cloudwatch_enabled: Option<bool>,
    pub cloudwatch_group: Option<String>,
    pub cloudwatch_prefix: Option<String>,
}

/// A job run: what ListJobRuns says, filled in by GetJobRun.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmrRun {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    pub app_id: String,
    pub id: String,
    pub name: Option<String>,
    pub arn: Option<String>,
    pub state: Option<EmrState>,
    pub state_details: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub attempt: Option<i32>,
    pub release_label: Option<String>,
    pub execution_role: Option<String>,
    /// Filled by GetJobRun (ListJobRuns does not carry these).
    pub detailed: bool,
    pub driver: Option<JobDriver>,
    pub monitoring: Monitoring,
    /// applicationConfiguration classifications (e.g. spark-defaults), flattened `class.key = value`.
    pub app_config: BTreeMap<String, String>,
    pub total: Option<Utilization>,
    pub billed: Option<Utilization>,
    pub total_execution_duration_s: Option<i32>,
    pub queued_duration_ms: Option<i64>,
    pub execution_timeout_min: Option<i64>,
    /// (maxAttempts, maxFailedAttemptsPerHour).
    pub retry_policy: Option<(Option<i32>, Option<i32>)>,
    /// (subnet ids, security group ids).
    pub network: Option<(Vec<String>, Vec<String>)>,
    pub tags: BTreeMap<String, String>,
}

impl EmrRun {
    pub fn state(&self) -> EmrState {
        self.state.unwrap_or(EmrState::Unknown)
    }

    /// Wall duration: totalExecutionDurationSeconds when EMR reports it, else from the timestamps.
    pub fn duration_s(&self, now: DateTime<Utc>) -> Option<i64> {
        if let Some(d) = self.total_execution_duration_s.filter(|d| *d > 0) {
            return Some(i64::from(d));
        }
        let start = self.started_at.or(self.created_at)?;
        let end = self.ended_at.unwrap_or(if self.state().is_active() { now } else { self.updated_at.unwrap_or(now) });
        Some((end - start).num_seconds().max(0))
    }

    pub fn details_first_line(&self) -> Option<&str> {
        self.state_details.as_deref().and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty()))
    }

    /// The telling part of stateDetails for a table: what follows "Last few exceptions:"
    /// (EMR's boilerplate says nothing), else the first line.
    pub fn details_summary(&self) -> Option<String> {
        let d = self.state_details.as_deref()?;
        let Some(i) = d.find("Last few exceptions:") else { return self.details_first_line().map(str::to_string) };
        let rest = d[i + "Last few exceptions:".len()..].trim();
        let first = rest.split("Exception in thread").next().unwrap_or(rest).trim();
        let first = first.strip_prefix("Caused by:").unwrap_or(first).trim();
        // `java.io.IOException: No space left` -> `IOException: No space left`.
        let short = match first.find(':') {
            Some(colon) => match first[..colon].rfind('.') {
                Some(dot) if !first[..colon].contains(' ') => &first[dot + 1..],
                _ => first,
            },
            None => first,
        };
        Some(short.to_string())
    }
}

/// One attempt of a run (ListJobRunAttempts).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmrAttempt {
    pub attempt: i32,
    pub state: Option<EmrState>,
    pub state_details: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// An application and its runs (newest first): what the EMR poller brings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EmrData {
    pub apps: Vec<EmrApp>,
    pub runs: Vec<EmrRun>,
}

impl EmrData {
    pub fn app(&self, id: &str) -> Option<&EmrApp> {
        self.apps.iter().find(|a| a.id == id)
    }

    pub fn active_runs_of(&self, app_id: &str) -> usize {
        self.runs.iter().filter(|r| r.app_id == app_id && r.state().is_active()).count()
    }
}
