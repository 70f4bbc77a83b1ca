//! Running a confirmed command: intent to the audit log, the call, outcome to the log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};

use super::audit::{AuditLog, AuditRecord};
use super::{Command, Confirmed};
use crate::aws::{AwsError, EmrWrite, ErrorKind, GlueWrite, StopResult};
use crate::model::Bookmark;

/// What a command achieved.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A new job or workflow run.
    Started {
        run_id: String,
    },
    Stopped(StopResult),
    Bookmark(Bookmark),
    Resumed {
        run_id: String,
        node_ids: Vec<String>,
    },
    /// A Spark UI link, valid for one hour.
    Dashboard {
        url: String,
    },
    Done,
}

impl Outcome {
    pub fn to_json(&self) -> Value {
        match self {
            Outcome::Started { run_id } => json!({"RunId": run_id}),
            Outcome::Stopped(s) => json!({"SuccessfulSubmissions": s.submitted, "Errors": s.errors}),
            Outcome::Bookmark(b) => {
                json!({"Version": b.version, "Run": b.run, "Attempt": b.attempt, "RunId": b.run_id, "JobBookmark": b.json})
            }
            Outcome::Resumed { run_id, node_ids } => json!({"RunId": run_id, "NodeIds": node_ids}),
            // The link carries a credential: the log says one was made, not what it is.
            Outcome::Dashboard { .. } => json!({"url": "(issued, valid for 1 hour)"}),
            Outcome::Done => json!({}),
        }
    }

    /// One line for the status bar.
    pub fn summary(&self) -> String {
        match self {
            Outcome::Started { run_id } => format!("started run {run_id}"),
            Outcome::Stopped(s) if s.errors.is_empty() => format!("stop requested for {} run(s)", s.submitted.len()),
            Outcome::Stopped(s) => format!(
                "stop requested for {} run(s); refused: {}",
                s.submitted.len(),
                s.errors.iter().map(|(id, why)| format!("{id} ({why})")).collect::<Vec<_>>().join(", ")
            ),
            Outcome::Bookmark(b) => match &b.run_id {
                Some(id) => format!("bookmark now at version {} (run {id})", b.version),
                None => format!("bookmark reset (version {})", b.version),
            },
            Outcome::Resumed { run_id, node_ids } => format!("resumed as run {run_id} ({} node(s))", node_ids.len()),
            Outcome::Dashboard { url } => format!("copied to the clipboard (valid 1 hour): {url}"),
            Outcome::Done => "done".into(),
        }
    }
}

/// Who is acting, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub arn: Option<String>,
    pub account: Option<String>,
    pub profile: Option<String>,
    pub region: String,
}

/// Holds the write side. Exists only when batchtop is not read-only.
pub struct Executor {
    glue: Arc<dyn GlueWrite>,
    emr: Option<Arc<dyn EmrWrite>>,
    audit: Arc<AuditLog>,
    caller: Mutex<Caller>,
    seq: AtomicU64,
}

impl Executor {
    pub fn new(glue: Arc<dyn GlueWrite>, audit: Arc<AuditLog>, caller: Caller) -> Self {
        Self { glue, emr: None, audit, caller: Mutex::new(caller), seq: AtomicU64::new(0) }
    }

    /// Also hold the EMR Serverless write side.
    pub fn with_emr(mut self, emr: Arc<dyn EmrWrite>) -> Self {
        self.emr = Some(emr);
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

    /// Audit, call, audit. Refuses to call AWS when the intent cannot be written.
    pub async fn run(&self, confirmed: Confirmed) -> Result<Outcome, AwsError> {
        let cmd = confirmed.command();
        let id = format!("{}-{}", Utc::now().format("%Y%m%dT%H%M%S%.3f"), self.seq.fetch_add(1, Ordering::Relaxed));
        self.audit.write(&self.record(&id, "intent", cmd)).map_err(|e| AwsError {
            kind: ErrorKind::Other,
            operation: cmd.api_call().into(),
            message: format!("not run: cannot write the audit log {}: {e}", self.audit.path().display()),
        })?;
        let result = self.call(cmd).await;
        let mut done = self.record(&id, "outcome", cmd);
        match &result {
            Ok(o) => done.outcome = Some(o.to_json()),
            Err(e) => done.error = Some(json!({"kind": e.kind.as_str(), "message": e.message})),
        }
        if let Err(e) = self.audit.write(&done) {
            tracing::error!(error = %e, "cannot write the audit outcome");
        }
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
