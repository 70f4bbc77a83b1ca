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
pub mod offline;
pub mod rate;
pub mod sdk;
mod stats;

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};

pub use error::{AwsError, ErrorKind};
pub use stats::{ApiStats, StatsSnapshot};

use crate::model::cost::{CostQuery, RawDay};
use crate::model::{
    Bookmark, CatalogPartition, CatalogTable, Crawler, DqData, DqFilter, DqResult, EmrApp, EmrAttempt, EmrRun,
    EmrState, Job, JobRun, PartitionStats, Trigger, Workflow, WorkflowRun,
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

/// A CloudWatch Logs stream (DescribeLogStreams).
#[derive(Debug, Clone, PartialEq)]
pub struct LogStreamInfo {
    pub group: String,
    pub name: String,
    pub first_event_ms: Option<i64>,
    pub last_event_ms: Option<i64>,
}

/// One log event, from FilterLogEvents, GetLogEvents or Live Tail (which has no id).
#[derive(Debug, Clone, PartialEq)]
pub struct LogEvent {
    pub id: Option<String>,
    pub ts_ms: i64,
    pub ingestion_ms: Option<i64>,
    pub group: String,
    pub stream: String,
    pub message: String,
}

/// What to read from one log group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogQuery {
    pub group: String,
    /// Exact stream names (at most 100), or else `stream_prefix`.
    pub streams: Vec<String>,
    pub stream_prefix: Option<String>,
    /// A CloudWatch filter pattern.
    pub pattern: Option<String>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
}

/// One page of events and the token of the next.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventPage {
    pub events: Vec<LogEvent>,
    pub next: Option<String>,
}

/// A Live Tail update: the events of about one second, and whether the service sampled them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LiveUpdate {
    pub events: Vec<LogEvent>,
    pub sampled: bool,
}

/// An open Live Tail session. Dropping it ends the session.
pub trait LiveTail: Send {
    /// The next update; None when the session ended (timed out after 3 hours, or closed).
    fn next(&mut self) -> BoxFut<'_, AwsResult<Option<LiveUpdate>>>;
}

/// Read side of CloudWatch Logs. Every call goes through the account's API budget.
pub trait LogsRead: Send + Sync {
    /// The ARN of a log group (Live Tail wants ARNs), None when the group does not exist.
    fn group_arn<'a>(&'a self, group: &'a str) -> BoxFut<'a, AwsResult<Option<String>>>;
    /// Streams of `group` whose names start with `prefix` (DescribeLogStreams, paginated);
    /// an absent group has none.
    fn streams<'a>(&'a self, group: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<LogStreamInfo>>>;
    /// One page of FilterLogEvents (oldest first).
    fn filter<'a>(&'a self, query: &'a LogQuery, token: Option<String>) -> BoxFut<'a, AwsResult<EventPage>>;
    /// StartLiveTail on these groups (ARNs); stream name prefixes only with one group.
    fn live_tail<'a>(
        &'a self,
        group_arns: &'a [String],
        stream_prefixes: &'a [String],
        pattern: Option<&'a str>,
    ) -> BoxFut<'a, AwsResult<Box<dyn LiveTail>>>;
}

/// No CloudWatch Logs client (the standalone viewer, offline).
pub struct NoLogs;

fn no_logs(op: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Other,
        operation: op.into(),
        message: "no CloudWatch Logs access in this session".into(),
    }
}

impl LogsRead for NoLogs {
    fn group_arn<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<Option<String>>> {
        Box::pin(async { Err(no_logs("logs:DescribeLogGroups")) })
    }
    fn streams<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<LogStreamInfo>>> {
        Box::pin(async { Err(no_logs("logs:DescribeLogStreams")) })
    }
    fn filter<'a>(&'a self, _: &'a LogQuery, _: Option<String>) -> BoxFut<'a, AwsResult<EventPage>> {
        Box::pin(async { Err(no_logs("logs:FilterLogEvents")) })
    }
    fn live_tail<'a>(
        &'a self,
        _: &'a [String],
        _: &'a [String],
        _: Option<&'a str>,
    ) -> BoxFut<'a, AwsResult<Box<dyn LiveTail>>> {
        Box::pin(async { Err(no_logs("logs:StartLiveTail")) })
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

