//! Glue crawlers: state, last crawl, tables changed, and how fresh the catalog is.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::duration::short;
use crate::state::AppState;
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::ColumnTable;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.cr_pane;
    let stale_after = state.settings.config.crawlers.stale_after.0.as_secs() as i64;
    let title = Line::from(vec![
        Span::styled(" Glue crawlers ", theme.title),
        Span::styled(
            format!("[{}/{}] stale after {} ", pane.visible.len(), state.crawlers.len(), short(stale_after)),
            theme.dim,
        ),
    ]);
    let table = ColumnTable {
        title,
        columns: crate::state::crawler_columns::COLUMNS,
        ctx: state,
        cursor: &pane.cursor,
        len: pane.visible.len(),
    };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| state.crawlers.get(i)));
    if state.crawlers.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}
