//! Running a confirmed command: intent to the audit log, the call, outcome to the log.
//! A write without an idempotency token that failed ambiguously is looked for before
//! anything else (`verify`): two more records, `ambiguous` (the error) and `resolved`
//! (what the read side showed), come between the intent and the outcome.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::audit::{AuditLog, AuditRecord};
use super::verify::{self, Reads};
use super::{Command, Confirmed, Outcome};
use crate::aws::{Account, AwsError, EmrWrite, ErrorKind, GlueWrite};

/// Who is acting, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub arn: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
}

/// The account's clock (the demo account runs on its own).
pub type Now = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// After a call got no answer, wait this long before looking: a request still being
/// processed lands first.
const SETTLE: Duration = Duration::from_secs(5);

/// Holds the write side. Exists only when batchtop is not read-only.
pub struct Executor {
    glue: Arc<dyn GlueWrite>,
    emr: Option<Arc<dyn EmrWrite>>,
    /// Where an ambiguous failure is looked into; without it the outcome stays unknown.
    reads: Option<Reads>,
    audit: Arc<AuditLog>,
    caller: Mutex<Caller>,
    seq: AtomicU64,
    clock: Now,
    settle: Duration,
}

impl Executor {
    pub fn new(glue: Arc<dyn GlueWrite>, audit: Arc<AuditLog>, caller: Caller) -> Self {
        Self {
            glue,
            emr: None,
            reads: None,
            audit,
            caller: Mutex::new(caller),
            seq: AtomicU64::new(0),
            clock: Arc::new(Utc::now),
            settle: SETTLE,
        }
    }

    /// Also hold the EMR Serverless write side.
    pub fn with_emr(mut self, emr: Arc<dyn EmrWrite>) -> Self {
        self.emr = Some(emr);
        self
    }

    /// Look through this account's read side after an ambiguous failure.
    pub fn with_reads(mut self, account: &Account) -> Self {
        self.reads = Some(Reads::of(account));
        self
    }

    /// The clock runs are dated by (default: the system clock).
    pub fn with_clock(mut self, clock: Now) -> Self {
        self.clock = clock;
        self
    }

    /// How long to wait after a call got no answer before looking (default 5 s).
    pub fn with_settle(mut self, settle: Duration) -> Self {
        self.settle = settle;
        self
    }

    /// Fill in the caller once STS answered.
    pub fn set_identity(&self, arn: String, account: String) {
        if let Ok(mut c) = self.caller.lock() {
            c.arn = Some(arn);
            c.account = Some(account);
        }
    }

    fn record(&self, id: &str, phase: &str, cmd: &Command) -> AuditRecord {
        let c = self.caller.lock().map(|c| c.clone()).unwrap_or_default();
        AuditRecord {
            time: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            phase: phase.into(),
            id: id.into(),
            caller: c.arn,
            account: c.account,
            profile: c.profile,
            region: c.region,
            command: cmd.api_call().into(),
            target: cmd.target(),
            params: cmd.params(),
            outcome: None,
            error: None,
        }
    }

    /// Append a record after the call; a failure to write is logged, the result stands.
    fn append(&self, id: &str, phase: &str, cmd: &Command, outcome: Option<Value>, error: Option<Value>) {
        let record = AuditRecord { outcome, error, ..self.record(id, phase, cmd) };
        if let Err(e) = self.audit.write(&record) {
            tracing::error!(error = %e, phase, "cannot write the audit record");
        }
    }

