//! EMR Serverless through the SDK: applications, job runs (paginated, filtered), one run,
//! attempts; and the write side (start/stop application, rerun with a client token, cancel,
//! dashboard URL).

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_emrserverless::primitives::DateTime as SdkTime;
use aws_sdk_emrserverless::types::JobRunState;
use chrono::{DateTime, Utc};

use aws_sdk_emrserverless::config::http::HttpResponse;

use super::error::classify;
use super::retry::{Reads, RetryPolicy};
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsError, AwsResult, BoxFut, EmrRead, EmrWrite};
use crate::model::emr::{Capacity, InitialCapacity, JobDriver, Monitoring};
use crate::model::{EmrApp, EmrAttempt, EmrRun, EmrState, Utilization};

/// ListJobRuns and ListApplications take at most 50 per page.
const PAGE: i32 = 50;

pub struct SdkEmr {
    client: aws_sdk_emrserverless::Client,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
    /// Retries and the adaptive rate of EMR Serverless reads in this context.
    reads: Arc<Reads>,
}

impl SdkEmr {
    pub fn new(client: aws_sdk_emrserverless::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        let reads = Arc::new(Reads::new(RetryPolicy::none(), stats.clone()));
        Self { client: client.counting_throttles(&stats), ctx, stats, reads }
    }

    /// Retry reads and adapt their rate as `reads` says.
    pub fn with_reads(mut self, reads: Arc<Reads>) -> Self {
        self.reads = reads;
        self
    }

