//! The top bar (where am I), the error line, and the status bar (who, where, how fresh).

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::duration::short;
use crate::keymap::Action;
use crate::state::{AppState, Mode};
use crate::ui::theme::Theme;

pub fn top(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let table = state.active_table();
    let sort = table.and_then(|t| t.sort_label());
    let filter = table.and_then(|t| t.filter()).map(|f| f.text.as_str()).unwrap_or("");
    let mut spans = vec![Span::styled(" batchtop ", theme.title), Span::raw(state.breadcrumb())];
    if let Some(s) = sort {
        spans.push(Span::styled(format!("  sort:{s}"), theme.dim));
    }
    if !filter.is_empty() {
        spans.push(Span::styled(format!("  filter:{filter}"), theme.warn));
    }
    if !state.pending.is_empty() {
        spans.push(Span::styled(format!("  ⏳ {} in flight", state.pending.len()), theme.warn));
    }
    if state.source_status().polling {
        spans.push(Span::styled("  ⟳", theme.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Age of the source's data, as text.
fn age(state: &AppState) -> String {
    match state.source_status().last_ok {
        Some(t) => format!("{} ago", short((state.now - t).num_seconds())),
        None => "never".into(),
    }
}

/// The error line, wrapped: the prefix and the message's first row, then its other rows.
pub fn error(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let Some(e) = state.error_line() else { return };
    let indent = " ".repeat(crate::state::message::INDENT);
    let lines: Vec<Line> = e
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| match i {
            0 => Line::from(vec![Span::styled(e.prefix.clone(), theme.warn), Span::styled(row.clone(), theme.error)]),
            _ => Line::from(vec![Span::raw(indent.clone()), Span::styled(row.clone(), theme.error)]),
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

pub fn bottom(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let line = match &state.mode {
        Mode::Filter { input, .. } => {
            Line::from(vec![Span::styled("/", theme.title), Span::raw(input.as_str()), Span::raw("▏")])
        }
        Mode::Command { input } => {
            Line::from(vec![Span::styled(":", theme.title), Span::raw(input.as_str()), Span::raw("▏")])
        }
        _ => match state.flash_lines() {
            rows if rows.is_empty() => status(state, theme, area.width),
            rows => {
                let lines: Vec<Line> =
                    rows.into_iter().map(|r| Line::from(Span::styled(format!(" {r}"), theme.warn))).collect();
                frame.render_widget(Paragraph::new(lines), area);
                return;
            }
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn status(state: &AppState, theme: &Theme, width: u16) -> Line<'static> {
    let long = status_spans(state, theme, false);
    let len: usize = long.iter().map(|s| s.content.chars().count()).sum();
    if len <= usize::from(width) { Line::from(long) } else { Line::from(status_spans(state, theme, true)) }
}

/// The status bar's parts; `compact` drops the labels so it fits 80 columns.
fn status_spans(state: &AppState, theme: &Theme, compact: bool) -> Vec<Span<'static>> {
    let c = &state.context;
    let sep = || Span::styled(if compact { "│" } else { " │ " }, theme.dim);
    let label = |l: &str| if compact { String::new() } else { format!("{l} ") };
    let mut spans = Vec::new();
    if c.demo {
        spans.push(Span::styled(" DEMO ", theme.badge));
        spans.push(Span::raw(" "));
    }
    if c.read_only {
        spans.push(Span::styled(if compact { " RO " } else { " READ-ONLY " }, theme.badge));
        spans.push(Span::raw(" "));
    }
    if state.many_contexts() {
        spans.extend(contexts_spans(state, theme, compact));
    } else {
        let first = state.ctx(0);
        spans.push(Span::raw(format!("{}{}", label("profile"), first.profile.as_deref().unwrap_or("default"))));
        spans.push(sep());
        spans.push(Span::raw(first.region.clone()));
        spans.push(sep());
        spans.push(Span::raw(format!(
            "{}{}",
            label("acct"),
            first.account.as_deref().or(c.account.as_deref()).unwrap_or("?")
        )));
    }
    spans.push(sep());
    spans.push(Span::raw(format!("{}{}", label("refreshed"), age(state))));
    spans.push(sep());
    spans.push(Span::raw(format!("{} calls/min", state.stats.calls_last_minute)));
    spans.push(sep());
    // Throttled attempts in the last minute, those the SDK retried away included: how tight
    // the account's API budget is now.
    let per_min = state.stats.throttles_last_minute;
    spans.push(if per_min > 0 {
        Span::styled(format!("{per_min} throttled/min"), theme.warn)
    } else {
        Span::raw("0 throttled")
    });
    if state.stats.holding_back {
        spans.push(sep());
        spans.push(Span::styled("holding back (API budget)", theme.warn));
    }
    spans.push(sep());
    spans.push(Span::styled(format!("{} help", state.settings.keymap.hint(Action::Help)), theme.dim));
    spans
}

/// With several contexts: how many are healthy, and the one every pane is narrowed to.
fn contexts_spans(state: &AppState, theme: &Theme, compact: bool) -> Vec<Span<'static>> {
    use crate::state::contexts::Reach;
    let total = state.contexts.len();
    let healthy = state.contexts.iter().filter(|c| matches!(c.reach(), Reach::Healthy | Reach::Connecting)).count();
    let text = if compact { format!("ctx {healthy}/{total} ok") } else { format!("{healthy}/{total} contexts ok") };
    let mut spans = vec![if healthy < total { Span::styled(text, theme.warn) } else { Span::raw(text) }];
    if let Some(n) = state.narrow {
        let c = state.ctx(n);
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(c.name.clone(), theme.palette(c.color)));
        spans.push(Span::raw(" only"));
    }
    spans
}

/// Shown in an empty table: why it is empty.
pub fn empty_note(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let status = state.source_status();
    let what = state.root.spec().what;
    let text = match (&status.error, status.last_ok) {
        (Some(e), _) => format!("no data: {}", e.message),
        (None, None) => format!("loading {what}…"),
        (None, Some(_)) => format!("no {what} in this account and region"),
    };
    // Wrapped, not cut: the message says what to do at its end.
    let width = area.width.saturating_sub(4);
    let rows = crate::state::message::wrap(&text, usize::from(width), usize::from(width), 4);
    let height = (rows.len() as u16).min(area.height.saturating_sub(area.height / 2));
    let y = area.y + area.height / 2;
    let rect = Rect { x: area.x + 2, y, width, height };
    let style = if status.error.is_some() { theme.error } else { Style::default() };
    let lines: Vec<Line> = rows.into_iter().map(Line::from).collect();
    frame.render_widget(Paragraph::new(lines).style(style).alignment(Alignment::Center), rect);
}
