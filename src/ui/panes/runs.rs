//! Run history of one job: a sparkline of durations above the runs table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Sparkline};

use crate::duration::short;
use crate::model::JobRun;
use crate::state::run_columns::COLUMNS;
use crate::state::{AppState, RunsPane, SPARK_HEIGHT};
use crate::ui::theme::Theme;
use crate::ui::widgets::columns::ColumnTable;

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
    let title = Line::from(vec![
        Span::styled(format!(" runs of {} ", pane.job), theme.title),
        Span::styled(format!("[{}/{}] ", pane.visible.len(), runs.len()), theme.dim),
    ]);
    let table = ColumnTable { title, columns: COLUMNS, ctx: state, cursor: &pane.cursor, len: pane.visible.len() };
    table.draw(frame, table_area, theme, |i| pane.visible.get(i).and_then(|&i| runs.get(i)));
}
