//! The demo's EMR Serverless: three applications (one stopped), a run stuck in SCHEDULED
//! because its application is at maximum capacity, an executor OOM, a "No space left on
//! device" failure, and a run retried on a second attempt.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::DemoAccount;
use super::rng::Rng;
use crate::aws::{AwsError, AwsResult, BoxFut, EmrRead, EmrWrite, ErrorKind};
use crate::model::emr::{Capacity, InitialCapacity, JobDriver, Monitoring};
use crate::model::{EmrApp, EmrAttempt, EmrRun, EmrState, Utilization};

const NO_SPACE: &str = "Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: Caused by: java.io.IOException: No space left on device Exception in thread \"main\" org.apache.spark.SparkException:";
const EXECUTOR_OOM: &str = "Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: Caused by: java.lang.OutOfMemoryError: Java heap space Exception in thread \"main\" org.apache.spark.SparkException: Job aborted due to stage failure: Task 7 in stage 3.0 failed 4 times, most recent failure: ExecutorLostFailure (executor 12 exited caused by one of the running tasks)";

#[derive(Default)]
pub struct EmrDemo {
    pub apps: Vec<EmrApp>,
    pub runs: Vec<EmrRun>,
    pub attempts: BTreeMap<String, Vec<EmrAttempt>>,
    /// clientToken -> run id, so a retried StartJobRun starts nothing new.
    pub tokens: BTreeMap<String, String>,
}

