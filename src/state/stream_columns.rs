//! The streams pane's columns: one row per stream.

use super::AppState;
use super::columns::{Column, Field, SortKey, Text, Tone, Width, when};
use crate::duration::short;
use crate::model::RunState;
use crate::streams::{Status, Stream};

type Col = Column<Stream, AppState>;

/// The colour of a status, by meaning.
pub fn status_tone(s: Status) -> Tone {
    match s {
        Status::Failed => Tone::Error,
        Status::Degraded | Status::Late | Status::NoData => Tone::Warn,
        Status::Running => Tone::Run(RunState::Running),
        Status::Ok => Tone::Run(RunState::Succeeded),
    }
}

fn curated(s: &Stream) -> Text<'static> {
    if s.undiscovered && s.last_success.is_none() {
        return Text::toned("undiscovered", Tone::Warn);
    }
    Text::plain(when(s.last_success))
}

/// `9 obj · 12m ago`, `empty today`, `-` without a landing.
pub fn landing(s: &Stream, now: chrono::DateTime<chrono::Utc>) -> Text<'static> {
    let Some(l) = &s.landing else { return Text::toned("-", Tone::Dim) };
    if let Some(e) = &l.error {
        return Text::toned(format!("error: {e}"), Tone::Error);
    }
    let age = l.newest().map(|t| format!("{} ago", short((now - t).num_seconds()))).unwrap_or_else(|| "nothing".into());
    match l.today.objects {
        0 => Text::toned(format!("empty, {age}"), Tone::Warn),
        n => Text::plain(format!("{n} obj {age}")),
    }
}

/// The newest partition over the stream's tables (`dt=2026-11-24`), `-` without tables.
pub fn catalog(s: &Stream) -> Text<'static> {
    if s.catalog.is_empty() {
        return Text::toned("-", Tone::Dim);
    }
    if s.catalog.iter().any(|t| t.error.is_some()) {
        return Text::toned("error", Tone::Error);
    }
    match s.catalog.iter().filter_map(|t| t.newest_partition.clone()).max() {
        Some(p) => Text::plain(p),
        None => Text::toned("none in 2 days", Tone::Warn),
    }
}

fn freshness(s: &Stream) -> Text<'static> {
    let tone = if s.freshness.is_late() {
        Tone::Warn
    } else if s.freshness.delivered_late_s.is_some() {
        Tone::Dim
    } else {
        Tone::Plain
    };
    Text::toned(s.freshness.text(s.sla), tone)
}

fn items(s: &Stream) -> Text<'static> {
    let tone = if s.critical_items > 0 {
        Tone::Error
    } else if s.open_items > 0 {
        Tone::Warn
    } else {
        Tone::Dim
    };
    Text::toned(s.open_items.to_string(), tone)
}

fn dq(s: &Stream) -> Text<'static> {
    match s.dq_score {
        Some(v) => Text::toned(format!("{:.0}%", v * 100.0), if s.dq_failed { Tone::Warn } else { Tone::Plain }),
        None => Text::toned("-", Tone::Dim),
    }
}

fn cost(s: &Stream) -> Text<'static> {
    match s.cost_yesterday {
        Some(c) => Text::plain(format!("${c:.2}")),
        None => Text::toned("-", Tone::Dim),
    }
}

pub const COLUMNS: &[Col] = &[
    super::ctx_columns::column(),
    Col::new("STREAM", Width::Len(12), 0, Field::Stream, |s, _| Text::plain(s.name.as_str()))
        .sorted(|s, _| SortKey::Text(Some(s.name.clone())), false),
    Col::new("STATUS", Width::Len(9), 0, Field::State, |s, _| Text::toned(s.status.as_str(), status_tone(s.status)))
        .sorted(|s, _| SortKey::Int(s.status as i64), false),
    Col::new("LANDING", Width::Len(17), 0, Field::Skip, |s, st| landing(s, st.now)),
    Col::new("CATALOG", Width::Len(14), 100, Field::Text, |s, _| catalog(s)),
    Col::new("CURATED", Width::Len(12), 90, Field::Text, |s, _| curated(s))
        .sorted(|s, _| SortKey::Time(s.last_success), true),
    Col::new("FRESHNESS", Width::Len(17), 0, Field::Text, |s, _| freshness(s)),
    Col::new("ITEMS", Width::Len(5), 0, Field::Skip, |s, _| items(s))
        .sorted(|s, _| SortKey::Int(s.open_items as i64), true),
    Col::new("DQ", Width::Len(4), 100, Field::Skip, |s, _| dq(s)),
    Col::new("COST 1D", Width::Len(8), 110, Field::Skip, |s, _| cost(s)),
    Col::new("NEXT RUN", Width::Len(11), 110, Field::Skip, |s, _| Text::plain(when(s.next_run))),
    Col::new("JOBS", Width::Hidden, 0, Field::Text, |s, _| Text::plain(s.jobs.join(" "))),
    Col::new("RESOURCES", Width::Hidden, 0, Field::Text, |s, _| {
        Text::plain(format!("{} {}", s.workflows.join(" "), s.crawlers.join(" ")))
    }),
];
