//! Glue workflows with their last run, and one workflow's run history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::model::WorkflowRun;
use crate::state::AppState;
use crate::state::catalog::WorkflowRunsPane;
pub use crate::state::wf_columns::status_text;
use crate::state::wf_columns::{COLUMNS, RUN_COLUMNS, status_tone};
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::{ColumnTable, style};

pub fn status_style(theme: &Theme, run: &WorkflowRun) -> Style {
    style(theme, status_tone(run))
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.wf_pane;
    let title = Line::from(vec![
        Span::styled(" Glue workflows ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), state.workflows.len()), theme.dim),
    ]);
    let table = ColumnTable { title, columns: COLUMNS, ctx: state, cursor: &pane.cursor, len: pane.visible.len() };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| state.workflows.get(i)));
    if state.workflows.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}

pub fn render_runs(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &WorkflowRunsPane, theme: &Theme) {
    let title = Line::from(vec![
        Span::styled(format!(" runs of workflow {} ", pane.workflow), theme.title),
        Span::styled(format!("[{}] ", pane.len()), theme.dim),
    ]);
    let runs: &[WorkflowRun] = match &pane.runs {
        Some(Ok(r)) => r,
        _ => &[],
    };
    let table = ColumnTable { title, columns: RUN_COLUMNS, ctx: state, cursor: &pane.cursor, len: runs.len() };
    table.draw(frame, area, theme, |i| runs.get(i));
    let note = match &pane.runs {
        None => Some(("loading GetWorkflowRuns…".to_string(), Style::default())),
        Some(Err(e)) => Some((e.clone(), theme.error)),
        Some(Ok(r)) if r.is_empty() => Some(("this workflow has no runs".to_string(), Style::default())),
        _ => None,
    };
    if let Some((text, style)) = note {
        let rect = Rect { x: area.x + 2, y: area.y + area.height / 2, width: area.width.saturating_sub(4), height: 1 };
        frame.render_widget(ratatui::widgets::Paragraph::new(text).style(style), rect);
    }
}
