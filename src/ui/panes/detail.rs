//! Every field of one run, secrets masked, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::state::detail::fields_in;
use crate::state::{AppState, DetailPane};
use crate::ui::theme::Theme;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: &DetailPane, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(Span::styled(format!(" run {} ", pane.run_id), theme.title));
    let Some(run) = pane.run(&state.data) else {
        let msg = Paragraph::new(format!("run {} of {} is no longer in the loaded history", pane.run_id, pane.job))
            .style(theme.warn)
            .block(block);
        frame.render_widget(msg, area);
        return;
    };
    let lines: Vec<Line<'_>> = fields_in(state, run)
        .into_iter()
        .skip(pane.scroll)
        .map(|(label, value)| {
            let style = match label.as_str() {
                "State" => theme.state(run.state()),
                "Error" if value != "-" => theme.error,
                "Data quality" if !value.starts_with("PASSED") => theme.error,
                "" if value.starts_with("  FAIL") || value.starts_with("  ERROR") => theme.warn,
                _ => ratatui::style::Style::default(),
            };
            Line::from(vec![Span::styled(format!("{label:<16}"), theme.header), Span::styled(value, style)])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
}