    /// One read (`op`) through the context's retries and adaptive rate: `call` sends it.
    async fn read<T, E, F, Fut>(&self, op: &str, mut call: F) -> AwsResult<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, aws_sdk_emrserverless::error::SdkError<E, HttpResponse>>>,
        E: aws_sdk_emrserverless::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.reads
            .call(op, || {
                let sent = call();
                async move { sent.await.map_err(|e| classify(&self.ctx, op, &e)) }
            })
            .await
    }

    fn fail<E>(
        &self,
        op: &str,
        e: &aws_sdk_emrserverless::error::SdkError<E, aws_sdk_emrserverless::config::http::HttpResponse>,
    ) -> AwsError
    where
        E: aws_sdk_emrserverless::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        classify(&self.ctx, op, e)
    }

    async fn apps(&self) -> AwsResult<Vec<EmrApp>> {
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("emr-serverless:ListApplications", || {
                    self.client.list_applications().max_results(PAGE).set_next_token(token.clone()).send()
                })
                .await?;
            ids.extend(out.applications().iter().map(|a| a.id().to_string()));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut apps = Vec::with_capacity(ids.len());
        for id in ids {
            let out = self
                .read("emr-serverless:GetApplication", || self.client.get_application().application_id(&id).send())
                .await?;
            if let Some(a) = out.application() {
                apps.push(map_app(a));
            }
        }
        apps.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(apps)
    }

    async fn runs(&self, app_id: &str, after: Option<DateTime<Utc>>, states: &[EmrState]) -> AwsResult<Vec<EmrRun>> {
        let mut runs = Vec::new();
        let mut token: Option<String> = None;
        let states: Vec<JobRunState> = states.iter().map(|s| JobRunState::from(s.as_str())).collect();
        loop {
            let out = self
                .read("emr-serverless:ListJobRuns", || {
                    self.client
                        .list_job_runs()
                        .application_id(app_id)
                        .max_results(PAGE)
                        .set_created_at_after(after.map(|t| SdkTime::from_millis(t.timestamp_millis())))
                        .set_states((!states.is_empty()).then(|| states.clone()))
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            runs.extend(out.job_runs().iter().map(|r| EmrRun {
                app_id: r.application_id().to_string(),
                id: r.id().to_string(),
                name: r.name().map(str::to_string),
                arn: Some(r.arn().to_string()),
                state: Some(EmrState::parse(r.state().as_str())),
                state_details: Some(r.state_details().to_string()).filter(|s| !s.is_empty()),
                created_at: time(Some(r.created_at())),
                updated_at: time(Some(r.updated_at())),
                attempt: r.attempt(),
                release_label: Some(r.release_label().to_string()),
                execution_role: Some(r.execution_role().to_string()),
                ..Default::default()
            }));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        runs.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        Ok(runs)
    }

    /// GetJobRun as the SDK answers it (a rerun copies its driver and overrides unchanged).
    async fn raw_run(&self, app_id: &str, run_id: &str) -> AwsResult<aws_sdk_emrserverless::types::JobRun> {
        let out = self
            .read("emr-serverless:GetJobRun", || {
                self.client.get_job_run().application_id(app_id).job_run_id(run_id).send()
            })
            .await?;
        out.job_run.ok_or_else(|| {
            self.ctx.explain(crate::aws::ErrorKind::NotFound, "emr-serverless:GetJobRun", &format!("run {run_id}"))
        })
    }

    async fn run(&self, app_id: &str, run_id: &str) -> AwsResult<EmrRun> {
        Ok(map_run(&self.raw_run(app_id, run_id).await?))
    }

    async fn attempts_of(&self, app_id: &str, run_id: &str) -> AwsResult<Vec<EmrAttempt>> {
        let mut out_list = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("emr-serverless:ListJobRunAttempts", || {
                    self.client
                        .list_job_run_attempts()
                        .application_id(app_id)
                        .job_run_id(run_id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            out_list.extend(out.job_run_attempts().iter().map(|a| EmrAttempt {
                attempt: a.attempt().unwrap_or(1),
                state: Some(EmrState::parse(a.state().as_str())),
                state_details: Some(a.state_details().to_string()).filter(|s| !s.is_empty()),
                created_at: time(Some(a.created_at())),
                updated_at: time(Some(a.updated_at())),
            }));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        out_list.sort_by_key(|a| a.attempt);
        Ok(out_list)
    }
}

impl EmrRead for SdkEmr {
    fn applications(&self) -> BoxFut<'_, AwsResult<Vec<EmrApp>>> {
        Box::pin(self.apps())
    }
    fn job_runs<'a>(
        &'a self,
        app_id: &'a str,
        created_after: Option<DateTime<Utc>>,
        states: &'a [EmrState],
    ) -> BoxFut<'a, AwsResult<Vec<EmrRun>>> {
        Box::pin(self.runs(app_id, created_after, states))
    }
    fn job_run<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<EmrRun>> {
        Box::pin(self.run(app_id, run_id))
    }
    fn attempts<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<Vec<EmrAttempt>>> {
        Box::pin(self.attempts_of(app_id, run_id))
    }
}

impl EmrWrite for SdkEmr {
    fn start_application<'a>(&'a self, app_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        Box::pin(async move {
            self.stats.record_call();
            self.client
                .start_application()
                .application_id(app_id)
                .send()
                .await
                .map_err(|e| self.fail("emr-serverless:StartApplication", &e))?;
            Ok(())
        })
    }

    fn stop_application<'a>(&'a self, app_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        Box::pin(async move {
            self.stats.record_call();
            self.client
                .stop_application()
                .application_id(app_id)
                .send()
                .await
                .map_err(|e| self.fail("emr-serverless:StopApplication", &e))?;
            Ok(())
        })
    }

    fn rerun_job<'a>(
        &'a self,
        app_id: &'a str,
        run_id: &'a str,
        client_token: &'a str,
    ) -> BoxFut<'a, AwsResult<String>> {
        Box::pin(async move {
            let r = self.raw_run(app_id, run_id).await?;
            self.stats.record_call();
            let out = self
                .client
                .start_job_run()
                .application_id(app_id)
                .client_token(client_token)
                .execution_role_arn(r.execution_role())
                .set_job_driver(r.job_driver().cloned())
                .set_configuration_overrides(r.configuration_overrides().cloned())
                .set_tags(r.tags().cloned())
                .set_execution_timeout_minutes(r.execution_timeout_minutes())
                .set_name(r.name().map(str::to_string))
                .set_retry_policy(r.retry_policy().cloned())
                .send()
                .await
                .map_err(|e| self.fail("emr-serverless:StartJobRun", &e))?;
            Ok(out.job_run_id().to_string())
        })
    }

    fn cancel_job_run<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        Box::pin(async move {
            self.stats.record_call();
            self.client
                .cancel_job_run()
                .application_id(app_id)
                .job_run_id(run_id)
                .send()
                .await
                .map_err(|e| self.fail("emr-serverless:CancelJobRun", &e))?;
            Ok(())
        })
    }

    fn dashboard_url<'a>(
        &'a self,
        app_id: &'a str,
        run_id: &'a str,
        attempt: Option<i32>,
    ) -> BoxFut<'a, AwsResult<String>> {
        Box::pin(async move {
            self.stats.record_call();
            let out = self
                .client
                .get_dashboard_for_job_run()
                .application_id(app_id)
                .job_run_id(run_id)
                .set_attempt(attempt)
                .send()
                .await
                .map_err(|e| self.fail("emr-serverless:GetDashboardForJobRun", &e))?;
            Ok(out.url().unwrap_or_default().to_string())
        })
    }
}

fn time(t: Option<&SdkTime>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.secs(), t.subsec_nanos()))
}

fn util(v: Option<f64>, m: Option<f64>, s: Option<f64>) -> Utilization {
    Utilization { vcpu_hours: v.unwrap_or(0.0), memory_gb_hours: m.unwrap_or(0.0), storage_gb_hours: s.unwrap_or(0.0) }
}

