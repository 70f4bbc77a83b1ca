//! The update side of mutations: keys that build commands, the overlay's keys, outcomes.
//! Nothing here calls AWS: confirmed commands leave as `Effect::Execute`.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::{AfterFetch, Effect, SourceId};
use crate::actions::args::{WORKFLOW_NAME, WORKFLOW_RUN_ID, rerun_arguments};
use crate::actions::{Command, Confirmed, Outcome};
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

/// Keys while an overlay is open.
pub fn on_overlay_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    match state.overlay.take() {
        Some(Overlay::Confirm(c)) => on_confirm_key(state, key, c),
        Some(Overlay::Bookmark(b)) => on_bookmark_key(state, key, b),
        Some(Overlay::CostRefresh) => super::quality::on_refresh_key(state, key),
        Some(Overlay::Note(n)) => super::inbox::on_note_key(state, key, n),
        Some(Overlay::Plugin(run)) => super::plugins::on_confirm_key(state, key, run),
        None => Vec::new(),
    }
}

fn on_bookmark_key(state: &mut AppState, key: KeyEvent, b: BookmarkView) -> Vec<Effect> {
    let loaded = matches!(b.entry, Some(Ok(_)));
    let writable = !state.context.read_only && !state.ctx(b.ctx).read_only;
    match key.code {
        KeyCode::Char('r') if loaded && writable => {
            ask(state, b.ctx, Command::ResetBookmark { job: b.job });
        }
        KeyCode::Char('w') if loaded && writable => match b.rewind_to.clone() {
            Some(run_id) => ask(state, b.ctx, Command::RewindBookmark { job: b.job, run_id }),
            None => {
                state.flash = Some("open the job's runs and select the run to rewind to, then press b".into());
                state.overlay = Some(Overlay::Bookmark(b));
            }
        },
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Enter => {}
        _ => state.overlay = Some(Overlay::Bookmark(b)),
    }
    vec![Effect::Redraw]
}

fn on_confirm_key(state: &mut AppState, key: KeyEvent, mut c: Confirm) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // Editing a rerun argument: the text box owns the keys.
    if let Some(buf) = c.editing.take() {
        return on_edit_key(state, key, c, buf);
    }
    // Commands that ask for the target's name: type it, then Enter.
    if let Some(name) = c.command.typed_confirmation().map(str::to_string) {
        return on_typed_key(state, key, c, name);
    }
    let args = c.command.editable().map_or(0, BTreeMap::len);
    match key.code {
        KeyCode::Char('y') if !ctrl => return confirm(state, c.ctx, c.command),
        KeyCode::Down if args > 0 => {
            c.selected_arg = (c.selected_arg + 1).min(args - 1);
            state.overlay = Some(Overlay::Confirm(c));
        }
        KeyCode::Up if args > 0 => {
            c.selected_arg = c.selected_arg.saturating_sub(1);
            state.overlay = Some(Overlay::Confirm(c));
        }
        KeyCode::Char('e') if args > 0 => {
            if let Some(map) = c.command.editable() {
                // A secret is never shown: editing it starts from an empty value.
                c.editing = map
                    .iter()
                    .nth(c.selected_arg)
                    .map(|(k, v)| if crate::secrets::is_secret_key(k) { String::new() } else { v.clone() });
            }
            state.overlay = Some(Overlay::Confirm(c));
        }
        KeyCode::Char('w') if c.workflow_run.is_some() => {
            toggle_workflow_args(&mut c);
            state.overlay = Some(Overlay::Confirm(c));
        }
        _ => state.flash = Some("cancelled: nothing was changed".into()),
    }
    vec![Effect::Redraw]
}

/// A value of the argument map being edited: Enter keeps it, Esc drops it.
fn on_edit_key(state: &mut AppState, key: KeyEvent, mut c: Confirm, mut buf: String) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter => {
            if let Some(map) = c.command.editable_mut()
                && let Some(k) = map.keys().nth(c.selected_arg).cloned()
            {
                map.insert(k, buf);
            }
        }
        KeyCode::Esc => {}
        KeyCode::Backspace => {
            buf.pop();
            c.editing = Some(buf);
        }
        KeyCode::Char('u') if ctrl => c.editing = Some(String::new()),
        KeyCode::Char(ch) if !ctrl => {
            buf.push(ch);
            c.editing = Some(buf);
        }
        _ => c.editing = Some(buf),
    }
    state.overlay = Some(Overlay::Confirm(c));
    vec![Effect::Redraw]
}

/// The target's name typed to confirm a dangerous command.
fn on_typed_key(state: &mut AppState, key: KeyEvent, mut c: Confirm, name: String) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Enter if c.typed == name => return confirm(state, c.ctx, c.command),
        KeyCode::Enter => {
            state.flash = Some(format!("type {name} exactly to confirm, or esc to cancel"));
            state.overlay = Some(Overlay::Confirm(c));
        }
        KeyCode::Backspace => {
            c.typed.pop();
            state.overlay = Some(Overlay::Confirm(c));
        }
        KeyCode::Char(ch) if !ctrl => {
            c.typed.push(ch);
            state.overlay = Some(Overlay::Confirm(c));
        }
        _ => state.flash = Some("cancelled".into()),
    }
    vec![Effect::Redraw]
}

/// Put the workflow's two arguments back into a rerun, or leave them out again.
fn toggle_workflow_args(c: &mut Confirm) {
    let (Some(origin), Some(map)) = (&c.workflow_run, c.command.editable_mut()) else { return };
    if map.contains_key(WORKFLOW_NAME) || map.contains_key(WORKFLOW_RUN_ID) {
        map.remove(WORKFLOW_NAME);
        map.remove(WORKFLOW_RUN_ID);
    } else {
        map.extend(origin.arguments());
    }
    c.selected_arg = c.selected_arg.min(map.len().saturating_sub(1));
}

fn confirm(state: &mut AppState, ctx: usize, cmd: Command) -> Vec<Effect> {
    let key = cmd.key();
    if state.pending.contains_key(&key) {
        state.flash = Some(format!("{} is already in flight for {}", cmd.api_call(), cmd.target()));
        return vec![Effect::Redraw];
    }
    state.pending.insert(key, ctx);
    state.flash = Some(format!("⏳ {} {} …", cmd.api_call(), cmd.target()));
    vec![Effect::Execute { ctx, confirmed: Confirmed::by_user(cmd) }, Effect::Redraw]
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
