//! Every action through the real SDK against the emulator, and its effect there afterwards:
//! reruns, stops, bookmarks reset and rewound, workflows started, resumed and stopped,
//! crawlers started; each audited before and after.

mod support;

use std::sync::Arc;

use batchtop::actions::{AuditLog, Caller, Command, Confirmed, Executor, Outcome, read_all};
use batchtop::aws::{ErrorKind, StopAt};
use batchtop::model::{NodeKind, NodeState, RunState, WorkflowStatus};
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

async fn rig() -> Rig {
    let acct = fresh_account();
    let account = emu::account(&acct).await;
    let dir = std::env::temp_dir().join(format!("batchtop-sdk-actions-{acct}"));
    let audit = dir.join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&audit).expect("audit log"));
    let caller = Caller { arn: None, account: Some(acct.clone()), profile: None, region: emu::REGION.into() };
    let ex = Executor::new(emu::writer(&acct).await, log, caller);
    Rig { acct, account, ex, audit }
}

impl Rig {
    async fn run(&self, cmd: Command) -> Result<Outcome, batchtop::aws::AwsError> {
        self.ex.run(Confirmed::for_tests(cmd)).await
    }

    fn seed(&self, jobs: Value) {
        control("/batchtop/glue/seed", &json!({"account_id": self.acct, "region": emu::REGION, "jobs": jobs}));
    }

    fn pin(&self, job: &str, run_id: &str, state: &str) {
        let now = Utc::now().timestamp() as f64;
        control(
            "/batchtop/glue/job-run",
            &json!({"account_id": self.acct, "region": emu::REGION, "job_name": job, "id": run_id, "state": state,
                    "started_on": now - 60.0, "completed_on": now, "execution_time": 60}),
        );
    }

    fn audit_phases(&self) -> Vec<(String, String, bool)> {
        read_all(&self.audit)
            .expect("audit log")
            .into_iter()
            .map(|r| r.expect("parses"))
            .map(|r| (r.phase, r.command, r.error.is_some()))
            .collect()
    }
}

fn now() -> f64 {
    Utc::now().timestamp() as f64
}

#[tokio::test]
async fn rerun_starts_a_run_with_the_same_arguments() {
    let r = rig().await;
    let args = json!({"--source": "s3://landing/orders/", "--day": "2026-11-23"});
    r.seed(json!([{"name": "orders_curate", "max_concurrent_runs": 5, "runs": [
        {"id": "jr_1", "state": "FAILED", "started_on": now() - 600.0, "completed_on": now() - 500.0, "arguments": args}]}]));
    let old = r.account.glue.job_run("orders_curate", "jr_1").await.expect("run");
    let out = r
        .run(Command::RerunJob {
            job: "orders_curate".into(),
            arguments: old.arguments.kept().cloned().unwrap_or_default(),
        })
        .await
        .expect("rerun");
    let Outcome::Started { run_id } = out else { panic!("started") };
    let new = r.account.glue.job_run("orders_curate", &run_id).await.expect("the new run exists");
    assert_eq!(new.arguments, old.arguments);
    assert_eq!(calls_of(&r.acct, "StartJobRun"), 1);
    assert_eq!(
        r.audit_phases(),
        vec![("intent".into(), "glue:StartJobRun".into(), false), ("outcome".into(), "glue:StartJobRun".into(), false)]
    );
}

#[tokio::test]
async fn a_failed_call_is_audited_with_its_error() {
    let r = rig().await;
    r.seed(json!([{"name": "j", "runs": []}]));
    fault(&r.acct, "StartJobRun", "access_denied", 1, 0);
    let e = r.run(Command::RerunJob { job: "j".into(), arguments: Default::default() }).await.expect_err("denied");
    assert_eq!(e.kind, ErrorKind::AccessDenied);
    assert_eq!(
        r.audit_phases(),
        vec![("intent".into(), "glue:StartJobRun".into(), false), ("outcome".into(), "glue:StartJobRun".into(), true)]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&r.audit).expect("meta").permissions().mode() & 0o777, 0o600);
    }
}

#[tokio::test]
async fn stop_marks_running_runs_and_refuses_finished_ones() {
    let r = rig().await;
    r.seed(json!([{"name": "long", "max_concurrent_runs": 5, "runs": [
        {"id": "jr_a", "state": "RUNNING", "started_on": now() - 300.0},
        {"id": "jr_b", "state": "RUNNING", "started_on": now() - 200.0},
        {"id": "jr_c", "state": "SUCCEEDED", "started_on": now() - 900.0, "completed_on": now() - 800.0}]}]));
    let ids = vec!["jr_a".to_string(), "jr_b".to_string(), "jr_c".to_string()];
    let Outcome::Stopped(res) = r.run(Command::StopJobRuns { job: "long".into(), run_ids: ids }).await.expect("stop")
    else {
        panic!("stopped")
    };
    assert_eq!(res.submitted, vec!["jr_a".to_string(), "jr_b".to_string()]);
    assert_eq!(res.errors.len(), 1);
    assert_eq!(res.errors[0].0, "jr_c");
    for id in ["jr_a", "jr_b"] {
        let s = r.account.glue.job_run("long", id).await.expect("run").state();
        assert!(matches!(s, RunState::Stopping | RunState::Stopped), "{id}: {s}");
    }
    let runs = r.account.glue.job_runs("long", &StopAt::everything()).await.expect("runs");
    assert!(runs.iter().filter(|x| x.id != "jr_c").all(|x| x.state() == RunState::Stopped), "{runs:?}");
}

