//! Glue workflows with their last run, and one workflow's run history.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::when;
use crate::duration::short;
use crate::model::WorkflowRun;
use crate::state::AppState;
use crate::state::catalog::WorkflowRunsPane;
pub use crate::state::wf_columns::status_text;
use crate::state::wf_columns::{COLUMNS, status_tone};
use crate::ui::theme::Theme;
use crate::ui::widgets::columns::{ColumnTable, style};
use crate::ui::widgets::{bars, table};

pub fn status_style(theme: &Theme, run: &WorkflowRun) -> Style {
    style(theme, status_tone(run))
}

fn stat_cells<'a>(run: Option<&WorkflowRun>) -> Vec<Cell<'a>> {
    let s = run.map(|r| r.statistics).unwrap_or_default();
    [s.total, s.succeeded, s.failed, s.running, s.stopped, s.timeout, s.errored, s.waiting]
        .into_iter()
        .map(|n| Cell::from(if run.is_some() { n.to_string() } else { "-".into() }))
        .collect()
}

const STAT_COLUMNS: [(&str, Constraint); 8] = [
    ("TOT", Constraint::Length(3)),
    ("OK", Constraint::Length(3)),
    ("FAIL", Constraint::Length(4)),
    ("RUN", Constraint::Length(3)),
    ("STOP", Constraint::Length(4)),
    ("T/O", Constraint::Length(3)),
    ("ERR", Constraint::Length(3)),
    ("WAIT", Constraint::Length(4)),
];

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
    let wide = area.width >= 100;
    let rows: Vec<Row<'_>> = runs[table::window(&pane.cursor, runs.len(), area)]
        .iter()
        .map(|r| {
            let mut cells = vec![
                Cell::from(r.id.as_str()),
                Cell::from(Span::styled(status_text(r), status_style(theme, r))),
                Cell::from(when(r.started_on)),
                Cell::from(r.duration_s(state.now).map(short).unwrap_or_else(|| "-".into())),
            ];
            if wide {
                cells.extend(stat_cells(Some(r)));
            }
            cells.push(Cell::from(Span::styled(r.error_message.as_deref().unwrap_or(""), theme.warn)));
            Row::new(cells)
        })
        .collect();
    let mut columns = vec![
        ("RUN ID", Constraint::Length(if wide { 36 } else { 20 })),
        ("STATUS", Constraint::Length(20)),
        ("STARTED", Constraint::Length(11)),
        ("DURATION", Constraint::Length(8)),
    ];
    if wide {
        columns.extend(STAT_COLUMNS);
    }
    columns.push(("ERROR", Constraint::Fill(1)));
    let spec = table::Spec { title, columns: &columns, cursor: &pane.cursor, len: runs.len() };
    table::draw(frame, area, spec, rows, theme);
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