    /// Audit, call, (look,) audit. Refuses to call AWS when the intent cannot be written.
    pub async fn run(&self, confirmed: Confirmed) -> Result<Outcome, AwsError> {
        let cmd = confirmed.command();
        let id = format!("{}-{}", Utc::now().format("%Y%m%dT%H%M%S%.3f"), self.seq.fetch_add(1, Ordering::Relaxed));
        let asked_at = (self.clock)();
        self.audit.write(&self.record(&id, "intent", cmd)).map_err(|e| AwsError {
            kind: ErrorKind::Other,
            operation: cmd.api_call().into(),
            message: format!("not run: cannot write the audit log {}: {e}", self.audit.path().display()),
        })?;
        let mut result = self.call(cmd).await;
        if let Err(e) = &result
            && e.kind.is_ambiguous()
            && verify::unguarded(cmd)
        {
            result = self.look_for(&id, cmd, e.clone(), asked_at).await;
        }
        match &result {
            Ok(o) => self.append(&id, "outcome", cmd, Some(o.to_json()), None),
            Err(e) => self.append(&id, "outcome", cmd, None, Some(error_json(e))),
        }
        result
    }

    /// The call failed ambiguously: record it, look for its effect, record what was seen.
    async fn look_for(
        &self,
        id: &str,
        cmd: &Command,
        err: AwsError,
        asked_at: DateTime<Utc>,
    ) -> Result<Outcome, AwsError> {
        self.append(id, "ambiguous", cmd, None, Some(error_json(&err)));
        if err.kind == ErrorKind::Network {
            tokio::time::sleep(self.settle).await;
        }
        let look = match &self.reads {
            Some(reads) => verify::look(reads, cmd, asked_at).await,
            None => Err(AwsError {
                kind: ErrorKind::Other,
                operation: cmd.api_call().into(),
                message: "no read access in this session".into(),
            }),
        };
        let (outcome, error, result) = verify::resolve(&err, look);
        self.append(id, "resolved", cmd, outcome, error);
        result
    }

    async fn call(&self, cmd: &Command) -> Result<Outcome, AwsError> {
        if cmd.is_emr() { self.call_emr(cmd).await } else { self.call_glue(cmd).await }
    }

    /// EMR Serverless commands. Every variant is named: a new one does not compile until it is
    /// placed, and a Glue command that lands here is refused, never reported as done.
    async fn call_emr(&self, cmd: &Command) -> Result<Outcome, AwsError> {
        let e = self.emr.as_ref().ok_or_else(|| AwsError {
            kind: ErrorKind::Other,
            operation: cmd.api_call().into(),
            message: "no EMR Serverless client in this session".into(),
        })?;
        Ok(match cmd {
            Command::StartApplication { app_id, .. } => {
                e.start_application(app_id).await?;
                Outcome::Done
            }
            Command::StopApplication { app_id, .. } => {
                e.stop_application(app_id).await?;
                Outcome::Done
            }
            Command::RerunEmr { app_id, run_id, client_token, .. } => {
                Outcome::Started { run_id: e.rerun_job(app_id, run_id, client_token).await? }
            }
            Command::CancelEmr { app_id, run_id } => {
                e.cancel_job_run(app_id, run_id).await?;
                Outcome::Done
            }
            Command::EmrDashboard { app_id, run_id, attempt } => {
                Outcome::Dashboard { url: e.dashboard_url(app_id, run_id, *attempt).await? }
            }
            Command::RerunJob { .. }
            | Command::StopJobRuns { .. }
            | Command::ResetBookmark { .. }
            | Command::RewindBookmark { .. }
            | Command::StartWorkflow { .. }
            | Command::ResumeWorkflow { .. }
            | Command::StopWorkflow { .. }
            | Command::StartCrawler { .. } => return Err(refused(cmd, "not an EMR Serverless command")),
        })
    }

