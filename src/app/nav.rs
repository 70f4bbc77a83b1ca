//! Moving around: the cursor, drilling down (`Enter`), going back, the filter of the view.

use super::msg::Effect;
use crate::state::catalog::{GraphPane, WorkflowRunsPane};
use crate::state::filter::Filter;
use crate::state::{Active, AppState, DetailPane, Pane, RunsPane, View};

pub fn step(state: &mut AppState, delta: isize) {
    let rows = state.table_rows();
    let detail_len = match state.stack.last() {
        Some(View::Detail(d)) => {
            d.run(&state.data).map(|r| crate::state::detail::fields_in(state, r).len()).unwrap_or(0)
        }
        Some(View::EmrDetail(d)) => {
            d.run(&state.emr).map(|r| crate::state::emr::detail_rows(state, r, d.attempts.as_ref()).len()).unwrap_or(0)
        }
        _ => 0,
    };
    if let Some(t) = state.active_table_mut() {
        let len = t.len();
        t.cursor_mut().step(delta, len, rows);
        return;
    }
    match state.stack.last_mut() {
        None | Some(View::Runs(_)) => {}
        Some(View::DqDetail(d)) => {
            let len = d.result(&state.dq).map(|r| crate::state::quality::dq_lines(r).len()).unwrap_or(0);
            d.scroll = d.scroll.saturating_add_signed(delta).min(len.saturating_sub(rows + 1));
        }
        Some(View::EventLog(_)) | Some(View::Logs(_)) => {}
        Some(View::Stream(_)) => super::streams::step(state, delta),
        Some(View::Changes(c)) => {
            let len = c.rows.len();
            c.scroll = c.scroll.saturating_add_signed(delta).min(len.saturating_sub(rows));
        }
        Some(View::EmrDetail(d)) => {
            let len = detail_len;
            d.scroll = d.scroll.saturating_add_signed(delta).min(len.saturating_sub(rows + 1));
        }
        Some(View::WorkflowRuns(w)) => {
            let len = w.len();
            w.cursor.step(delta, len, rows);
        }
        Some(View::Graph(g)) => {
            let len = g.order().len();
            g.selected =
                g.selected.saturating_add_signed(delta.clamp(-1_000_000, 1_000_000)).min(len.saturating_sub(1));
        }
        Some(View::Detail(d)) => {
            let len = detail_len;
            // The detail has no header row: one more line than a table shows.
            d.scroll = d.scroll.saturating_add_signed(delta).min(len.saturating_sub(rows + 1));
        }
    }
}

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let mut effects = vec![Effect::Redraw];
    let next = match state.active() {
        Active::Pane(Pane::Jobs) => {
            state.jobs.selected(&state.data).map(|j| View::Runs(RunsPane::in_ctx(j.ctx, &j.job.name)))
        }
        Active::Pane(Pane::Workflows) => state.wf_pane.selected().and_then(|i| state.workflows.get(i)).map(|w| {
            effects.push(Effect::LoadWorkflowRuns { ctx: w.ctx, workflow: w.name.clone() });
            View::WorkflowRuns(WorkflowRunsPane { ctx: w.ctx, workflow: w.name.clone(), ..Default::default() })
        }),
        Active::Pane(Pane::Crawlers) | Active::Pane(Pane::Cost) => None,
        Active::Pane(Pane::Streams) => super::streams::open(state),
        Active::View(View::Stream(_)) => return super::streams::jump(state),
        Active::Pane(Pane::Inbox) | Active::Pane(Pane::Ctx) => {
            let (view, fx) = open_cross(state);
            effects.extend(fx);
            view
        }
        Active::Pane(Pane::Dq) => state
            .dq_pane
            .selected()
            .and_then(|i| state.dq.results.get(i))
            .map(|r| View::DqDetail(crate::state::quality::DqDetailPane { result_id: r.id.clone(), scroll: 0 })),
        Active::Pane(Pane::Apps) => {
            if let Some(app) = state.apps_pane.selected().and_then(|i| state.emr.apps.get(i)) {
                state.emr_app = Some(app.id.clone());
                state.root = Pane::Emr;
                state.emr_pane.cursor.top();
                state.rebuild();
            }
            None
        }
        Active::Pane(Pane::Emr) => state.emr_pane.selected().and_then(|i| state.emr.runs.get(i)).map(|r| {
            effects.push(Effect::LoadEmrAttempts { ctx: r.ctx, app_id: r.app_id.clone(), run_id: r.id.clone() });
            View::EmrDetail(crate::state::emr::EmrDetailPane {
                app_id: r.app_id.clone(),
                run_id: r.id.clone(),
                ..Default::default()
            })
        }),
        Active::View(View::EmrDetail(_))
        | Active::View(View::EventLog(_))
        | Active::View(View::DqDetail(_))
        | Active::View(View::Logs(_))
        | Active::View(View::Changes(_)) => None,
        Active::View(View::Runs(r)) => r.selected(&state.data).map(|run| {
            View::Detail(DetailPane { ctx: r.ctx, job: r.job.clone(), run_id: run.id.clone(), ..Default::default() })
        }),
        Active::View(View::WorkflowRuns(w)) => {
            w.selected().map(|run| View::Graph(GraphPane::at_first_failure(w.ctx, run.clone())))
        }
        Active::View(View::Graph(g)) => match g.selected_node().and_then(|n| n.job_run.clone()) {
            Some(run) => Some(View::Detail(DetailPane {
                ctx: g.ctx,
                job: run.job_name.to_string(),
                run_id: run.id.clone(),
                scroll: 0,
                snapshot: Some(run),
                full: None,
            })),
            None => {
                state.flash = Some("only a job node that ran has a run to open".into());
                None
            }
        },
        Active::View(View::Detail(_)) => None,
    };
    if let Some(v) = next {
        state.stack.push(v);
        state.rebuild();
        effects.extend(super::arguments::on_open(state));
    }
    effects
}

/// `Enter` on the panes that cut across sources and contexts.
fn open_cross(state: &mut AppState) -> (Option<View>, Vec<Effect>) {
    if state.root == Pane::Inbox {
        return super::inbox::open(state);
    }
    if let Some(ctx) = state.ctx_pane.selected() {
        super::contexts::narrow(state, Some(ctx));
    }
    (None, Vec::new())
}

/// Esc: clear the filter, else pop the view (stopping its tail). Returns effects to run.
pub fn back(state: &mut AppState) -> Vec<Effect> {
    if let Some(f) = current_filter(state)
        && !f.is_empty()
    {
        set_filter(state, "");
        return Vec::new();
    }
    if state.context.standalone && state.stack.len() == 1 {
        state.flash = Some("q quits the event log viewer".into());
        return Vec::new();
    }
    let mut fx = Vec::new();
    if let Some(view) = state.stack.pop() {
        fx.extend(super::logs::closed(&view));
        state.rebuild();
    } else if state.root == Pane::Emr && state.emr_app.is_some() {
        // The runs of one application were opened from `:apps`: back to it.
        state.emr_app = None;
        state.root = Pane::Apps;
        state.rebuild();
    } else if state.narrow.is_some() {
        super::contexts::narrow(state, None);
    }
    fx
}

pub fn current_filter(state: &AppState) -> Option<&Filter> {
    state.active_table().and_then(|t| t.filter())
}

pub fn set_filter(state: &mut AppState, text: &str) {
    let f = Filter::parse(text);
    state.flash = f.warning.clone();
    let Some(table) = state.active_table_mut() else { return };
    if table.filter().is_none() {
        return;
    }
    table.set_filter(f);
    table.cursor_mut().top();
    state.rebuild();
}
