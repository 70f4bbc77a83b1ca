//! EMR Serverless through the real SDK against the emulator: paging past 50 runs, the
//! createdAtAfter and states filters, incremental polling, every action, the clientToken
//! that makes a retried rerun start exactly one run, and `snapshot` against the seeded data.

mod support;

use std::time::Duration;

use batchtop::model::EmrState;
use batchtop::poll::EmrCollector;
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, calls_of, control, fault, fresh_account, reset_calls};

fn app(acct: &str, name: &str, state: &str) -> String {
    let out = control(
        "/batchtop/emr/application",
        &json!({"account_id": acct, "region": emu::REGION, "name": name, "type": "SPARK", "release_label": "emr-7.1.0",
                "state": state, "maximum_capacity": {"cpu": "48 vCPU", "memory": "192 GB"}}),
    );
    out["application_id"].as_str().expect("application id").to_string()
}

fn seed_run(acct: &str, app_id: &str, name: &str, state: &str, created: f64, extra: Value) -> String {
    let mut body = json!({"account_id": acct, "region": emu::REGION, "application_id": app_id, "name": name, "state": state,
        "created_at": created, "updated_at": created + 60.0,
        "execution_role": format!("arn:aws:iam::{acct}:role/emr-job"),
        "job_driver": {"sparkSubmit": {"entryPoint": format!("s3://code/{name}.py"), "entryPointArguments": ["--day", "2026-11-23"],
                                        "sparkSubmitParameters": "--conf spark.executor.instances=2"}},
        "configuration_overrides": {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": "s3://logs/emr/"}}}});
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    control("/batchtop/emr/job-run", &body)["job_run_id"].as_str().expect("run id").to_string()
}

fn now() -> f64 {
    Utc::now().timestamp() as f64
}

#[tokio::test]
async fn runs_page_past_50_newest_first_and_filter() {
    let acct = fresh_account();
    let a = app(&acct, "big", "STARTED");
    let t0 = now() - 70.0 * 600.0;
    for i in 0..60 {
        seed_run(
            &acct,
            &a,
            &format!("run_{i:02}"),
            if i % 10 == 0 { "FAILED" } else { "SUCCESS" },
            t0 + f64::from(i) * 600.0,
            json!({}),
        );
    }
    let account = emu::account(&acct).await;
    let runs = account.emr.job_runs(&a, None, &[]).await.expect("ListJobRuns");
    assert_eq!(runs.len(), 60);
    assert_eq!(calls_of(&acct, "ListJobRuns"), 2, "60 runs at 50 a page");
    assert!(runs.windows(2).all(|w| w[0].created_at >= w[1].created_at), "newest first");
    assert_eq!(runs[0].name.as_deref(), Some("run_59"));
    let cut = chrono::DateTime::from_timestamp((t0 + 49.5 * 600.0) as i64, 0).expect("time");
    let newer = account.emr.job_runs(&a, Some(cut), &[]).await.expect("createdAtAfter");
    assert_eq!(newer.len(), 10, "createdAtAfter keeps runs 50..59");
    let failed = account.emr.job_runs(&a, None, &[EmrState::Failed]).await.expect("states");
    assert_eq!(failed.len(), 6);
    let empty = app(&acct, "empty", "CREATED");
    assert!(account.emr.job_runs(&empty, None, &[]).await.expect("an application without runs").is_empty());
}

#[tokio::test]
async fn polling_reads_details_once_then_only_what_changed() {
    let acct = fresh_account();
    let a = app(&acct, "inc", "STARTED");
    let t = now();
    let running = seed_run(&acct, &a, "live", "RUNNING", t - 300.0, json!({}));
    for i in 0..5 {
        seed_run(&acct, &a, &format!("done_{i}"), "SUCCESS", t - 3600.0 * f64::from(i + 1), json!({}));
    }
    let account = emu::account(&acct).await;
    let mut c = EmrCollector::new(account.emr.clone(), 4, Duration::from_secs(3600));
    let (data, errors) = c.poll(Utc::now(), Duration::from_secs(86_400)).await.expect("poll");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(data.runs.len(), 6);
    assert_eq!(calls_of(&acct, "GetJobRun"), 6);
    reset_calls(&acct);
    let (again, _) = c.poll(Utc::now(), Duration::from_secs(86_400)).await.expect("poll");
    assert_eq!(again.runs.len(), 6);
    assert_eq!(calls_of(&acct, "GetJobRun"), 0, "nothing changed, nothing re-read");
    // The running run fails, a new one arrives: exactly those two are read.
    seed_run(
        &acct,
        &a,
        "live",
        "FAILED",
        t - 300.0,
        json!({"id": running, "updated_at": t, "state_details": "Job failed, please check complete logs in configured logging destination. ExitCode: 1. Last few exceptions: Caused by: java.io.IOException: No space left on device"}),
    );
    seed_run(&acct, &a, "fresh", "PENDING", t - 5.0, json!({}));
    reset_calls(&acct);
    let (third, _) = c.poll(Utc::now(), Duration::from_secs(86_400)).await.expect("poll");
    assert_eq!(third.runs.len(), 7);
    assert_eq!(calls_of(&acct, "GetJobRun"), 2);
    let live = third.runs.iter().find(|r| r.id == running).expect("run");
    assert_eq!(live.state(), EmrState::Failed);
    assert_eq!(live.details_summary().as_deref(), Some("IOException: No space left on device"));
}

#[tokio::test]
async fn actions_take_effect_in_the_emulator() {
    let acct = fresh_account();
    let a = app(&acct, "act", "STOPPED");
    let t = now();
    let old = seed_run(
        &acct,
        &a,
        "join",
        "FAILED",
        t - 900.0,
        json!({"attempt": 2, "attempts": [
        {"attempt": 1, "state": "FAILED", "state_details": "first try", "created_at": t - 900.0, "updated_at": t - 800.0},
        {"attempt": 2, "state": "FAILED", "state_details": "second try", "created_at": t - 790.0, "updated_at": t - 700.0}]}),
    );
    let account = emu::account(&acct).await;
    let w = emu::emr_writer(&acct, 1, Duration::from_secs(5)).await;
    w.start_application(&a).await.expect("StartApplication");
    let mut state = String::new();
    for _ in 0..3 {
        state = account.emr.applications().await.expect("apps").into_iter().find(|x| x.id == a).expect("app").state;
    }
    assert_eq!(state, "STARTED");
    let attempts = account.emr.attempts(&a, &old).await.expect("ListJobRunAttempts");
    assert_eq!(attempts.iter().map(|x| x.attempt).collect::<Vec<_>>(), vec![1, 2]);
    let new = w.rerun_job(&a, &old, "token-actions-1").await.expect("rerun");
    let run = account.emr.job_run(&a, &new).await.expect("the new run");
    let before = account.emr.job_run(&a, &old).await.expect("the old run");
    assert_eq!(run.driver, before.driver, "same job driver");
    assert_eq!(run.monitoring.s3_log_uri.as_deref(), Some("s3://logs/emr/"), "same configuration overrides");
    assert_eq!(run.execution_role, before.execution_role);
    let url = w.dashboard_url(&a, &old, Some(2)).await.expect("GetDashboardForJobRun");
    assert!(url.starts_with("https://"), "{url}");
    let active = seed_run(&acct, &a, "long", "RUNNING", t - 60.0, json!({}));
    w.cancel_job_run(&a, &active).await.expect("CancelJobRun");
    let mut s = EmrState::Running;
    for _ in 0..3 {
        s = account.emr.job_run(&a, &active).await.expect("run").state();
    }
    assert_eq!(s, EmrState::Cancelled);
    // With the rerun still in flight the application refuses to stop; cancelled, it stops.
    let refused = w.stop_application(&a).await.expect_err("a run is still in flight");
    assert!(refused.message.contains("not finished"), "{refused}");
    w.cancel_job_run(&a, &new).await.expect("CancelJobRun");
    for _ in 0..3 {
        account.emr.job_run(&a, &new).await.expect("run");
    }
    w.stop_application(&a).await.expect("StopApplication");
    for _ in 0..3 {
        state = account.emr.applications().await.expect("apps").into_iter().find(|x| x.id == a).expect("app").state;
    }
    assert_eq!(state, "STOPPED");
}

#[tokio::test]
async fn a_retried_rerun_starts_exactly_one_run() {
    let acct = fresh_account();
    let a = app(&acct, "idem", "STARTED");
    let old = seed_run(&acct, &a, "join", "FAILED", now() - 600.0, json!({}));
    let account = emu::account(&acct).await;
    let before = account.emr.job_runs(&a, None, &[]).await.expect("runs").len();
    // The first StartJobRun answers after the client gave up: the SDK retries with the same token.
    fault(&acct, "StartJobRun", "delay", 1, 2_500);
    let w = emu::emr_writer(&acct, 3, Duration::from_millis(1_000)).await;
    let token = batchtop::actions::client_token();
    let id = w.rerun_job(&a, &old, &token).await.expect("rerun after a retry");
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let runs = account.emr.job_runs(&a, None, &[]).await.expect("runs");
    assert_eq!(runs.len(), before + 1, "exactly one new run: {runs:?}");
    assert!(calls_of(&acct, "StartJobRun") >= 2, "the SDK did retry");
    assert!(runs.iter().any(|r| r.id == id));
    // The same confirmed command sent again (same token) is still one run.
    let again = w.rerun_job(&a, &old, &token).await.expect("same token");
    assert_eq!(again, id);
    assert_eq!(account.emr.job_runs(&a, None, &[]).await.expect("runs").len(), before + 1);
}

#[test]
fn snapshot_json_has_the_emulators_emr_runs() {
    let acct = fresh_account();
    let a = app(&acct, "snap", "STARTED");
    let t = now();
    let in_window = seed_run(
        &acct,
        &a,
        "recent",
        "FAILED",
        t - 3600.0,
        json!({
        "state_details": "Job failed, please check complete logs in configured logging destination. ExitCode: 1.",
        "ended_at": t - 3000.0, "total_execution_duration_seconds": 600,
        "billed_resource_utilization": {"vCPUHour": 1.5, "memoryGBHour": 6.0, "storageGBHour": 30.0}}),
    );
    seed_run(&acct, &a, "old", "SUCCESS", t - 3.0 * 86_400.0, json!({}));
    let out = emu::run_as(&acct, &["snapshot", "--since", "24h"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let apps = snap["emr_serverless"]["applications"].as_array().expect("applications");
    assert_eq!(apps.len(), 1);
    assert_eq!(
        (apps[0]["id"].as_str(), apps[0]["name"].as_str(), apps[0]["state"].as_str()),
        (Some(a.as_str()), Some("snap"), Some("STARTED"))
    );
    assert_eq!(apps[0]["release_label"], "emr-7.1.0");
    assert_eq!(apps[0]["max_capacity"]["cpu"], "48 vCPU");
    let runs = apps[0]["job_runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "only runs created within --since");
    let r = &runs[0];
    assert_eq!(r["id"], in_window.as_str());
    assert_eq!(r["state"], "FAILED");
    assert_eq!(
        r["state_details"],
        "Job failed, please check complete logs in configured logging destination. ExitCode: 1."
    );
    assert_eq!(r["total_execution_duration_s"], 600);
    assert_eq!(
        r["billed_resource_utilization"],
        json!({"vcpu_hours": 1.5, "memory_gb_hours": 6.0, "storage_gb_hours": 30.0})
    );
    let created = chrono::DateTime::from_timestamp((t - 3600.0) as i64, 0)
        .expect("t")
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(r["created_at"], created.as_str());
    assert_eq!(r["attempt"], 1);
}