#[tokio::test]
async fn bookmark_is_shown_rewound_and_reset() {
    let r = rig().await;
    r.seed(json!([{"name": "inc", "runs": []}]));
    control(
        "/batchtop/glue/bookmark",
        &json!({"account_id": r.acct, "region": emu::REGION, "job_name": "inc", "entries": [
            {"run_id": "jr_1", "job_bookmark": {"datasource0": {"timestamp": 1}}},
            {"run_id": "jr_2", "previous_run_id": "jr_1", "job_bookmark": {"datasource0": {"timestamp": 2}}},
            {"run_id": "jr_3", "previous_run_id": "jr_2", "job_bookmark": {"datasource0": {"timestamp": 3}}}]}),
    );
    let current = r.account.glue.job_bookmark("inc").await.expect("GetJobBookmark");
    assert_eq!((current.run_id.as_deref(), current.version), (Some("jr_3"), 3));
    assert!(current.pretty().contains("\"timestamp\": 3"), "{}", current.pretty());
    let Outcome::Bookmark(b) =
        r.run(Command::RewindBookmark { job: "inc".into(), run_id: "jr_1".into() }).await.expect("rewind")
    else {
        panic!("bookmark")
    };
    assert_eq!((b.run_id.as_deref(), b.version), (Some("jr_1"), 4));
    let now_current = r.account.glue.job_bookmark("inc").await.expect("GetJobBookmark");
    assert_eq!(now_current.run_id.as_deref(), Some("jr_1"), "rewound in the emulator");
    assert!(now_current.pretty().contains("\"timestamp\": 1"));
    let Outcome::Bookmark(b) = r.run(Command::ResetBookmark { job: "inc".into() }).await.expect("reset") else {
        panic!("bookmark")
    };
    assert_eq!((b.run_id, b.version, b.run), (None, 5, 0));
    let after = r.account.glue.job_bookmark("inc").await.expect("GetJobBookmark");
    assert_eq!(after.run_id, None);
    assert_eq!(after.pretty().trim(), "{}");
}

/// start -> {a, b, c} -> converge (AND) -> consolidate
fn fan_out_workflow(r: &Rig) {
    r.seed(json!([{"name": "a", "runs": []}, {"name": "b", "runs": []}, {"name": "c", "runs": []}, {"name": "consolidate", "runs": []}]));
    control(
        "/batchtop/glue/workflow",
        &json!({"account_id": r.acct, "region": emu::REGION, "name": "nightly", "default_run_properties": {"day": "2026-11-23"},
                "triggers": [
                    {"name": "start", "type": "ON_DEMAND", "actions": [{"job_name": "a"}, {"job_name": "b"}, {"job_name": "c"}]},
                    {"name": "converge", "type": "CONDITIONAL", "actions": [{"job_name": "consolidate"}],
                     "predicate": {"logical": "AND", "conditions": [
                        {"job_name": "a", "state": "SUCCEEDED"}, {"job_name": "b", "state": "SUCCEEDED"}, {"job_name": "c", "state": "SUCCEEDED"}]}}]}),
    );
}

fn job_node<'a>(run: &'a batchtop::model::WorkflowRun, name: &str) -> &'a batchtop::model::Node {
    run.graph
        .as_ref()
        .expect("graph")
        .nodes
        .iter()
        .find(|n| n.name == name && n.kind == Some(NodeKind::Job))
        .expect("node")
}

