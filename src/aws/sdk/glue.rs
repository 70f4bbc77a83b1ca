//! Glue through the real SDK: jobs, tags, runs (paginated, incremental), one run.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use aws_sdk_glue::primitives::DateTime as SdkTime;
use chrono::{DateTime, Utc};

use aws_sdk_glue::config::http::HttpResponse;

use super::error::classify;
use super::retry::{Reads, RetryPolicy};
use super::sts::SdkIdentity;
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsResult, BoxFut, GlueRead, StopAt};
use crate::model::{Bookmark, Job, JobRun, RunState};

/// MaxResults per page. GetJobs accepts up to 1000, GetJobRuns up to 200 (the defaults).
#[derive(Debug, Clone, Copy)]
pub struct Pages {
    pub jobs: i32,
    pub runs: i32,
    /// ListDataQualityResults / ListDataQualityRulesetEvaluationRuns page size.
    pub dq: i32,
}

impl Default for Pages {
    fn default() -> Self {
        Self { jobs: 1000, runs: 200, dq: 100 }
    }
}

pub struct SdkGlue {
    client: aws_sdk_glue::Client,
    /// tag:GetResources for every job's tags in a few calls (None: per-job GetTags only).
    tagging: Option<aws_sdk_resourcegroupstagging::Client>,
    pages: Pages,
    identity: Arc<SdkIdentity>,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
    /// Retries and the adaptive rate of Glue reads in this context.
    reads: Arc<Reads>,
}

impl SdkGlue {
    pub fn new(
        client: aws_sdk_glue::Client,
        identity: Arc<SdkIdentity>,
        ctx: ErrorContext,
        stats: Arc<ApiStats>,
    ) -> Self {
        let reads = Arc::new(Reads::new(RetryPolicy::none(), stats.clone()));
        Self {
            client: client.counting_throttles(&stats),
            tagging: None,
            pages: Pages::default(),
            identity,
            ctx,
            stats,
            reads,
        }
    }

    /// Retry reads and adapt their rate as `reads` says (shared by every Glue reader of the context).
    pub fn with_reads(mut self, reads: Arc<Reads>) -> Self {
        self.reads = reads;
        self
    }

    /// Read every job's tags with the Resource Groups Tagging API.
    pub fn with_tagging(mut self, client: aws_sdk_resourcegroupstagging::Client) -> Self {
        self.tagging = Some(client.counting_throttles(&self.stats));
        self
    }

    pub fn with_pages(mut self, pages: Pages) -> Self {
        self.pages = pages;
        self
    }

    pub(super) fn client(&self) -> &aws_sdk_glue::Client {
        &self.client
    }

    pub(super) fn pages(&self) -> &Pages {
        &self.pages
    }

    pub(super) fn tagging(&self) -> Option<&aws_sdk_resourcegroupstagging::Client> {
        self.tagging.as_ref()
    }

