//! Writes that never repeat, through the real SDK against the emulator. Glue's StartJobRun,
//! StartWorkflowRun, ResumeWorkflowRun and StartCrawler carry no idempotency token: with a
//! client configured to retry, a 500 that AWS had acted on (`apply_then_500`) still makes one
//! call, and the executor finds the run it started; a 500 that changed nothing (`http500`) is
//! "not started; retry?" with nothing new. Audit: intent, ambiguous, resolved, outcome.

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::actions::{AuditLog, Caller, Command, Confirmed, Executor, Outcome, read_all};
use batchtop::aws::{AwsError, ErrorKind, StopAt};
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, calls_of, control, fault, fresh_account};

struct Rig {
    acct: String,
    account: batchtop::aws::Account,
    ex: Executor,
    audit: std::path::PathBuf,
}

impl Drop for Rig {
    fn drop(&mut self) {
        if let Some(dir) = self.audit.parent() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// An executor whose Glue client is configured for 3 SDK attempts, looking through the
/// account's reads; a call without an answer is looked into after 2 s.
async fn rig() -> Rig {
    let acct = fresh_account();
    let account = emu::account(&acct).await;
    let dir = std::env::temp_dir().join(format!("batchtop-sdk-writes-{acct}"));
    let audit = dir.join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&audit).expect("audit log"));
    let caller = Caller { arn: None, account: Some(acct.clone()), profile: None, region: emu::REGION.into() };
    let ex = Executor::new(emu::writer_with_retries(&acct, 3).await, log, caller)
        .with_reads(&account)
        .with_settle(Duration::from_secs(2));
    Rig { acct, account, ex, audit }
}

impl Rig {
    async fn run(&self, cmd: Command) -> Result<Outcome, AwsError> {
        self.ex.run(Confirmed::for_tests(cmd)).await
    }

    fn audit_phases(&self) -> Vec<String> {
        read_all(&self.audit).expect("audit log").into_iter().map(|r| r.expect("parses").phase).collect()
    }

    /// The `resolved` record's outcome.
    fn resolution(&self) -> Value {
        let records = read_all(&self.audit).expect("audit log");
        let r = records.into_iter().map(|r| r.expect("parses")).find(|r| r.phase == "resolved").expect("resolved");
        r.outcome.expect("a resolution outcome")
    }

    async fn job_runs(&self, job: &str) -> Vec<batchtop::model::JobRun> {
        self.account.glue.job_runs(job, &StopAt::everything()).await.expect("GetJobRuns")
    }

    async fn workflow_runs(&self, name: &str) -> Vec<batchtop::model::WorkflowRun> {
        self.account.workflows.workflow_runs(name, 25).await.expect("GetWorkflowRuns")
    }
}

fn now() -> f64 {
    Utc::now().timestamp() as f64
}

fn args() -> std::collections::BTreeMap<String, String> {
    [("--source", "s3://landing/orders/"), ("--day", "2026-11-23")].map(|(k, v)| (k.into(), v.into())).into()
}

/// `orders_curate` with one failed run, up to 5 runs at once.
fn seed_job(r: &Rig) {
    control(
        "/batchtop/glue/seed",
        &json!({"account_id": r.acct, "region": emu::REGION, "jobs": [{"name": "orders_curate", "max_concurrent_runs": 5,
            "runs": [{"id": "jr_1", "state": "FAILED", "started_on": now() - 600.0, "completed_on": now() - 500.0, "arguments": args()}]}]}),
    );
}

fn rerun() -> Command {
    Command::RerunJob { job: "orders_curate".into(), arguments: args() }
}

/// The error is "not started; retry?", and the audit has all four records.
fn assert_not_started(r: &Rig, e: &AwsError, checked: &str) {
    assert_eq!(e.kind, ErrorKind::NotStarted, "{e}");
    assert!(e.message.contains(&format!("not started (checked {checked}")) && e.message.ends_with("; retry?"), "{e}");
    assert_eq!(r.audit_phases(), ["intent", "ambiguous", "resolved", "outcome"]);
    assert_eq!(r.resolution()["Found"], false);
}

#[tokio::test]
async fn a_start_job_run_that_applied_then_500_is_found_and_made_once() {
    let r = rig().await;
    seed_job(&r);
    fault(&r.acct, "StartJobRun", "apply_then_500", 1, 0);
    let out = r.run(rerun()).await.expect("found");
    let Outcome::Found { run_id: Some(run_id), after } = &out else { panic!("found expected: {out:?}") };
    assert!(after.contains("InternalServiceException"), "{after}");
    assert_eq!(out.summary(), format!("started (found run {run_id} after an unclear error)"));
    assert_eq!(calls_of(&r.acct, "StartJobRun"), 1, "the SDK did not retry");
    let runs = r.job_runs("orders_curate").await;
    assert_eq!(runs.len(), 2, "exactly one new run: {runs:?}");
    let new = runs.iter().find(|x| &x.id == run_id).expect("the found run");
    assert_eq!(new.arguments.kept(), Some(&args()));
    assert_eq!(r.audit_phases(), ["intent", "ambiguous", "resolved", "outcome"]);
    let records: Vec<_> = read_all(&r.audit).expect("audit").into_iter().map(|x| x.expect("parses")).collect();
    assert!(records.iter().all(|x| x.id == records[0].id && x.command == "glue:StartJobRun"));
    assert_eq!(records[1].error.as_ref().expect("the ambiguous error")["kind"], "service");
    assert_eq!((records[2].outcome.as_ref().expect("resolved")["RunId"].as_str()), Some(run_id.as_str()));
    assert_eq!(records[3].outcome.as_ref().expect("outcome")["RunId"].as_str(), Some(run_id.as_str()));
}

