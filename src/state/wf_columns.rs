//! The workflows pane's columns.

use super::AppState;
use super::columns::{Column, Field, Text, Tone, Width, when};
use crate::duration::short;
use crate::model::{RunState, Workflow, WorkflowRun, WorkflowStatus};

/// The colour of a workflow run's status, by meaning.
pub fn status_tone(run: &WorkflowRun) -> Tone {
    match run.status {
        WorkflowStatus::Running | WorkflowStatus::Stopping => Tone::Run(RunState::Running),
        WorkflowStatus::Error => Tone::Run(RunState::Failed),
        WorkflowStatus::Stopped => Tone::Run(RunState::Stopped),
        // COMPLETED with failed nodes is a failure for whoever is on call.
        WorkflowStatus::Completed if run.statistics.bad() > 0 => Tone::Run(RunState::Failed),
        WorkflowStatus::Completed => Tone::Run(RunState::Succeeded),
        WorkflowStatus::Unknown => Tone::Dim,
    }
}

/// `COMPLETED` or `COMPLETED (1 failed)`.
pub fn status_text(run: &WorkflowRun) -> String {
    let bad = run.statistics.bad();
    if run.status == WorkflowStatus::Completed && bad > 0 {
        format!("COMPLETED ({bad} failed)")
    } else {
        run.status.as_str().to_string()
    }
}

fn last_run(w: &Workflow) -> Text<'_> {
    match &w.last_run {
        Some(r) => Text::toned(status_text(r), status_tone(r)),
        None => Text::toned("never run", Tone::Dim),
    }
}

/// One node count of the last run (`-` without a run).
fn stat(w: &Workflow, pick: fn(&crate::model::WorkflowStats) -> i32) -> Text<'_> {
    Text::plain(w.last_run.as_ref().map(|r| pick(&r.statistics).to_string()).unwrap_or_else(|| "-".into()))
}

const fn col(
    header: &'static str,
    width: Width,
    from: u16,
    filter: Field,
    cell: for<'a> fn(&'a Workflow, &'a AppState) -> Text<'a>,
) -> Column<Workflow, AppState> {
    Column { header, width, from, until: u16::MAX, cell, filter, sort: None }
}

/// Name, last run's status, start and duration; 100+: its node counts. The description is
/// found by `/` but not shown.
pub const COLUMNS: &[Column<Workflow, AppState>] = &[
    col("NAME", Width::Len(26), 0, Field::Text, |w, _| Text::plain(&w.name)),
    col("LAST RUN", Width::Len(20), 0, Field::State, |w, _| last_run(w)),
    col("STARTED", Width::Len(11), 0, Field::Skip, |w, _| {
        Text::plain(when(w.last_run.as_ref().and_then(|r| r.started_on)))
    }),
    col("DURATION", Width::Len(8), 0, Field::Skip, |w, s| {
        Text::plain(w.last_run.as_ref().and_then(|r| r.duration_s(s.now)).map(short).unwrap_or_else(|| "-".into()))
    }),
    col("TOT", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.total)),
    col("OK", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.succeeded)),
    col("FAIL", Width::Len(4), 100, Field::Skip, |w, _| stat(w, |s| s.failed)),
    col("RUN", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.running)),
    col("STOP", Width::Len(4), 100, Field::Skip, |w, _| stat(w, |s| s.stopped)),
    col("T/O", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.timeout)),
    col("ERR", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.errored)),
    col("WAIT", Width::Len(4), 100, Field::Skip, |w, _| stat(w, |s| s.waiting)),
    col("DESCRIPTION", Width::Hidden, 0, Field::Text, |w, _| Text::plain(w.description.as_deref().unwrap_or(""))),
];

/// One node count of a run.
fn run_stat(r: &WorkflowRun, pick: fn(&crate::model::WorkflowStats) -> i32) -> Text<'_> {
    Text::plain(pick(&r.statistics).to_string())
}

const fn run_col(
    header: &'static str,
    width: Width,
    from: u16,
    cell: for<'a> fn(&'a WorkflowRun, &'a AppState) -> Text<'a>,
) -> Column<WorkflowRun, AppState> {
    Column { header, width, from, until: u16::MAX, cell, filter: Field::Skip, sort: None }
}

/// A workflow's runs: id (20 wide, 36 from 100), status, start, duration; 100+: node
/// counts; the error.
pub const RUN_COLUMNS: &[Column<WorkflowRun, AppState>] = &[
    run_col("RUN ID", Width::Len(20), 0, |r, _| Text::plain(&r.id)).until(100),
    run_col("RUN ID", Width::Len(36), 100, |r, _| Text::plain(&r.id)),
    run_col("STATUS", Width::Len(20), 0, |r, _| Text::toned(status_text(r), status_tone(r))),
    run_col("STARTED", Width::Len(11), 0, |r, _| Text::plain(when(r.started_on))),
    run_col("DURATION", Width::Len(8), 0, |r, s| {
        Text::plain(r.duration_s(s.now).map(short).unwrap_or_else(|| "-".into()))
    }),
    run_col("TOT", Width::Len(3), 100, |r, _| run_stat(r, |s| s.total)),
    run_col("OK", Width::Len(3), 100, |r, _| run_stat(r, |s| s.succeeded)),
    run_col("FAIL", Width::Len(4), 100, |r, _| run_stat(r, |s| s.failed)),
    run_col("RUN", Width::Len(3), 100, |r, _| run_stat(r, |s| s.running)),
    run_col("STOP", Width::Len(4), 100, |r, _| run_stat(r, |s| s.stopped)),
    run_col("T/O", Width::Len(3), 100, |r, _| run_stat(r, |s| s.timeout)),
    run_col("ERR", Width::Len(3), 100, |r, _| run_stat(r, |s| s.errored)),
    run_col("WAIT", Width::Len(4), 100, |r, _| run_stat(r, |s| s.waiting)),
    run_col("ERROR", Width::Fill, 0, |r, _| Text::toned(r.error_message.as_deref().unwrap_or(""), Tone::Warn)),
];
