//! Incident notes: what is open, the failed runs with their error lines, and what was done,
//! as markdown to paste into the incident channel (or JSON). Built from the same data in the
//! TUI (`ctrl-s`) and the CLI (`batchtop report`); pure: no clock, no files.

mod markdown;

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::actions::AuditRecord;
use crate::model::{EmrRun, EmrState, JobEntry};
use crate::triage::LogExcerpt;
use crate::triage::inbox::{Item, ItemStatus};

pub use markdown::to_markdown;

/// Everything a report says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub generated_at: String,
    /// Failed runs from this time on.
    pub since: String,
    /// Actions from this time on (the TUI: when the session started).
    pub actions_since: String,
    pub contexts: Vec<ContextLine>,
    /// What the TUI showed when the notes were taken (the view and its filter, the selected
    /// row); `None` from the command line.
    pub on_screen: Option<String>,
    pub problems: Vec<Problem>,
    pub failed_runs: Vec<FailedRun>,
    pub actions: Vec<Action>,
    /// Sources that could not be read: (context, source, message).
    pub unread: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContextLine {
    pub name: String,
    /// `profile@region`.
    pub place: String,
    pub account: Option<String>,
}

/// An inbox item, open or acknowledged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub context: String,
    pub severity: String,
    pub status: String,
    pub source: String,
    pub resource: String,
    pub run_id: Option<String>,
    pub stream: Option<String>,
    pub category: String,
    pub count: usize,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub summary: String,
    /// (where, the line).
    pub evidence: Option<(String, String)>,
    pub advice: String,
    pub blocks: Vec<String>,
    pub note: Option<String>,
}

/// A failed Glue or EMR Serverless run in the window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedRun {
    pub context: String,
    /// `glue` or `emr-serverless`.
    pub service: String,
    /// The Glue job, or the EMR Serverless run's name (else its application).
    pub job: String,
    pub run_id: String,
    pub state: String,
    pub started: Option<String>,
    pub ended: Option<String>,
    /// The run's error message, as AWS gives it (several lines kept).
    pub error: Option<String>,
    /// The first exception of its driver log, or the line its classification rests on.
    pub first_exception: Option<String>,
}

/// One audit record of a command batchtop ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub time: String,
    /// intent, outcome, ambiguous, resolved.
    pub phase: String,
    pub caller: Option<String>,
    pub profile: String,
    pub region: String,
    pub command: String,
    pub target: String,
    pub result: Option<String>,
}

/// A time as the report writes it: RFC 3339, UTC, whole seconds.
pub fn utc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The open and acknowledged inbox items (recovered ones are not a problem), worst first.
pub fn problems<'a>(items: impl IntoIterator<Item = &'a Item>, ctx_name: &dyn Fn(usize) -> String) -> Vec<Problem> {
    let mut out: Vec<(&Item, Problem)> = items
        .into_iter()
        .filter(|i| i.status != ItemStatus::Recovered)
        .map(|i| {
            let p = Problem {
                context: ctx_name(i.ctx),
                severity: i.severity.as_str().to_string(),
                status: i.status.as_str().to_string(),
                source: i.source.as_str().to_string(),
                resource: i.resource.clone(),
                run_id: i.run_id.clone(),
                stream: i.stream.clone(),
                category: i.class.category.as_str().to_string(),
                count: i.count,
                first_seen: i.first_seen.map(utc),
                last_seen: i.last_seen.map(utc),
                summary: i.summary.clone(),
                evidence: i.class.evidence.as_ref().map(|e| (e.source.clone(), e.line.clone())),
                advice: i.class.advice.clone(),
                blocks: i.blocks.clone(),
                note: i.note.clone(),
            };
            (i, p)
        })
        .collect();
    out.sort_by_key(|(i, _)| (i.status != ItemStatus::Open, i.severity));
    out.into_iter().map(|(_, p)| p).collect()
}

/// The first line of a driver log excerpt that names an exception or error.
fn first_exception(excerpt: &LogExcerpt) -> Option<String> {
    let line = excerpt
        .lines
        .iter()
        .find(|l| l.contains("Exception") || l.contains("Error:") || l.contains("Error "))
        .or(excerpt.lines.first())?;
    Some(line.trim().to_string())
}

/// What the data holds about failed runs, with where the error lines come from.
pub struct Sources<'a> {
    pub jobs: &'a [JobEntry],
    pub emr: &'a [EmrRun],
    /// Driver error log excerpts by run id (read for triage).
    pub logs: &'a HashMap<String, LogExcerpt>,
    /// The inbox items, for the evidence of a run whose log was not read.
    pub items: &'a [Item],
}

/// Every failed run started at or after `since`, newest first.
pub fn failed_runs(src: &Sources<'_>, since: DateTime<Utc>, ctx_name: &dyn Fn(usize) -> String) -> Vec<FailedRun> {
    let evidence = |run_id: &str| {
        src.logs.get(run_id).and_then(first_exception).or_else(|| {
            let item = src.items.iter().find(|i| i.run_id.as_deref() == Some(run_id))?;
            let e = item.class.evidence.as_ref().filter(|e| e.source != crate::triage::MESSAGE_SOURCE)?;
            Some(e.line.clone())
        })
    };
    let mut out: Vec<(Option<DateTime<Utc>>, FailedRun)> = Vec::new();
    for j in src.jobs {
        for r in j.runs.iter().filter(|r| r.state.is_some_and(|s| s.is_failure())) {
            if r.started_on.is_none_or(|t| t < since) {
                continue;
            }
            let run = FailedRun {
                context: ctx_name(j.ctx),
                service: "glue".into(),
                job: j.job.name.clone(),
                run_id: r.id.clone(),
                state: r.state.map(|s| s.as_str()).unwrap_or("?").to_string(),
                started: r.started_on.map(utc),
                ended: r.completed_on.map(utc),
                error: r.error_message.as_deref().map(str::to_string),
                first_exception: evidence(&r.id),
            };
            out.push((r.started_on, run));
        }
    }
    for r in src.emr.iter().filter(|r| r.state == Some(EmrState::Failed)) {
        let started = r.started_at.or(r.created_at);
        if started.is_none_or(|t| t < since) {
            continue;
        }
        let run = FailedRun {
            context: ctx_name(r.ctx),
            service: "emr-serverless".into(),
            job: r.name.clone().unwrap_or_else(|| r.app_id.clone()),
            run_id: r.id.clone(),
            state: "FAILED".into(),
            started: started.map(utc),
            ended: r.ended_at.map(utc),
            error: r.state_details.clone(),
            first_exception: evidence(&r.id),
        };
        out.push((started, run));
    }
    out.sort_by_key(|(t, _)| std::cmp::Reverse(*t));
    out.into_iter().map(|(_, r)| r).collect()
}

/// The audit records at or after `since` (a record whose time does not parse is kept).
pub fn actions(records: impl IntoIterator<Item = AuditRecord>, since: DateTime<Utc>) -> Vec<Action> {
    records
        .into_iter()
        .filter(|r| DateTime::parse_from_rfc3339(&r.time).map_or(true, |t| t >= since))
        .map(|r| Action {
            result: match (&r.outcome, &r.error) {
                (Some(o), _) => Some(o.to_string()),
                (_, Some(e)) => Some(format!("ERROR {e}")),
                _ => None,
            },
            time: r.time,
            phase: r.phase,
            caller: r.caller.or(r.account),
            profile: r.profile.unwrap_or_else(|| "default".into()),
            region: r.region,
            command: r.command,
            target: r.target,
        })
        .collect()
}

/// The report as pretty JSON.
pub fn to_json(r: &Report) -> String {
    serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
