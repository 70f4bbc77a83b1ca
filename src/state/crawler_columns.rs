//! The crawlers pane's columns.

use std::borrow::Cow;

use super::AppState;
use super::columns::{Column, Field, Text, Tone, Width, when};
use crate::duration::short;
use crate::model::{Crawler, RunState};

fn last_status(c: &Crawler) -> Text<'_> {
    let status = c.last_crawl.as_ref().map(|l| l.status.as_str()).unwrap_or("never");
    let tone = match status {
        "SUCCEEDED" => Tone::Run(RunState::Succeeded),
        "FAILED" => Tone::Run(RunState::Failed),
        "CANCELLED" => Tone::Run(RunState::Stopped),
        _ => Tone::Dim,
    };
    Text::toned(status, tone)
}

fn freshness<'a>(c: &'a Crawler, s: &'a AppState) -> Text<'a> {
    let stale_after = s.settings.config.crawlers.stale_after.0.as_secs() as i64;
    match c.freshness_s(s.now) {
        Some(f) if f > stale_after => Text::toned(format!("{} STALE", short(f)), Tone::Error),
        Some(f) => Text::plain(short(f)),
        None => Text::toned("unknown", Tone::Error),
    }
}

fn tables(c: &Crawler) -> Text<'_> {
    let m = c.metrics.unwrap_or_default();
    Text::plain(format!("+{} ~{} -{}", m.tables_created, m.tables_updated, m.tables_deleted))
}

/// Name, state, last crawl, when, how long, how fresh the catalog is, tables changed,
/// schedule, error; the database is found by `/` but not shown.
pub const COLUMNS: &[Column<Crawler, AppState>] = &[
    super::ctx_columns::column(),
    Column {
        header: "NAME",
        width: Width::Len(24),
        from: 0,
        until: u16::MAX,
        cell: |c, _| Text::plain(&c.name),
        filter: Field::Text,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "STATE",
        width: Width::Len(8),
        from: 0,
        until: u16::MAX,
        cell: |c, _| {
            let tone = if c.state == "RUNNING" { Tone::Run(RunState::Running) } else { Tone::Plain };
            Text::toned(&c.state, tone)
        },
        filter: Field::Text,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "LAST CRAWL",
        width: Width::Len(10),
        from: 0,
        until: u16::MAX,
        cell: |c, _| last_status(c),
        filter: Field::State,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "STARTED",
        width: Width::Len(11),
        from: 0,
        until: u16::MAX,
        cell: |c, _| Text::plain(when(c.last_crawl.as_ref().and_then(|l| l.started_on))),
        filter: Field::Skip,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "TOOK",
        width: Width::Len(6),
        from: 0,
        until: u16::MAX,
        cell: |c, _| Text::plain(c.metrics.map(|m| short(m.last_runtime_s as i64)).unwrap_or_else(|| "-".into())),
        filter: Field::Skip,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "FRESHNESS",
        width: Width::Len(12),
        from: 0,
        until: u16::MAX,
        cell: freshness,
        filter: Field::Skip,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "TABLES",
        width: Width::Len(11),
        from: 100,
        until: u16::MAX,
        cell: |c, _| tables(c),
        filter: Field::Skip,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "SCHEDULE",
        width: Width::Len(18),
        from: 100,
        until: u16::MAX,
        cell: |c, _| Text::plain(c.schedule.as_deref().unwrap_or("-")),
        filter: Field::Skip,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "ERROR",
        width: Width::Fill(1),
        from: 0,
        until: u16::MAX,
        cell: |c, _| {
            let e = c.last_crawl.as_ref().and_then(|l| l.error_message.as_deref()).unwrap_or("");
            Text::toned(e, Tone::Warn)
        },
        filter: Field::Text,
        sort: None,
        sized: None,
        when: None,
    },
    Column {
        header: "DATABASE",
        width: Width::Hidden,
        from: 0,
        until: u16::MAX,
        cell: |c, _| Text::plain(Cow::Borrowed(c.database.as_deref().unwrap_or(""))),
        filter: Field::Text,
        sort: None,
        sized: None,
        when: None,
    },
    Column::new("STREAM", Width::Hidden, 0, Field::Stream, |c: &Crawler, s: &AppState| {
        Text::plain(s.streams.stream_of(c.ctx, &c.name))
    }),
];
