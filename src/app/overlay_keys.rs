//! The overlays' keys: the confirmation of a mutating command (its argument editor, the typed
//! name of a dangerous one, the workflow's arguments of a rerun), the bookmark view, and the
//! other overlays handed to their own modules. A confirmed command leaves as
//! `Effect::Execute`, once: the same command in flight is not sent again.

use std::collections::BTreeMap;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::actions::ask;
use super::msg::Effect;
use crate::actions::args::{WORKFLOW_NAME, WORKFLOW_RUN_ID};
use crate::actions::{Command, Confirmed};
use crate::state::AppState;
use crate::state::overlay::{BookmarkView, Confirm, Overlay};

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
