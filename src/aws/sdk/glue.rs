//! Glue through the real SDK: jobs, tags, runs (paginated, incremental), one run.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_glue::primitives::DateTime as SdkTime;
use chrono::{DateTime, Utc};

use super::error::classify;
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
    pages: Pages,
    identity: Arc<SdkIdentity>,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
}

impl SdkGlue {
    pub fn new(
        client: aws_sdk_glue::Client,
        identity: Arc<SdkIdentity>,
        ctx: ErrorContext,
        stats: Arc<ApiStats>,
    ) -> Self {
        Self { client: client.counting_throttles(&stats), pages: Pages::default(), identity, ctx, stats }
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

    pub(super) fn stats(&self) -> &ApiStats {
        &self.stats
    }

    pub(super) fn fail<E>(
        &self,
        op: &str,
        e: &aws_sdk_glue::error::SdkError<E, aws_sdk_glue::config::http::HttpResponse>,
    ) -> crate::aws::AwsError
    where
        E: aws_sdk_glue::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        classify(&self.ctx, op, e)
    }

    async fn all_jobs(&self) -> AwsResult<Vec<Job>> {
        let mut jobs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.stats.record_call();
            let out = self
                .client
                .get_jobs()
                .max_results(self.pages.jobs)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("glue:GetJobs", &e))?;
            jobs.extend(out.jobs().iter().map(map_job));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(jobs)
    }

    async fn tags(&self, job_name: &str) -> AwsResult<BTreeMap<String, String>> {
        let account = self.identity.get().await?.account;
        let arn = format!("arn:{}:glue:{}:{account}:job/{job_name}", partition(&self.ctx.region), self.ctx.region);
        self.stats.record_call();
        let out = self.client.get_tags().resource_arn(arn).send().await.map_err(|e| self.fail("glue:GetTags", &e))?;
        Ok(out.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
    }

    async fn runs(&self, job_name: &str, stop: &StopAt) -> AwsResult<Vec<JobRun>> {
        let mut runs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            self.stats.record_call();
            let out = self
                .client
                .get_job_runs()
                .job_name(job_name)
                .max_results(self.pages.runs)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| self.fail("glue:GetJobRuns", &e))?;
            let page: Vec<JobRun> = out.job_runs().iter().map(|r| map_run(job_name, r)).collect();
            let done = stop.reached(&page);
            runs.extend(page);
            match out.next_token() {
                Some(t) if !t.is_empty() && !done => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(runs)
    }

    async fn run(&self, job_name: &str, run_id: &str) -> AwsResult<JobRun> {
        self.stats.record_call();
        let out = self
            .client
            .get_job_run()
            .job_name(job_name)
            .run_id(run_id)
            .send()
            .await
            .map_err(|e| self.fail("glue:GetJobRun", &e))?;
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
    fn job_tags<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        Box::pin(self.tags(job_name))
    }
    fn job_runs<'a>(&'a self, job_name: &'a str, stop: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        Box::pin(self.runs(job_name, stop))
    }
    fn job_run<'a>(&'a self, job_name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        Box::pin(self.run(job_name, run_id))
    }
    fn job_bookmark<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<Bookmark>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .client
                .get_job_bookmark()
                .job_name(job_name)
                .send()
                .await
                .map_err(|e| self.fail("glue:GetJobBookmark", &e))?;
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
        job_name: r.job_name().unwrap_or(job_name).to_string(),
        attempt: r.attempt(),
        previous_run_id: r.previous_run_id().map(str::to_string),
        trigger_name: r.trigger_name().map(str::to_string),
        state: r.job_run_state().map(|s| RunState::parse(s.as_str())),
        started_on: time(r.started_on()),
        last_modified_on: time(r.last_modified_on()),
        completed_on: time(r.completed_on()),
        arguments: r.arguments().map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
        error_message: r.error_message().map(str::to_string),
        execution_time_s: i64::from(r.execution_time()),
        timeout_min: r.timeout(),
        max_capacity: r.max_capacity(),
        worker_type: r.worker_type().map(|w| w.as_str().to_string()),
        number_of_workers: r.number_of_workers(),
        dpu_seconds: r.dpu_seconds(),
        glue_version: r.glue_version().map(str::to_string),
        log_group_name: r.log_group_name().map(str::to_string),
        execution_class: r.execution_class().map(|c| c.as_str().to_string()),
        security_configuration: r.security_configuration().map(str::to_string),
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