#[tokio::test]
async fn a_start_job_run_500_that_changed_nothing_is_not_started() {
    let r = rig().await;
    seed_job(&r);
    fault(&r.acct, "StartJobRun", "http500", 3, 0);
    let e = r.run(rerun()).await.expect_err("not started");
    assert_not_started(&r, &e, "GetJobRuns of orders_curate");
    assert_eq!(calls_of(&r.acct, "StartJobRun"), 1, "the SDK did not retry");
    assert_eq!(r.job_runs("orders_curate").await.len(), 1, "no new run");
}

#[tokio::test]
async fn a_start_job_run_that_timed_out_and_landed_late_is_found() {
    let r = rig().await;
    seed_job(&r);
    // The emulator sleeps 4 s before acting; the SDK gives up on the attempt after 3 s.
    fault(&r.acct, "StartJobRun", "delay", 1, 4000);
    let out = r.run(rerun()).await.expect("found");
    assert!(matches!(out, Outcome::Found { run_id: Some(_), .. }), "{out:?}");
    assert_eq!(calls_of(&r.acct, "StartJobRun"), 1, "no retry after the timeout");
    assert_eq!(r.job_runs("orders_curate").await.len(), 2);
    let records: Vec<_> = read_all(&r.audit).expect("audit").into_iter().map(|x| x.expect("parses")).collect();
    assert_eq!(records[1].error.as_ref().expect("the ambiguous error")["kind"], "network");
}

/// start -> {a, b}
fn workflow(r: &Rig) {
    control(
        "/batchtop/glue/seed",
        &json!({"account_id": r.acct, "region": emu::REGION, "jobs": [{"name": "a", "runs": []}, {"name": "b", "runs": []}]}),
    );
    control(
        "/batchtop/glue/workflow",
        &json!({"account_id": r.acct, "region": emu::REGION, "name": "nightly", "default_run_properties": {"day": "2026-11-23"},
                "triggers": [{"name": "start", "type": "ON_DEMAND", "actions": [{"job_name": "a"}, {"job_name": "b"}]}]}),
    );
}

fn start_workflow() -> Command {
    Command::StartWorkflow { workflow: "nightly".into(), properties: Default::default() }
}

#[tokio::test]
async fn a_start_workflow_run_that_applied_then_500_is_found_and_made_once() {
    let r = rig().await;
    workflow(&r);
    fault(&r.acct, "StartWorkflowRun", "apply_then_500", 1, 0);
    let out = r.run(start_workflow()).await.expect("found");
    let Outcome::Found { run_id: Some(run_id), .. } = &out else { panic!("found expected: {out:?}") };
    assert_eq!(calls_of(&r.acct, "StartWorkflowRun"), 1);
    let runs = r.workflow_runs("nightly").await;
    assert_eq!(runs.iter().map(|x| x.id.as_str()).collect::<Vec<_>>(), [run_id.as_str()], "exactly one run");
    assert_eq!(r.audit_phases(), ["intent", "ambiguous", "resolved", "outcome"]);
    assert_eq!(r.resolution()["RunId"].as_str(), Some(run_id.as_str()));
}

#[tokio::test]
async fn a_start_workflow_run_500_that_changed_nothing_is_not_started() {
    let r = rig().await;
    workflow(&r);
    fault(&r.acct, "StartWorkflowRun", "http500", 3, 0);
    let e = r.run(start_workflow()).await.expect_err("not started");
    assert_not_started(&r, &e, "GetWorkflowRuns of nightly");
    assert_eq!(calls_of(&r.acct, "StartWorkflowRun"), 1);
    assert!(r.workflow_runs("nightly").await.is_empty(), "no run");
}

/// A finished run of `nightly` whose node b failed; its id and b's node id.
async fn failed_workflow_run(r: &Rig) -> (String, Vec<String>) {
    let Outcome::Started { run_id } = r.run(start_workflow()).await.expect("start") else { panic!("started") };
    let runs = r.workflow_runs("nightly").await;
    let run = runs.iter().find(|x| x.id == run_id).expect("the run");
    for (job, state) in [("a", "SUCCEEDED"), ("b", "FAILED")] {
        let node = run.graph.as_ref().expect("graph").nodes.iter().find(|n| n.name == job).expect("node");
        let id = node.job_run.as_ref().expect("started").id.clone();
        control(
            "/batchtop/glue/job-run",
            &json!({"account_id": r.acct, "region": emu::REGION, "job_name": job, "id": id, "state": state,
                    "started_on": now() - 60.0, "completed_on": now(), "execution_time": 60}),
        );
    }
    let runs = r.workflow_runs("nightly").await;
    let done = runs.iter().find(|x| x.id == run_id).expect("the run");
    let failed = done.failed_nodes();
    assert_eq!(failed.len(), 1, "{done:?}");
    (run_id, failed)
}

