//! `:streams`: one row per data stream; `Enter`: its pipeline left to right, then every
//! resource of it with its state and time.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::state::AppState;
use crate::state::pipeline::{PIPELINE_HEIGHT, STEP_COLUMNS, StreamView};
use crate::streams::Status;
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::{ColumnTable, style};

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.streams_pane;
    let rows = &state.streams.rows;
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    let title = Line::from(vec![
        Span::styled(" Streams ", theme.title),
        Span::styled(
            format!(
                "[{}/{}] {} failed · {} late · {} no data · enter opens the pipeline · ? status rules ",
                pane.visible.len(),
                rows.len(),
                count(Status::Failed),
                count(Status::Late),
                count(Status::NoData)
            ),
            theme.dim,
        ),
    ]);
    let table = ColumnTable {
        title,
        columns: crate::state::stream_columns::COLUMNS,
        ctx: state,
        cursor: &pane.cursor,
        len: pane.visible.len(),
    };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| rows.get(i)));
    if rows.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

/// The pipeline of one stream.
pub fn render_pipeline(frame: &mut Frame<'_>, area: Rect, state: &AppState, v: &StreamView, theme: &Theme) {
    let [top, body] = Layout::vertical([Constraint::Length(PIPELINE_HEIGHT), Constraint::Min(1)]).areas(area);
    let steps = v.steps(state);
    let stream = v.stream(state);
    let status = stream.map(|s| s.status);
    let mut head = vec![Span::styled(format!(" {} ", v.name), theme.title)];
    if let Some(s) = stream {
        head.push(Span::styled(s.status.as_str(), style(theme, crate::state::stream_columns::status_tone(s.status))));
        head.push(Span::styled(format!(" · {} · {} open ", s.freshness.text(s.sla), s.open_items), theme.dim));
    }
    let mut names = Vec::new();
    let mut states = Vec::new();
    let cell = (top.width.saturating_sub(2) / 5).max(8) as usize;
    for (i, (stage, worst)) in StreamView::stages(&steps).into_iter().enumerate() {
        let arrow = if i == 0 { "" } else { "→ " };
        names.push(Span::styled(format!("{:<cell$}", format!("{arrow}{stage}")), theme.header));
        let (text, tone) = match worst {
            Some(s) => {
                let at = s.when.map(|t| t.format(" %H:%M").to_string()).unwrap_or_default();
                (format!("{}{at}", s.state), s.tone)
            }
            None => ("-".to_string(), crate::state::columns::Tone::Dim),
        };
        let text: String = text.chars().take(cell.saturating_sub(1)).collect();
        states.push(Span::styled(format!("{text:<cell$}"), style(theme, tone)));
    }
    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(Line::from(head));
    frame.render_widget(Paragraph::new(vec![Line::from(names), Line::from(states)]).block(block), top);
    let title = Line::from(Span::styled(
        format!(" steps of {} · enter goes to the step's pane · esc back ", v.name),
        theme.dim,
    ));
    let table = ColumnTable { title, columns: STEP_COLUMNS, ctx: state, cursor: &v.cursor, len: steps.len() };
    table.draw(frame, body, theme, |i| steps.get(i));
    if status.is_none() {
        frame.render_widget(Paragraph::new("this stream is gone from the data"), body);
    }
}
