//! One module per pane, and the one place each pane and view is mapped to its drawing.

pub mod changes;
pub mod contexts;
pub mod cost;
pub mod crawlers;
pub mod detail;
pub mod emr;
pub mod eventlog;
pub mod graph;
pub mod inbox;
pub mod jobs;
pub mod logs;
pub mod quality;
pub mod runs;
pub mod streams;
pub mod workflows;

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::state::{AppState, Pane, View};
use crate::ui::theme::Theme;

/// Draw a root pane: the one place a pane is mapped to its drawing.
pub fn render_root(frame: &mut Frame<'_>, area: Rect, state: &AppState, pane: Pane, theme: &Theme) {
    match pane {
        Pane::Jobs => jobs::render(frame, area, state, theme),
        Pane::Workflows => workflows::render(frame, area, state, theme),
        Pane::Crawlers => crawlers::render(frame, area, state, theme),
        Pane::Apps => emr::render_apps(frame, area, state, theme),
        Pane::Emr => emr::render_runs(frame, area, state, theme),
        Pane::Dq => quality::render(frame, area, state, theme),
        Pane::Cost => cost::render(frame, area, state, theme),
        Pane::Ctx => contexts::render(frame, area, state, theme),
        Pane::Inbox => inbox::render(frame, area, state, theme),
        Pane::Streams => streams::render(frame, area, state, theme),
    }
}

/// Draw a view pushed over the root pane.
pub fn render_view(frame: &mut Frame<'_>, area: Rect, state: &AppState, view: &View, theme: &Theme) {
    match view {
        View::Logs(l) => logs::render(frame, area, state, l, theme),
        View::DqDetail(d) => quality::render_detail(frame, area, state, d, theme),
        View::EmrDetail(d) => emr::render_detail(frame, area, state, d, theme),
        View::EventLog(e) => eventlog::render(frame, area, state, e, theme),
        View::Runs(r) => runs::render(frame, area, state, r, theme),
        View::Detail(d) => detail::render(frame, area, state, d, theme),
        View::WorkflowRuns(w) => workflows::render_runs(frame, area, state, w, theme),
        View::Graph(g) => graph::render(frame, area, state, g, theme),
        View::Changes(c) => changes::render(frame, area, c, theme),
        View::Stream(v) => streams::render_pipeline(frame, area, state, v, theme),
    }
}
