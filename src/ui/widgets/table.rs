//! A bordered table that builds rows only for what is in view: a pane with 100,000 rows
//! costs what one with 30 does.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Row, Table, TableState};

use crate::state::cursor::Cursor;
use crate::ui::theme::Theme;

/// The rows of a `len`-row list that fit in `area` (borders and header take 3 lines).
pub fn window(cursor: &Cursor, len: usize, area: Rect) -> Range<usize> {
    let fit = usize::from(area.height.saturating_sub(3));
    let start = cursor.offset.min(len);
    start..(start + fit).min(len)
}

/// What a windowed table shows around its rows.
pub struct Spec<'a> {
    pub title: Line<'a>,
    /// Header and width of each column.
    pub columns: &'a [(&'static str, Constraint)],
    pub cursor: &'a Cursor,
    /// Rows in the whole list (not just in view).
    pub len: usize,
}

/// Draw `rows`, built for `window(spec.cursor, spec.len, area)` only.
pub fn draw(frame: &mut Frame<'_>, area: Rect, spec: Spec<'_>, rows: Vec<Row<'_>>, theme: &Theme) {
    let start = window(spec.cursor, spec.len, area).start;
    let table = Table::new(rows, spec.columns.iter().map(|(_, w)| *w))
        .header(Row::new(spec.columns.iter().map(|(h, _)| *h)).style(theme.header))
        .block(Block::default().borders(Borders::ALL).border_style(theme.border).title(spec.title))
        .row_highlight_style(theme.selected);
    let mut ts = TableState::default();
    if spec.len > 0 {
        ts.select(Some(spec.cursor.selected.saturating_sub(start)));
    }
    frame.render_stateful_widget(table, area, &mut ts);
}
