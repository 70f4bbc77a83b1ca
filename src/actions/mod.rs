//! Mutations: a key press builds a `Command`; the confirmation overlay shows it; only a
//! `Confirmed` command runs, through the write side of the seam, audited before and after.
//! In read-only mode no `Executor` (and no write client) exists at all.

pub mod args;
mod audit;
mod exec;
mod outcome;
pub mod verify;

use std::collections::BTreeMap;

use serde_json::{Value, json};

pub use audit::{AuditLog, AuditRecord, audit_line, audit_path, read_all};
pub use exec::{Caller, Executor, Now};
pub use outcome::Outcome;

/// Everything batchtop can change in an account.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    RerunJob {
        job: String,
        arguments: BTreeMap<String, String>,
    },
    StopJobRuns {
        job: String,
        run_ids: Vec<String>,
    },
    ResetBookmark {
        job: String,
    },
    RewindBookmark {
        job: String,
        run_id: String,
    },
    StartWorkflow {
        workflow: String,
        properties: BTreeMap<String, String>,
    },
    ResumeWorkflow {
        workflow: String,
        run_id: String,
        node_ids: Vec<String>,
    },
    StopWorkflow {
        workflow: String,
        run_id: String,
    },
    StartCrawler {
        crawler: String,
    },
    StartApplication {
        app_id: String,
        name: String,
    },
    StopApplication {
        app_id: String,
        name: String,
    },
    /// StartJobRun with the driver and configuration of run `run_id`. The client token is
    /// made once, when the command is built, so an SDK retry can never start it twice.
    RerunEmr {
        app_id: String,
        run_id: String,
        name: Option<String>,
        client_token: String,
    },
    CancelEmr {
        app_id: String,
        run_id: String,
    },
    EmrDashboard {
        app_id: String,
        run_id: String,
        attempt: Option<i32>,
    },
}

/// A fresh idempotency token (32 hex digits) for one confirmed StartJobRun.
pub fn client_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    let mut x = nanos
        ^ (u64::from(std::process::id()) << 32)
        ^ SEQ.fetch_add(1, Ordering::Relaxed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut next = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    format!("{:016x}{:016x}", next(), next())
}

