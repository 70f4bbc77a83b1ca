//! The EMR Serverless panes' columns: applications, and job runs.

use super::AppState;
use super::columns::{Column, Field, Text, Tone, Width, when};
use crate::cost::estimate::{Prices, emr_run, label};
use crate::duration::short;
use crate::model::{EmrApp, EmrRun, EmrState, RunState, Utilization};

type AppCol = Column<EmrApp, AppState>;
type RunCol = Column<EmrRun, AppState>;

/// The colour of a run state, by meaning.
pub fn run_tone(s: EmrState) -> Tone {
    Tone::Run(match s {
        EmrState::Success => RunState::Succeeded,
        EmrState::Failed => RunState::Failed,
        EmrState::Cancelled | EmrState::Cancelling => RunState::Stopped,
        EmrState::Running => RunState::Running,
        EmrState::Submitted | EmrState::Pending | EmrState::Scheduled | EmrState::Queued => RunState::Waiting,
        EmrState::Unknown => RunState::Unknown,
    })
}

fn app_tone(s: &str) -> Tone {
    match s {
        "STARTED" => Tone::Run(RunState::Succeeded),
        "STARTING" | "STOPPING" | "CREATING" => Tone::Run(RunState::Waiting),
        "STOPPED" | "CREATED" => Tone::Dim,
        _ => Tone::Run(RunState::Failed),
    }
}

fn auto_stop(a: &EmrApp) -> Text<'_> {
    Text::plain(match a.auto_stop {
        Some((true, Some(m))) => format!("{m} min"),
        Some((true, None)) => "on".into(),
        Some((false, _)) => "off".into(),
        None => "-".into(),
    })
}

fn initial(a: &EmrApp) -> Text<'_> {
    let init: Vec<String> =
        a.initial_capacity.iter().map(|c| format!("{}×{} {}", c.count, c.worker_type, c.cpu)).collect();
    Text::plain(if init.is_empty() { "-".into() } else { init.join(", ") })
}

fn max_capacity(a: &EmrApp) -> Text<'_> {
    Text::plain(a.max_capacity.as_ref().map(|c| format!("{} / {}", c.cpu, c.memory)).unwrap_or_else(|| "-".into()))
}

/// Applications: name, type, state, active runs, capacity; wide: id, release, auto start
/// and stop, initial capacity.
pub const APP_COLUMNS: &[Column<EmrApp, AppState>] = &[
    super::ctx_columns::column(),
    AppCol::new("NAME", Width::Len(22), 0, Field::Text, |a, _| Text::plain(&a.name)),
    AppCol::new("TYPE", Width::Len(5), 0, Field::Skip, |a, _| Text::plain(&a.app_type)),
    AppCol::new("STATE", Width::Len(9), 0, Field::State, |a, _| Text::toned(&a.state, app_tone(&a.state))),
    AppCol::new("ACTIVE", Width::Len(6), 0, Field::Skip, |a, s| Text::plain(s.emr.active_runs_of(&a.id).to_string())),
    AppCol::new("MAX CAPACITY", Width::Len(22), 0, Field::Skip, |a, _| max_capacity(a)),
    AppCol::new("ID", Width::Len(16), 100, Field::Text, |a, _| Text::plain(&a.id)),
    AppCol::new("RELEASE", Width::Len(10), 100, Field::Text, |a, _| Text::plain(&a.release_label)),
    AppCol::new("AUTO START", Width::Len(10), 100, Field::Skip, |a, _| {
        Text::plain(match a.auto_start {
            Some(true) => "on",
            Some(false) => "off",
            None => "-",
        })
    }),
    AppCol::new("AUTO STOP", Width::Len(9), 100, Field::Skip, |a, _| auto_stop(a)),
    AppCol::new("INITIAL", Width::Fill(1), 100, Field::Skip, |a, _| initial(a)),
    Column::new("STREAM", Width::Hidden, 0, Field::Stream, |a: &EmrApp, s: &AppState| {
        Text::plain(s.streams.stream_of(a.ctx, &a.id))
    }),
];

fn usage(u: Option<Utilization>) -> Text<'static> {
    Text::plain(
        u.map(|u| format!("{:.1}/{:.0}/{:.0}", u.vcpu_hours, u.memory_gb_hours, u.storage_gb_hours))
            .unwrap_or_else(|| "-".into()),
    )
}

fn estimate<'a>(r: &'a EmrRun, s: &'a AppState) -> Text<'a> {
    Text::plain(label(emr_run(r, &Prices::from_config(&s.settings.config.cost))))
}

/// Job runs: name, state, created, duration, attempt; 160+: id and total and billed usage;
/// 100+: the estimate; the details.
pub const RUN_COLUMNS: &[Column<EmrRun, AppState>] = &[
    super::ctx_columns::column(),
    RunCol::new("NAME", Width::Len(23), 0, Field::Text, |r, _| Text::plain(r.name.as_deref().unwrap_or("-"))),
    RunCol::new("STATE", Width::Len(10), 0, Field::State, |r, _| Text::toned(r.state().as_str(), run_tone(r.state()))),
    RunCol::new("CREATED", Width::Len(11), 0, Field::Skip, |r, _| Text::plain(when(r.created_at))),
    RunCol::new("DURATION", Width::Len(8), 0, Field::Skip, |r, s| {
        Text::plain(r.duration_s(s.now).map(short).unwrap_or_else(|| "-".into()))
    }),
    RunCol::new("ATT", Width::Len(3), 0, Field::Skip, |r, _| {
        Text::plain(r.attempt.map(|a| a.to_string()).unwrap_or_else(|| "-".into()))
    }),
    RunCol::new("ID", Width::Len(16), 160, Field::Text, |r, _| Text::plain(&r.id)),
    RunCol::new("USED vCPU/GB/DISK-h", Width::Len(19), 160, Field::Skip, |r, _| usage(r.total)),
    RunCol::new("BILLED vCPU/GB/DISK-h", Width::Len(21), 160, Field::Skip, |r, _| usage(r.billed)),
    RunCol::new("EST.$", Width::Len(7), 100, Field::Skip, estimate),
    RunCol::new("DETAILS", Width::Fill(1), 0, Field::Text, |r, _| {
        Text::toned(r.details_summary().unwrap_or_default(), Tone::Warn)
    }),
    Column::new("STREAM", Width::Hidden, 0, Field::Stream, |r: &EmrRun, s: &AppState| {
        Text::plain(s.streams.stream_of(r.ctx, &r.id))
    }),
];
