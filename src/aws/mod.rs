//! The seam around AWS: the only place that knows the SDK exists.
//!
//! Reads and writes are separate traits. Pollers hold read traits only; only
//! `actions/` (later issues) will hold write traits, so `--read-only` is a matter
//! of never constructing them.

pub mod budget;
pub mod deadline;
pub mod demo;
mod error;
pub mod hold;
mod logs;
pub mod offline;
pub mod rate;
pub mod sdk;
mod stats;
mod storage;

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

pub use error::{AwsError, ErrorKind};
pub use logs::{EventPage, LiveTail, LiveUpdate, LogEvent, LogQuery, LogStreamInfo, LogsRead, NoLogs};
pub use stats::{ApiStats, StatsSnapshot};
pub use storage::{CatalogRead, LandingRead, NoCatalog, NoLanding, NoObjects, ObjectRead};

use crate::model::cost::{CostQuery, RawDay};
use crate::model::{
    Bookmark, Crawler, DqData, DqFilter, DqResult, EmrApp, EmrAttempt, EmrRun, EmrState, Job, JobRun, Workflow,
    WorkflowRun,
};

/// A boxed future, so the traits stay object safe (`Arc<dyn GlueRead>`).
pub type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
pub type AwsResult<T> = Result<T, AwsError>;

/// Where to stop paging a job's run history (runs come newest first).
#[derive(Debug, Clone, Default)]
pub struct StopAt {
    /// Run ids already known in a final state: once a page holds one, older pages are known too.
    pub known_final: HashSet<String>,
    /// Runs started before this instant are not wanted: stop after a page that reaches it.
    pub started_before: Option<DateTime<Utc>>,
    /// Only the newest `n` runs: one page of that size (the first screen's quick look).
    pub newest: Option<usize>,
}

impl StopAt {
    pub fn everything() -> Self {
        Self::default()
    }

    /// Only the newest `n` runs.
    pub fn newest(n: usize) -> Self {
        Self { newest: Some(n), ..Self::default() }
    }

    /// True when nothing older than this page is needed.
    pub fn reached(&self, page: &[JobRun]) -> bool {
        let known = page.iter().any(|r| self.known_final.contains(&r.id));
        let too_old = match self.started_before {
            Some(cut) => page.iter().any(|r| r.started_on.is_some_and(|s| s < cut)),
            None => false,
        };
        known || too_old
    }
}

/// Who the credentials belong to (STS GetCallerIdentity).
#[derive(Debug, Clone, PartialEq)]
pub struct CallerIdentity {
    pub account: String,
    pub arn: String,
    /// When the credentials behind it expire (assumed roles, SSO), when the provider says.
    pub expires: Option<DateTime<Utc>>,
}

/// Tags by job name.
pub type JobTags = std::collections::HashMap<String, BTreeMap<String, String>>;

/// A Glue resource kind that carries tags (beyond jobs) and names its stream by them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tagged {
    Workflow,
    Crawler,
    /// A Data Quality ruleset.
    Ruleset,
}

impl Tagged {
    /// The resource type in its ARN (`arn:aws:glue:<region>:<account>:<type>/<name>`), which is
    /// also its `ResourceTypeFilters` entry after `glue:`.
    pub fn arn_type(self) -> &'static str {
        match self {
            Tagged::Workflow => "workflow",
            Tagged::Crawler => "crawler",
            Tagged::Ruleset => "dataQualityRuleset",
        }
    }
}

/// Read side of Glue.
/// One page of GetJobs.
#[derive(Debug, Clone, Default)]
pub struct JobsPage {
    pub jobs: Vec<Job>,
    /// The next page's token (None: this was the last).
    pub next: Option<String>,
}

