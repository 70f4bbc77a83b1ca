//! What a confirmed command achieved, for the status bar and the audit log.

use serde_json::{Value, json};

use crate::aws::StopResult;
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
    /// The call failed ambiguously (`after`: its error), then the read side showed it had
    /// taken effect: the new run (None for a crawl, which has no id).
    Found {
        run_id: Option<String>,
        after: String,
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
            Outcome::Found { run_id, after } => json!({"RunId": run_id, "FoundAfter": after}),
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
            Outcome::Found { run_id: Some(id), .. } => format!("started (found run {id} after an unclear error)"),
            Outcome::Found { run_id: None, .. } => "started (found it running after an unclear error)".into(),
            Outcome::Done => "done".into(),
        }
    }
}
