//! The log view: a status line (mode, sampled badge, streams, follow, filter, search), the
//! lines (levels coloured, search hits highlighted, filter context gaps), the stream picker.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use crate::logs::pattern::Row;
use crate::logs::{Level, LogLine, locate};
use crate::poll::logs::TailMode;
use crate::state::AppState;
use crate::state::logs::{LogInput, LogViewPane, format_ts};
use crate::ui::theme::Theme;

fn level_style(level: Level, theme: &Theme) -> Style {
    match level {
        Level::Exception | Level::CausedBy => theme.error.add_modifier(Modifier::BOLD),
        Level::Error => theme.error,
        Level::Warn => theme.warn,
        Level::Plain => Style::default(),
    }
}

/// `group › stream` (or an S3 key) as the short label shown before merged lines.
fn stream_label(stream: &str, run_id: &str) -> String {
    match stream.split_once(" › ") {
        Some((group, s)) => locate::label(group, s, run_id),
        None => {
            let key = stream.splitn(4, '/').nth(3).unwrap_or(stream);
            locate::label("", key, run_id)
        }
    }
}

fn header<'a>(v: &'a LogViewPane, shown: usize, hits: usize, theme: &Theme) -> Line<'a> {
    let (mode, style) = match &v.mode {
        TailMode::Reading => ("reading".to_string(), theme.dim),
        TailMode::LiveTail { .. } => ("LIVE TAIL".to_string(), theme.state(crate::model::RunState::Running)),
        TailMode::Polling { reason } => (format!("polling ({reason})"), theme.dim),
        TailMode::Done => ("read".to_string(), theme.dim),
    };
    let mut spans = vec![Span::styled(format!(" {mode}"), style)];
    if matches!(v.mode, TailMode::LiveTail { sampled: true }) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(" SAMPLED ", theme.badge));
    }
    spans.push(Span::styled(format!(" · {} · ", v.pick.label()), theme.dim));
    spans.push(if v.follow { Span::styled("follow", theme.header) } else { Span::styled("paused", theme.warn) });
    if let Some((text, _)) = &v.filter {
        let place = if v.server_filter { "CloudWatch" } else { "client" };
        spans.push(Span::styled(format!(" · filter {text} ({place}, ±{})", v.context), theme.warn));
    } else if v.context > 0 {
        spans.push(Span::styled(format!(" · context ±{}", v.context), theme.dim));
    }
    if let Some((text, _)) = &v.search {
        spans.push(Span::styled(format!(" · /{text} {hits} hits"), theme.header));
    }
    let evicted = v.ring.evicted();
    let kept = if evicted > 0 { format!(", {evicted} oldest dropped") } else { String::new() };
    spans.push(Span::styled(format!(" · {shown}/{} lines{kept}", v.ring.len()), theme.dim));
    spans.into()
}

/// The spans of one line: timestamp, stream label, text from `hscroll`, search hits reversed.
fn line_spans<'a>(v: &LogViewPane, l: &'a LogLine, current: bool, theme: &Theme) -> Line<'a> {
    let mut spans = Vec::new();
    if v.timestamps {
        let ts = format_ts(l.ts_ms);
        if !ts.is_empty() {
            spans.push(Span::styled(format!("{ts} "), theme.dim));
        }
    }
    if matches!(v.pick, crate::state::logs::StreamPick::All | crate::state::logs::StreamPick::Executors) {
        spans.push(Span::styled(format!("[{}] ", stream_label(&l.stream, &v.plan.run_id)), theme.dim));
    }
    let base = level_style(l.level, theme);
    let text: &str = if v.wrap { &l.text } else { l.text.get(byte_at(&l.text, v.hscroll)..).unwrap_or("") };
    let hits = v.search.as_ref().map(|(_, p)| p.highlight(text)).unwrap_or_default();
    let hit = if current { theme.selected } else { base.add_modifier(Modifier::REVERSED) };
    let mut at = 0;
    for r in hits {
        if r.start < at || r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        if r.start > at {
            spans.push(Span::styled(&text[at..r.start], base));
        }
        spans.push(Span::styled(&text[r.start..r.end], hit));
        at = r.end;
    }
    if at < text.len() {
        spans.push(Span::styled(&text[at..], base));
    }
    Line::from(spans)
}