fn app(id: &str, name: &str, state: &str, max_cpu: u32, auto_start: bool) -> EmrApp {
    EmrApp {
        ctx: 0,
        id: id.into(),
        name: name.into(),
        state: state.into(),
        state_details: None,
        app_type: "Spark".into(),
        release_label: "emr-7.2.0".into(),
        auto_start: Some(auto_start),
        auto_stop: Some((true, Some(15))),
        max_capacity: Some(Capacity {
            cpu: format!("{max_cpu} vCPU"),
            memory: format!("{} GB", max_cpu * 4),
            disk: Some("2000 GB".into()),
        }),
        initial_capacity: vec![InitialCapacity {
            worker_type: "DRIVER".into(),
            count: 1,
            cpu: "4 vCPU".into(),
            memory: "16 GB".into(),
        }],
        max_concurrent_runs: None,
        tags: [("team".to_string(), "platform".to_string())].into_iter().collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    rng: &mut Rng,
    app_id: &str,
    name: &str,
    state: EmrState,
    created: DateTime<Utc>,
    minutes: i64,
    executors: u32,
    details: Option<&str>,
) -> EmrRun {
    let id = format!("00f{}", &rng.hex64()[..13]);
    let vcpu = f64::from(4 + 4 * executors);
    let started = (!state.is_waiting()).then_some(created + Duration::seconds(70));
    let ended = (!state.is_active()).then(|| created + Duration::minutes(minutes));
    let hours = minutes as f64 / 60.0;
    let used = (!state.is_waiting()).then_some(Utilization {
        vcpu_hours: vcpu * hours,
        memory_gb_hours: vcpu * 4.0 * hours,
        storage_gb_hours: vcpu * 5.0 * hours,
    });
    EmrRun {
        ctx: 0,
        app_id: app_id.into(),
        arn: Some(format!("arn:aws:emr-serverless:eu-west-1:000000000000:/applications/{app_id}/jobruns/{id}")),
        id,
        name: Some(name.into()),
        state: Some(state),
        state_details: details.map(str::to_string),
        created_at: Some(created),
        updated_at: Some(ended.unwrap_or(created + Duration::minutes(minutes))),
        started_at: started,
        ended_at: ended,
        attempt: Some(1),
        release_label: Some("emr-7.2.0".into()),
        execution_role: Some("arn:aws:iam::000000000000:role/emr-serverless-job".into()),
        detailed: true,
        driver: Some(JobDriver {
            entry_point: format!("s3://pipelines-code/jobs/{name}.py"),
            arguments: vec![
                "--date".into(),
                created.format("%Y-%m-%d").to_string(),
                "--jdbc-password".into(),
                "s3cr3t-demo".into(),
            ],
            spark_submit_parameters: Some(format!(
                "--conf spark.executor.instances={executors} --conf spark.executor.cores=4 --conf spark.executor.memory=16g --conf spark.hadoop.fs.s3a.secret.key=demo-secret"
            )),
        }),
        monitoring: Monitoring {
            s3_log_uri: Some("s3://pipelines-logs/emr/".into()),
            cloudwatch_enabled: Some(true),
            cloudwatch_group: Some("/aws/emr-serverless".into()),
            cloudwatch_prefix: None,
        },
        app_config: BTreeMap::new(),
        total: used,
        billed: used.map(|u| Utilization { vcpu_hours: u.vcpu_hours.max(vcpu / 60.0), ..u }),
        total_execution_duration_s: ended.map(|e| (e - created).num_seconds() as i32),
        queued_duration_ms: Some(if state.is_waiting() { minutes * 60_000 } else { 70_000 }),
        execution_timeout_min: Some(720),
        retry_policy: Some((Some(2), None)),
        network: Some((vec!["subnet-0a1b2c3d".into()], vec!["sg-0123abcd".into()])),
        tags: [("stream".to_string(), name.split('_').next().unwrap_or("misc").to_string())].into_iter().collect(),
    }
}

pub fn generate(seed: u64, epoch: DateTime<Utc>) -> EmrDemo {
    let mut rng = Rng::new(seed ^ 0xE3A5);
    let heavy = "00fheavyjoins01";
    let backfill = "00fbackfill0001";
    let adhoc = "00fadhocanalyt1";
    let apps = vec![
        app(adhoc, "adhoc-analytics", "STOPPED", 64, false),
        app(backfill, "backfill-spark", "STARTED", 400, true),
        app(heavy, "heavy-joins", "STARTED", 48, true),
    ];
    let t = |h: i64| epoch - Duration::hours(h);
    let mut runs = vec![
        // heavy-joins: two big joins fill its 48 vCPU; a third waits in SCHEDULED.
        run(&mut rng, heavy, "orders_join_customers", EmrState::Running, t(1), 75, 5, None),
        run(&mut rng, heavy, "payments_join_ledger", EmrState::Running, epoch - Duration::minutes(40), 60, 5, None),
        run(&mut rng, heavy, "inventory_join_sites", EmrState::Scheduled, epoch - Duration::minutes(25), 25, 5, None),
        run(&mut rng, heavy, "shipments_join_carriers", EmrState::Failed, t(6), 34, 8, Some(EXECUTOR_OOM)),
        run(&mut rng, heavy, "orders_join_customers", EmrState::Success, t(20), 70, 5, None),
        // backfill-spark: a disk-full failure and a run that needed a second attempt.
        run(&mut rng, backfill, "payments_backfill_2024", EmrState::Failed, t(3), 48, 10, Some(NO_SPACE)),
        run(&mut rng, backfill, "orders_backfill_2024", EmrState::Success, t(9), 95, 10, None),
        run(&mut rng, backfill, "customers_backfill_2024", EmrState::Success, t(14), 40, 6, None),
        run(&mut rng, adhoc, "inventory_adhoc_report", EmrState::Success, t(22), 12, 2, None),
    ];
    // shipments_join_carriers was rerun and succeeded an hour after its failure.
    let mut rerun = runs[3].clone();
    rerun.id = "00fshiprerun001".into();
    rerun.arn =
        Some(format!("arn:aws:emr-serverless:eu-west-1:000000000000:/applications/{heavy}/jobruns/00fshiprerun001"));
    rerun.state = Some(EmrState::Success);
    rerun.state_details = None;
    rerun.created_at = Some(t(5));
    rerun.started_at = Some(t(5) + Duration::seconds(70));
    rerun.ended_at = Some(t(5) + Duration::minutes(41));
    rerun.updated_at = rerun.ended_at;
    rerun.total_execution_duration_s = Some(41 * 60);
    runs.push(rerun);
    let retried = &mut runs[6];
    retried.attempt = Some(2);
    let mut attempts = BTreeMap::new();
    let created = retried.created_at.unwrap_or(epoch);
    attempts.insert(
        retried.id.clone(),
        vec![
            EmrAttempt {
                attempt: 1,
                state: Some(EmrState::Failed),
                state_details: Some("Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: org.apache.spark.SparkException: Could not find CoarseGrainedScheduler.".into()),
                created_at: Some(created),
                updated_at: Some(created + Duration::minutes(30)),
            },
            EmrAttempt {
                attempt: 2,
                state: Some(EmrState::Success),
                state_details: None,
                created_at: Some(created + Duration::minutes(31)),
                updated_at: retried.ended_at,
            },
        ],
    );
    runs.sort_by_key(|r| std::cmp::Reverse(r.created_at));
    EmrDemo { apps, runs, attempts, tokens: BTreeMap::new() }
}

fn missing(op: &str, what: String) -> AwsError {
    super::not_found(op, what)
}

impl EmrRead for DemoAccount {
    fn applications(&self) -> BoxFut<'_, AwsResult<Vec<EmrApp>>> {
        let r = self.read(|i, _| Ok(i.emr.apps.clone()));
        Box::pin(async move { r })
    }

    fn job_runs<'a>(
        &'a self,
        app_id: &'a str,
        created_after: Option<DateTime<Utc>>,
        states: &'a [EmrState],
    ) -> BoxFut<'a, AwsResult<Vec<EmrRun>>> {
        let r = self.read(|i, _| {
            if i.emr.app_id_known(app_id) {
                Ok(i.emr
                    .runs
                    .iter()
                    .filter(|r| r.app_id == app_id)
                    .filter(|r| created_after.is_none_or(|c| r.created_at.is_some_and(|t| t > c)))
                    .filter(|r| states.is_empty() || states.contains(&r.state()))
                    .map(|r| EmrRun { detailed: false, driver: None, total: None, billed: None, ..r.clone() })
                    .collect())
            } else {
                Err(missing("emr-serverless:ListJobRuns", format!("application {app_id}")))
            }
        });
        Box::pin(async move { r })
    }

    fn job_run<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<EmrRun>> {
        let r = self.read(|i, _| {
            i.emr
                .runs
                .iter()
                .find(|r| r.app_id == app_id && r.id == run_id)
                .cloned()
                .ok_or_else(|| missing("emr-serverless:GetJobRun", format!("run {run_id}")))
        });
        Box::pin(async move { r })
    }

    fn attempts<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<Vec<EmrAttempt>>> {
        let r = self.read(|i, _| {
            let run = i
                .emr
                .runs
                .iter()
                .find(|r| r.app_id == app_id && r.id == run_id)
                .ok_or_else(|| missing("emr-serverless:ListJobRunAttempts", format!("run {run_id}")))?;
            Ok(i.emr.attempts.get(run_id).cloned().unwrap_or_else(|| {
                vec![EmrAttempt {
                    attempt: run.attempt.unwrap_or(1),
                    state: run.state,
                    state_details: run.state_details.clone(),
                    created_at: run.created_at,
                    updated_at: run.updated_at,
                }]
            }))
        });
        Box::pin(async move { r })
    }
}

