//! `:inbox`: one row per problem resource, open critical first, with its root cause in words.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::state::AppState;
use crate::ui::theme::Theme;
use crate::ui::widgets::bars;
use crate::ui::widgets::columns::ColumnTable;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.inbox_pane;
    let items = &state.inbox.items;
    let open = items.iter().filter(|i| i.is_open()).count();
    let critical =
        items.iter().filter(|i| i.is_open() && i.severity == crate::triage::inbox::Severity::Critical).count();
    let mut spans = vec![
        Span::styled(" Inbox ", theme.title),
        Span::styled(format!("{open} open"), if critical > 0 { theme.error } else { theme.dim }),
        Span::styled(format!(" ({critical} critical) · {} in all", items.len()), theme.dim),
    ];
    if state.inbox.muted > 0 {
        spans.push(Span::styled(format!(" · {} muted", state.inbox.muted), theme.dim));
    }
    spans.push(Span::styled(" · enter opens · a ack · m mute · c what changed ", theme.dim));
    let table = ColumnTable {
        title: Line::from(spans),
        columns: crate::state::inbox_columns::COLUMNS,
        ctx: state,
        cursor: &pane.cursor,
        len: pane.visible.len(),
    };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| items.get(i)));
    if items.is_empty() {
        if state.source_status().last_ok.is_some() {
            let y = area.y + area.height / 2;
            let rect = Rect { x: area.x + 2, y, width: area.width.saturating_sub(4), height: 1 };
            let text = "nothing is broken: no failed run, workflow, rule, crawl or unreadable source in the window";
            frame.render_widget(Paragraph::new(text).alignment(Alignment::Center), rect);
        } else {
            bars::empty_note(frame, area, state, theme);
        }
    }
}
