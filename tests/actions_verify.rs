//! The executor after an ambiguous failure, on the demo account: a write that took effect
//! and then failed is found (never repeated), one that did not is "not started; retry?",
//! and without a way to look the outcome stays unknown. Audit: intent, ambiguous, resolved,
//! outcome.

use std::collections::BTreeMap;
use std::sync::Arc;

use batchtop::actions::{AuditLog, Caller, Command, Confirmed, Executor, Outcome, read_all};
use batchtop::aws::demo::DemoAccount;
use batchtop::aws::{AwsError, AwsResult, BoxFut, ErrorKind, GlueRead, GlueWrite, StopAt, StopResult};
use batchtop::model::Bookmark;

/// The demo's write side, whose token-less starts answer HTTP 500 (after acting, when `apply`).
struct Flaky {
    demo: DemoAccount,
    apply: bool,
}

fn http500(op: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Service,
        operation: op.into(),
        message: format!("{op} failed: InternalServiceException: An internal error occurred."),
    }
}

impl Flaky {
    /// The demo's own call (which acts as soon as it is made) only when `apply`, then a 500.
    fn fail<'a, T: 'a>(
        &'a self,
        op: &'a str,
        call: impl FnOnce() -> BoxFut<'a, AwsResult<T>>,
    ) -> BoxFut<'a, AwsResult<T>> {
        let applied = self.apply.then(call);
        Box::pin(async move {
            if let Some(call) = applied {
                call.await?;
            }
            Err(http500(op))
        })
    }
}

impl GlueWrite for Flaky {
    fn start_job_run<'a>(&'a self, job: &'a str, args: &'a BTreeMap<String, String>) -> BoxFut<'a, AwsResult<String>> {
        self.fail("glue:StartJobRun", || self.demo.start_job_run(job, args))
    }
    fn stop_job_runs<'a>(&'a self, job: &'a str, ids: &'a [String]) -> BoxFut<'a, AwsResult<StopResult>> {
        self.demo.stop_job_runs(job, ids)
    }
    fn reset_job_bookmark<'a>(&'a self, job: &'a str, run: Option<&'a str>) -> BoxFut<'a, AwsResult<Bookmark>> {
        self.demo.reset_job_bookmark(job, run)
    }
    fn start_workflow_run<'a>(&'a self, n: &'a str, p: &'a BTreeMap<String, String>) -> BoxFut<'a, AwsResult<String>> {
        self.fail("glue:StartWorkflowRun", || self.demo.start_workflow_run(n, p))
    }
    fn resume_workflow_run<'a>(
        &'a self,
        name: &'a str,
        run_id: &'a str,
        nodes: &'a [String],
    ) -> BoxFut<'a, AwsResult<(String, Vec<String>)>> {
        self.fail("glue:ResumeWorkflowRun", || self.demo.resume_workflow_run(name, run_id, nodes))
    }
    fn stop_workflow_run<'a>(&'a self, name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        self.demo.stop_workflow_run(name, run_id)
    }
    fn start_crawler<'a>(&'a self, name: &'a str) -> BoxFut<'a, AwsResult<()>> {
        self.fail("glue:StartCrawler", || self.demo.start_crawler(name))
    }
}

struct Rig {
    demo: DemoAccount,
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

/// An executor over the flaky demo; it looks through the demo's reads when `reads`.
fn rig(tag: &str, apply: bool, reads: bool) -> Rig {
    let demo = DemoAccount::fixed();
    let dir = std::env::temp_dir().join(format!("batchtop-verify-{tag}-{}", std::process::id()));
    let audit = dir.join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&audit).expect("audit log"));
    let clock = demo.clone();
    let ex = Executor::new(Arc::new(Flaky { demo: demo.clone(), apply }), log, Caller::default())
        .with_clock(Arc::new(move || clock.now()));
    let ex = if reads { ex.with_reads(&demo.account()) } else { ex };
    Rig { demo, ex, audit }
}

impl Rig {
    async fn run(&self, cmd: Command) -> Result<Outcome, AwsError> {
        self.ex.run(Confirmed::for_tests(cmd)).await
    }

    fn phases(&self) -> Vec<String> {
        read_all(&self.audit).expect("audit").into_iter().map(|r| r.expect("parses").phase).collect()
    }

    async fn runs_of(&self, job: &str) -> usize {
        self.demo.job_runs(job, &StopAt::everything()).await.expect("runs").len()
    }
}

fn rerun() -> Command {
    let arguments = BTreeMap::from([("--day".to_string(), "2026-11-23".to_string())]);
    Command::RerunJob { job: "orders_curate".into(), arguments }
}