pub trait GlueRead: Send + Sync {
    /// Every job definition (GetJobs, paginated).
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>>;
    /// One page of GetJobs after `token` (None: the first), at most `max` jobs (None: the
    /// reader's page size), and the next page's token (None: that was the last). Readers
    /// without pages answer every job on the first page.
    fn jobs_page<'a>(&'a self, token: Option<&'a str>, max: Option<i32>) -> BoxFut<'a, AwsResult<JobsPage>> {
        let _ = max;
        Box::pin(async move {
            let jobs = if token.is_none() { self.jobs().await? } else { Vec::new() };
            Ok(JobsPage { jobs, next: None })
        })
    }
    /// Tags of one job (GetTags on its ARN).
    fn job_tags<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>>;
    /// The tags of every tagged job by name, in a few calls (tag:GetResources); a job that is
    /// absent has none. `Ok(None)`: this reader cannot (ask each job's `job_tags`).
    fn all_job_tags(&self) -> BoxFut<'_, AwsResult<Option<JobTags>>> {
        Box::pin(async { Ok(None) })
    }
    /// The tags of every tagged resource of `kind` by name, in a few calls (tag:GetResources);
    /// one that is absent has none. `Ok(None)`: this reader cannot (ask each with `tags_of`).
    /// Readers that know no tags have none.
    fn all_tags(&self, _kind: Tagged) -> BoxFut<'_, AwsResult<Option<JobTags>>> {
        Box::pin(async { Ok(Some(JobTags::new())) })
    }
    /// Tags of one resource of `kind` (GetTags on its ARN).
    fn tags_of<'a>(&'a self, _kind: Tagged, _name: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        Box::pin(async { Ok(BTreeMap::new()) })
    }
    /// The activated SCHEDULED triggers and the jobs they start (GetTriggers, paginated).
    /// Readers that cannot tell have none.
    fn scheduled_triggers(&self) -> BoxFut<'_, AwsResult<Vec<crate::model::ScheduledTrigger>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// Runs of one job, newest first (GetJobRuns, paginated until `stop` is reached).
    fn job_runs<'a>(&'a self, job_name: &'a str, stop: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>>;
    /// One run (GetJobRun).
    fn job_run<'a>(&'a self, job_name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<JobRun>>;
    /// The job's bookmark (GetJobBookmark).
    fn job_bookmark<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<Bookmark>>;
}

/// Read side of Glue workflows.
pub trait WorkflowRead: Send + Sync {
    /// Every workflow with its last run (ListWorkflows + BatchGetWorkflows).
    fn workflows(&self) -> BoxFut<'_, AwsResult<Vec<Workflow>>>;
    /// Runs of one workflow with their graphs, newest first (GetWorkflowRuns, up to `max`).
    fn workflow_runs<'a>(&'a self, name: &'a str, max: usize) -> BoxFut<'a, AwsResult<Vec<WorkflowRun>>>;
}

/// Read side of Glue crawlers.
pub trait CrawlerRead: Send + Sync {
    /// Every crawler with its metrics (GetCrawlers + GetCrawlerMetrics).
    fn crawlers(&self) -> BoxFut<'_, AwsResult<Vec<Crawler>>>;
}

/// Read side of Glue Data Quality.
pub trait DataQualityRead: Send + Sync {
    /// Results matching `filter`, newest first, with their rule results
    /// (ListDataQualityResults, paginated, then BatchGetDataQualityResult).
    fn dq_results<'a>(&'a self, filter: &'a DqFilter) -> BoxFut<'a, AwsResult<Vec<DqResult>>>;
    /// Results started after `since` and the latest ruleset evaluation runs (with the
    /// error of those that failed).
    fn dq_overview(&self, since: Option<DateTime<Utc>>) -> BoxFut<'_, AwsResult<DqData>>;
}

/// Cost Explorer. Every request is billed ($0.01): callers go through `cost::load`,
/// which caches.
pub trait CostRead: Send + Sync {
    /// GetCostAndUsage, every page: the days of the answer and the number of requests made.
    /// `account` is the account the question is about (a reader through the payer account
    /// answers for it alone; the others answer for their own credentials' account).
    fn cost_and_usage<'a>(
        &'a self,
        query: &'a CostQuery,
        account: &'a str,
    ) -> BoxFut<'a, AwsResult<(Vec<RawDay>, u32)>>;
    /// Drop any answer kept in memory: the next question is asked anew (a forced refresh).
    fn forget(&self) -> BoxFut<'_, ()> {
        Box::pin(async {})
    }
}

/// No Cost Explorer client (accounts assembled without one).
pub struct NoCost;

impl CostRead for NoCost {
    fn cost_and_usage<'a>(
        &'a self,
        _query: &'a CostQuery,
        _account: &'a str,
    ) -> BoxFut<'a, AwsResult<(Vec<RawDay>, u32)>> {
        Box::pin(async {
            Err(AwsError {
                kind: ErrorKind::Other,
                operation: "ce:GetCostAndUsage".into(),
                message: "no Cost Explorer client in this session".into(),
            })
        })
    }
}