#[tokio::test]
async fn workflow_fails_at_a_stream_and_resume_restarts_only_that_node() {
    let r = rig().await;
    fan_out_workflow(&r);
    let Outcome::Started { run_id } = r
        .run(Command::StartWorkflow { workflow: "nightly".into(), properties: Default::default() })
        .await
        .expect("start")
    else {
        panic!("started")
    };
    let runs = r.account.workflows.workflow_runs("nightly", 10).await.expect("runs");
    let run = runs.iter().find(|x| x.id == run_id).expect("the new run");
    assert_eq!(run.status, WorkflowStatus::Running);
    assert_eq!(run.properties.get("day").map(String::as_str), Some("2026-11-23"));
    let ids: Vec<(String, String)> = ["a", "b", "c"]
        .iter()
        .map(|j| (j.to_string(), job_node(run, j).job_run.as_ref().expect("started").id.clone()))
        .collect();
    assert!(ids.iter().all(|(j, _)| job_node(run, j).state == NodeState::Job(RunState::Running)));
    r.pin("a", &ids[0].1, "SUCCEEDED");
    r.pin("b", &ids[1].1, "FAILED");
    r.pin("c", &ids[2].1, "SUCCEEDED");
    let runs = r.account.workflows.workflow_runs("nightly", 10).await.expect("runs");
    let done = runs.iter().find(|x| x.id == run_id).expect("run");
    assert_eq!(done.status, WorkflowStatus::Completed);
    assert_eq!((done.statistics.succeeded, done.statistics.failed), (2, 1));
    assert_eq!(job_node(done, "consolidate").state, NodeState::NotRun, "the converge trigger did not fire");
    let failed = done.failed_nodes();
    assert_eq!(failed, vec![job_node(done, "b").id.clone()]);

    let Outcome::Resumed { run_id: resumed, node_ids } = r
        .run(Command::ResumeWorkflow { workflow: "nightly".into(), run_id: run_id.clone(), node_ids: failed.clone() })
        .await
        .expect("resume")
    else {
        panic!("resumed")
    };
    assert_ne!(resumed, run_id);
    assert_eq!(node_ids, failed);
    let runs = r.account.workflows.workflow_runs("nightly", 10).await.expect("runs");
    let again = runs.iter().find(|x| x.id == resumed).expect("the resumed run");
    assert_eq!(again.previous_run_id.as_deref(), Some(run_id.as_str()));
    let b_new = job_node(again, "b").job_run.as_ref().expect("b restarted");
    assert_ne!(b_new.id, ids[1].1, "b runs again");
    assert_eq!(job_node(again, "a").job_run.as_ref().map(|x| x.id.clone()), Some(ids[0].1.clone()), "a is not rerun");
    r.pin("b", &b_new.id.clone(), "SUCCEEDED");
    let runs = r.account.workflows.workflow_runs("nightly", 10).await.expect("runs");
    let again = runs.iter().find(|x| x.id == resumed).expect("run");
    assert_eq!(
        job_node(again, "consolidate").state,
        NodeState::Job(RunState::Running),
        "converge fired after the resume"
    );
    let phases = r.audit_phases();
    assert_eq!(phases.len(), 4);
    assert!(phases.iter().all(|(_, _, err)| !err));
}

#[tokio::test]
async fn a_running_workflow_is_stopped() {
    let r = rig().await;
    fan_out_workflow(&r);
    let Outcome::Started { run_id } = r
        .run(Command::StartWorkflow { workflow: "nightly".into(), properties: Default::default() })
        .await
        .expect("start")
    else {
        panic!("started")
    };
    r.run(Command::StopWorkflow { workflow: "nightly".into(), run_id: run_id.clone() }).await.expect("stop");
    let mut status = WorkflowStatus::Running;
    for _ in 0..3 {
        let runs = r.account.workflows.workflow_runs("nightly", 10).await.expect("runs");
        status = runs.iter().find(|x| x.id == run_id).expect("run").status;
    }
    assert_eq!(status, WorkflowStatus::Stopped);
    let e = r.run(Command::StopWorkflow { workflow: "nightly".into(), run_id }).await.expect_err("already stopped");
    assert!(e.message.contains("IllegalWorkflowStateException"), "{e}");
}

#[tokio::test]
async fn crawlers_with_metrics_and_a_start() {
    let r = rig().await;
    let t = now();
    control(
        "/batchtop/glue/crawler",
        &json!({"account_id": r.acct, "region": emu::REGION, "name": "raw_orders", "schedule": "cron(0 2 * * ? *)",
                "last_crawl": {"status": "FAILED", "started_on": t - 3600.0, "completed_on": t - 3500.0, "error_message": "Internal Service Exception"},
                "metrics": {"tables_created": 3, "tables_updated": 2, "tables_deleted": 1, "last_runtime_seconds": 100}}),
    );
    let crawlers = r.account.crawlers.crawlers().await.expect("crawlers");
    let c = crawlers.iter().find(|c| c.name == "raw_orders").expect("crawler");
    let lc = c.last_crawl.as_ref().expect("last crawl");
    assert_eq!((lc.status.as_str(), lc.error_message.as_deref()), ("FAILED", Some("Internal Service Exception")));
    assert_eq!(c.schedule.as_deref(), Some("cron(0 2 * * ? *)"));
    let m = c.metrics.expect("metrics");
    assert_eq!((m.tables_created, m.tables_updated, m.tables_deleted), (3, 2, 1));
    assert_eq!(c.freshness_s(Utc::now()), None, "a failed last crawl leaves freshness unknown");
    r.run(Command::StartCrawler { crawler: "raw_orders".into() }).await.expect("start");
    let crawlers = r.account.crawlers.crawlers().await.expect("crawlers");
    assert_eq!(crawlers.iter().find(|c| c.name == "raw_orders").map(|c| c.state.as_str()), Some("RUNNING"));
    let e = r.run(Command::StartCrawler { crawler: "raw_orders".into() }).await;
    // Either still running (CrawlerRunningException) or already done: both are honest answers.
    if let Err(e) = e {
        assert!(e.message.contains("CrawlerRunning"), "{e}");
    }
}
