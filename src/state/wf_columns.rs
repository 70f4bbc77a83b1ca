//! The workflows pane's columns.

use super::AppState;
use super::columns::{Column, Field, Text, Tone, Width, when};
use crate::duration::short;
use crate::model::{RunState, Workflow, WorkflowRun, WorkflowStatus};

type WfCol = Column<Workflow, AppState>;
type RunCol = Column<WorkflowRun, AppState>;

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

/// Name, last run's status, start and duration; 100+: its node counts. The description is
/// found by `/` but not shown.
pub const COLUMNS: &[Column<Workflow, AppState>] = &[
    super::ctx_columns::column(),
    WfCol::new("NAME", Width::Len(26), 0, Field::Text, |w, _| Text::plain(&w.name)),
    WfCol::new("LAST RUN", Width::Len(20), 0, Field::State, |w, _| last_run(w)),
    WfCol::new("STARTED", Width::Len(11), 0, Field::Skip, |w, _| {
        Text::plain(when(w.last_run.as_ref().and_then(|r| r.started_on)))
    }),
    WfCol::new("DURATION", Width::Len(8), 0, Field::Skip, |w, s| {
        Text::plain(w.last_run.as_ref().and_then(|r| r.duration_s(s.now)).map(short).unwrap_or_else(|| "-".into()))
    }),
    WfCol::new("TOT", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.total)),
    WfCol::new("OK", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.succeeded)),
    WfCol::new("FAIL", Width::Len(4), 100, Field::Skip, |w, _| stat(w, |s| s.failed)),
    WfCol::new("RUN", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.running)),
    WfCol::new("STOP", Width::Len(4), 100, Field::Skip, |w, _| stat(w, |s| s.stopped)),
    WfCol::new("T/O", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.timeout)),
    WfCol::new("ERR", Width::Len(3), 100, Field::Skip, |w, _| stat(w, |s| s.errored)),
    WfCol::new("WAIT", Width::Len(4), 100, Field::Skip, |w, _| stat(w, |s| s.waiting)),
    WfCol::new("DESCRIPTION", Width::Hidden, 0, Field::Text, |w, _| {
        Text::plain(w.description.as_deref().unwrap_or(""))
    }),
    WfCol::new("STREAM", Width::Hidden, 0, Field::Stream, |w, s| Text::plain(s.streams.stream_of(w.ctx, &w.name))),
];

/// One node count of a run.
fn run_stat(r: &WorkflowRun, pick: fn(&crate::model::WorkflowStats) -> i32) -> Text<'_> {
    Text::plain(pick(&r.statistics).to_string())
}

/// A workflow's runs: id (20 wide, 36 from 100), status, start, duration; 100+: node
/// counts; the error.
pub const RUN_COLUMNS: &[Column<WorkflowRun, AppState>] = &[
    RunCol::new("RUN ID", Width::Len(20), 0, Field::Skip, |r, _| Text::plain(&r.id)).until(100),
    RunCol::new("RUN ID", Width::Len(36), 100, Field::Skip, |r, _| Text::plain(&r.id)),
    RunCol::new("STATUS", Width::Len(20), 0, Field::Skip, |r, _| Text::toned(status_text(r), status_tone(r))),
    RunCol::new("STARTED", Width::Len(11), 0, Field::Skip, |r, _| Text::plain(when(r.started_on))),
    RunCol::new("DURATION", Width::Len(8), 0, Field::Skip, |r, s| {
        Text::plain(r.duration_s(s.now).map(short).unwrap_or_else(|| "-".into()))
    }),
    RunCol::new("TOT", Width::Len(3), 100, Field::Skip, |r, _| run_stat(r, |s| s.total)),
    RunCol::new("OK", Width::Len(3), 100, Field::Skip, |r, _| run_stat(r, |s| s.succeeded)),
    RunCol::new("FAIL", Width::Len(4), 100, Field::Skip, |r, _| run_stat(r, |s| s.failed)),
    RunCol::new("RUN", Width::Len(3), 100, Field::Skip, |r, _| run_stat(r, |s| s.running)),
    RunCol::new("STOP", Width::Len(4), 100, Field::Skip, |r, _| run_stat(r, |s| s.stopped)),
    RunCol::new("T/O", Width::Len(3), 100, Field::Skip, |r, _| run_stat(r, |s| s.timeout)),
    RunCol::new("ERR", Width::Len(3), 100, Field::Skip, |r, _| run_stat(r, |s| s.errored)),
    RunCol::new("WAIT", Width::Len(4), 100, Field::Skip, |r, _| run_stat(r, |s| s.waiting)),
    RunCol::new("ERROR", Width::Fill(1), 0, Field::Skip, |r, _| {
        Text::toned(r.error_message.as_deref().unwrap_or(""), Tone::Warn)
    }),
];
