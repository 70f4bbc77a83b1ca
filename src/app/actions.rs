//! The update side of mutations: keys that build commands, outcomes (the overlay's keys are
//! `overlay_keys.rs`). Nothing here calls AWS: confirmed commands leave as `Effect::Execute`.

use super::msg::{AfterFetch, Effect, SourceId};
use crate::actions::args::rerun_arguments;
use crate::actions::{Command, Outcome};
use crate::aws::{AwsError, ErrorKind};
use crate::keymap::Action;
use crate::model::{Bookmark, NodeKind, WorkflowRun};
use crate::state::overlay::{BookmarkView, Confirm, Overlay};
use crate::state::{Active, AppState, Pane, View};

/// A key bound to a mutating action (or `bookmark`) in the normal mode.
pub fn on_action(state: &mut AppState, action: Action) -> Vec<Effect> {
    if action.is_mutating() && state.context.read_only {
        // The keymap has no such keys in read-only mode; this is the second lock.
        return Vec::new();
    }
    let ctx = state.ctx(state.focus_ctx());
    if action.is_mutating() && ctx.read_only {
        state.flash = Some(format!("context {} is read-only: nothing can be changed there", ctx.name));
        return vec![Effect::Redraw];
    }
    if let Some(cmd) = emr_command(state, action) {
        match cmd {
            Ok(mut cmd) => {
                if let Command::RerunEmr { client_token, .. } = &mut cmd {
                    *client_token = state.next_client_token();
                }
                ask(state, state.focus_ctx(), cmd)
            }
            Err(why) => state.flash = Some(why),
        }
        return vec![Effect::Redraw];
    }
    let command = match action {
        Action::Bookmark => return open_bookmark(state),
        Action::Mark => {
            toggle_mark(state);
            return vec![Effect::Redraw];
        }
        Action::Rerun => return rerun(state),
        Action::Stop => match workflow_run(state) {
            // In a graph, a running job node stops that job run; anything else stops the workflow run.
            Some(_) if graph_job_running(state) => stop(state),
            Some(run) if run.status.is_active() => {
                Ok(Command::StopWorkflow { workflow: run.workflow.clone(), run_id: run.id.clone() })
            }
            Some(run) => Err(format!("run {} is {}: nothing to stop", run.id, run.status.as_str())),
            None => stop(state),
        },
        Action::Start => start(state),
        Action::Resume => resume(state),
        _ => return Vec::new(),
    };
    match command {
        Ok(cmd) => ask(state, state.focus_ctx(), cmd),
        Err(why) => state.flash = Some(why),
    }
    vec![Effect::Redraw]
}

/// The EMR Serverless command for `action` in the EMR panes (None elsewhere).
fn emr_command(state: &AppState, action: Action) -> Option<Result<Command, String>> {
    let run = match state.active() {
        Active::View(View::EmrDetail(d)) => d.run(&state.emr),
        Active::Pane(Pane::Emr) => state.emr_pane.selected().and_then(|i| state.emr.runs.get(i)),
        Active::Pane(Pane::Apps) => {
            let app = state.apps_pane.selected().and_then(|i| state.emr.apps.get(i));
            return match (action, app) {
                (Action::Start, Some(a)) => {
                    Some(Ok(Command::StartApplication { app_id: a.id.clone(), name: a.name.clone() }))
                }
                (Action::Stop, Some(a)) => {
                    Some(Ok(Command::StopApplication { app_id: a.id.clone(), name: a.name.clone() }))
                }
                (Action::Start | Action::Stop, None) => Some(Err("no application selected".into())),
                (Action::Rerun | Action::Dashboard, _) => Some(Err("open the application's runs (enter) first".into())),
                _ => None,
            };
        }
        _ => return None,
    };
    let Some(run) = run else {
        return matches!(action, Action::Rerun | Action::Stop | Action::Dashboard)
            .then(|| Err("no run selected".into()));
    };
    let (app_id, run_id) = (run.app_id.clone(), run.id.clone());
    Some(match action {
        Action::Rerun => Ok(Command::RerunEmr {
            app_id,
            run_id,
            name: run.name.clone(),
            // Filled in by `on_action`, which may count tokens.
            client_token: String::new(),
        }),
        Action::Stop if run.state().is_active() => Ok(Command::CancelEmr { app_id, run_id }),
        Action::Stop => Err(format!("run {run_id} is {}: nothing to cancel", run.state().as_str())),
        Action::Dashboard => Ok(Command::EmrDashboard { app_id, run_id, attempt: run.attempt }),
        Action::Start => Err("start works on an application (:apps)".into()),
        _ => return None,
    })
}

