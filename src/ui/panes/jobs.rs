//! The Glue jobs table: one row per job, its last run in colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::state::AppState;
use crate::state::job_columns::COLUMNS;
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::ColumnTable;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.jobs;
    let mut title = Line::from(vec![
        Span::styled(" Glue jobs ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), state.data.jobs.len()), theme.dim),
    ]);
    if let Some(l) = state.glue_loading().filter(|l| l.total > 0) {
        title.push_span(Span::styled(format!("{} ", l.note()), theme.warn));
    }
    let table = ColumnTable { title, columns: COLUMNS, ctx: state, cursor: &pane.cursor, len: pane.visible.len() };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| state.data.jobs.get(i)));
    if state.data.jobs.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}
