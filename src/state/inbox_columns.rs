//! The inbox's columns: one row per problem resource.

use super::AppState;
use super::columns::{Column, Field, SortKey, Text, Tone, Width, when};
use crate::triage::inbox::{Item, ItemStatus, Severity};

/// Recovered and acknowledged items are dimmed; open ones keep `tone`.
fn toned(it: &Item, text: impl Into<std::borrow::Cow<'static, str>>, tone: Tone) -> Text<'static> {
    let tone = if it.status == ItemStatus::Open { tone } else { Tone::Dim };
    Text::toned(text.into(), tone)
}

fn severity(it: &Item) -> Text<'static> {
    let tone = match it.severity {
        Severity::Critical => Tone::Error,
        Severity::Warning => Tone::Warn,
    };
    toned(it, it.severity.as_str(), tone)
}

fn summary(it: &Item) -> Text<'static> {
    let text = match it.blocks.len() {
        0 => it.summary.clone(),
        n => format!("blocks {n}: {} · {}", it.blocks.join(", "), it.summary),
    };
    let text = match &it.note {
        Some(n) => format!("{text} · ack: {n}"),
        None => text,
    };
    toned(it, text, Tone::Plain)
}

pub const COLUMNS: &[Column<Item, AppState>] = &[
    super::ctx_columns::column(),
    Column::new("SEV", Width::Len(8), 0, Field::Text, |it, _| severity(it))
        .sorted(|it, _| SortKey::Int(it.severity as i64), false),
    Column::new("STREAM", Width::Len(11), 100, Field::Stream, |it, _| {
        toned(it, it.stream.clone().unwrap_or_else(|| "-".into()), Tone::Plain)
    }),
    Column::new("RESOURCE", Width::Len(28), 0, Field::Text, |it, _| toned(it, it.resource.clone(), Tone::Plain)),
    Column::new("CATEGORY", Width::Len(16), 0, Field::Text, |it, _| toned(it, it.class.category.as_str(), Tone::Warn)),
    Column::new("#", Width::Len(3), 90, Field::Skip, |it, _| toned(it, it.count.to_string(), Tone::Plain)),
    Column::new("LAST SEEN", Width::Len(11), 100, Field::Skip, |it, _| toned(it, when(it.last_seen), Tone::Plain))
        .sorted(|it, _| SortKey::Time(it.last_seen), true),
    Column::new("STATUS", Width::Len(12), 90, Field::State, |it, _| toned(it, it.status.as_str(), Tone::Plain)),
    Column::new("SUMMARY", Width::Fill(1), 0, Field::Text, |it, _| summary(it)),
    Column::new("SOURCE", Width::Hidden, 0, Field::Text, |it, _| Text::plain(it.source.as_str())),
    Column::new("RUN ID", Width::Hidden, 0, Field::Text, |it, _| Text::plain(it.run_id.clone().unwrap_or_default())),
];
