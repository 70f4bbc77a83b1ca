//! The inbox of one snapshot (and of `check`): built from what the poll read, with the
//! driver logs of generic failures read once each (bounded, through the Logs budget), and the
//! acknowledgements and mutes saved by the TUI.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::Snapshot;
use super::json::ts;
use crate::aws::Account;
use crate::model::{DqData, GlueData};
use crate::triage::inbox::{self, Inputs, Item, ItemSource, SourceTrouble};
use crate::triage::{LogExcerpt, is_generic};

/// At most this many driver logs are read per snapshot.
const MAX_LOGS: usize = 10;

/// Build the inbox; read the driver logs of open Glue failures whose message says nothing,
/// then build again with them.
pub async fn build(account: &Account, s: &Snapshot) -> Vec<Item> {
    let mut logs = HashMap::new();
    let first = items(s, &logs);
    let wanted = first.iter().filter(|i| i.is_open() && i.source == ItemSource::GlueJob).filter_map(|i| {
        let run_id = i.run_id.as_deref()?;
        let run = s
            .glue
            .jobs
            .iter()
            .filter(|j| j.job.name == i.resource)
            .flat_map(|j| j.runs.iter())
            .find(|r| r.id == run_id)?;
        run.error_message.as_deref().is_none_or(is_generic).then_some(run)
    });
    for run in wanted.take(MAX_LOGS) {
        match crate::poll::excerpt::driver_errors(account.logs.as_ref(), run).await {
            Ok(Some(excerpt)) => {
                logs.insert(run.id.clone(), excerpt);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(run = %run.id, error = %e.message, "driver log for triage"),
        }
    }
    if logs.is_empty() { first } else { items(s, &logs) }
}

fn items(s: &Snapshot, logs: &HashMap<String, LogExcerpt>) -> Vec<Item> {
    // One trouble per source, as the app keeps one error per source (the first).
    let mut troubles: Vec<SourceTrouble> = Vec::new();
    for (source, e) in &s.errors {
        if !troubles.iter().any(|t| &t.source == source) {
            troubles.push(SourceTrouble { ctx: 0, source: source.clone(), error: e.clone(), last_ok: None });
        }
    }
    let workflows: Vec<crate::model::Workflow> = s.workflows.iter().map(|(w, _)| w.clone()).collect();
    let dq = DqData { results: s.data_quality.clone(), runs: s.dq_runs.clone() };
    let (rules, limits) = &*s.settings.triage;
    let glue: &GlueData = &s.glue;
    let inputs = Inputs {
        glue,
        workflows: &workflows,
        crawlers: &s.crawlers,
        emr: &s.emr,
        dq: &dq,
        troubles: &troubles,
        now: s.generated_at,
        limits,
        rules,
        logs,
    };
    let marks = crate::store::read_marks(&crate::store::marks_path(&crate::paths::state_dir())).unwrap_or_default();
    let who = s.account.clone().unwrap_or_else(|| format!("profile:{}", s.profile.as_deref().unwrap_or("default")));
    let place = format!("{who}/{}", s.region);
    inbox::build(&inputs, &marks, &|_| place.clone()).0
}

/// One item as the snapshot JSON writes it.
pub fn item_json(i: &Item) -> Value {
    json!({
        "id": i.id(),
        "source": i.source.as_str(),
        "resource": i.resource,
        "run_id": i.run_id,
        "stream": i.stream,
        "severity": i.severity.as_str(),
        "status": i.status.as_str(),
        "category": i.class.category.as_str(),
        "retry_helps": i.class.retry_helps,
        "advice": i.class.advice,
        "evidence": i.class.evidence.as_ref().map(|e| json!({"source": e.source, "line": e.line})),
        "count": i.count,
        "first_seen": ts(i.first_seen),
        "last_seen": ts(i.last_seen),
        "blocks": i.blocks,
        "summary": i.summary,
        "note": i.note,
    })
}
