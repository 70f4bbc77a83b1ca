//! `:ctx`: every context watched, with its account, Region, identity, health, credential
//! expiry, calls and throttles.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::state::AppState;
use crate::ui::theme::Theme;
use crate::ui::widgets::columns::ColumnTable;

pub fn render(frame: &mut Frame<'_>, area: Rect, state: &AppState, theme: &Theme) {
    let pane = &state.ctx_pane;
    let narrowed = match state.narrow {
        Some(n) => format!("showing {} only · esc or :ctx all shows every context ", state.ctx(n).name),
        None => "enter narrows every pane to one ".into(),
    };
    let title = Line::from(vec![
        Span::styled(" Contexts ", theme.title),
        Span::styled(format!("[{}] ", state.contexts.len()), theme.dim),
        Span::styled(narrowed, theme.dim),
    ]);
    let table = ColumnTable {
        title,
        columns: crate::state::ctx_columns::COLUMNS,
        ctx: state,
        cursor: &pane.cursor,
        len: pane.visible.len(),
    };
    table.draw(frame, area, theme, |i| pane.visible.get(i).and_then(|&i| state.contexts.get(i)));
}
