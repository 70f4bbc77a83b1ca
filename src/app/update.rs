//! `update(state, msg) -> effects`: every state change, pure, no I/O.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::msg::{Effect, Loaded, Msg, Source};
use crate::keymap::Action;
use crate::state::filter::Filter;
use crate::state::{AppState, DetailPane, Mode, RunsPane, View};

/// Panes the command bar knows; later issues add theirs here.
pub const COMMANDS: &[(&str, &str)] =
    &[("jobs", "Glue jobs and their runs"), ("help", "key bindings"), ("quit", "leave batchtop")];

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
            state.stats = stats;
            vec![Effect::Redraw]
        }
        Msg::Polling { source: Source::Glue } => {
            state.glue.polling = true;
            vec![Effect::Redraw]
        }
        Msg::Loaded(loaded) => on_loaded(state, loaded),
        Msg::ActionDone { command, result } => super::actions::done(state, command, result),
        Msg::BookmarkLoaded { job, result } => super::actions::bookmark_loaded(state, job, result),
        Msg::Identity(result) => {
            match result {
                Ok(id) => state.context.account = Some(id.account),
                Err(e) => state.flash = Some(format!("cannot tell the account: {e}")),
            }
            vec![Effect::Redraw]
        }
    }
}

fn on_loaded(state: &mut AppState, loaded: Loaded) -> Vec<Effect> {
    let status = match loaded.source {
        Source::Glue => &mut state.glue,
    };
    if loaded.generation < status.generation {
        return Vec::new();
    }
    status.generation = loaded.generation;
    status.polling = false;
    match loaded.result {
        Ok(cycle) => {
            status.last_ok = Some(loaded.at);
            status.partial_failures = cycle.errors.len();
            status.error = cycle.errors.into_iter().next();
            state.set_data(cycle.data);
        }
        Err(e) => {
            status.error = Some(e);
            status.partial_failures = 0;
            // The error line takes a row: keep the selection visible.
            state.rebuild();
        }
    }
    vec![Effect::Redraw]
}

fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let had_flash = state.flash.take().is_some();
    if state.overlay.is_some() {
        return super::actions::on_overlay_key(state, key);
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
    let Some(action) = state.settings.keymap.action(&key) else {
        return Vec::new();
    };
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
            match state.stack.last_mut() {
                None => state.jobs.sort = state.jobs.sort.next(),
                Some(View::Runs(r)) => r.sort = r.sort.next(),
                Some(View::Detail(_)) => return Vec::new(),
            }
            state.rebuild();
        }
        Action::Open => open(state),
        Action::Back => back(state),
        Action::Refresh => {
            state.flash = Some("refreshing…".into());
            return vec![Effect::PollNow(Source::Glue), Effect::Redraw];
        }
        Action::Bookmark | Action::Rerun | Action::Stop | Action::Mark | Action::Start | Action::Resume => {
            return super::actions::on_action(state, action);
        }
        Action::Up => step(state, -1),
        Action::Down => step(state, 1),
        Action::PageUp => step(state, -(state.table_rows() as isize)),
        Action::PageDown => step(state, state.table_rows() as isize),
        Action::Top => step(state, isize::MIN / 2),
        Action::Bottom => step(state, isize::MAX / 2),
    }
    vec![Effect::Redraw]
}

pub(super) fn step(state: &mut AppState, delta: isize) {
    let rows = state.table_rows();
    match state.stack.last_mut() {
        None => state.jobs.cursor.step(delta, state.jobs.visible.len(), rows),
        Some(View::Runs(r)) => r.cursor.step(delta, r.visible.len(), rows),
        Some(View::Detail(d)) => {
            let len = d.run(&state.data).map(|r| crate::state::detail::fields(r, state.now).len()).unwrap_or(0);
            // The detail has no header row: one more line than a table shows.
            d.scroll = d.scroll.saturating_add_signed(delta).min(len.saturating_sub(rows + 1));
        }
    }
}

fn open(state: &mut AppState) {
    let next = match state.stack.last() {
        None => state.jobs.selected(&state.data).map(|j| View::Runs(RunsPane::new(&j.job.name))),
        Some(View::Runs(r)) => r.selected(&state.data).map(|run| {
            View::Detail(DetailPane { job: r.job.clone(), run_id: run.id.clone(), scroll: 0, snapshot: None })
        }),
        Some(View::Detail(_)) => None,
    };
    if let Some(v) = next {
        state.stack.push(v);
        state.rebuild();
    }
}

fn back(state: &mut AppState) {
    if let Some(f) = current_filter(state)
        && !f.is_empty()
    {
        set_filter(state, "");
        return;
    }
    if state.stack.pop().is_some() {
        state.rebuild();
    }
}

fn current_filter(state: &AppState) -> Option<&Filter> {
    match state.stack.last() {
        None => Some(&state.jobs.filter),
        Some(View::Runs(r)) => Some(&r.filter),
        Some(View::Detail(_)) => None,
    }
}

fn set_filter(state: &mut AppState, text: &str) {
    let f = Filter::parse(text);
    state.flash = f.warning.clone();
    match state.stack.last_mut() {
        None => {
            state.jobs.filter = f;
            state.jobs.cursor.top();
        }
        Some(View::Runs(r)) => {
            r.filter = f;
            r.cursor.top();
        }
        Some(View::Detail(_)) => return,
    }
    state.rebuild();
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
            if let Some((name, _)) = COMMANDS.iter().find(|(n, _)| n.starts_with(input.trim())) {
                input = (*name).to_string();
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

fn run_command(state: &mut AppState, cmd: &str) -> Vec<Effect> {
    match cmd {
        "" => {}
        "jobs" | "job" | "j" => {
            state.stack.clear();
            state.rebuild();
        }
        "q" | "quit" | "q!" => {
            state.quit = true;
            return vec![Effect::Quit];
        }
        "help" | "?" => state.mode = Mode::Help { scroll: 0 },
        other => {
            let known: Vec<&str> = COMMANDS.iter().map(|(n, _)| *n).collect();
            state.flash = Some(format!("unknown command `{other}` (try :{})", known.join(", :")));
        }
    }
    vec![Effect::Redraw]
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
