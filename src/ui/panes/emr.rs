//! EMR Serverless: applications, job runs (all or one application), and a run's detail.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::model::EmrState;
use crate::state::AppState;
use crate::state::emr::EmrDetailPane;
use crate::state::emr_columns::{APP_COLUMNS, RUN_COLUMNS, run_tone};
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::{ColumnTable, style};

pub fn state_style(theme: &Theme, s: EmrState) -> Style {
    style(theme, run_tone(s))
}

pub fn render_apps(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.apps_pane;
    let title = Line::from(vec![
        Span::styled(" EMR Serverless applications ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), state.emr.apps.len()), theme.dim),
    ]);
    let table = ColumnTable { title, columns: APP_COLUMNS, ctx: state, cursor: &pane.cursor, len: pane.visible.len() };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| state.emr.apps.get(i)));
    if state.emr.apps.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

pub fn render_runs(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.emr_pane;
    let scope = match &state.emr_app {
        Some(id) => format!("of {}", state.emr.app(id).map(|a| a.name.as_str()).unwrap_or(id)),
        None => "of all applications".to_string(),
    };
    let title = Line::from(vec![
        Span::styled(format!(" EMR Serverless runs {scope} "), theme.title),
        Span::styled(format!("[{}] ", pane.visible.len()), theme.dim),
    ]);
    let table = ColumnTable { title, columns: RUN_COLUMNS, ctx: state, cursor: &pane.cursor, len: pane.visible.len() };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| state.emr.runs.get(i)));
    if state.emr.runs.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

pub fn render_detail(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &EmrDetailPane, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" EMR Serverless run {} ", pane.run_id), theme.title));
    let Some(run) = pane.run(&state.emr) else {
        let msg = Paragraph::new(format!("run {} is no longer in the loaded window", pane.run_id))
            .style(theme.warn)
            .block(block);
        frame.render_widget(msg, area);
        return;
    };
    let lines: Vec<Line<'_>> = crate::state::emr::detail_rows(state, run, pane.attempts.as_ref())
        .into_iter()
        .skip(pane.scroll)
        .map(|(label, value)| {
            let style = match label.as_str() {
                "State" => state_style(theme, run.state()),
                "State details" => theme.error,
                "Why waiting" => theme.warn,
                "Cause" | "Evidence" => theme.error,
                _ => Style::default(),
            };
            Line::from(vec![Span::styled(format!("{label:<15}"), theme.header), Span::styled(value, style)])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
