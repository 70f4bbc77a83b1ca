//! Draw a pane's declared columns (`state::columns`): only the columns its width shows,
//! only the rows in view.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use super::table;
use crate::state::columns::{Column, Text, Tone, Width, shown};
use crate::state::cursor::Cursor;
use crate::ui::theme::Theme;

/// The style of a tone.
pub fn style(theme: &Theme, tone: Tone) -> Style {
    match tone {
        Tone::Plain => Style::default(),
        Tone::Dim => theme.dim,
        Tone::Warn => theme.warn,
        Tone::Error => theme.error,
        Tone::Run(s) => theme.state(s),
        Tone::Spark => theme.spark,
        Tone::Palette(i) => theme.palette(i),
    }
}

fn cell<'a>(t: Text<'a>, theme: &Theme) -> Cell<'a> {
    match t.tone {
        Tone::Plain => Cell::from(t.text),
        tone => Cell::from(Span::styled(t.text, style(theme, tone))),
    }
}

/// A column table: `rows(window)` gives the rows of the list positions in view.
pub struct ColumnTable<'a, R, C: ?Sized> {
    pub title: Line<'a>,
    pub columns: &'a [Column<R, C>],
    pub ctx: &'a C,
    pub cursor: &'a Cursor,
    /// Rows in the whole list (not just in view).
    pub len: usize,
}

impl<R, C: ?Sized> ColumnTable<'_, R, C> {
    /// Draw; `row(i)` is the row at list position `i` (asked only for those in view).
    pub fn draw<'r>(self, frame: &mut Frame<'_>, area: Rect, theme: &Theme, row: impl Fn(usize) -> Option<&'r R>)
    where
        R: 'r,
    {
        let cols: Vec<&Column<R, C>> = shown(self.columns, area.width, self.ctx).collect();
        let rows: Vec<Row<'_>> = table::window(self.cursor, self.len, area)
            .filter_map(&row)
            .map(|r| Row::new(cols.iter().map(|c| cell((c.cell)(r, self.ctx), theme))))
            .collect();
        let widths = widths(&cols, self.ctx);
        let spec = table::Spec { title: self.title, columns: &widths, cursor: self.cursor, len: self.len };
        table::draw(frame, area, spec, rows, theme);
    }
}

/// Header and constraint of each column, for `ctx`.
fn widths<R, C: ?Sized>(cols: &[&Column<R, C>], ctx: &C) -> Vec<(&'static str, Constraint)> {
    cols.iter()
        .map(|c| {
            let w = match c.width_in(ctx) {
                Width::Len(n) | Width::Sized(n) => Constraint::Length(n),
                Width::Fill(n) => Constraint::Fill(n),
                Width::Hidden => Constraint::Fill(1),
            };
            (c.header, w)
        })
        .collect()
}

/// A table without a cursor (a report under a pane): the first rows that fit, nothing selected.
pub fn draw_report<'r, R: 'r, C: ?Sized>(
    frame: &mut Frame<'_>,
    area: Rect,
    title: Line<'_>,
    (columns, ctx): (&[Column<R, C>], &C),
    rows: impl Iterator<Item = &'r R>,
    theme: &Theme,
) {
    let cols: Vec<&Column<R, C>> = shown(columns, area.width, ctx).collect();
    let rows: Vec<Row<'_>> = rows
        .take(usize::from(area.height.saturating_sub(3)))
        .map(|r| Row::new(cols.iter().map(|c| cell((c.cell)(r, ctx), theme))))
        .collect();
    let widths = widths(&cols, ctx);
    let table = Table::new(rows, widths.iter().map(|(_, w)| *w))
        .header(Row::new(widths.iter().map(|(h, _)| *h)).style(theme.header))
        .block(Block::default().borders(Borders::ALL).border_style(theme.border).title(title));
    frame.render_widget(table, area);
}
