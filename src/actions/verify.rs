//! After a write without an idempotency token failed ambiguously (no answer, or HTTP 5xx),
//! look for its effect through the read side before anything else. Never a blind retry:
//! found, it is reported as started; not found, the user is asked again.

use std::sync::Arc;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::args::same_arguments;
use super::{Command, Outcome};
use crate::aws::{Account, AwsError, AwsResult, CrawlerRead, ErrorKind, GlueRead, StopAt, WorkflowRead};

/// Runs started this long before the intent still count: the two clocks may disagree.
pub const CLOCK_SKEW: Duration = Duration::seconds(60);

/// Workflow runs read when looking for a new one (GetWorkflowRuns, newest first).
const WORKFLOW_RUNS: usize = 25;

/// The read side the executor looks through.
#[derive(Clone)]
pub struct Reads {
    pub glue: Arc<dyn GlueRead>,
    pub workflows: Arc<dyn WorkflowRead>,
    pub crawlers: Arc<dyn CrawlerRead>,
}

impl Reads {
    pub fn of(account: &Account) -> Self {
        Self { glue: account.glue.clone(), workflows: account.workflows.clone(), crawlers: account.crawlers.clone() }
    }
}

/// What the read side showed.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// The run the call started.
    Run(String),
    /// The crawler is crawling (a crawl has no id).
    Crawl,
    Nothing,
}

/// One look: what was read, in words, and what it showed.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    pub checked: String,
    pub found: Found,
}

/// Writes that carry no idempotency token: an ambiguous failure of these is looked into.
pub fn unguarded(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::RerunJob { .. }
            | Command::StartWorkflow { .. }
            | Command::ResumeWorkflow { .. }
            | Command::StartCrawler { .. }
    )
}

/// Look for the effect of `cmd`, asked for at `asked_at`.
pub async fn look(reads: &Reads, cmd: &Command, asked_at: DateTime<Utc>) -> AwsResult<Look> {
    let since = asked_at - CLOCK_SKEW;
    let at = since.to_rfc3339_opts(SecondsFormat::Secs, true);
    match cmd {
        Command::RerunJob { job, arguments } => {
            let stop = StopAt { started_before: Some(since), ..StopAt::default() };
            let runs = reads.glue.job_runs(job, &stop).await?;
            // Newest first: the newest run with these arguments, if several.
            let run = runs.iter().find(|r| {
                r.started_on.is_some_and(|s| s >= since)
                    && r.arguments.kept().is_some_and(|seen| same_arguments(arguments, seen))
            });
            let checked = format!("GetJobRuns of {job}: runs with these arguments started since {at}");
            Ok(Look { checked, found: run.map_or(Found::Nothing, |r| Found::Run(r.id.clone())) })
        }
        Command::StartWorkflow { workflow, .. } => {
            let runs = reads.workflows.workflow_runs(workflow, WORKFLOW_RUNS).await?;
            // A resumed run has a previous run: it is not what StartWorkflowRun makes.
            let run = runs.iter().find(|r| r.previous_run_id.is_none() && r.started_on.is_some_and(|s| s >= since));
            let checked = format!("GetWorkflowRuns of {workflow}: new runs since {at}");
            Ok(Look { checked, found: run.map_or(Found::Nothing, |r| Found::Run(r.id.clone())) })
        }
        Command::ResumeWorkflow { workflow, run_id, .. } => {
            let runs = reads.workflows.workflow_runs(workflow, WORKFLOW_RUNS).await?;
            let run = runs.iter().find(|r| {
                r.previous_run_id.as_deref() == Some(run_id.as_str())
                    && (r.started_on.is_some_and(|s| s >= since) || nodes_started_since(r, since))
            });
            let checked = format!("GetWorkflowRuns of {workflow}: runs resumed from {run_id} since {at}");
            Ok(Look { checked, found: run.map_or(Found::Nothing, |r| Found::Run(r.id.clone())) })
        }
        Command::StartCrawler { crawler } => {
            let crawlers = reads.crawlers.crawlers().await?;
            let c = crawlers.iter().find(|c| &c.name == crawler);
            let crawling = c.is_some_and(|c| {
                c.state == "RUNNING" || c.last_crawl.as_ref().and_then(|l| l.started_on).is_some_and(|s| s >= since)
            });
            let checked = format!("GetCrawlers: {crawler} running, or a crawl started since {at}");
            Ok(Look { checked, found: if crawling { Found::Crawl } else { Found::Nothing } })
        }
        other => Err(AwsError {
            kind: ErrorKind::Other,
            operation: other.api_call().into(),
            message: "nothing to look for: this call is safe to repeat".into(),
        }),
    }
}

/// A job node of `run` whose run started at or after `since`.
fn nodes_started_since(run: &crate::model::WorkflowRun, since: DateTime<Utc>) -> bool {
    let nodes = run.graph.as_ref().map(|g| g.nodes.as_slice()).unwrap_or_default();
    nodes.iter().any(|n| n.job_run.as_ref().and_then(|r| r.started_on).is_some_and(|s| s >= since))
}

/// The resolution of an ambiguous failure `err` by `look`: the audit record's outcome or
/// error, and what the command achieved.
pub fn resolve(err: &AwsError, look: AwsResult<Look>) -> (Option<Value>, Option<Value>, Result<Outcome, AwsError>) {
    match look {
        Ok(Look { checked, found: Found::Nothing }) => {
            let message = format!("{}; not started (checked {checked}); retry?", err.message.trim_end_matches('.'));
            let not_started = AwsError { kind: ErrorKind::NotStarted, operation: err.operation.clone(), message };
            (Some(json!({"Found": false, "Checked": checked})), None, Err(not_started))
        }
        Ok(Look { checked, found }) => {
            let run_id = match found {
                Found::Run(id) => Some(id),
                Found::Crawl | Found::Nothing => None,
            };
            let record = json!({"Found": true, "RunId": run_id, "Checked": checked});
            (Some(record), None, Ok(Outcome::Found { run_id, after: err.message.clone() }))
        }
        Err(e) => {
            let message = format!(
                "{}; outcome unknown, it may have started: could not check ({}). Look before trying again",
                err.message.trim_end_matches('.'),
                e.message
            );
            let record = json!({"kind": e.kind.as_str(), "message": format!("could not check: {}", e.message)});
            (None, Some(record), Err(AwsError { kind: err.kind, operation: err.operation.clone(), message }))
        }
    }
}
