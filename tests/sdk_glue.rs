//! The real SDK path against the emulator: pagination, incremental polling, error classes,
//! backoff. Each test seeds its own account through the launcher's control endpoints.

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::app::msg::Msg;
use batchtop::aws::sdk::Pages;
use batchtop::aws::{ErrorKind, StopAt};
use batchtop::config::Settings;
use batchtop::model::RunState;
use batchtop::poll::{self, GlueCadence, GlueCollector, Scope, StreamMapper};
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, calls_of, control, fault, fresh_account, reset_calls};

fn now_s() -> f64 {
    Utc::now().timestamp() as f64
}

fn run(id: String, started: f64, state: &str) -> Value {
    let done = !matches!(state, "RUNNING" | "STARTING" | "WAITING" | "STOPPING");
    json!({
        "id": id, "state": state, "started_on": started,
        "completed_on": if done { json!(started + 600.0) } else { Value::Null },
        "execution_time": 600, "worker_type": "G.1X", "number_of_workers": 10,
        "arguments": {"--source": "s3://landing/x/"},
    })
}

fn run_id(n: usize) -> String {
    format!("jr_{n:064x}")
}

fn job(name: &str, tags: Value, runs: Vec<Value>) -> Value {
    json!({"name": name, "tags": tags, "worker_type": "G.1X", "number_of_workers": 10, "runs": runs})
}

fn seed(account: &str, jobs: Vec<Value>) -> Value {
    control("/batchtop/glue/seed", &json!({"account_id": account, "region": emu::REGION, "jobs": jobs}))
}

fn collector(account: &batchtop::aws::Account, concurrency: usize) -> GlueCollector {
    GlueCollector::new(
        account.glue.clone(),
        StreamMapper::new(Arc::new(Settings::defaults())),
        concurrency,
        Duration::from_secs(300),
    )
}

const MONTH: Duration = Duration::from_secs(30 * 86_400);

#[tokio::test]
async fn jobs_paginate_past_100() {
    let acct = fresh_account();
    let jobs: Vec<Value> = (0..130).map(|i| job(&format!("job_{i:03}"), json!({}), vec![])).collect();
    seed(&acct, jobs);
    let account = emu::account_with_pages(&emu::url(), &acct, Pages { jobs: 50, runs: 200, ..Pages::default() }).await;
    let got = account.glue.jobs().await.expect("GetJobs");
    let mut names: Vec<String> = got.iter().map(|j| j.name.clone()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 130);
    assert_eq!(calls_of(&acct, "GetJobs"), 3, "130 jobs at 50 a page");
    // The default page size takes them in one call.
    let account = emu::account(&acct).await;
    assert_eq!(account.glue.jobs().await.expect("GetJobs").len(), 130);
    assert_eq!(calls_of(&acct, "GetJobs"), 4);
}

#[tokio::test]
async fn runs_paginate_past_200_newest_first_with_every_field() {
    let acct = fresh_account();
    let t0 = now_s() - 250.0 * 600.0;
    let mut runs: Vec<Value> = (0..250).map(|i| run(run_id(i), t0 + i as f64 * 600.0, "SUCCEEDED")).collect();
    runs[249] = json!({
        "id": format!("{}_attempt_1", run_id(249)), "state": "FAILED", "started_on": t0 + 249.0 * 600.0,
        "completed_on": t0 + 249.0 * 600.0 + 95.0, "execution_time": 95, "dpu_seconds": 950.0, "attempt": 1,
        "previous_run_id": run_id(248), "error_message": "Command Failed with Exit Code 1",
        "worker_type": "G.2X", "number_of_workers": 5, "arguments": {"--db_password": "x"},
    });
    seed(&acct, vec![job("big", json!({}), runs)]);
    let account = emu::account(&acct).await;
    let got = account.glue.job_runs("big", &StopAt::everything()).await.expect("GetJobRuns");
    assert_eq!(got.len(), 250);
    assert_eq!(calls_of(&acct, "GetJobRuns"), 2, "250 runs at 200 a page");
    assert!(got.windows(2).all(|w| w[0].started_on >= w[1].started_on), "newest first");
    let top = &got[0];
    assert_eq!(top.id, format!("{}_attempt_1", run_id(249)));
    assert_eq!(top.state(), RunState::Failed);
    assert_eq!(top.attempt, 1);
    assert_eq!(top.previous_run_id.as_deref(), Some(run_id(248).as_str()));
    assert_eq!(top.error_message.as_deref(), Some("Command Failed with Exit Code 1"));
    assert_eq!(top.execution_time_s, 95);
    assert_eq!(top.dpu_seconds, Some(950.0));
    assert_eq!(top.worker_type.as_deref(), Some("G.2X"));
    assert_eq!(top.number_of_workers, Some(5));
    assert_eq!(top.started_on.map(|t| t.timestamp()), Some((t0 + 249.0 * 600.0) as i64));
    assert_eq!(top.completed_on.map(|t| t.timestamp()), Some((t0 + 249.0 * 600.0 + 95.0) as i64));
    assert_eq!(top.arguments.get("--db_password").map(String::as_str), Some("x"));
}

