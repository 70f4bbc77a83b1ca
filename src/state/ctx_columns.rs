//! The `:ctx` pane's columns (one row per context), and the CONTEXT column every pane shows
//! when more than one context is watched.

use super::AppState;
use super::columns::{Column, Field, SortKey, Text, Tone, Width};
use super::contexts::{Ctx, InCtx, Reach};

/// The name of a row's context, in its colour.
pub fn ctx_cell(state: &AppState, ctx: usize) -> Text<'_> {
    let c = state.ctx(ctx);
    Text::toned(c.name.as_str(), Tone::Palette(c.color))
}

fn reach(c: &Ctx) -> Text<'_> {
    let r = c.reach();
    let tone = match r {
        Reach::Healthy => Tone::Plain,
        Reach::Connecting => Tone::Dim,
        Reach::Degraded => Tone::Warn,
        Reach::Unreachable => Tone::Error,
    };
    Text::toned(r.label(), tone)
}

fn expires(c: &Ctx, now: chrono::DateTime<chrono::Utc>) -> Text<'static> {
    match c.expires {
        None => Text::toned("-", Tone::Dim),
        Some(t) if t <= now => Text::toned("expired", Tone::Error),
        Some(t) => {
            let left = (t - now).num_seconds();
            let tone = if left < 15 * 60 { Tone::Warn } else { Tone::Plain };
            Text::toned(format!("in {}", crate::duration::short(left)), tone)
        }
    }
}

fn problem(c: &Ctx) -> Text<'_> {
    match c.problem() {
        Some(e) => Text::toned(e.message.as_str(), Tone::Error),
        None => Text::plain(""),
    }
}

/// One row per context.
pub const COLUMNS: &[Column<Ctx, AppState>] = &[
    Column::new("NAME", Width::Len(16), 0, Field::Ctx, |c, _| Text::toned(c.name.as_str(), Tone::Palette(c.color))),
    Column::new("PROFILE", Width::Len(14), 60, Field::Text, |c, _| {
        Text::plain(c.profile.as_deref().unwrap_or("default"))
    }),
    Column::new("REGION", Width::Len(14), 0, Field::Text, |c, _| Text::plain(c.region.as_str())),
    Column::new("ACCOUNT", Width::Len(12), 0, Field::Text, |c, _| Text::plain(c.account.as_deref().unwrap_or("?"))),
    Column::new("STATUS", Width::Len(11), 0, Field::State, |c, _| reach(c)),
    Column::new("EXPIRES", Width::Len(9), 100, Field::Skip, |c, s| expires(c, s.now)),
    Column::new("CALLS/MIN", Width::Len(9), 90, Field::Skip, |c: &Ctx, _| {
        Text::plain(c.stats.calls_last_minute.to_string())
    }),
    Column::new("THROTTLED", Width::Len(9), 90, Field::Skip, |c: &Ctx, _| {
        let n = c.stats.throttles_last_minute;
        Text::toned(n.to_string(), if n > 0 { Tone::Warn } else { Tone::Plain })
    }),
    Column::new("IDENTITY", Width::Fill(2), 120, Field::Text, |c, _| Text::plain(c.arn.as_deref().unwrap_or("-"))),
    Column::new("PROBLEM", Width::Fill(3), 0, Field::Text, |c, _| problem(c)),
];

/// The CONTEXT column of a pane whose rows are `R`: shown only when several contexts are
/// watched; `/ctx:NAME` matches it.
pub const fn column<R: InCtx>() -> Column<R, AppState> {
    Column::new("CONTEXT", Width::Len(14), 0, Field::Ctx, |r: &R, s: &AppState| ctx_cell(s, r.ctx()))
        .sorted(|r: &R, s: &AppState| SortKey::Text(Some(s.ctx(r.ctx()).name.clone())), false)
        .only_if(AppState::many_contexts)
}