impl EmrDemo {
    fn app_id_known(&self, id: &str) -> bool {
        self.apps.iter().any(|a| a.id == id)
    }
}

fn conflict(op: &str, msg: &str) -> AwsError {
    AwsError { kind: ErrorKind::Other, operation: op.into(), message: format!("{op} failed: ConflictException: {msg}") }
}

impl EmrWrite for DemoAccount {
    fn start_application<'a>(&'a self, app_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        let r = self.mutate(|i, _| {
            let app = i
                .emr
                .apps
                .iter_mut()
                .find(|a| a.id == app_id)
                .ok_or_else(|| missing("emr-serverless:StartApplication", app_id.into()))?;
            app.state = "STARTED".into();
            Ok(())
        });
        Box::pin(async move { r })
    }

    fn stop_application<'a>(&'a self, app_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        let r = self.mutate(|i, _| {
            if i.emr.runs.iter().any(|r| r.app_id == app_id && r.state().is_active()) {
                return Err(conflict("emr-serverless:StopApplication", "the application has job runs in progress"));
            }
            let app = i
                .emr
                .apps
                .iter_mut()
                .find(|a| a.id == app_id)
                .ok_or_else(|| missing("emr-serverless:StopApplication", app_id.into()))?;
            app.state = "STOPPED".into();
            Ok(())
        });
        Box::pin(async move { r })
    }

    fn rerun_job<'a>(
        &'a self,
        app_id: &'a str,
        run_id: &'a str,
        client_token: &'a str,
    ) -> BoxFut<'a, AwsResult<String>> {
        let r = self.mutate(|i, now| {
            if let Some(id) = i.emr.tokens.get(client_token) {
                return Ok(id.clone());
            }
            let n = i.started;
            let old = i
                .emr
                .runs
                .iter()
                .find(|r| r.app_id == app_id && r.id == run_id)
                .cloned()
                .ok_or_else(|| missing("emr-serverless:StartJobRun", format!("run {run_id}")))?;
            let new = EmrRun {
                id: format!("00frerun{n:07}"),
                state: Some(EmrState::Submitted),
                state_details: None,
                created_at: Some(now),
                updated_at: Some(now),
                started_at: None,
                ended_at: None,
                attempt: Some(1),
                total: None,
                billed: None,
                total_execution_duration_s: None,
                queued_duration_ms: Some(0),
                ..old
            };
            let id = new.id.clone();
            i.emr.tokens.insert(client_token.to_string(), id.clone());
            i.emr.runs.insert(0, new);
            Ok(id)
        });
        Box::pin(async move { r })
    }

    fn cancel_job_run<'a>(&'a self, app_id: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        let r = self.mutate(|i, now| {
            let run = i
                .emr
                .runs
                .iter_mut()
                .find(|r| r.app_id == app_id && r.id == run_id)
                .ok_or_else(|| missing("emr-serverless:CancelJobRun", format!("run {run_id}")))?;
            if !run.state().is_active() {
                return Err(AwsError {
                    kind: ErrorKind::Other,
                    operation: "emr-serverless:CancelJobRun".into(),
                    message: format!(
                        "emr-serverless:CancelJobRun failed: ValidationException: job run is in state {}",
                        run.state().as_str()
                    ),
                });
            }
            run.state = Some(EmrState::Cancelled);
            run.ended_at = Some(now);
            run.updated_at = Some(now);
            Ok(())
        });
        Box::pin(async move { r })
    }

    fn dashboard_url<'a>(
        &'a self,
        app_id: &'a str,
        run_id: &'a str,
        _attempt: Option<i32>,
    ) -> BoxFut<'a, AwsResult<String>> {
        let r = self.mutate(|i, _| {
            if !i.emr.runs.iter().any(|r| r.app_id == app_id && r.id == run_id) {
                return Err(missing("emr-serverless:GetDashboardForJobRun", format!("run {run_id}")));
            }
            Ok(format!("https://{app_id}.dashboard.emr-serverless.eu-west-1.amazonaws.com/?authToken=demo-{run_id}"))
        });
        Box::pin(async move { r })
    }
}