    /// Glue commands, under the same rules as `call_emr`.
    async fn call_glue(&self, cmd: &Command) -> Result<Outcome, AwsError> {
        let g = &self.glue;
        Ok(match cmd {
            Command::RerunJob { job, arguments } => Outcome::Started { run_id: g.start_job_run(job, arguments).await? },
            Command::StopJobRuns { job, run_ids } => Outcome::Stopped(g.stop_job_runs(job, run_ids).await?),
            Command::ResetBookmark { job } => Outcome::Bookmark(g.reset_job_bookmark(job, None).await?),
            Command::RewindBookmark { job, run_id } => {
                Outcome::Bookmark(g.reset_job_bookmark(job, Some(run_id)).await?)
            }
            Command::StartWorkflow { workflow, properties } => {
                Outcome::Started { run_id: g.start_workflow_run(workflow, properties).await? }
            }
            Command::ResumeWorkflow { workflow, run_id, node_ids } => {
                let (run_id, node_ids) = g.resume_workflow_run(workflow, run_id, node_ids).await?;
                Outcome::Resumed { run_id, node_ids }
            }
            Command::StopWorkflow { workflow, run_id } => {
                g.stop_workflow_run(workflow, run_id).await?;
                Outcome::Done
            }
            Command::StartCrawler { crawler } => {
                g.start_crawler(crawler).await?;
                Outcome::Done
            }
            Command::StartApplication { .. }
            | Command::StopApplication { .. }
            | Command::RerunEmr { .. }
            | Command::CancelEmr { .. }
            | Command::EmrDashboard { .. } => return Err(refused(cmd, "not a Glue command")),
        })
    }
}

fn error_json(e: &AwsError) -> Value {
    json!({"kind": e.kind.as_str(), "message": e.message})
}

/// The command was not sent to AWS.
fn refused(cmd: &Command, why: &str) -> AwsError {
    AwsError { kind: ErrorKind::Other, operation: cmd.api_call().into(), message: format!("not run: {why}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::demo::DemoAccount;

    fn glue_commands() -> Vec<Command> {
        vec![
            Command::RerunJob { job: "j".into(), arguments: Default::default() },
            Command::StopJobRuns { job: "j".into(), run_ids: vec!["jr_1".into()] },
            Command::ResetBookmark { job: "j".into() },
            Command::RewindBookmark { job: "j".into(), run_id: "jr_1".into() },
            Command::StartWorkflow { workflow: "w".into(), properties: Default::default() },
            Command::ResumeWorkflow { workflow: "w".into(), run_id: "wr_1".into(), node_ids: vec![] },
            Command::StopWorkflow { workflow: "w".into(), run_id: "wr_1".into() },
            Command::StartCrawler { crawler: "c".into() },
        ]
    }

    fn emr_commands() -> Vec<Command> {
        let (app_id, run_id) = (String::from("app"), String::from("run"));
        vec![
            Command::StartApplication { app_id: app_id.clone(), name: "a".into() },
            Command::StopApplication { app_id: app_id.clone(), name: "a".into() },
            Command::RerunEmr { app_id: app_id.clone(), run_id: run_id.clone(), name: None, client_token: "t".into() },
            Command::CancelEmr { app_id: app_id.clone(), run_id: run_id.clone() },
            Command::EmrDashboard { app_id, run_id, attempt: None },
        ]
    }

    #[tokio::test]
    async fn a_command_on_the_wrong_side_is_refused_without_a_call() {
        let demo = DemoAccount::fixed();
        let stats = demo.account().stats;
        let dir = std::env::temp_dir().join(format!("batchtop-exec-{}", std::process::id()));
        let audit = Arc::new(AuditLog::open(&dir.join("audit.jsonl")).expect("audit log"));
        let ex = Executor::new(Arc::new(demo.clone()), audit, Caller::default()).with_emr(Arc::new(demo));
        assert!(glue_commands().iter().all(|c| !c.is_emr()) && emr_commands().iter().all(Command::is_emr));
        for cmd in glue_commands() {
            let e = ex.call_emr(&cmd).await.expect_err("a Glue command on the EMR side");
            assert_eq!((e.kind, e.operation.as_str()), (ErrorKind::Other, cmd.api_call()), "{cmd:?}");
            assert!(e.message.contains("not an EMR Serverless command"), "{e:?}");
        }
        for cmd in emr_commands() {
            let e = ex.call_glue(&cmd).await.expect_err("an EMR command on the Glue side");
            assert!(e.message.contains("not a Glue command"), "{e:?}");
        }
        assert_eq!(stats.snapshot().total_calls, 0, "nothing reached the account");
        let _ = std::fs::remove_dir_all(dir);
    }
}
