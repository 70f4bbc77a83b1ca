//! Run history of one job: a sparkline of durations above the runs table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Sparkline};

use super::{dpu, when};
use crate::duration::short;
use crate::model::JobRun;
use crate::state::{AppState, RunsPane, SPARK_HEIGHT};
use crate::ui::theme::Theme;
use crate::ui::widgets::table;

/// `jr_0123456789ab…_attempt_1`: enough to tell runs apart in a table.
fn short_id(id: &str, width: usize) -> String {
    if id.chars().count() <= width {
        return id.to_string();
    }
    let suffix = id.find("_attempt_").map(|i| &id[i..]).unwrap_or("");
    let keep = width.saturating_sub(suffix.len() + 1).max(4);
    format!("{}…{suffix}", id.chars().take(keep).collect::<String>())
}

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &RunsPane, theme: &Theme) {
    let [spark_area, table_area] = Layout::vertical([Constraint::Length(SPARK_HEIGHT), Constraint::Min(3)]).areas(area);
    let inner_w = usize::from(spark_area.width.saturating_sub(2));
    let data = &pane.durations[pane.durations.len().saturating_sub(inner_w)..];
    let max = data.iter().copied().max().unwrap_or(0);
    let spark_title = Line::from(vec![
        Span::styled(" durations ", theme.title),
        Span::styled(format!("last {} runs, oldest left, max {} ", data.len(), short(max as i64)), theme.dim),
    ]);
    frame.render_widget(
        Sparkline::default()
            .block(Block::default().borders(Borders::ALL).border_style(theme.border).title(spark_title))
            .data(data)
            .style(theme.spark),
        spark_area,
    );
    let runs: &[JobRun] = pane.entry(&state.data).map(|e| e.runs.as_slice()).unwrap_or(&[]);
    let wide = table_area.width >= 100;
    let title = Line::from(vec![
        Span::styled(format!(" runs of {} ", pane.job), theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), runs.len()), theme.dim),
    ]);
    let in_view = table::window(&pane.cursor, pane.visible.len(), table_area);
    let id_w: u16 = if wide { 28 } else { 16 };
    let prices = crate::cost::estimate::Prices::from_config(&state.settings.config.cost);
    let rows: Vec<Row<'_>> = pane.visible[in_view]
        .iter()
        .filter_map(|&i| runs.get(i))
        .map(|r| {
            let s = r.state();
            let mark = if pane.marked.contains(&r.id) { "*" } else { " " };
            let mut cells = vec![
                Cell::from(Span::styled(mark, theme.warn)),
                Cell::from(short_id(&r.id, usize::from(id_w))),
                Cell::from(Span::styled(s.as_str(), theme.state(s))),
                Cell::from(r.attempt.to_string()),
                Cell::from(when(r.started_on)),
                Cell::from(r.duration_s(state.now).map(short).unwrap_or_else(|| "-".into())),
            ];
            let dq = super::dq_mark(state, r);
            cells.push(Cell::from(Span::styled(dq.mark, if dq.bad { theme.error } else { theme.dim })));
            if wide {
                cells.push(Cell::from(dpu(r)));
                cells.push(Cell::from(crate::cost::estimate::label(crate::cost::estimate::glue_run(r, &prices))));
                cells.push(Cell::from(r.trigger_name.as_deref().unwrap_or("-")));
            }
            let error = r.error_first_line().map(str::to_string).unwrap_or(dq.note);
            cells.push(Cell::from(Span::styled(error, theme.warn)));
            Row::new(cells)
        })
        .collect();
    let mut columns = vec![
        ("", Constraint::Length(1)),
        ("RUN ID", Constraint::Length(id_w)),
        ("STATE", Constraint::Length(9)),
        ("ATT", Constraint::Length(3)),
        ("STARTED", Constraint::Length(11)),
        ("DURATION", Constraint::Length(8)),
        ("DQ", Constraint::Length(4)),
    ];
    if wide {
        columns.extend([
            ("DPU-H", Constraint::Length(6)),
            ("EST.$", Constraint::Length(7)),
            ("TRIGGER", Constraint::Length(18)),
        ]);
    }
    columns.push(("ERROR", Constraint::Fill(1)));
    let spec = table::Spec { title, columns: &columns, cursor: &pane.cursor, len: pane.visible.len() };
    table::draw(frame, table_area, spec, rows, theme);
}

#[cfg(test)]
mod tests {
    use super::short_id;

    #[test]
    fn ids_keep_their_attempt_suffix() {
        let id = format!("jr_{}_attempt_1", "a".repeat(64));
        let s = short_id(&id, 28);
        assert!(s.ends_with("_attempt_1") && s.starts_with("jr_aaa"), "{s}");
        assert_eq!(s.chars().count(), 28);
        assert_eq!(short_id("jr_1", 28), "jr_1");
    }
}
