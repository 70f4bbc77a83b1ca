//! Pure render functions of `AppState`: layout, panes, widgets. No I/O, no state changes.

mod panes;
pub mod theme;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::state::{AppState, MIN_HEIGHT, MIN_WIDTH, Mode, Pane, View};
use theme::Theme;

/// Draw the whole screen.
pub fn render(frame: &mut Frame<'_>, state: &AppState) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    let theme = Theme::of(state.settings.config.theme);
    let error_rows = u16::from(state.shows_error_line());
    let [top, body, error, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(error_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    widgets::bars::top(frame, top, state, &theme);
    match (state.root, state.stack.last()) {
        (Pane::Jobs, None) => panes::jobs::render(frame, body, state, &theme),
        (Pane::Workflows, None) => panes::workflows::render(frame, body, state, &theme),
        (Pane::Crawlers, None) => panes::crawlers::render(frame, body, state, &theme),
        (Pane::Apps, None) => panes::emr::render_apps(frame, body, state, &theme),
        (Pane::Emr, None) => panes::emr::render_runs(frame, body, state, &theme),
        (Pane::Dq, None) => panes::quality::render(frame, body, state, &theme),
        (Pane::Cost, None) => panes::cost::render(frame, body, state, &theme),
        (_, Some(View::Logs(l))) => panes::logs::render(frame, body, state, l, &theme),
        (_, Some(View::DqDetail(d))) => panes::quality::render_detail(frame, body, state, d, &theme),
        (_, Some(View::EmrDetail(d))) => panes::emr::render_detail(frame, body, state, d, &theme),
        (_, Some(View::EventLog(e))) => panes::eventlog::render(frame, body, state, e, &theme),
        (_, Some(View::Runs(r))) => panes::runs::render(frame, body, state, r, &theme),
        (_, Some(View::Detail(d))) => panes::detail::render(frame, body, state, d, &theme),
        (_, Some(View::WorkflowRuns(w))) => panes::workflows::render_runs(frame, body, state, w, &theme),
        (_, Some(View::Graph(g))) => panes::graph::render(frame, body, state, g, &theme),
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