fn tags(t: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    t.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

fn map_app(a: &aws_sdk_emrserverless::types::Application) -> EmrApp {
    EmrApp {
        ctx: 0,
        id: a.application_id().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        state: a.state().as_str().to_string(),
        state_details: a.state_details().map(str::to_string),
        app_type: a.r#type().to_string(),
        release_label: a.release_label().to_string(),
        auto_start: a.auto_start_configuration().map(|c| c.enabled().unwrap_or(true)),
        auto_stop: a.auto_stop_configuration().map(|c| (c.enabled().unwrap_or(true), c.idle_timeout_minutes())),
        max_capacity: a.maximum_capacity().map(|m| Capacity {
            cpu: m.cpu().to_string(),
            memory: m.memory().to_string(),
            disk: m.disk().map(str::to_string),
        }),
        initial_capacity: a
            .initial_capacity()
            .map(|ic| {
                ic.iter()
                    .map(|(worker, cfg)| InitialCapacity {
                        worker_type: worker.clone(),
                        count: cfg.worker_count(),
                        cpu: cfg.worker_configuration().map(|w| w.cpu().to_string()).unwrap_or_default(),
                        memory: cfg.worker_configuration().map(|w| w.memory().to_string()).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        max_concurrent_runs: a.scheduler_configuration().and_then(|s| s.max_concurrent_runs()),
        tags: tags(a.tags()),
    }
}

fn map_run(r: &aws_sdk_emrserverless::types::JobRun) -> EmrRun {
    let driver = match r.job_driver() {
        Some(aws_sdk_emrserverless::types::JobDriver::SparkSubmit(s)) => Some(JobDriver {
            entry_point: s.entry_point().to_string(),
            arguments: s.entry_point_arguments().to_vec(),
            spark_submit_parameters: s.spark_submit_parameters().map(str::to_string),
        }),
        Some(aws_sdk_emrserverless::types::JobDriver::Hive(h)) => Some(JobDriver {
            entry_point: h.query().to_string(),
            arguments: Vec::new(),
            spark_submit_parameters: h.parameters().map(str::to_string),
        }),
        _ => None,
    };
    let overrides = r.configuration_overrides();
    let mon = overrides.and_then(|o| o.monitoring_configuration());
    let cw = mon.and_then(|m| m.cloud_watch_logging_configuration());
    let mut app_config = BTreeMap::new();
    for c in overrides.map(|o| o.application_configuration()).unwrap_or_default() {
        for (k, v) in c.properties().into_iter().flatten() {
            app_config.insert(format!("{}.{k}", c.classification()), v.clone());
        }
    }
    EmrRun {
        ctx: 0,
        app_id: r.application_id().to_string(),
        id: r.job_run_id().to_string(),
        name: r.name().map(str::to_string),
        arn: Some(r.arn().to_string()),
        state: Some(EmrState::parse(r.state().as_str())),
        state_details: Some(r.state_details().to_string()).filter(|s| !s.is_empty()),
        created_at: time(Some(r.created_at())),
        updated_at: time(Some(r.updated_at())),
        started_at: time(r.started_at()),
        ended_at: time(r.ended_at()),
        attempt: r.attempt(),
        release_label: Some(r.release_label().to_string()),
        execution_role: Some(r.execution_role().to_string()),
        detailed: true,
        driver,
        monitoring: Monitoring {
            s3_log_uri: mon.and_then(|m| m.s3_monitoring_configuration()).and_then(|s| s.log_uri()).map(str::to_string),
            cloudwatch_enabled: cw.map(|c| c.enabled()),
            cloudwatch_group: cw.and_then(|c| c.log_group_name()).map(str::to_string),
            cloudwatch_prefix: cw.and_then(|c| c.log_stream_name_prefix()).map(str::to_string),
        },
        app_config,
        total: r.total_resource_utilization().map(|u| util(u.v_cpu_hour(), u.memory_gb_hour(), u.storage_gb_hour())),
        billed: r.billed_resource_utilization().map(|u| util(u.v_cpu_hour(), u.memory_gb_hour(), u.storage_gb_hour())),
        total_execution_duration_s: r.total_execution_duration_seconds(),
        queued_duration_ms: r.queued_duration_milliseconds(),
        execution_timeout_min: r.execution_timeout_minutes(),
        retry_policy: r.retry_policy().map(|p| (p.max_attempts(), p.max_failed_attempts_per_hour())),
        network: r.network_configuration().map(|n| (n.subnet_ids().to_vec(), n.security_group_ids().to_vec())),
        tags: tags(r.tags()),
    }
}