    /// One read (`op`) through the context's retries and adaptive rate: `call` sends it.
    pub(super) async fn read<T, E, F, Fut>(&self, op: &str, mut call: F) -> AwsResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, aws_sdk_glue::error::SdkError<E, HttpResponse>>>,
        E: aws_sdk_glue::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.reads
            .call(op, || {
                let sent = call();
                async move { sent.await.map_err(|e| classify(&self.ctx, op, &e)) }
            })
            .await
    }

    async fn all_jobs(&self) -> AwsResult<Vec<Job>> {
        let mut jobs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self.jobs_at(token.as_deref(), None).await?;
            jobs.extend(page.jobs);
            match page.next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        Ok(jobs)
    }

    async fn jobs_at(&self, token: Option<&str>, max: Option<i32>) -> AwsResult<crate::aws::JobsPage> {
        let max = max.unwrap_or(self.pages.jobs);
        let out = self
            .read("glue:GetJobs", || {
                self.client.get_jobs().max_results(max).set_next_token(token.map(str::to_string)).send()
            })
            .await?;
        let next = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
        Ok(crate::aws::JobsPage { jobs: out.jobs().iter().map(map_job).collect(), next })
    }

    async fn tags(&self, job_name: &str) -> AwsResult<BTreeMap<String, String>> {
        self.arn_tags("job", job_name).await
    }

    /// GetTags on `arn:<partition>:glue:<region>:<account>:<arn_type>/<name>`.
    async fn arn_tags(&self, arn_type: &str, name: &str) -> AwsResult<BTreeMap<String, String>> {
        let account = self.identity.account_id().await?;
        let (partition, region) = (partition(&self.ctx.region), &self.ctx.region);
        let arn = format!("arn:{partition}:glue:{region}:{account}:{arn_type}/{name}");
        let out = self.read("glue:GetTags", || self.client.get_tags().resource_arn(&arn).send()).await?;
        Ok(out.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
    }

    async fn runs(&self, job_name: &str, stop: &StopAt) -> AwsResult<Vec<JobRun>> {
        let mut runs = Vec::new();
        let mut token: Option<String> = None;
        let page_size = stop.newest.map_or(self.pages.runs, |n| n.clamp(1, 200) as i32);
        loop {
            let out = self
                .read("glue:GetJobRuns", || {
                    let req = self.client.get_job_runs().job_name(job_name).max_results(page_size);
                    req.set_next_token(token.clone()).send()
                })
                .await?;
            let page: Vec<JobRun> = out.job_runs().iter().map(|r| map_run(job_name, r)).collect();
            let done = stop.reached(&page) || stop.newest.is_some();
            runs.extend(page);
            match out.next_token() {
                Some(t) if !t.is_empty() && !done => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(runs)
    }

    async fn run(&self, job_name: &str, run_id: &str) -> AwsResult<JobRun> {
        let out =
            self.read("glue:GetJobRun", || self.client.get_job_run().job_name(job_name).run_id(run_id).send()).await?;
        match out.job_run() {
            Some(r) => Ok(map_run(job_name, r)),
            None => Err(self.ctx.explain(
                crate::aws::ErrorKind::NotFound,
                "glue:GetJobRun",
                &format!("run {run_id} of {job_name}"),
            )),
        }
    }
}

impl GlueRead for SdkGlue {
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>> {
        Box::pin(self.all_jobs())
    }
    fn jobs_page<'a>(
        &'a self,
        token: Option<&'a str>,
        max: Option<i32>,
    ) -> BoxFut<'a, AwsResult<crate::aws::JobsPage>> {
        Box::pin(self.jobs_at(token, max))
    }
    fn job_tags<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        Box::pin(self.tags(job_name))
    }
    fn all_job_tags(&self) -> BoxFut<'_, AwsResult<Option<crate::aws::JobTags>>> {
        Box::pin(self.tags_of_all_jobs())
    }
    fn all_tags(&self, kind: crate::aws::Tagged) -> BoxFut<'_, AwsResult<Option<crate::aws::JobTags>>> {
        Box::pin(self.tags_of_all(kind.arn_type()))
    }
    fn tags_of<'a>(
        &'a self,
        kind: crate::aws::Tagged,
        name: &'a str,
    ) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        Box::pin(self.arn_tags(kind.arn_type(), name))
    }
    fn scheduled_triggers(&self) -> BoxFut<'_, AwsResult<Vec<crate::model::ScheduledTrigger>>> {
        Box::pin(self.scheduled())
    }
    fn job_runs<'a>(&'a self, job_name: &'a str, stop: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        Box::pin(self.runs(job_name, stop))
    }
    fn job_run<'a>(&'a self, job_name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        Box::pin(self.run(job_name, run_id))
    }
    fn job_bookmark<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<Bookmark>> {
        Box::pin(async move {
            let out =
                self.read("glue:GetJobBookmark", || self.client.get_job_bookmark().job_name(job_name).send()).await?;
            Ok(out
                .job_bookmark_entry()
                .map(map_bookmark)
                .unwrap_or_else(|| Bookmark { job_name: job_name.to_string(), ..Default::default() }))
        })
    }
}

pub(super) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

pub(super) fn time(t: Option<&SdkTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

fn map_job(j: &aws_sdk_glue::types::Job) -> Job {
    Job {
        name: j.name().unwrap_or_default().to_string(),
        description: j.description().map(str::to_string),
        glue_version: j.glue_version().map(str::to_string),
        worker_type: j.worker_type().map(|w| w.as_str().to_string()),
        number_of_workers: j.number_of_workers(),
        max_capacity: j.max_capacity(),
        tags: BTreeMap::new(),
    }
}

pub(super) fn map_run(job_name: &str, r: &aws_sdk_glue::types::JobRun) -> JobRun {
    JobRun {
        id: r.id().unwrap_or_default().to_string(),
        job_name: r.job_name().unwrap_or(job_name).into(),
        attempt: r.attempt(),
        previous_run_id: r.previous_run_id().map(str::to_string),
        trigger_name: r.trigger_name().map(Into::into),
        state: r.job_run_state().map(|s| RunState::parse(s.as_str())),
        started_on: time(r.started_on()),
        last_modified_on: time(r.last_modified_on()),
        completed_on: time(r.completed_on()),
        arguments: r.arguments().map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        error_message: r.error_message().map(Into::into),
        execution_time_s: i64::from(r.execution_time()),
        timeout_min: r.timeout(),
        max_capacity: r.max_capacity(),
        worker_type: r.worker_type().map(|w| w.as_str().into()),
        number_of_workers: r.number_of_workers(),
        dpu_seconds: r.dpu_seconds(),
        glue_version: r.glue_version().map(Into::into),
        log_group_name: r.log_group_name().map(Into::into),
        execution_class: r.execution_class().map(|c| c.as_str().into()),
        security_configuration: r.security_configuration().map(Into::into),
    }
}

pub(super) fn map_bookmark(b: &aws_sdk_glue::types::JobBookmarkEntry) -> Bookmark {
    Bookmark {
        job_name: b.job_name().unwrap_or_default().to_string(),
        version: b.version(),
        run: b.run(),
        attempt: b.attempt(),
        previous_run_id: b.previous_run_id().filter(|s| !s.is_empty()).map(str::to_string),
        run_id: b.run_id().filter(|s| !s.is_empty()).map(str::to_string),
        json: b.job_bookmark().filter(|s| !s.is_empty()).map(str::to_string),
    }
}