#[tokio::test]
async fn incremental_poll_stops_at_known_runs() {
    let acct = fresh_account();
    let t0 = now_s() - 260.0 * 600.0;
    let runs: Vec<Value> = (0..250).map(|i| run(run_id(i), t0 + i as f64 * 600.0, "SUCCEEDED")).collect();
    seed(&acct, vec![job("inc", json!({}), runs)]);
    let account = emu::account(&acct).await;
    let mut c = collector(&account, 4);
    let first = c.poll(Scope::All, Utc::now(), MONTH).await.expect("first poll");
    assert_eq!(first.data.jobs[0].runs.len(), 250);
    assert_eq!(calls_of(&acct, "GetJobRuns"), 2);
    for i in 250..253 {
        control(
            "/batchtop/glue/job-run",
            &json!({"account_id": acct, "region": emu::REGION, "job_name": "inc", "id": run_id(i), "state": "SUCCEEDED",
                    "started_on": t0 + i as f64 * 600.0, "completed_on": t0 + i as f64 * 600.0 + 60.0, "execution_time": 60}),
        );
    }
    reset_calls(&acct);
    let second = c.poll(Scope::All, Utc::now(), MONTH).await.expect("second poll");
    assert_eq!(calls_of(&acct, "GetJobRuns"), 1, "one page reaches the known runs");
    let runs = &second.data.jobs[0].runs;
    assert_eq!(runs.len(), 253);
    assert_eq!(runs[0].id, run_id(252));
    assert_eq!(runs[3].id, run_id(249));
}

#[tokio::test]
async fn running_run_is_followed_until_it_fails() {
    let acct = fresh_account();
    let t = now_s();
    seed(
        &acct,
        vec![job(
            "live",
            json!({"stream": "orders"}),
            vec![run(run_id(1), t - 7200.0, "SUCCEEDED"), run(run_id(2), t - 60.0, "RUNNING")],
        )],
    );
    let account = emu::account(&acct).await;
    let mut c = collector(&account, 4);
    let first = c.poll(Scope::All, Utc::now(), MONTH).await.expect("poll");
    assert_eq!(first.data.jobs[0].runs[0].state(), RunState::Running);
    assert_eq!(first.data.jobs[0].stream.as_deref(), Some("orders"), "stream from the GetTags answer");
    assert_eq!(c.active_jobs(), 1);
    control(
        "/batchtop/glue/job-run",
        &json!({"account_id": acct, "region": emu::REGION, "job_name": "live", "id": run_id(2), "state": "FAILED",
                "started_on": t - 60.0, "completed_on": t, "execution_time": 60,
                "error_message": "An error occurred while calling o122.pyWriteDynamicFrame. Access Denied"}),
    );
    let second = c.poll(Scope::ActiveOnly, Utc::now(), MONTH).await.expect("poll");
    let r = &second.data.jobs[0].runs[0];
    assert_eq!(r.state(), RunState::Failed);
    assert!(r.error_message.as_deref().is_some_and(|m| m.contains("Access Denied")));
    assert_eq!(c.active_jobs(), 0);
}

#[tokio::test]
async fn get_job_run_and_not_found() {
    let acct = fresh_account();
    seed(&acct, vec![job("one", json!({}), vec![run(run_id(7), now_s() - 100.0, "TIMEOUT")])]);
    let account = emu::account(&acct).await;
    let r = account.glue.job_run("one", &run_id(7)).await.expect("GetJobRun");
    assert_eq!(r.state(), RunState::Timeout);
    let e = account.glue.job_run("one", &run_id(8)).await.expect_err("unknown run");
    assert_eq!(e.kind, ErrorKind::NotFound, "{e}");
    assert!(e.message.contains("glue:GetJobRun"), "{e}");
}