#[tokio::test]
async fn a_run_that_started_before_the_500_is_found_and_not_repeated() {
    let r = rig("found", true, true);
    let before = r.runs_of("orders_curate").await;
    let out = r.run(rerun()).await.expect("found");
    let Outcome::Found { run_id: Some(run_id), after } = &out else { panic!("found expected: {out:?}") };
    assert!(after.contains("InternalServiceException"), "{after}");
    assert!(out.summary().starts_with(&format!("started (found run {run_id}")), "{}", out.summary());
    assert_eq!(r.runs_of("orders_curate").await, before + 1, "exactly one new run");
    let new = r.demo.job_run("orders_curate", run_id).await.expect("the run exists");
    assert_eq!(new.arguments.get("--day").map(String::as_str), Some("2026-11-23"));
    assert_eq!(r.phases(), ["intent", "ambiguous", "resolved", "outcome"]);
    let records: Vec<_> = read_all(&r.audit).expect("audit").into_iter().map(|x| x.expect("parses")).collect();
    assert!(records.iter().all(|x| x.id == records[0].id), "one id joins them");
    assert_eq!(records[1].error.as_ref().map(|e| e["kind"].clone()), Some("service".into()));
    assert_eq!(records[2].outcome.as_ref().map(|o| o["Found"].clone()), Some(true.into()));
    assert_eq!(records[3].outcome.as_ref().map(|o| o["RunId"].clone()), Some(run_id.as_str().into()));
}

#[tokio::test]
async fn a_500_that_did_not_apply_is_not_started_retry() {
    let r = rig("missing", false, true);
    let before = r.runs_of("orders_curate").await;
    let e = r.run(rerun()).await.expect_err("not started");
    assert_eq!(e.kind, ErrorKind::NotStarted, "{e}");
    assert!(e.message.contains("not started (checked GetJobRuns of orders_curate") && e.message.ends_with("retry?"));
    assert_eq!(r.runs_of("orders_curate").await, before, "nothing started, nothing retried");
    assert_eq!(r.phases(), ["intent", "ambiguous", "resolved", "outcome"]);
}

#[tokio::test]
async fn a_run_with_other_arguments_is_not_taken_for_it() {
    let r = rig("other-args", false, true);
    let other = BTreeMap::from([("--day".to_string(), "2026-11-22".to_string())]);
    r.demo.start_job_run("orders_curate", &other).await.expect("someone else's run");
    let e = r.run(rerun()).await.expect_err("not started");
    assert_eq!(e.kind, ErrorKind::NotStarted, "{e}");
}

#[tokio::test]
async fn without_reads_the_outcome_stays_unknown() {
    let r = rig("no-reads", true, false);
    let e = r.run(rerun()).await.expect_err("unknown");
    assert_eq!(e.kind, ErrorKind::Service);
    assert!(e.message.contains("outcome unknown") && e.message.contains("Look before trying again"), "{e}");
    assert_eq!(r.phases(), ["intent", "ambiguous", "resolved", "outcome"]);
}

#[tokio::test]
async fn a_crawl_that_began_is_found() {
    let r = rig("crawl", true, true);
    let out = r.run(Command::StartCrawler { crawler: "orders_raw_crawler".into() }).await.expect("found");
    assert_eq!(out, Outcome::Found { run_id: None, after: http500("glue:StartCrawler").message });
    let r = rig("no-crawl", false, true);
    let e = r.run(Command::StartCrawler { crawler: "orders_raw_crawler".into() }).await.expect_err("not started");
    assert_eq!(e.kind, ErrorKind::NotStarted, "{e}");
}

#[tokio::test]
async fn clear_failures_and_safe_writes_are_not_looked_into() {
    let r = rig("clear", true, true);
    let e = r.run(Command::StartCrawler { crawler: "nope".into() }).await.expect_err("unknown crawler");
    assert_eq!(e.kind, ErrorKind::NotFound);
    r.run(Command::ResetBookmark { job: "orders_curate".into() }).await.expect("reset");
    assert_eq!(r.phases(), ["intent", "outcome", "intent", "outcome"]);
}

#[tokio::test]
async fn workflow_starts_and_resumes_are_found() {
    use batchtop::aws::WorkflowRead;
    let r = rig("wf", true, true);
    let start = Command::StartWorkflow { workflow: "payments_pipeline".into(), properties: Default::default() };
    let out = r.run(start).await.expect("found");
    let Outcome::Found { run_id: Some(started), .. } = out else { panic!("found expected: {out:?}") };
    let runs = r.demo.workflow_runs("payments_pipeline", 10).await.expect("runs");
    assert_eq!(runs.iter().filter(|x| x.id == started).count(), 1);
    let failed = runs.iter().find(|x| !x.status.is_active() && !x.failed_nodes().is_empty()).expect("a failed run");
    let resume = Command::ResumeWorkflow {
        workflow: "payments_pipeline".into(),
        run_id: failed.id.clone(),
        node_ids: failed.failed_nodes(),
    };
    let out = r.run(resume).await.expect("found");
    let Outcome::Found { run_id: Some(resumed), .. } = out else { panic!("found expected: {out:?}") };
    let runs = r.demo.workflow_runs("payments_pipeline", 10).await.expect("runs");
    let again = runs.iter().find(|x| x.id == resumed).expect("the resumed run");
    assert_eq!(again.previous_run_id.as_deref(), Some(failed.id.as_str()));
    let r = rig("wf-missing", false, true);
    let start = Command::StartWorkflow { workflow: "payments_pipeline".into(), properties: Default::default() };
    assert_eq!(r.run(start).await.expect_err("not started").kind, ErrorKind::NotStarted);
}