/// Read side of EMR Serverless.
pub trait EmrRead: Send + Sync {
    /// Every application with its configuration (ListApplications + GetApplication).
    fn applications(&self) -> BoxFut<'_, AwsResult<Vec<EmrApp>>>;
    /// Run summaries of one application, newest first (ListJobRuns, paginated), created
    /// after `created_after` and, when `states` is not empty, in one of them.
    fn job_runs<'a>(
        &'a self,
        app_id: &'a str,
        created_after: Option<DateTime<Utc>>,
        states: &'a [EmrState],
    ) -> BoxFut<'a, AwsResult<Vec<EmrRun>>>;
    /// One run with everything GetJobRun tells.
    fn job_run<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<EmrRun>>;
    /// The attempts of a run (ListJobRunAttempts).
    fn attempts<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<Vec<EmrAttempt>>>;
}

/// Write side of EMR Serverless. Constructed only when not read-only.
pub trait EmrWrite: Send + Sync {
    fn start_application<'a>(&'a self, app_id: &'a str) -> BoxFut<'a, AwsResult<()>>;
    fn stop_application<'a>(&'a self, app_id: &'a str) -> BoxFut<'a, AwsResult<()>>;
    /// StartJobRun with the driver, configuration, role, tags and retry policy of run
    /// `run_id`; `client_token` makes a retried call start it only once. Returns the new id.
    fn rerun_job<'a>(
        &'a self,
        app_id: &'a str,
        run_id: &'a str,
        client_token: &'a str,
    ) -> BoxFut<'a, AwsResult<String>>;
    fn cancel_job_run<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>>;
    /// GetDashboardForJobRun: a Spark UI URL valid for one hour.
    fn dashboard_url<'a>(
        &'a self,
        app_id: &'a str,
        run_id: &'a str,
        attempt: Option<i32>,
    ) -> BoxFut<'a, AwsResult<String>>;
}

/// What BatchStopJobRun accepted and refused.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StopResult {
    pub submitted: Vec<String>,
    /// (run id, reason).
    pub errors: Vec<(String, String)>,
}

/// Write side of Glue. Constructed only when not read-only; only `actions/` holds it.
pub trait GlueWrite: Send + Sync {
    /// StartJobRun with these arguments; returns the new run id.
    fn start_job_run<'a>(
        &'a self,
        job_name: &'a str,
        arguments: &'a BTreeMap<String, String>,
    ) -> BoxFut<'a, AwsResult<String>>;
    /// BatchStopJobRun.
    fn stop_job_runs<'a>(&'a self, job_name: &'a str, run_ids: &'a [String]) -> BoxFut<'a, AwsResult<StopResult>>;
    /// ResetJobBookmark: fully, or back to the state after run `run_id`.
    fn reset_job_bookmark<'a>(&'a self, job_name: &'a str, run_id: Option<&'a str>) -> BoxFut<'a, AwsResult<Bookmark>>;
    /// StartWorkflowRun; returns the new run id.
    fn start_workflow_run<'a>(
        &'a self,
        name: &'a str,
        properties: &'a BTreeMap<String, String>,
    ) -> BoxFut<'a, AwsResult<String>>;
    /// ResumeWorkflowRun; returns the new run id and the node ids restarted.
    fn resume_workflow_run<'a>(
        &'a self,
        name: &'a str,
        run_id: &'a str,
        node_ids: &'a [String],
    ) -> BoxFut<'a, AwsResult<(String, Vec<String>)>>;
    /// StopWorkflowRun.
    fn stop_workflow_run<'a>(&'a self, name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>>;
    /// StartCrawler.
    fn start_crawler<'a>(&'a self, name: &'a str) -> BoxFut<'a, AwsResult<()>>;
}

/// Identity of the caller, shown in the status bar and written to the audit log.
pub trait IdentityRead: Send + Sync {
    fn caller_identity(&self) -> BoxFut<'_, AwsResult<CallerIdentity>>;
}

/// Everything the read side of an account offers, for the app and `snapshot`.
#[derive(Clone)]
pub struct Account {
    pub glue: std::sync::Arc<dyn GlueRead>,
    pub workflows: std::sync::Arc<dyn WorkflowRead>,
    pub crawlers: std::sync::Arc<dyn CrawlerRead>,
    pub emr: std::sync::Arc<dyn EmrRead>,
    pub dq: std::sync::Arc<dyn DataQualityRead>,
    pub cost: std::sync::Arc<dyn CostRead>,
    pub logs: std::sync::Arc<dyn LogsRead>,
    pub objects: std::sync::Arc<dyn ObjectRead>,
    pub landing: std::sync::Arc<dyn LandingRead>,
    pub catalog: std::sync::Arc<dyn CatalogRead>,
    pub identity: std::sync::Arc<dyn IdentityRead>,
    pub stats: std::sync::Arc<ApiStats>,
    pub profile: Option<String>,
    pub region: String,
}
