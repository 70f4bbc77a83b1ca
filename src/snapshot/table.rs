//! `snapshot --format table`: the same poll as aligned text for a terminal.

use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};

use super::Snapshot;
use crate::cost::CostReport;
use crate::duration::short;
use crate::model::DqData;
use crate::poll::SourceData;
use crate::state::{AppState, Context, PANES};

/// The header, then every registered pane under its heading, drawn from the pane's own
/// column declarations, then every run in the window (Glue job runs, workflow runs).
pub fn to_table(s: &Snapshot) -> String {
    let mut out = String::new();
    write_header(&mut out, s);
    let state = as_state(s);
    for spec in PANES {
        let _ = writeln!(out, "\n{}", spec.snapshot_section);
        match (state.pane_text(spec.pane), &s.cost) {
            (Some(text), _) => out.push_str(&text),
            (None, Some(c)) => write_cost(&mut out, c),
            (None, None) => out.push_str("(not read)\n"),
        }
    }
    let _ = writeln!(out, "\nGLUE JOB RUNS");
    write_glue_runs(&mut out, s);
    let _ = writeln!(out, "\nGLUE WORKFLOW RUNS");
    write_workflow_runs(&mut out, s);
    write_errors(&mut out, s);
    out
}

/// What the snapshot read, as the TUI's state: the panes' columns read it from there.
fn as_state(s: &Snapshot) -> AppState {
    let context = Context {
        region: s.region.clone(),
        account: s.account.clone(),
        profile: s.profile.clone(),
        ..Context::default()
    };
    let mut state = AppState::new(s.settings.clone(), context, s.generated_at);
    state.apply(0, SourceData::Glue(s.glue.clone()));
    state.apply(0, SourceData::Workflows(s.workflows.iter().map(|(w, _)| w.clone()).collect()));
    state.apply(0, SourceData::Crawlers(s.crawlers.clone()));
    state.apply(0, SourceData::Emr(s.emr.clone()));
    state.apply(0, SourceData::DataQuality(DqData { results: s.data_quality.clone(), runs: Vec::new() }));
    state.streams.rows = s.streams.clone();
    state.rebuild();
    state
}

/// A UTC time as the table prints it, or `-`.
fn utc_or_dash(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap_or_else(|| "-".into())
}

/// A run id cut to the 24-character column, with `…` when cut.
fn run_id_column(id: &str) -> String {
    if id.chars().count() > 24 { format!("{}…", id.chars().take(23).collect::<String>()) } else { id.to_string() }
}

fn write_header(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "batchtop snapshot {}  region {}  account {}  runs since {}",
        s.generated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        s.region,
        s.account.as_deref().unwrap_or("?"),
        short(s.since.as_secs() as i64)
    );
}

fn write_glue_runs(out: &mut String, s: &Snapshot) {
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
        for r in j.runs.iter() {
            let _ = writeln!(
                out,
                "{:<32} {:<12} {:<24} {:<9} {:>3} {:<20} {:>9} {:>8}  {}",
                j.job.name,
                stream,
                run_id_column(&r.id),
                r.state().as_str(),
                r.attempt,
                utc_or_dash(r.started_on),
                short(r.execution_time_s),
                r.dpu_hours().map(|h| format!("{h:.2}")).unwrap_or_else(|| "-".into()),
                r.error_first_line().unwrap_or("")
            );
        }
    }
}

fn write_workflow_runs(out: &mut String, s: &Snapshot) {
    let _ = writeln!(
        out,
        "\n{:<32} {:<36} {:<10} {:<20} {:>4} {:>4} {:>4}",
        "WORKFLOW", "RUN ID", "STATUS", "STARTED (UTC)", "TOT", "OK", "FAIL"
    );
    for (w, runs) in &s.workflows {
        if runs.is_empty() {
            let _ = writeln!(out, "{:<32} (no runs in window)", w.name);
        }
        for r in runs {
            let _ = writeln!(
                out,
                "{:<32} {:<36} {:<10} {:<20} {:>4} {:>4} {:>4}",
                w.name,
                r.id,
                r.status.as_str(),
                utc_or_dash(r.started_on),
                r.statistics.total,
                r.statistics.succeeded,
                r.statistics.failed
            );
        }
    }
}

fn write_cost(out: &mut String, c: &CostReport) {
    let origin = if c.from_cache { "cached" } else { "fetched" };
    let _ = writeln!(
        out,
        "COST {} to {} ({}, {origin} {}), by {}",
        c.start,
        c.end.pred_opt().unwrap_or(c.end),
        c.currency,
        c.fetched_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        c.group_by.join(", ")
    );
    let _ = writeln!(out, "{:<44} {:>10} {:>10} {:>10} {:>9}", "GROUP", "TOTAL", "YESTERDAY", "MEAN/DAY", "CHANGE");
    for r in c.rows() {
        let _ = writeln!(
            out,
            "{:<44} {:>10.2} {:>10.2} {:>10.2} {:>9}",
            r.label,
            r.total,
            r.yesterday,
            r.mean,
            r.change_ratio.map(|x| format!("{:+.0}%", x * 100.0)).unwrap_or_else(|| "-".into())
        );
    }
    let (untagged, share) = c.untagged();
    let _ = writeln!(out, "untagged {untagged:.2} ({:.1} %)", share * 100.0);
}

fn write_errors(out: &mut String, s: &Snapshot) {
    if !s.errors.is_empty() {
        let _ = writeln!(out, "\nERRORS");
        for (source, e) in &s.errors {
            let _ = writeln!(out, "{source} [{}] {}", e.kind.as_str(), e.message);
        }
    }
}
