//! `update(state, msg) -> effects`: every state change, pure, no I/O.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::msg::{Effect, Loaded, Msg, SourceId};
use super::nav::{back, current_filter, open, set_filter, step};
use crate::keymap::Action;
use crate::state::pane::commands;
use crate::state::{AppState, Mode, Pane, View};

fn switch(state: &mut AppState, pane: Pane) -> Vec<Effect> {
    let stops: Vec<Effect> = state.stack.iter().filter_map(super::logs::closed).collect();
    state.root = pane;
    state.stack.clear();
    state.rebuild();
    stops
}

pub fn update(state: &mut AppState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            state.rebuild();
            vec![Effect::Redraw]
        }
        Msg::Tick { now, stats } => {
            state.now = now;
            if let [only] = state.contexts.as_mut_slice() {
                // With several contexts, `ContextStats` brings each one's counters.
                only.stats = stats;
            }
            state.stats = stats;
            if state.root == Pane::Cost && state.stack.is_empty() {
                // "Runs started in the last 24 h": the window moves with the clock.
                state.joins.slide(&state.data, &state.emr, &state.settings, now);
            }
            let mut fx = super::quality::tick(state);
            fx.push(Effect::Redraw);
            fx
        }
        Msg::CostLoaded { account, at, result } => super::quality::cost_answered(state, &account, at, result),
        Msg::CostPeeked(report) => super::quality::cost_peeked(state, report),
        Msg::Tail { id, event } => super::logs::on_tail(state, id, event),
        Msg::Written(result) => {
            state.flash = Some(match result {
                Ok(path) => format!("wrote {}", path.display()),
                Err(e) => format!("could not write the log: {e}"),
            });
            vec![Effect::Redraw]
        }
        Msg::MarksSaved(result) => super::inbox::saved(state, result),
        Msg::ChangesLogsLoaded { failed_id, result } => super::changes::logs_loaded(state, &failed_id, result),
        Msg::ErrorLogLoaded { run_id, result } => super::inbox::log_loaded(state, run_id, result),
        Msg::Polling { ctx, source } => {
            if let Some(s) = state.status_mut(ctx, source) {
                s.polling = true;
            }
            vec![Effect::Redraw]
        }
        Msg::Loaded(loaded) => on_loaded(state, loaded),
        Msg::EmrAttemptsLoaded { app_id, run_id, result } => {
            for v in &mut state.stack {
                if let View::EmrDetail(d) = v
                    && d.app_id == app_id
                    && d.run_id == run_id
                {
                    d.attempts = Some(result.clone().map_err(|e| e.message));
                }
            }
            vec![Effect::Redraw]
        }
        Msg::WorkflowRunsLoaded { ctx, workflow, result } => {
            let rows = state.table_rows();
            for v in &mut state.stack {
                if let View::WorkflowRuns(w) = v
                    && w.ctx == ctx
                    && w.workflow == workflow
                {
                    let len = result.as_ref().map(Vec::len).unwrap_or(0);
                    w.runs = Some(result.clone().map_err(|e| e.message));
                    w.cursor.follow(len, rows);
                }
            }
            vec![Effect::Redraw]
        }
        Msg::EventLogLoaded { log, result } => super::eventlog::loaded(state, log, result),
        Msg::EventLogProgress { log, seen } => super::eventlog::progress(state, &log, seen),
        Msg::ActionDone { command, result } => super::actions::done(state, command, result),
        Msg::RunFetched { ctx, job, run_id, then, result } => {
            super::arguments::fetched(state, (ctx, job, run_id), then, result)
        }
        Msg::BookmarkLoaded { ctx, job, result } => super::actions::bookmark_loaded(state, ctx, job, result),
        Msg::PluginDone { name, result } => super::plugins::done(state, name, result),
        Msg::ReportWritten(result) => super::report::written(state, result),
        Msg::Identity { ctx, result } => super::contexts::identity(state, ctx, result),
        Msg::ContextStats(per) => super::contexts::stats(state, per),
    }
}

/// Driver logs to read for open Glue items whose message says nothing (a few at a time; each
/// run once).
fn error_logs_wanted(state: &mut AppState) -> Vec<Effect> {
    let wanted = state.logs_wanted(4);
    wanted
        .into_iter()
        .map(|(ctx, run)| {
            state.inbox.asked.insert(run.id.clone());
            Effect::LoadErrorLog { ctx, run: Box::new(run) }
        })
        .collect()
}

