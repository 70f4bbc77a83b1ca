//! A failed run beside the last successful run of its job: changed fields first marked `≠`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::state::changes::ChangesPane;
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, pane: &ChangesPane, theme: &Theme) {
    use crate::state::changes::Spark;
    let spark = match &pane.spark {
        Spark::None => Span::styled("· no Spark event logs to compare ", theme.dim),
        Spark::Loading => Span::styled("· reading both Spark event logs… ", theme.dim),
        Spark::Loaded => Span::styled("· with their Spark event logs ", theme.dim),
        Spark::Failed(e) => Span::styled(format!("· event logs: {e} "), theme.warn),
    };
    let title = Line::from(vec![
        Span::styled(format!(" What changed · {} ", pane.what), theme.title),
        Span::styled(format!("{} of {} fields differ ", pane.changed(), pane.rows.len()), theme.dim),
        spark,
    ]);
    let header = Row::new(vec![
        Cell::from(""),
        Cell::from("FIELD"),
        Cell::from(format!("FAILED {}", pane.failed_id)),
        Cell::from(format!("LAST GOOD {}", pane.good_id)),
    ])
    .style(theme.header);
    let rows: Vec<Row<'_>> = pane
        .rows
        .iter()
        .skip(pane.scroll)
        .map(|r| {
            let (mark, style) = if r.changed() { ("≠", theme.warn) } else { (" ", theme.dim) };
            Row::new(vec![
                Cell::from(mark),
                Cell::from(r.field.as_str()),
                Cell::from(r.failed.as_str()),
                Cell::from(r.good.as_str()),
            ])
            .style(style)
        })
        .collect();
    let widths = [Constraint::Length(1), Constraint::Length(22), Constraint::Fill(1), Constraint::Fill(1)];
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::default().borders(Borders::ALL).border_style(theme.border).title(title));
    frame.render_widget(table, area);
}
