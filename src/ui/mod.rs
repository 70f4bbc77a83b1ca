//! Pure render functions of `AppState`: layout, panes, widgets. No I/O, no state changes.

mod panes;
pub mod theme;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::state::{Active, AppState, MIN_HEIGHT, MIN_WIDTH, Mode};
use theme::Theme;

/// Draw the whole screen.
pub fn render(frame: &mut Frame<'_>, state: &AppState) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let theme = Theme::for_state(state);
    let error_rows = state.error_rows();
    let [top, body, error, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(error_rows),
        Constraint::Length(state.bottom_rows()),
    ])
    .areas(area);
    widgets::bars::top(frame, top, state, &theme);
    match state.active() {
        Active::Pane(pane) => panes::render_root(frame, body, state, pane, &theme),
        Active::View(view) => panes::render_view(frame, body, state, view, &theme),
    }
    if error_rows > 0 {
        widgets::bars::error(frame, error, state, &theme);
    }
    widgets::bars::bottom(frame, bottom, state, &theme);
    widgets::overlay::render(frame, body, state, &theme);
    if let Mode::Help { scroll } = state.mode {
        widgets::help::render(frame, body, state, scroll, &theme);
    }
}

fn too_small(frame: &mut Frame<'_>, area: Rect) {
    let text = vec![
        Line::from("terminal too small"),
        Line::from(format!("{}x{}, need {MIN_WIDTH}x{MIN_HEIGHT}", area.width, area.height)),
    ];
    let y = area.height.saturating_sub(2) / 2;
    let rect = Rect { x: area.x, y: area.y + y, width: area.width, height: area.height.saturating_sub(y).min(2) };
    frame.render_widget(Paragraph::new(text).alignment(Alignment::Center), rect);
}
