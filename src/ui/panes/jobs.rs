//! The Glue jobs table: one row per job, its last run in colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

use super::{dpu, when};
use crate::duration::short;
use crate::state::AppState;
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.jobs;
    let wide = area.width >= 100;
    let medium = area.width >= 70;
    let title = Line::from(vec![
        Span::styled(" Glue jobs ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), state.data.jobs.len()), theme.dim),
    ]);
    let block = Block::default().borders(Borders::ALL).border_style(theme.border).title(title);
    let rows_fit = usize::from(area.height.saturating_sub(3));
    let start = pane.cursor.offset.min(pane.visible.len());
    let end = (start + rows_fit).min(pane.visible.len());
    let rows: Vec<Row<'_>> = pane.visible[start..end]
        .iter()
        .map(|&i| {
            let j = &state.data.jobs[i];
            let last = j.last_run();
            let st = last.map(|r| r.state());
            let mut cells = vec![Cell::from(j.job.name.as_str())];
            if medium {
                cells.push(Cell::from(j.stream.as_deref().unwrap_or("-")));
            }
            cells.push(match st {
                Some(s) => Cell::from(Span::styled(s.as_str(), theme.state(s))),
                None => Cell::from(Span::styled("no runs", theme.dim)),
            });
            if medium {
                cells.push(Cell::from(when(last.and_then(|r| r.started_on))));
            }
            cells.push(Cell::from(last.and_then(|r| r.duration_s(state.now)).map(short).unwrap_or_else(|| "-".into())));
            if wide {
                cells.push(Cell::from(last.map(dpu).unwrap_or_else(|| "-".into())));
                cells.push(Cell::from(last.map(|r| r.attempt.to_string()).unwrap_or_else(|| "-".into())));
            }
            cells.push(Cell::from(Span::styled(last.and_then(|r| r.error_first_line()).unwrap_or(""), theme.warn)));
            Row::new(cells)
        })
        .collect();
    let mut header = vec!["NAME"];
    let mut widths = vec![Constraint::Length(26)];
    if medium {
        header.push("STREAM");
        widths.push(Constraint::Length(10));
    }
    header.push("STATE");
    widths.push(Constraint::Length(9));
    if medium {
        header.push("STARTED");
        widths.push(Constraint::Length(11));
    }
    header.push("DURATION");
    widths.push(Constraint::Length(8));
    if wide {
        header.extend(["DPU-H", "ATT"]);
        widths.extend([Constraint::Length(6), Constraint::Length(3)]);
    }
    header.push("ERROR");
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.header))
        .block(block)
        .row_highlight_style(theme.selected);
    let mut ts = TableState::default();
    if !pane.visible.is_empty() {
        ts.select(Some(pane.cursor.selected.saturating_sub(start)));
    }
    frame.render_stateful_widget(table, area, &mut ts);
    if state.data.jobs.is_empty() {
        crate::ui::widgets::bars::empty_note(frame, area, state, theme);
    }
}