/// A cycle of any source ended: stale generations are dropped; the status (errors,
/// partial failures, the data's age) is kept the same way for every source.
pub fn on_loaded(state: &mut AppState, loaded: Loaded) -> Vec<Effect> {
    let Some(status) = state.status_mut(loaded.ctx, loaded.source) else {
        return Vec::new();
    };
    if loaded.generation < status.generation {
        return Vec::new();
    }
    status.generation = loaded.generation;
    status.polling = false;
    let mut fx = vec![Effect::Redraw];
    match loaded.result {
        Ok(batch) => {
            let batch = *batch;
            status.last_ok = Some(loaded.at);
            status.partial_failures = batch.errors.len();
            let credentials_ok = batch.errors.iter().all(|e| !e.kind.is_credentials());
            status.error = batch.errors.into_iter().next();
            if credentials_ok {
                fx.extend(super::contexts::identity_again(state, loaded.ctx));
            }
            state.apply(loaded.ctx, batch.data);
            fx.extend(error_logs_wanted(state));
            super::inbox::started(state);
        }
        Err(e) => {
            status.error = Some(e);
            status.partial_failures = 0;
            // A source that cannot be read is an inbox item; the error line takes a row.
            state.refresh_inbox();
            state.rebuild();
            super::inbox::started(state);
        }
    }
    fx
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let had_flash = state.flash.take().is_some();
    // The user is driving: the start pane no longer moves by itself.
    state.start_auto = false;
    if state.overlay.is_some() {
        return super::overlay_keys::on_overlay_key(state, key);
    }
    let mut effects = match state.mode.clone() {
        Mode::Normal => on_normal_key(state, key),
        Mode::Help { scroll } => on_help_key(state, key, scroll),
        Mode::Filter { input, before } => on_filter_key(state, key, input, before),
        Mode::Command { input } => on_command_key(state, key, input),
    };
    if had_flash && !effects.contains(&Effect::Redraw) {
        effects.push(Effect::Redraw);
    }
    effects
}

fn on_normal_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if let Some(fx) = super::logs::on_key(state, key) {
        return fx;
    }
    if let Some(fx) = super::eventlog::on_key(state, key) {
        return fx;
    }
    let Some(action) = state.settings.keymap.action(&key) else {
        // Keys of the config's hotkeys and plugins are never an action's (checked at load).
        return super::plugins::on_key(state, &key).unwrap_or_default();
    };
    if let Some(fx) = super::eventlog::on_action(state, action) {
        return fx;
    }
    match action {
        Action::Quit => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        Action::Help => state.mode = Mode::Help { scroll: 0 },
        Action::Command => state.mode = Mode::Command { input: String::new() },
        Action::Filter => match current_filter(state) {
            Some(f) => {
                let text = f.text.clone();
                state.mode = Mode::Filter { input: text.clone(), before: text };
            }
            None => state.flash = Some("this view has no filter".into()),
        },
        Action::Sort => {
            if !state.active_table_mut().is_some_and(|t| t.next_sort()) {
                state.flash = Some("this view is sorted by name".into());
                return vec![Effect::Redraw];
            }
            state.rebuild();
        }
        Action::Open => return open(state),
        Action::Back => {
            let mut fx = back(state);
            fx.push(Effect::Redraw);
            return fx;
        }
        Action::Refresh if state.root == Pane::Cost && state.stack.is_empty() => {
            return super::quality::ask_refresh(state);
        }
        Action::Refresh => {
            state.flash = Some("refreshing…".into());
            let root_source = state.root.spec().source;
            let mut fx = vec![Effect::PollNow(SourceId::Glue), Effect::Redraw];
            if root_source != SourceId::Glue && root_source.is_polled() {
                fx.push(Effect::PollNow(root_source));
            }
            if let Some(View::WorkflowRuns(w)) = state.stack.last() {
                fx.push(Effect::LoadWorkflowRuns { ctx: w.ctx, workflow: w.workflow.clone() });
            }
            return fx;
        }
        Action::Bookmark
        | Action::Rerun
        | Action::Stop
        | Action::Mark
        | Action::Start
        | Action::Resume
        | Action::Dashboard => {
            return super::actions::on_action(state, action);
        }
        Action::EventLog => return super::eventlog::open_for_run(state),
        Action::Acknowledge => return super::inbox::ask(state, crate::state::overlay::NoteKind::Ack),
        Action::Mute => return super::inbox::ask(state, crate::state::overlay::NoteKind::Mute),
        Action::Changes => return super::changes::open(state),
        Action::Report => return super::report::take(state),
        Action::Logs => return super::logs::open(state),
        Action::NextTab | Action::PrevTab => return Vec::new(),
        Action::Up => step(state, -1),
        Action::Down => step(state, 1),
        Action::PageUp => step(state, -(state.table_rows() as isize)),
        Action::PageDown => step(state, state.table_rows() as isize),
        Action::Top => step(state, isize::MIN / 2),
        Action::Bottom => step(state, isize::MAX / 2),
    }
    vec![Effect::Redraw]
}