/// Open the confirmation of `cmd`, unless the same command is already in flight.
pub fn ask(state: &mut AppState, ctx: usize, cmd: Command) {
    open(state, Confirm::new(ctx, cmd));
}

fn open(state: &mut AppState, c: Confirm) {
    let cmd = &c.command;
    if state.pending.contains_key(&cmd.key()) {
        state.flash = Some(format!("{} is already in flight for {}", cmd.api_call(), cmd.target()));
        return;
    }
    state.overlay = Some(Overlay::Confirm(c));
}

/// The job (and run) the cursor is on: in the jobs pane, a run history, a run detail,
/// or a job node of a workflow graph.
fn selection(state: &AppState) -> Option<(String, Option<&crate::model::JobRun>)> {
    match state.active() {
        Active::Pane(Pane::Jobs) => state.jobs.selected(&state.data).map(|j| (j.job.name.clone(), j.last_run())),
        Active::View(View::Runs(r)) => Some((r.job.clone(), r.selected(&state.data))),
        Active::View(View::Detail(d)) => Some((d.job.clone(), d.run(&state.data))),
        Active::View(View::Graph(g)) => {
            g.selected_node().filter(|n| n.kind == Some(NodeKind::Job)).map(|n| (n.name.clone(), n.job_run.as_ref()))
        }
        _ => None,
    }
}

/// The workflow run the cursor is on (run history or graph).
fn workflow_run(state: &AppState) -> Option<&WorkflowRun> {
    match state.stack.last() {
        Some(View::WorkflowRuns(w)) => w.selected(),
        Some(View::Graph(g)) => Some(&g.run),
        _ => None,
    }
}

fn start(state: &AppState) -> Result<Command, String> {
    match state.active() {
        Active::Pane(Pane::Crawlers) => {
            let c = state.cr_pane.selected().and_then(|i| state.crawlers.get(i)).ok_or("no crawler selected")?;
            Ok(Command::StartCrawler { crawler: c.name.clone() })
        }
        Active::Pane(Pane::Workflows) => {
            let w = state.wf_pane.selected().and_then(|i| state.workflows.get(i)).ok_or("no workflow selected")?;
            Ok(Command::StartWorkflow { workflow: w.name.clone(), properties: w.default_properties.clone() })
        }
        Active::View(View::WorkflowRuns(w)) => {
            let props = state.workflows.iter().find(|x| x.name == w.workflow).map(|x| x.default_properties.clone());
            Ok(Command::StartWorkflow { workflow: w.workflow.clone(), properties: props.unwrap_or_default() })
        }
        _ => Err("start works on a workflow or a crawler (:workflows, :crawlers)".into()),
    }
}

fn resume(state: &AppState) -> Result<Command, String> {
    let run = workflow_run(state).ok_or("open a workflow's runs (:workflows, enter) to resume one")?;
    if run.status.is_active() {
        return Err(format!("run {} is still {}: stop it or wait", run.id, run.status.as_str()));
    }
    let node_ids = run.failed_nodes();
    if node_ids.is_empty() {
        return Err(format!("run {} has no failed node to resume", run.id));
    }
    Ok(Command::ResumeWorkflow { workflow: run.workflow.clone(), run_id: run.id.clone(), node_ids })
}

/// A new run with the selected run's arguments, less Glue's reserved ones and, for a run a
/// workflow started, less `--WORKFLOW_NAME`/`--WORKFLOW_RUN_ID` (the overlay says why).
fn rerun(state: &mut AppState) -> Vec<Effect> {
    let Some((job, run)) = selection(state) else {
        state.flash = Some("no job selected".into());
        return vec![Effect::Redraw];
    };
    let ctx = state.focus_ctx();
    if let Some(fetch) = run.and_then(|r| super::arguments::fetch_if_dropped(ctx, &job, r, AfterFetch::Rerun)) {
        // An older run's arguments are not kept: read the run, then ask.
        state.flash = Some("reading the run's arguments (GetJobRun)…".into());
        return vec![fetch, Effect::Redraw];
    }
    let run = run.cloned();
    open_rerun(state, ctx, job, run.as_ref())
}

/// The rerun overlay for `job` with `run`'s arguments (none without a run).
pub fn open_rerun(state: &mut AppState, ctx: usize, job: String, run: Option<&crate::model::JobRun>) -> Vec<Effect> {
    let (arguments, workflow_run) = run.and_then(|r| r.arguments.kept()).map(rerun_arguments).unwrap_or_default();
    let confirm = Confirm { workflow_run, ..Confirm::new(ctx, Command::RerunJob { job, arguments }) };
    open(state, confirm);
    vec![Effect::Redraw]
}