impl Command {
    /// The AWS operation it calls, as IAM names it.
    pub fn api_call(&self) -> &'static str {
        match self {
            Command::RerunJob { .. } => "glue:StartJobRun",
            Command::StopJobRuns { .. } => "glue:BatchStopJobRun",
            Command::ResetBookmark { .. } | Command::RewindBookmark { .. } => "glue:ResetJobBookmark",
            Command::StartWorkflow { .. } => "glue:StartWorkflowRun",
            Command::ResumeWorkflow { .. } => "glue:ResumeWorkflowRun",
            Command::StopWorkflow { .. } => "glue:StopWorkflowRun",
            Command::StartCrawler { .. } => "glue:StartCrawler",
            Command::StartApplication { .. } => "emr-serverless:StartApplication",
            Command::StopApplication { .. } => "emr-serverless:StopApplication",
            Command::RerunEmr { .. } => "emr-serverless:StartJobRun",
            Command::CancelEmr { .. } => "emr-serverless:CancelJobRun",
            Command::EmrDashboard { .. } => "emr-serverless:GetDashboardForJobRun",
        }
    }

    /// What it acts on, for the overlay and the audit log.
    pub fn target(&self) -> String {
        match self {
            Command::RerunJob { job, .. } | Command::ResetBookmark { job } => format!("job {job}"),
            Command::StopJobRuns { job, run_ids } => format!("job {job}: {} run(s)", run_ids.len()),
            Command::RewindBookmark { job, run_id } => format!("job {job} bookmark at run {run_id}"),
            Command::StartWorkflow { workflow, .. } => format!("workflow {workflow}"),
            Command::ResumeWorkflow { workflow, run_id, .. } | Command::StopWorkflow { workflow, run_id } => {
                format!("workflow {workflow} run {run_id}")
            }
            Command::StartCrawler { crawler } => format!("crawler {crawler}"),
            Command::StartApplication { app_id, name } | Command::StopApplication { app_id, name } => {
                format!("application {name} ({app_id})")
            }
            Command::RerunEmr { app_id, run_id, name, .. } => {
                format!("run {} {run_id} of application {app_id}", name.as_deref().unwrap_or(""))
            }
            Command::CancelEmr { app_id, run_id } | Command::EmrDashboard { app_id, run_id, .. } => {
                format!("run {run_id} of application {app_id}")
            }
        }
    }

    /// One line on what happens, in words.
    pub fn effect(&self) -> String {
        match self {
            Command::RerunJob { arguments, .. } => format!("starts a new run with {} argument(s)", arguments.len()),
            Command::StopJobRuns { run_ids, .. } => format!("stops {} running run(s)", run_ids.len()),
            Command::ResetBookmark { .. } => {
                "forgets everything the job has processed: the next run reprocesses all input".into()
            }
            Command::RewindBookmark { run_id, .. } => {
                format!("moves the bookmark back to where it was after run {run_id}")
            }
            Command::StartWorkflow { .. } => "starts a new workflow run".into(),
            Command::ResumeWorkflow { node_ids, .. } => {
                format!("restarts {} failed node(s) in a new run", node_ids.len())
            }
            Command::StopWorkflow { .. } => "stops the workflow run and its running jobs".into(),
            Command::StartCrawler { .. } => "starts a crawl now".into(),
            Command::StartApplication { .. } => "starts the application (workers are billed while it runs)".into(),
            Command::StopApplication { .. } => "stops the application; runs still queued will wait for a start".into(),
            Command::RerunEmr { .. } => {
                "starts a new run with the same driver, configuration, role, tags and retry policy".into()
            }
            Command::CancelEmr { .. } => "cancels the run".into(),
            Command::EmrDashboard { .. } => {
                "creates a Spark UI link valid for one hour and copies it to the clipboard (OSC 52)".into()
            }
        }
    }

    /// The exact request parameters, as the API names them; secret-looking argument
    /// values are masked (this is what the overlay shows and the audit log keeps).
    pub fn params(&self) -> Value {
        match self {
            Command::RerunJob { job, arguments } => {
                let shown: BTreeMap<&str, &str> =
                    arguments.iter().map(|(k, v)| (k.as_str(), crate::secrets::shown_value(k, v))).collect();
                json!({"JobName": job, "Arguments": shown})
            }
            Command::StopJobRuns { job, run_ids } => json!({"JobName": job, "JobRunIds": run_ids}),
            Command::ResetBookmark { job } => json!({"JobName": job}),
            Command::RewindBookmark { job, run_id } => json!({"JobName": job, "RunId": run_id}),
            Command::StartWorkflow { workflow, properties } => json!({"Name": workflow, "RunProperties": properties}),
            Command::ResumeWorkflow { workflow, run_id, node_ids } => {
                json!({"Name": workflow, "RunId": run_id, "NodeIds": node_ids})
            }
            Command::StopWorkflow { workflow, run_id } => json!({"Name": workflow, "RunId": run_id}),
            Command::StartCrawler { crawler } => json!({"Name": crawler}),
            Command::StartApplication { app_id, .. } | Command::StopApplication { app_id, .. } => {
                json!({"applicationId": app_id})
            }
            Command::RerunEmr { app_id, run_id, client_token, .. } => json!({
                "applicationId": app_id,
                "clientToken": client_token,
                "jobDriver": format!("as run {run_id}"),
                "configurationOverrides": format!("as run {run_id}"),
                "executionRoleArn": format!("as run {run_id}"),
            }),
            Command::CancelEmr { app_id, run_id } => json!({"applicationId": app_id, "jobRunId": run_id}),
            Command::EmrDashboard { app_id, run_id, attempt } => {
                json!({"applicationId": app_id, "jobRunId": run_id, "attempt": attempt})
            }
        }
    }

    /// Two commands with the same key must not be in flight at once.
    pub fn key(&self) -> String {
        format!("{} {}", self.api_call(), self.target())
    }

    /// EMR Serverless commands need the EMR write side.
    pub fn is_emr(&self) -> bool {
        self.api_call().starts_with("emr-serverless:")
    }

    /// The map the overlay lets the user edit first: a rerun's arguments, a new workflow run's properties.
    pub fn editable(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            Command::RerunJob { arguments, .. } => Some(arguments),
            Command::StartWorkflow { properties, .. } => Some(properties),
            _ => None,
        }
    }

    pub fn editable_mut(&mut self) -> Option<&mut BTreeMap<String, String>> {
        match self {
            Command::RerunJob { arguments, .. } => Some(arguments),
            Command::StartWorkflow { properties, .. } => Some(properties),
            _ => None,
        }
    }

    /// Dangerous enough that the user types the target's name to confirm.
    pub fn typed_confirmation(&self) -> Option<&str> {
        match self {
            Command::ResetBookmark { job } => Some(job),
            _ => None,
        }
    }
}

/// A command the user confirmed. Only the confirmation overlay makes these.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmed(Command);

impl Confirmed {
    /// Called by the overlay when the user pressed `y` (and typed the name, where asked).
    pub(crate) fn by_user(cmd: Command) -> Self {
        Confirmed(cmd)
    }

    /// For tests of the executor itself (tests are their own confirmation). Only in unit tests
    /// and with the `test-support` feature, which release builds never enable.
    #[cfg(any(test, feature = "test-support"))]
    #[doc(hidden)]
    pub fn for_tests(cmd: Command) -> Self {
        Confirmed(cmd)
    }

    pub fn command(&self) -> &Command {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_use_the_api_names() {
        let c = Command::ResumeWorkflow { workflow: "w".into(), run_id: "wr_1".into(), node_ids: vec!["n1".into()] };
        assert_eq!(c.api_call(), "glue:ResumeWorkflowRun");
        assert_eq!(c.params(), json!({"Name": "w", "RunId": "wr_1", "NodeIds": ["n1"]}));
        assert_eq!(Command::ResetBookmark { job: "j".into() }.typed_confirmation(), Some("j"));
        assert_eq!(Command::StartCrawler { crawler: "c".into() }.typed_confirmation(), None);
    }
}
