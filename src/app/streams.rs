//! Keys of the streams pane: `Enter` opens a stream's pipeline and filters every pane to it;
//! `Enter` on a step of the pipeline goes to that step's pane.

use super::msg::Effect;
use crate::state::filter::Filter;
use crate::state::pipeline::StreamView;
use crate::state::{AppState, Pane, View};

/// The panes `Enter` on a stream filters to it.
const FILTERED: [Pane; 7] = [Pane::Inbox, Pane::Jobs, Pane::Workflows, Pane::Crawlers, Pane::Apps, Pane::Emr, Pane::Dq];

/// `Enter` on `:streams`: the selected stream's pipeline, and every pane filtered to it.
pub fn open(state: &mut AppState) -> Option<View> {
    let s = state.streams_pane.selected().and_then(|i| state.streams.rows.get(i))?;
    let (ctx, name) = (s.ctx, s.name.clone());
    for pane in FILTERED {
        let table = state.root_table_mut(pane);
        table.set_filter(Filter::parse(&format!("stream:{name}")));
        table.cursor_mut().top();
    }
    Some(View::Stream(StreamView { ctx, name, cursor: Default::default() }))
}

/// `Enter` on a step of the pipeline: its pane (filtered to the stream).
pub fn jump(state: &mut AppState) -> Vec<Effect> {
    let Some(View::Stream(v)) = state.stack.last() else { return Vec::new() };
    let steps = v.steps(state);
    let Some(step) = steps.get(v.cursor.selected) else { return Vec::new() };
    let pane = match step.stage {
        "crawler" => Pane::Crawlers,
        "jobs" if state.workflows.iter().any(|w| w.name == step.name) => Pane::Workflows,
        "jobs" => Pane::Jobs,
        "dq" => Pane::Dq,
        _ => {
            state.flash = Some(format!("{} is read from S3 and the Data Catalog: no pane of its own", step.name));
            return vec![Effect::Redraw];
        }
    };
    state.root = pane;
    state.stack.clear();
    state.rebuild();
    vec![Effect::Redraw]
}

/// Up and down in the pipeline.
pub fn step(state: &mut AppState, delta: isize) {
    let rows = state.table_rows();
    let len = match state.stack.last() {
        Some(View::Stream(v)) => v.steps(state).len(),
        _ => return,
    };
    if let Some(View::Stream(v)) = state.stack.last_mut() {
        v.cursor.step(delta, len, rows);
    }
}