/// Objects in S3 (event logs): list a prefix, read an object.
pub trait ObjectRead: Send + Sync {
    /// (key, size) of every object under `s3://bucket/prefix` (ListObjectsV2, paginated).
    fn list<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>>;
    /// The bytes of one object from `offset` on (GetObject with a Range when offset > 0).
    fn get<'a>(&'a self, bucket: &'a str, key: &'a str, offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>>;
    /// Bytes `range` of one object, exactly (GetObject with `Range: bytes=start-(end-1)`), each
    /// arrival added to `arrived` as it comes (taken back if the attempt fails). This default
    /// reads from `range.start` on and cuts.
    fn get_range<'a>(
        &'a self,
        bucket: &'a str,
        key: &'a str,
        range: std::ops::Range<u64>,
        arrived: &'a std::sync::atomic::AtomicU64,
    ) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move {
            let mut bytes = self.get(bucket, key, range.start).await?;
            bytes.truncate(usize::try_from(range.end - range.start).unwrap_or(usize::MAX));
            arrived.fetch_add(bytes.len() as u64, std::sync::atomic::Ordering::Relaxed);
            Ok(bytes)
        })
    }
}

/// No S3 at hand (accounts assembled without an S3 client, the offline event log viewer).
pub struct NoObjects;

impl ObjectRead for NoObjects {
    fn list<'a>(&'a self, bucket: &'a str, _prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>> {
        Box::pin(async move { Err(no_s3(bucket)) })
    }
    fn get<'a>(&'a self, bucket: &'a str, _key: &'a str, _offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move { Err(no_s3(bucket)) })
    }
}

fn no_s3(bucket: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Other,
        operation: "s3:GetObject".into(),
        message: format!(
            "no S3 access in this session (bucket {bucket}); copy the log locally and open it with batchtop eventlog PATH"
        ),
    }
}

/// Landing zones in S3, read one partition prefix at a time (never a whole stream's prefix).
pub trait LandingRead: Send + Sync {
    /// Objects under `s3://bucket/prefix` (ListObjectsV2, every page of that prefix only):
    /// their number and bytes, the newest LastModified, whether a `_SUCCESS` object is there.
    fn partition<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>>;
    /// The names one level below `s3://bucket/prefix` (ListObjectsV2 with Delimiter `/`:
    /// common prefixes only, nothing deeper is listed).
    fn children<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>>;
}

/// The Glue Data Catalog and the triggers that schedule the pipelines.
pub trait CatalogRead: Send + Sync {
    /// Tables of `database` whose names match the regex `pattern` (GetTables with Expression).
    fn tables<'a>(&'a self, database: &'a str, pattern: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogTable>>>;
    /// Partitions of a table that match `expression` (GetPartitions with Expression, every page).
    fn partitions<'a>(
        &'a self,
        database: &'a str,
        table: &'a str,
        expression: &'a str,
    ) -> BoxFut<'a, AwsResult<Vec<CatalogPartition>>>;
    /// Every trigger (GetTriggers, every page).
    fn triggers(&self) -> BoxFut<'_, AwsResult<Vec<Trigger>>>;
}

fn unavailable(op: &str, what: &str) -> AwsError {
    AwsError { kind: ErrorKind::Other, operation: op.into(), message: format!("no {what} client in this session") }
}

/// No landing reads (accounts assembled without an S3 client).
pub struct NoLanding;

impl LandingRead for NoLanding {
    fn partition<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>> {
        Box::pin(async { Err(unavailable("s3:ListObjectsV2", "S3")) })
    }
    fn children<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>> {
        Box::pin(async { Err(unavailable("s3:ListObjectsV2", "S3")) })
    }
}

/// No catalog reads (the offline viewer).
pub struct NoCatalog;

impl CatalogRead for NoCatalog {
    fn tables<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogTable>>> {
        Box::pin(async { Err(unavailable("glue:GetTables", "Glue")) })
    }
    fn partitions<'a>(&'a self, _: &'a str, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogPartition>>> {
        Box::pin(async { Err(unavailable("glue:GetPartitions", "Glue")) })
    }
    fn triggers(&self) -> BoxFut<'_, AwsResult<Vec<Trigger>>> {
        Box::pin(async { Err(unavailable("glue:GetTriggers", "Glue")) })
    }
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
