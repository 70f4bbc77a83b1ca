//! The write side of Glue. Built only when batchtop is not read-only; held only by `actions`.
//!
//! StartJobRun, StartWorkflowRun, ResumeWorkflowRun and StartCrawler take no idempotency
//! token: an SDK retry after a timeout or a 5xx that AWS had already acted on would start a
//! second run. They go through `once`, the same client with SDK retries disabled; the
//! executor looks for their effect instead (`actions::verify`). Stops and bookmark resets
//! are safe to repeat and keep the configured retries.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_glue::config::retry::RetryConfig;

use super::error::classify;
use super::glue::map_bookmark;
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsError, AwsResult, BoxFut, GlueWrite, StopResult};
use crate::model::Bookmark;

pub struct SdkGlueWrite {
    client: aws_sdk_glue::Client,
    /// `client` with one attempt per call: for the writes that must never be repeated blindly.
    once: aws_sdk_glue::Client,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
}

impl SdkGlueWrite {
    pub fn new(client: aws_sdk_glue::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        let client = client.counting_throttles(&stats);
        let once =
            aws_sdk_glue::Client::from_conf(client.config().to_builder().retry_config(RetryConfig::disabled()).build());
        Self { client, once, ctx, stats }
    }

    /// The SDK attempts per call of (retried client, once client), for tests.
    pub fn max_attempts(&self) -> (u32, u32) {
        let attempts = |c: &aws_sdk_glue::Client| c.config().retry_config().map_or(1, RetryConfig::max_attempts);
        (attempts(&self.client), attempts(&self.once))
    }

    fn fail<E>(
        &self,
        op: &str,
        e: &aws_sdk_glue::error::SdkError<E, aws_sdk_glue::config::http::HttpResponse>,
    ) -> AwsError
    where
        E: aws_sdk_glue::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        classify(&self.ctx, op, e)
    }
}

fn map_of(m: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    (!m.is_empty()).then(|| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

impl GlueWrite for SdkGlueWrite {
    fn start_job_run<'a>(&'a self, job: &'a str, args: &'a BTreeMap<String, String>) -> BoxFut<'a, AwsResult<String>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .once
                .start_job_run()
                .job_name(job)
                .set_arguments(map_of(args))
                .send()
                .await
                .map_err(|e| self.fail("glue:StartJobRun", &e))?;
            Ok(out.job_run_id().unwrap_or_default().to_string())
        })
    }

    fn stop_job_runs<'a>(&'a self, job: &'a str, run_ids: &'a [String]) -> BoxFut<'a, AwsResult<StopResult>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .client
                .batch_stop_job_run()
                .job_name(job)
                .set_job_run_ids(Some(run_ids.to_vec()))
                .send()
                .await
                .map_err(|e| self.fail("glue:BatchStopJobRun", &e))?;
            Ok(StopResult {
                submitted: out
                    .successful_submissions()
                    .iter()
                    .filter_map(|s| s.job_run_id().map(str::to_string))
                    .collect(),
                errors: out
                    .errors()
                    .iter()
                    .map(|e| {
                        let detail = e.error_detail();
                        let reason = match (detail.and_then(|d| d.error_code()), detail.and_then(|d| d.error_message()))
                        {
                            (Some(c), Some(m)) => format!("{c}: {m}"),
                            (Some(c), None) => c.to_string(),
                            (None, Some(m)) => m.to_string(),
                            (None, None) => "refused".to_string(),
                        };
                        (e.job_run_id().unwrap_or_default().to_string(), reason)
                    })
                    .collect(),
            })
        })
    }

    fn reset_job_bookmark<'a>(&'a self, job: &'a str, run_id: Option<&'a str>) -> BoxFut<'a, AwsResult<Bookmark>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .client
                .reset_job_bookmark()
                .job_name(job)
                .set_run_id(run_id.map(str::to_string))
                .send()
                .await
                .map_err(|e| self.fail("glue:ResetJobBookmark", &e))?;
            Ok(out
                .job_bookmark_entry()
                .map(map_bookmark)
                .unwrap_or_else(|| Bookmark { job_name: job.to_string(), ..Default::default() }))
        })
    }

    fn start_workflow_run<'a>(
        &'a self,
        name: &'a str,
        props: &'a BTreeMap<String, String>,
    ) -> BoxFut<'a, AwsResult<String>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .once
                .start_workflow_run()
                .name(name)
                .set_run_properties(map_of(props))
                .send()
                .await
                .map_err(|e| self.fail("glue:StartWorkflowRun", &e))?;
            Ok(out.run_id().unwrap_or_default().to_string())
        })
    }

    fn resume_workflow_run<'a>(
        &'a self,
        name: &'a str,
        run_id: &'a str,
        node_ids: &'a [String],
    ) -> BoxFut<'a, AwsResult<(String, Vec<String>)>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .once
                .resume_workflow_run()
                .name(name)
                .run_id(run_id)
                .set_node_ids(Some(node_ids.to_vec()))
                .send()
                .await
                .map_err(|e| self.fail("glue:ResumeWorkflowRun", &e))?;
            Ok((out.run_id().unwrap_or_default().to_string(), out.node_ids().to_vec()))
        })
    }

    fn stop_workflow_run<'a>(&'a self, name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        Box::pin(async move {
            self.stats.record_call();
            self.client
                .stop_workflow_run()
                .name(name)
                .run_id(run_id)
                .send()
                .await
                .map_err(|e| self.fail("glue:StopWorkflowRun", &e))?;
            Ok(())
        })
    }

    fn start_crawler<'a>(&'a self, name: &'a str) -> BoxFut<'a, AwsResult<()>> {
        Box::pin(async move {
            self.stats.record_call();
            self.once.start_crawler().name(name).send().await.map_err(|e| self.fail("glue:StartCrawler", &e))?;
            Ok(())
        })
    }
}