/// Text editing shared by the filter and command inputs. Returns false if the key is not an edit.
fn edit(input: &mut String, key: &KeyEvent) -> bool {
    match key.code {
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.clear(),
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            let trimmed = input.trim_end().len();
            let cut = input[..trimmed].rfind(' ').map(|i| i + 1).unwrap_or(0);
            input.truncate(cut);
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => input.push(c),
        KeyCode::Backspace => {
            input.pop();
        }
        _ => return false,
    }
    true
}

fn on_filter_key(state: &mut AppState, key: KeyEvent, mut input: String, before: String) -> Vec<Effect> {
    match key.code {
        KeyCode::Enter => state.mode = Mode::Normal,
        KeyCode::Esc => {
            state.mode = Mode::Normal;
            set_filter(state, &before);
        }
        _ if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.mode = Mode::Normal;
            set_filter(state, &before);
        }
        _ => {
            if !edit(&mut input, &key) {
                return Vec::new();
            }
            set_filter(state, &input);
            state.mode = Mode::Filter { input, before };
        }
    }
    vec![Effect::Redraw]
}

fn on_command_key(state: &mut AppState, key: KeyEvent, mut input: String) -> Vec<Effect> {
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        _ if ctrl_c => state.mode = Mode::Normal,
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Enter => {
            state.mode = Mode::Normal;
            return run_command(state, input.trim());
        }
        KeyCode::Tab => {
            let aliases = state.settings.extras.aliases.keys().map(String::as_str);
            if let Some(name) = commands().map(|(n, _)| n).chain(aliases).find(|n| n.starts_with(input.trim())) {
                input = name.to_string();
            }
            state.mode = Mode::Command { input };
        }
        _ => {
            if !edit(&mut input, &key) {
                return Vec::new();
            }
            state.mode = Mode::Command { input };
        }
    }
    vec![Effect::Redraw]
}

/// Run a `:` command (typed, or a hotkey's). An alias of the config stands for its command,
/// followed by what was typed after it.
pub fn run_command(state: &mut AppState, cmd: &str) -> Vec<Effect> {
    let (word, rest) = cmd.split_once(' ').unwrap_or((cmd, ""));
    if let Some(target) = state.settings.extras.aliases.get(word) {
        let expanded = format!("{target} {rest}");
        return run_one(state, expanded.trim());
    }
    run_one(state, cmd)
}

fn run_one(state: &mut AppState, cmd: &str) -> Vec<Effect> {
    if let Some(arg) = cmd.strip_prefix("ctx ").or_else(|| cmd.strip_prefix("context ")) {
        return super::contexts::command(state, arg);
    }
    // `:dq orders` / `:jobs state:FAILED`: switch, then filter with the rest.
    if let Some((pane, filter)) = cmd.split_once(' ')
        && !matches!(pane, "" | "q" | "quit" | "help")
    {
        let fx = run_one(state, pane);
        if state.flash.is_none() && super::nav::current_filter(state).is_some() {
            set_filter(state, filter.trim());
        }
        return fx;
    }
    if let Some(pane) = Pane::by_name(cmd) {
        return entered(state, pane);
    }
    let mut fx = match cmd {
        "" => Vec::new(),
        "q" | "quit" | "q!" => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        "help" | "?" => {
            state.mode = Mode::Help { scroll: 0 };
            Vec::new()
        }
        other => {
            let aliases = state.settings.extras.aliases.keys().map(String::as_str);
            let known: Vec<&str> = commands().map(|(n, _)| n).chain(aliases).collect();
            state.flash = Some(format!("unknown command `{other}` (try :{})", known.join(", :")));
            Vec::new()
        }
    };
    fx.push(Effect::Redraw);
    fx
}

/// `:pane`: switch to it, with what the pane does when it opens.
fn entered(state: &mut AppState, pane: Pane) -> Vec<Effect> {
    if pane == Pane::Ctx && state.root != Pane::Ctx {
        state.ctx_return = state.root;
    }
    if pane == Pane::Emr {
        // `:emr` shows every application's runs, even after `:apps` narrowed them.
        state.emr_app = None;
    }
    let mut fx = switch(state, pane);
    if pane == Pane::Streams {
        fx.extend(super::quality::peek(state));
    }
    if pane == Pane::Cost {
        fx.extend(super::quality::opened(state));
    } else {
        fx.push(Effect::Redraw);
    }
    fx
}

fn on_help_key(state: &mut AppState, key: KeyEvent, scroll: usize) -> Vec<Effect> {
    match state.settings.keymap.action(&key) {
        Some(Action::Down) => state.mode = Mode::Help { scroll: scroll + 1 },
        Some(Action::Up) => state.mode = Mode::Help { scroll: scroll.saturating_sub(1) },
        Some(Action::Quit) if key.modifiers.contains(KeyModifiers::CONTROL) => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        _ => state.mode = Mode::Normal,
    }
    vec![Effect::Redraw]
}
