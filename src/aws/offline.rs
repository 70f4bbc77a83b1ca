//! No AWS at all: the standalone event log viewer (`batchtop eventlog PATH`) on a local file.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{
    Account, ApiStats, AwsError, AwsResult, BoxFut, CallerIdentity, CrawlerRead, EmrRead, ErrorKind, GlueRead,
    IdentityRead, NoObjects, StopAt, WorkflowRead,
};
use crate::model::{Bookmark, Crawler, EmrApp, EmrAttempt, EmrRun, EmrState, Job, JobRun, Workflow, WorkflowRun};

pub struct Offline;

fn no<T>(op: &str) -> BoxFut<'static, AwsResult<T>>
where
    T: Send + 'static,
{
    let e = AwsError {
        kind: ErrorKind::Other,
        operation: op.into(),
        message: format!("{op}: offline, no AWS account in this session"),
    };
    Box::pin(async move { Err(e) })
}

impl GlueRead for Offline {
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>> {
        no("glue:GetJobs")
    }
    fn job_tags<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        no("glue:GetTags")
    }
    fn job_runs<'a>(&'a self, _: &'a str, _: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        no("glue:GetJobRuns")
    }
    fn job_run<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        no("glue:GetJobRun")
    }
    fn job_bookmark<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<Bookmark>> {
        no("glue:GetJobBookmark")
    }
}

impl WorkflowRead for Offline {
    fn workflows(&self) -> BoxFut<'_, AwsResult<Vec<Workflow>>> {
        no("glue:ListWorkflows")
    }
    fn workflow_runs<'a>(&'a self, _: &'a str, _: usize) -> BoxFut<'a, AwsResult<Vec<WorkflowRun>>> {
        no("glue:GetWorkflowRuns")
    }
}

impl CrawlerRead for Offline {
    fn crawlers(&self) -> BoxFut<'_, AwsResult<Vec<Crawler>>> {
        no("glue:GetCrawlers")
    }
}

impl EmrRead for Offline {
    fn applications(&self) -> BoxFut<'_, AwsResult<Vec<EmrApp>>> {
        no("emr-serverless:ListApplications")
    }
    fn job_runs<'a>(
        &'a self,
        _: &'a str,
        _: Option<DateTime<Utc>>,
        _: &'a [EmrState],
    ) -> BoxFut<'a, AwsResult<Vec<EmrRun>>> {
        no("emr-serverless:ListJobRuns")
    }
    fn job_run<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<EmrRun>> {
        no("emr-serverless:GetJobRun")
    }
    fn attempts<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<EmrAttempt>>> {
        no("emr-serverless:ListJobRunAttempts")
    }
}

impl super::DataQualityRead for Offline {
    fn dq_results<'a>(&'a self, _: &'a crate::model::DqFilter) -> BoxFut<'a, AwsResult<Vec<crate::model::DqResult>>> {
        no("glue:ListDataQualityResults")
    }
    fn dq_overview(&self, _: Option<DateTime<Utc>>) -> BoxFut<'_, AwsResult<crate::model::DqData>> {
        no("glue:ListDataQualityResults")
    }
}

impl IdentityRead for Offline {
    fn caller_identity(&self) -> BoxFut<'_, AwsResult<CallerIdentity>> {
        no("sts:GetCallerIdentity")
    }
}

/// An account that answers nothing: for viewing local files only.
pub fn account() -> Account {
    let o = Arc::new(Offline);
    Account {
        glue: o.clone(),
        workflows: o.clone(),
        crawlers: o.clone(),
        emr: o.clone(),
        dq: o.clone(),
        cost: Arc::new(super::NoCost),
        logs: Arc::new(super::NoLogs),
        objects: Arc::new(NoObjects),
        landing: Arc::new(super::NoLanding),
        catalog: Arc::new(super::NoCatalog),
        identity: o,
        stats: Arc::new(ApiStats::new()),
        profile: None,
        region: "offline".into(),
    }
}