/// Byte offset of the `chars`-th character (horizontal scroll).
fn byte_at(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map(|(i, _)| i).unwrap_or(text.len())
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, v: &LogViewPane, theme: &Theme) {
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
    let rows = v.rows();
    let hits = v.search_hits(&rows);
    let shown = rows.iter().filter(|r| matches!(r, Row::Line(_))).count();
    frame.render_widget(Paragraph::new(header(v, shown, hits.len(), theme)), head);
    let title = match (&v.input, &v.note, &v.error) {
        (Some(LogInput::Search(t)), _, _) => Span::styled(format!(" search: {t}▏ "), theme.header),
        (Some(LogInput::Filter(t)), _, _) => {
            Span::styled(format!(" filter (?A ?B, -x, \"phrase\", /regex/): {t}▏ "), theme.header)
        }
        (None, Some(n), _) => Span::styled(format!(" {n} "), theme.warn),
        (None, None, Some(e)) => Span::styled(format!(" {e} "), theme.error),
        _ => Span::styled(
            " f follow/pause · / search n N · & filter +- context · e exception · s streams · t time · W wrap · w write ",
            theme.dim,
        ),
    };
    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(title);
    let inner = block.inner(body);
    let height = usize::from(inner.height).max(1);
    if v.ring.is_empty() {
        let text = match &v.mode {
            TailMode::Reading => format!("reading… ({})", v.looked),
            _ if v.streams.is_empty() => format!("no log stream yet: {}", v.looked),
            _ => "no lines yet (the run may not have written anything)".to_string(),
        };
        frame.render_widget(Paragraph::new(text).style(theme.dim).block(block).wrap(Wrap { trim: false }), body);
        return;
    }
    let mut first = v.first_row(rows.len(), height);
    if v.wrap && v.follow {
        // Wrapped lines take several rows: start early enough that the newest one shows.
        let width = usize::from(inner.width).max(1);
        let mut used = 0;
        first = rows.len();
        while first > 0 {
            let h = match rows[first - 1] {
                Row::Line(i) => v.ring.get(i).map(|l| l.text.chars().count() / width + 1).unwrap_or(1),
                Row::Gap => 1,
            };
            if used + h > height {
                break;
            }
            used += h;
            first -= 1;
        }
    }
    let lines: Vec<Line<'_>> = rows
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(pos, r)| match r {
            Row::Line(i) => match v.ring.get(*i) {
                Some(l) => line_spans(v, l, v.cursor == Some(pos), theme),
                None => Line::from(""),
            },
            Row::Gap => Line::from(Span::styled("  ···", theme.dim)),
        })
        .collect();
    let mut p = Paragraph::new(lines).block(block);
    if v.wrap {
        p = p.wrap(Wrap { trim: false });
    }
    frame.render_widget(p, body);
    if let Some(sel) = v.picker {
        picker(frame, body, state, v, sel, theme);
    }
}

fn picker(frame: &mut Frame<'_>, area: Rect, _state: &AppState, v: &LogViewPane, sel: usize, theme: &Theme) {
    let picks = v.picks();
    let items: Vec<ListItem<'_>> = picks
        .iter()
        .map(|p| {
            let text = match p {
                crate::state::logs::StreamPick::One(s) => format!("  {}  ({s})", stream_label(s, &v.plan.run_id)),
                other => other.label(),
            };
            ListItem::new(text)
        })
        .collect();
    let width = area.width.saturating_sub(8).min(110);
    let height = (picks.len() as u16 + 2).min(area.height.saturating_sub(2));
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + 1, width, height };
    let list = List::new(items)
        .block(Block::default().borders(Borders::ALL).border_style(theme.border).title(" streams (enter picks) "))
        .highlight_style(theme.selected);
    let mut ls = ListState::default();
    ls.select(Some(sel));
    frame.render_widget(Clear, rect);
    frame.render_stateful_widget(list, rect, &mut ls);
}
