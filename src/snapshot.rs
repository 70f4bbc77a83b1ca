//! `batchtop snapshot`: one poll of every source, printed as JSON or a table.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::aws::{Account, AwsError};
use crate::config::Settings;
use crate::duration::short;
use crate::model::{GlueData, JobRun};
use crate::poll::{Clock, GlueCollector, Scope, StreamMapper};

/// What one snapshot saw.
pub struct Snapshot {
    pub generated_at: DateTime<Utc>,
    pub region: String,
    pub account: Option<String>,
    pub since: Duration,
    pub glue: GlueData,
    pub errors: Vec<(String, AwsError)>,
}

impl Snapshot {
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Poll every source once.
pub async fn take(account: &Account, settings: Arc<Settings>, clock: &Clock, since: Duration) -> Snapshot {
    let now = clock();
    let mut errors = Vec::new();
    let who = match account.identity.caller_identity().await {
        Ok(id) => Some(id.account),
        Err(e) => {
            errors.push(("sts".to_string(), e));
            None
        }
    };
    let max = settings.config.poll.max_concurrency;
    let mut collector = GlueCollector::new(account.glue.clone(), StreamMapper::new(settings), max, Duration::ZERO);
    let glue = match collector.poll(Scope::All, now, since).await {
        Ok(cycle) => {
            errors.extend(cycle.errors.into_iter().map(|e| ("glue".to_string(), e)));
            cycle.data
        }
        Err(e) => {
            errors.push(("glue".to_string(), e));
            GlueData::default()
        }
    };
    let cutoff = now - chrono::Duration::from_std(since).unwrap_or(chrono::Duration::hours(24));
    let mut glue = glue;
    for j in &mut glue.jobs {
        j.runs.retain(|r| r.started_on.is_some_and(|s| s >= cutoff));
    }
    Snapshot { generated_at: now, region: account.region.clone(), account: who, since, glue, errors }
}

fn ts(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| Value::String(t.to_rfc3339_opts(SecondsFormat::Secs, true))).unwrap_or(Value::Null)
}

fn run_json(r: &JobRun) -> Value {
    json!({
        "id": r.id,
        "state": r.state.map(|s| s.as_str()),
        "attempt": r.attempt,
        "previous_run_id": r.previous_run_id,
        "trigger_name": r.trigger_name,
        "started_on": ts(r.started_on),
        "completed_on": ts(r.completed_on),
        "execution_time_s": r.execution_time_s,
        "dpu_seconds": r.dpu_seconds,
        "dpu_hours_estimate": r.dpu_hours(),
        "worker_type": r.worker_type,
        "number_of_workers": r.number_of_workers,
        "error_message": r.error_message,
    })
}

pub fn to_json(s: &Snapshot) -> Value {
    let jobs: Vec<Value> = s
        .glue
        .jobs
        .iter()
        .map(|j| {
            json!({
                "name": j.job.name,
                "tags": j.job.tags,
                "stream": j.stream,
                "runs": j.runs.iter().map(run_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let errors: Vec<Value> = s
        .errors
        .iter()
        .map(|(source, e)| json!({"source": source, "kind": e.kind.as_str(), "operation": e.operation, "message": e.message}))
        .collect();
    json!({
        "generated_at": ts(Some(s.generated_at)),
        "region": s.region,
        "account": s.account,
        "since_s": s.since.as_secs(),
        "glue": {"jobs": jobs},
        "errors": errors,
    })
}

pub fn to_table(s: &Snapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "batchtop snapshot {}  region {}  account {}  runs since {}",
        s.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        s.region,
        s.account.as_deref().unwrap_or("?"),
        short(s.since.as_secs() as i64)
    );
    let _ = writeln!(
        out,
        "{:<32} {:<12} {:<24} {:<9} {:>3} {:<20} {:>9} {:>8}  ERROR",
        "JOB", "STREAM", "RUN ID", "STATE", "ATT", "STARTED (UTC)", "EXEC", "DPU-H"
    );
    for j in &s.glue.jobs {
        let stream = j.stream.as_deref().unwrap_or("-");
        if j.runs.is_empty() {
            let _ = writeln!(out, "{:<32} {:<12} {:<24}", j.job.name, stream, "(no runs in window)");
        }
        for r in &j.runs {
            let id: String = if r.id.chars().count() > 24 {
                format!("{}…", r.id.chars().take(23).collect::<String>())
            } else {
                r.id.clone()
            };
            let _ = writeln!(
                out,
                "{:<32} {:<12} {:<24} {:<9} {:>3} {:<20} {:>9} {:>8}  {}",
                j.job.name,
                stream,
                id,
                r.state().as_str(),
                r.attempt,
                r.started_on.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_else(|| "-".into()),
                short(r.execution_time_s),
                r.dpu_hours().map(|h| format!("{h:.2}")).unwrap_or_else(|| "-".into()),
                r.error_first_line().unwrap_or("")
            );
        }
    }
    if !s.errors.is_empty() {
        let _ = writeln!(out, "\nERRORS");
        for (source, e) in &s.errors {
            let _ = writeln!(out, "{source} [{}] {}", e.kind.as_str(), e.message);
        }
    }
    out
}