#[tokio::test]
async fn each_error_class_is_told_apart() {
    let acct = fresh_account();
    seed(&acct, vec![job("e", json!({}), vec![])]);
    let account = emu::account(&acct).await;
    let cases = [
        ("throttle", ErrorKind::Throttled, "throttled"),
        ("access_denied", ErrorKind::AccessDenied, "access denied for glue:GetJobs"),
        ("expired_token", ErrorKind::CredentialsExpired, "expired: run aws sso login"),
        ("unrecognized_client", ErrorKind::CredentialsInvalid, "rejected by AWS"),
        ("http500", ErrorKind::Service, "glue:GetJobs failed"),
    ];
    for (fault_kind, kind, words) in cases {
        fault(&acct, "GetJobs", fault_kind, 1, 0);
        let e = account.glue.jobs().await.expect_err(fault_kind);
        assert_eq!(e.kind, kind, "{fault_kind}: {e}");
        assert!(e.message.contains(words), "{fault_kind}: {e}");
    }
    assert_eq!(account.stats.snapshot().throttles, 1);
    assert_eq!(account.glue.jobs().await.expect("healed").len(), 1);
}

#[tokio::test]
async fn throttles_the_sdk_retried_away_are_counted() {
    let acct = fresh_account();
    seed(&acct, vec![job("t", json!({}), vec![])]);
    let account = emu::account_with_retries(&acct, 6).await;
    let started = std::time::Instant::now();

    // Five throttled attempts, then the sixth succeeds: the caller sees a success.
    fault(&acct, "GetJobs", "throttle", 5, 0);
    assert_eq!(account.glue.jobs().await.expect("the SDK retries the throttles away").len(), 1);
    assert_eq!(calls_of(&acct, "GetJobs"), 6, "5 throttled attempts and the one that succeeded");
    let snap = account.stats.snapshot();
    assert_eq!((snap.throttles, snap.throttles_last_minute), (5, 5));

    // Other protocols: restJson (EMR Serverless, HTTP 429) and awsQuery (STS, 400 Throttling).
    fault(&acct, "ListApplications", "throttle", 2, 0);
    account.emr.applications().await.expect("EMR retried");
    fault(&acct, "GetCallerIdentity", "throttle", 1, 0);
    account.identity.caller_identity().await.expect("STS retried");
    assert_eq!(account.stats.snapshot().throttles, 8);

    // A call throttled on every attempt fails throttled, and each attempt counts once.
    fault(&acct, "GetJobs", "throttle", 6, 0);
    let e = account.glue.jobs().await.expect_err("throttled on all 6 attempts");
    assert_eq!(e.kind, ErrorKind::Throttled, "{e}");
    let snap = account.stats.snapshot();
    assert_eq!((snap.throttles, snap.throttles_last_minute), (14, 14));
    assert!(started.elapsed() < Duration::from_secs(3), "retries back off briefly: {:?}", started.elapsed());
}

#[tokio::test]
async fn network_errors_and_timeouts() {
    let account = emu::account_at("http://127.0.0.1:9", &fresh_account()).await;
    let e = account.glue.jobs().await.expect_err("nothing listens on port 9");
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(e.message.contains("cannot reach http://127.0.0.1:9"), "{e}");

    let acct = fresh_account();
    seed(&acct, vec![job("slow", json!({}), vec![])]);
    fault(&acct, "GetJobs", "delay", 1, 4_000);
    let account = emu::account(&acct).await;
    let e = account.glue.jobs().await.expect_err("slower than the 3 s attempt timeout");
    assert_eq!(e.kind, ErrorKind::Network, "{e}");
    assert!(e.message.contains("timed out"), "{e}");
}

#[tokio::test]
async fn missing_credentials_are_named() {
    let loaded = batchtop::aws::sdk::load(&emu::options(&emu::url())).await.expect("config");
    let conf = aws_sdk_glue::config::Builder::from(&loaded.sdk)
        .credentials_provider(aws_sdk_glue::config::SharedCredentialsProvider::new(NoCredentials))
        .build();
    let sts = aws_sdk_sts::Client::new(&loaded.sdk);
    let emr = aws_sdk_emrserverless::Client::new(&loaded.sdk);
    let account = batchtop::aws::sdk::from_clients(aws_sdk_glue::Client::from_conf(conf), sts, emr, loaded.ctx);
    let e = account.glue.jobs().await.expect_err("no credentials");
    assert_eq!(e.kind, ErrorKind::CredentialsMissing, "{e}");
    assert!(e.message.contains("no AWS credentials found"), "{e}");
}

#[derive(Debug)]
struct NoCredentials;