#[tokio::test]
async fn a_resume_workflow_run_that_applied_then_500_is_found_and_made_once() {
    let r = rig().await;
    workflow(&r);
    let (run_id, node_ids) = failed_workflow_run(&r).await;
    fault(&r.acct, "ResumeWorkflowRun", "apply_then_500", 1, 0);
    let resume = Command::ResumeWorkflow { workflow: "nightly".into(), run_id: run_id.clone(), node_ids };
    let out = r.run(resume).await.expect("found");
    let Outcome::Found { run_id: Some(resumed), .. } = &out else { panic!("found expected: {out:?}") };
    assert_ne!(resumed, &run_id);
    assert_eq!(calls_of(&r.acct, "ResumeWorkflowRun"), 1);
    let runs = r.workflow_runs("nightly").await;
    let from_old: Vec<_> = runs.iter().filter(|x| x.previous_run_id.as_deref() == Some(run_id.as_str())).collect();
    assert_eq!(from_old.len(), 1, "exactly one resumed run: {runs:?}");
    assert_eq!(&from_old[0].id, resumed);
    assert_eq!(r.audit_phases()[2..], ["intent", "ambiguous", "resolved", "outcome"]);
}

#[tokio::test]
async fn a_resume_workflow_run_500_that_changed_nothing_is_not_started() {
    let r = rig().await;
    workflow(&r);
    let (run_id, node_ids) = failed_workflow_run(&r).await;
    fault(&r.acct, "ResumeWorkflowRun", "http500", 3, 0);
    let resume = Command::ResumeWorkflow { workflow: "nightly".into(), run_id: run_id.clone(), node_ids };
    let e = r.run(resume).await.expect_err("not started");
    assert_eq!(e.kind, ErrorKind::NotStarted, "{e}");
    assert!(e.message.contains(&format!("runs resumed from {run_id}")) && e.message.ends_with("retry?"), "{e}");
    assert_eq!(calls_of(&r.acct, "ResumeWorkflowRun"), 1);
    let runs = r.workflow_runs("nightly").await;
    assert!(runs.iter().all(|x| x.previous_run_id.is_none()), "no resumed run: {runs:?}");
}

fn crawler(r: &Rig) {
    let t = now();
    control(
        "/batchtop/glue/crawler",
        &json!({"account_id": r.acct, "region": emu::REGION, "name": "raw_orders",
                "last_crawl": {"status": "SUCCEEDED", "started_on": t - 7200.0, "completed_on": t - 7100.0}}),
    );
}

#[tokio::test]
async fn a_start_crawler_that_applied_then_500_is_found_and_made_once() {
    let r = rig().await;
    crawler(&r);
    fault(&r.acct, "StartCrawler", "apply_then_500", 1, 0);
    let out = r.run(Command::StartCrawler { crawler: "raw_orders".into() }).await.expect("found");
    assert!(matches!(&out, Outcome::Found { run_id: None, .. }), "{out:?}");
    assert_eq!(out.summary(), "started (found it running after an unclear error)");
    assert_eq!(calls_of(&r.acct, "StartCrawler"), 1);
    assert_eq!(r.audit_phases(), ["intent", "ambiguous", "resolved", "outcome"]);
    assert_eq!(r.resolution()["Found"], true);
}

#[tokio::test]
async fn a_start_crawler_500_that_changed_nothing_is_not_started() {
    let r = rig().await;
    crawler(&r);
    fault(&r.acct, "StartCrawler", "http500", 3, 0);
    let e = r.run(Command::StartCrawler { crawler: "raw_orders".into() }).await.expect_err("not started");
    assert_not_started(&r, &e, "GetCrawlers: raw_orders");
    assert_eq!(calls_of(&r.acct, "StartCrawler"), 1);
    let crawlers = r.account.crawlers.crawlers().await.expect("crawlers");
    assert_eq!(crawlers.iter().find(|c| c.name == "raw_orders").map(|c| c.state.as_str()), Some("READY"));
}

#[tokio::test]
async fn safe_writes_keep_their_retries() {
    let r = rig().await;
    seed_job(&r);
    // A bookmark reset may be repeated: the SDK retries it through a 500.
    control(
        "/batchtop/glue/bookmark",
        &json!({"account_id": r.acct, "region": emu::REGION, "job_name": "orders_curate", "entries": [{"run_id": "jr_1"}]}),
    );
    fault(&r.acct, "ResetJobBookmark", "http500", 1, 0);
    r.run(Command::ResetBookmark { job: "orders_curate".into() }).await.expect("reset after a retry");
    assert_eq!(calls_of(&r.acct, "ResetJobBookmark"), 2);
    assert_eq!(r.audit_phases(), ["intent", "outcome"]);
}
