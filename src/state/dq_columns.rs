//! The Data Quality pane's columns (results).

use super::AppState;
use super::columns::{Column, Field, Text, Tone, Width, when};
use crate::duration::short;
use crate::model::{DqEvalRun, DqResult, RunState};

type Col = Column<DqResult, AppState>;
type RunCol = Column<DqEvalRun, AppState>;

/// The colour of a verdict or an evaluation run's status, by meaning.
pub fn verdict_tone(verdict: &str) -> Tone {
    match verdict {
        "PASSED" | "SUCCEEDED" => Tone::Run(RunState::Succeeded),
        "FAILED" | "ERROR" | "TIMEOUT" => Tone::Run(RunState::Failed),
        "RUNNING" | "STARTING" | "WAITING" => Tone::Run(RunState::Running),
        _ => Tone::Dim,
    }
}

fn job_run(r: &DqResult) -> Text<'_> {
    Text::plain(match (&r.job_name, &r.job_run_id) {
        (Some(j), Some(id)) => format!("{j} {}", id.chars().take(12).collect::<String>()),
        (None, Some(id)) => id.clone(),
        _ => "-".into(),
    })
}

/// Verdict, data source, score, passed/failed/errored, started; 110+: ruleset; the job run.
/// The result id, database, table, job and full run id are found by `/`.
pub const COLUMNS: &[Column<DqResult, AppState>] = &[
    super::ctx_columns::column(),
    Col::new("RESULT", Width::Len(7), 0, Field::State, |r, _| Text::toned(r.verdict(), verdict_tone(r.verdict()))),
    Col::new("DATA SOURCE", Width::Len(28), 0, Field::Skip, |r, _| Text::plain(r.data_source())),
    Col::new("SCORE", Width::Len(5), 0, Field::Skip, |r, _| {
        Text::plain(r.score.map(|s| format!("{:.0}%", s * 100.0)).unwrap_or_else(|| "-".into()))
    }),
    Col::new("P/F/E", Width::Len(7), 0, Field::Skip, |r, _| {
        Text::plain(format!("{}/{}/{}", r.passed(), r.failed(), r.errored()))
    }),
    Col::new("STARTED", Width::Len(11), 0, Field::Skip, |r, _| Text::plain(when(r.started_on))),
    Col::new("RULESET", Width::Len(24), 110, Field::Text, |r, _| Text::plain(r.ruleset.as_deref().unwrap_or("-"))),
    Col::new("JOB RUN", Width::Fill(1), 0, Field::Skip, |r, _| job_run(r)),
    Col::new("ID", Width::Hidden, 0, Field::Text, |r, _| Text::plain(&r.id)),
    Col::new("DATABASE", Width::Hidden, 0, Field::Text, |r, _| Text::plain(r.database.as_deref().unwrap_or(""))),
    Col::new("TABLE", Width::Hidden, 0, Field::Text, |r, _| Text::plain(r.table.as_deref().unwrap_or(""))),
    Col::new("JOB", Width::Hidden, 0, Field::Text, |r, _| Text::plain(r.job_name.as_deref().unwrap_or(""))),
    Col::new("RUN ID", Width::Hidden, 0, Field::Text, |r, _| Text::plain(r.job_run_id.as_deref().unwrap_or(""))),
    Column::new("STREAM", Width::Hidden, 0, Field::Stream, |r: &DqResult, s: &AppState| {
        Text::plain(s.streams.stream_of(r.ctx, &r.data_source()).to_string())
    }),
];

/// Ruleset evaluation runs, under the results: status, data source, start, duration, error.
pub const EVAL_RUN_COLUMNS: &[RunCol] = &[
    RunCol::new("STATUS", Width::Len(9), 0, Field::State, |r, _| {
        Text::toned(r.status.as_str(), verdict_tone(&r.status))
    }),
    RunCol::new("DATA SOURCE", Width::Len(28), 0, Field::Text, |r, _| Text::plain(r.data_source())),
    RunCol::new("STARTED", Width::Len(11), 0, Field::Skip, |r, _| Text::plain(when(r.started_on))),
    RunCol::new("DURATION", Width::Len(8), 0, Field::Skip, |r, _| {
        Text::plain(r.execution_time_s.map(short).unwrap_or_else(|| "-".into()))
    }),
    RunCol::new("ERROR", Width::Fill(1), 0, Field::Text, |r, _| {
        Text::toned(r.error.as_deref().unwrap_or(""), Tone::Warn)
    }),
];