impl aws_credential_types::provider::ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> aws_credential_types::provider::future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideCredentials::ready(Err(
            aws_credential_types::provider::error::CredentialsError::not_loaded(
                "no providers in chain provided credentials",
            ),
        ))
    }
}

#[tokio::test]
async fn poller_backs_off_on_throttling_and_recovers() {
    let acct = fresh_account();
    seed(&acct, vec![job("b", json!({}), vec![run(run_id(1), now_s() - 100.0, "SUCCEEDED")])]);
    fault(&acct, "GetJobs", "throttle", 3, 0);
    let account = emu::account(&acct).await;
    let cadence = GlueCadence {
        all: Duration::from_secs(60),
        active: Duration::from_secs(5),
        history: MONTH,
        max_backoff: Duration::from_millis(200),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let clock: poll::Clock = Arc::new(Utc::now);
    let task = tokio::spawn(poll::run(
        poll::GlueSource::new(collector(&account, 2), cadence),
        clock,
        tx,
        Arc::new(tokio::sync::Notify::new()),
    ));
    let mut outcomes = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while outcomes.len() < 4 {
        let msg =
            tokio::time::timeout_at(deadline, rx.recv()).await.expect("poller keeps reporting").expect("channel open");
        if let Msg::Loaded(l) = msg {
            outcomes.push((l.generation, l.result.map(|c| c.glue().map_or(0, |g| g.jobs.len())).map_err(|e| e.kind)));
        }
    }
    task.abort();
    let kinds: Vec<_> = outcomes.iter().map(|(_, r)| *r).collect();
    assert_eq!(kinds, vec![Err(ErrorKind::Throttled), Err(ErrorKind::Throttled), Err(ErrorKind::Throttled), Ok(1)]);
    assert!(outcomes.windows(2).all(|w| w[0].0 < w[1].0), "generations increase: {outcomes:?}");
    assert_eq!(account.stats.snapshot().throttles, 3);
}

#[tokio::test]
async fn fan_out_is_bounded() {
    let acct = fresh_account();
    let jobs: Vec<Value> = (0..24)
        .map(|i| job(&format!("fan_{i:02}"), json!({}), vec![run(run_id(i), now_s() - 50.0, "SUCCEEDED")]))
        .collect();
    seed(&acct, jobs);
    fault(&acct, "GetJobRuns", "delay", 24, 150);
    let account = emu::account(&acct).await;
    let mut c = collector(&account, 3);
    let cycle = c.poll(Scope::All, Utc::now(), MONTH).await.expect("poll");
    assert_eq!(cycle.data.jobs.len(), 24);
    let peak = emu::get(&format!("/batchtop/inflight?account_id={acct}"));
    let max = peak.get("GetJobRuns").and_then(Value::as_u64).expect("peak recorded");
    assert!((1..=3).contains(&max), "at most 3 GetJobRuns at once, saw {max}");
}

#[tokio::test]
async fn missing_tag_permission_does_not_slow_runs_down() {
    let acct = fresh_account();
    seed(&acct, vec![job("t", json!({"stream": "orders"}), vec![run(run_id(1), now_s() - 100.0, "SUCCEEDED")])]);
    fault(&acct, "GetTags", "access_denied", 1000, 0);
    let account = emu::account(&acct).await;
    let cadence = GlueCadence {
        all: Duration::from_millis(200),
        active: Duration::from_millis(200),
        history: MONTH,
        max_backoff: Duration::from_secs(60),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let clock: poll::Clock = Arc::new(Utc::now);
    let task = tokio::spawn(poll::run(
        poll::GlueSource::new(collector(&account, 2), cadence),
        clock,
        tx,
        Arc::new(tokio::sync::Notify::new()),
    ));
    let mut cycles = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while cycles.len() < 3 {
        let msg = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("second cycle at the normal cadence")
            .expect("open");
        if let Msg::Loaded(l) = msg {
            cycles.push(l.result.expect("runs still load"));
        }
    }
    task.abort();
    // The first cycle lists the jobs (the first screen), the next their tags, then the runs.
    let tags = &cycles[1];
    assert_eq!(tags.errors.first().map(|e| e.kind), Some(ErrorKind::AccessDenied));
    assert!(tags.errors[0].message.contains("glue:GetTags"), "{}", tags.errors[0]);
    let jobs = &cycles[2].glue().expect("the Glue source's batch").jobs;
    assert_eq!(jobs[0].runs.len(), 1);
    assert_eq!(jobs[0].stream, None, "no tags, no regex: no stream");
}