fn stop(state: &AppState) -> Result<Command, String> {
    let (job, selected) = selection(state).ok_or("no job selected")?;
    let entry = state.data.jobs.iter().find(|j| j.job.name == job);
    let mut active: Vec<&crate::model::JobRun> =
        entry.map(|e| e.runs.iter().filter(|r| r.state().is_active()).collect()).unwrap_or_default();
    if let Some(run) = selected.filter(|r| r.state().is_active() && !active.iter().any(|a| a.id == r.id)) {
        active.push(run);
    }
    let marked = match state.stack.last() {
        Some(View::Runs(r)) => r.marked.clone(),
        _ => Default::default(),
    };
    let run_ids: Vec<String> = if !marked.is_empty() {
        active.iter().filter(|r| marked.contains(&r.id)).map(|r| r.id.clone()).collect()
    } else if let Some(run) = selected.filter(|r| r.state().is_active()) {
        vec![run.id.clone()]
    } else if state.stack.is_empty() && state.root == Pane::Jobs {
        active.iter().map(|r| r.id.clone()).collect()
    } else {
        Vec::new()
    };
    if run_ids.is_empty() {
        return Err(format!("no running run of {job} to stop (mark runs with space)"));
    }
    Ok(Command::StopJobRuns { job, run_ids })
}

fn graph_job_running(state: &AppState) -> bool {
    let Some(View::Graph(g)) = state.stack.last() else { return false };
    g.selected_node().is_some_and(|n| matches!(n.state, crate::model::NodeState::Job(s) if s.is_active()))
}

fn toggle_mark(state: &mut AppState) {
    let data = &state.data;
    if let Some(View::Runs(r)) = state.stack.last_mut() {
        if let Some(id) = r.selected(data).map(|run| run.id.clone())
            && !r.marked.remove(&id)
        {
            r.marked.insert(id);
        }
        let rows = usize::from(state.height);
        r.cursor.step(1, r.visible.len(), rows.max(1));
    } else {
        state.flash = Some("open a job's runs (enter) to mark them".into());
    }
}

fn open_bookmark(state: &mut AppState) -> Vec<Effect> {
    let Some((job, run)) = selection(state) else {
        return Vec::new();
    };
    let rewind_to = match state.stack.last() {
        Some(View::Runs(_)) | Some(View::Detail(_)) | Some(View::Graph(_)) => run.map(|r| r.id.clone()),
        _ => None,
    };
    let ctx = state.focus_ctx();
    state.overlay = Some(Overlay::Bookmark(BookmarkView { ctx, job: job.clone(), entry: None, rewind_to }));
    vec![Effect::LoadBookmark { ctx, job }, Effect::Redraw]
}

pub fn bookmark_loaded(
    state: &mut AppState,
    ctx: usize,
    job: String,
    result: Result<Bookmark, AwsError>,
) -> Vec<Effect> {
    if let Some(Overlay::Bookmark(b)) = &mut state.overlay
        && b.ctx == ctx
        && b.job == job
    {
        b.entry = Some(result.map_err(|e| e.message));
        return vec![Effect::Redraw];
    }
    Vec::new()
}

pub fn done(state: &mut AppState, command: Command, result: Result<Outcome, AwsError>) -> Vec<Effect> {
    let ctx = state.pending.remove(&command.key());
    let clip = match &result {
        Ok(Outcome::Dashboard { url }) => Some(Effect::Clipboard(url.clone())),
        _ => None,
    };
    state.flash = Some(match &result {
        Ok(o) => format!("✔ {} {}: {}", command.api_call(), command.target(), o.summary()),
        Err(e) => format!("✖ {} {}: {}", command.api_call(), command.target(), e.message),
    });
    if let (Ok(Outcome::Stopped(_)), Some(View::Runs(r))) = (&result, state.stack.last_mut()) {
        r.marked.clear();
    }
    // Failed ambiguously and found not started: ask again (never retried on its own).
    if let (Err(e), Some(ctx), None) = (&result, ctx, &state.overlay)
        && e.kind == ErrorKind::NotStarted
    {
        let again = Confirm { retry: Some(e.message.clone()), ..Confirm::new(ctx, command.clone()) };
        state.overlay = Some(Overlay::Confirm(again));
    }
    let mut fx = vec![
        Effect::PollNow(SourceId::Glue),
        Effect::PollNow(SourceId::Workflows),
        Effect::PollNow(SourceId::Crawlers),
        Effect::PollNow(SourceId::Emr),
    ];
    fx.extend(clip);
    if let Some(View::WorkflowRuns(w)) = state.stack.last() {
        fx.push(Effect::LoadWorkflowRuns { ctx: w.ctx, workflow: w.workflow.clone() });
    }
    fx.push(Effect::Redraw);
    fx
}
