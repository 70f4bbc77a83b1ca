//! Glue crawlers: state, last crawl, tables changed, and how fresh the catalog is.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::when;
use crate::duration::short;
use crate::model::RunState;
use crate::state::AppState;
use crate::ui::theme::Theme;
use crate::ui::widgets::{bars, table};

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
    let wide = area.width >= 100;
    let rows: Vec<Row<'_>> = pane.visible[table::window(&pane.cursor, pane.visible.len(), area)]
        .iter()
        .filter_map(|&i| state.crawlers.get(i))
        .map(|c| {
            let last = c.last_crawl.as_ref();
            let status = last.map(|l| l.status.as_str()).unwrap_or("never");
            let status_style = match status {
                "SUCCEEDED" => theme.state(RunState::Succeeded),
                "FAILED" => theme.state(RunState::Failed),
                "CANCELLED" => theme.state(RunState::Stopped),
                _ => theme.dim,
            };
            let state_style =
                if c.state == "RUNNING" { theme.state(RunState::Running) } else { ratatui::style::Style::default() };
            let fresh = c.freshness_s(state.now);
            let (fresh_text, fresh_style) = match fresh {
                Some(s) if s > stale_after => (format!("{} STALE", short(s)), theme.error),
                Some(s) => (short(s), ratatui::style::Style::default()),
                None => ("unknown".to_string(), theme.error),
            };
            let m = c.metrics.unwrap_or_default();
            let mut cells = vec![
                Cell::from(c.name.as_str()),
                Cell::from(Span::styled(c.state.as_str(), state_style)),
                Cell::from(Span::styled(status, status_style)),
                Cell::from(when(last.and_then(|l| l.started_on))),
                Cell::from(c.metrics.map(|m| short(m.last_runtime_s as i64)).unwrap_or_else(|| "-".into())),
                Cell::from(Span::styled(fresh_text, fresh_style)),
            ];
            if wide {
                cells.push(Cell::from(format!("+{} ~{} -{}", m.tables_created, m.tables_updated, m.tables_deleted)));
                cells.push(Cell::from(c.schedule.as_deref().unwrap_or("-")));
            }
            cells.push(Cell::from(Span::styled(
                last.and_then(|l| l.error_message.as_deref()).unwrap_or(""),
                theme.warn,
            )));
            Row::new(cells)
        })
        .collect();
    let mut columns = vec![
        ("NAME", Constraint::Length(24)),
        ("STATE", Constraint::Length(8)),
        ("LAST CRAWL", Constraint::Length(10)),
        ("STARTED", Constraint::Length(11)),
        ("TOOK", Constraint::Length(6)),
        ("FRESHNESS", Constraint::Length(12)),
    ];
    if wide {
        columns.extend([("TABLES", Constraint::Length(11)), ("SCHEDULE", Constraint::Length(18))]);
    }
    columns.push(("ERROR", Constraint::Fill(1)));
    let spec = table::Spec { title, columns: &columns, cursor: &pane.cursor, len: pane.visible.len() };
    table::draw(frame, area, spec, rows, theme);
    if state.crawlers.is_empty() {
        bars::empty_note(frame, area, state, theme);
    }
}
