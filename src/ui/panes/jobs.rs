//! The Glue jobs table: one row per job, its last run in colour.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::{dpu, when};
use crate::duration::short;
use crate::state::AppState;
use crate::ui::theme::Theme;
use crate::ui::widgets::{bars, table};

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.jobs;
    let wide = area.width >= 100;
    let medium = area.width >= 70;
    let title = Line::from(vec![
        Span::styled(" Glue jobs ", theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), state.data.jobs.len()), theme.dim),
    ]);
    let in_view = table::window(&pane.cursor, pane.visible.len(), area);
    let rows: Vec<Row<'_>> = pane.visible[in_view]
        .iter()
        .map(|&i| {
            let j = &state.data.jobs[i];
            let last = j.last_run();
            let mut cells = vec![Cell::from(j.job.name.as_str())];
            if medium {
                cells.push(Cell::from(j.stream.as_deref().unwrap_or("-")));
            }
            cells.push(match last.map(|r| r.state()) {
                Some(s) => Cell::from(Span::styled(s.as_str(), theme.state(s))),
                None => Cell::from(Span::styled("no runs", theme.dim)),
            });
            let dq = last.map(|r| super::dq_mark(state, r)).unwrap_or_default();
            if wide {
                cells.push(Cell::from(Span::styled(dq.mark, if dq.bad { theme.error } else { theme.dim })));
            }
            if medium {
                cells.push(Cell::from(when(last.and_then(|r| r.started_on))));
            }
            cells.push(Cell::from(last.and_then(|r| r.duration_s(state.now)).map(short).unwrap_or_else(|| "-".into())));
            if wide {
                cells.push(Cell::from(last.map(dpu).unwrap_or_else(|| "-".into())));
                cells.push(Cell::from(last.map(|r| r.attempt.to_string()).unwrap_or_else(|| "-".into())));
            }
            let error = match last.and_then(|r| r.error_first_line()) {
                Some(e) => e.to_string(),
                None => dq.note,
            };
            cells.push(Cell::from(Span::styled(error, theme.warn)));
            Row::new(cells)
        })
        .collect();
    let mut columns = vec![("NAME", Constraint::Length(26))];
    if medium {
        columns.push(("STREAM", Constraint::Length(10)));
    }
    columns.push(("STATE", Constraint::Length(9)));
    if wide {
        columns.push(("DQ", Constraint::Length(4)));
    }
    if medium {
        columns.push(("STARTED", Constraint::Length(11)));
    }
    columns.push(("DURATION", Constraint::Length(8)));
    if wide {
        columns.extend([("DPU-H", Constraint::Length(6)), ("ATT", Constraint::Length(3))]);
    }
    columns.push(("ERROR", Constraint::Fill(1)));
    let spec = table::Spec { title, columns: &columns, cursor: &pane.cursor, len: pane.visible.len() };
    table::draw(frame, area, spec, rows, theme);
    if state.data.jobs.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}
