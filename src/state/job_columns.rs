//! The Glue jobs pane's columns: one row per job, its last run.

use super::AppState;
use super::columns::{Column, Field, SortKey, Text, Tone, Width, when};
use crate::duration::short;
use crate::model::{JobEntry, JobRun};

type Col = Column<JobEntry, AppState>;

/// DPU-hours with one decimal; `~` marks an estimate.
pub fn dpu(run: &JobRun) -> String {
    match run.dpu_hours() {
        Some(h) if run.dpu_hours_reported() => format!("{h:.1}"),
        Some(h) => format!("~{h:.1}"),
        None => "-".into(),
    }
}

fn state(j: &JobEntry) -> Text<'_> {
    match j.last_run().map(JobRun::state) {
        Some(s) => Text::toned(s.as_str(), Tone::Run(s)),
        None => Text::toned("no runs", Tone::Dim),
    }
}

fn dq<'a>(j: &'a JobEntry, s: &'a AppState) -> Text<'a> {
    let m = j.last_run().map(|r| s.joins.dq_mark(&r.id)).unwrap_or_default();
    Text::toned(m.mark, if m.bad { Tone::Error } else { Tone::Dim })
}

/// The last run's error, else the rule its data failed.
fn error<'a>(j: &'a JobEntry, s: &'a AppState) -> Text<'a> {
    let last = j.last_run();
    let text = match last.and_then(JobRun::error_first_line) {
        Some(e) => e.to_string(),
        None => last.map(|r| s.joins.dq_mark(&r.id).note).unwrap_or_default(),
    };
    Text::toned(text, Tone::Warn)
}

fn last<'a>(j: &'a JobEntry, f: impl Fn(&JobRun) -> String) -> Text<'a> {
    Text::plain(j.last_run().map(f).unwrap_or_else(|| "-".into()))
}

/// Name; 70+: stream; the last run's state; 100+: its DQ mark; 70+: when it started; how
/// long; 100+: DPU-hours and attempt; its error.
pub const COLUMNS: &[Column<JobEntry, AppState>] = &[
    super::ctx_columns::column(),
    Col::new("NAME", Width::Len(26), 0, Field::Text, |j, _| Text::plain(&j.job.name))
        .sorted(|j, _| SortKey::Text(Some(j.job.name.clone())), false),
    Col::new("STREAM", Width::Len(10), 70, Field::Stream, |j, _| Text::plain(j.stream.as_deref().unwrap_or("-")))
        .sorted(|j, _| SortKey::Text(j.stream.clone()), false),
    Col::new("STATE", Width::Len(9), 0, Field::State, |j, _| state(j))
        .sorted(|j, _| SortKey::Int(j.last_run().map(|r| i64::from(r.state().severity())).unwrap_or(9)), false),
    Col::new("DQ", Width::Len(4), 100, Field::Skip, dq),
    Col::new("STARTED", Width::Len(11), 70, Field::Skip, |j, _| {
        Text::plain(when(j.last_run().and_then(|r| r.started_on)))
    })
    .sorted(|j, _| SortKey::Time(j.last_run().and_then(|r| r.started_on)), true),
    Col::new("DURATION", Width::Len(8), 0, Field::Skip, |j, s| {
        Text::plain(j.last_run().and_then(|r| r.duration_s(s.now)).map(short).unwrap_or_else(|| "-".into()))
    })
    .sorted(|j, s| SortKey::Int(j.last_run().and_then(|r| r.duration_s(s.now)).unwrap_or(-1)), true),
    Col::new("DPU-H", Width::Len(6), 100, Field::Skip, |j, _| last(j, dpu)),
    Col::new("ATT", Width::Len(3), 100, Field::Skip, |j, _| last(j, |r| r.attempt.to_string())),
    Col::new("ERROR", Width::Fill(1), 0, Field::Text, error),
];
