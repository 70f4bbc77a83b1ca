//! Hotkeys and plugins from the config: a key no action is bound to runs a hotkey's `:`
//! command, or a plugin of the pane in front on its selected row (after asking, with
//! `confirm`). The plugin itself is started by the loop (`Effect::RunPlugin`).

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::{Effect, PluginExit};
use crate::config::extras::Plugin;
use crate::keymap::Key;
use crate::state::AppState;
use crate::state::overlay::Overlay;
use crate::state::plugins::{self, PluginRun};

/// A hotkey or a plugin bound to `key` here; `None` when neither is.
pub fn on_key(state: &mut AppState, key: &KeyEvent) -> Option<Vec<Effect>> {
    let key = Key::from_event(key)?;
    if let Some(h) = state.settings.extras.hotkeys.iter().find(|h| h.key == key) {
        let command = h.command.clone();
        return Some(super::update::run_command(state, &command));
    }
    let scope = plugins::scope(state);
    let plugin = state.settings.extras.plugins.iter().find(|p| p.key == key && p.applies(scope))?.clone();
    Some(start(state, &plugin))
}

/// The command line of `p` with `env`: a shell line without `args`, else the program and its
/// arguments with `$BATCHTOP_*` filled in.
pub fn prepare(p: &Plugin, env: Vec<(String, String)>) -> PluginRun {
    let (program, args) = if p.args.is_empty() {
        let (shell, flag) = if cfg!(windows) { ("cmd", "/C") } else { ("sh", "-c") };
        (shell.to_string(), vec![flag.to_string(), p.command.clone()])
    } else {
        (p.command.clone(), p.args.iter().map(|a| plugins::expand(a, &env)).collect())
    };
    let target = plugins::target(&env);
    PluginRun { name: p.label().to_string(), program, args, env, background: p.background, target }
}

fn start(state: &mut AppState, p: &Plugin) -> Vec<Effect> {
    let Some(env) = plugins::env(state) else {
        state.flash = Some(format!("{}: select a row first", p.label()));
        return vec![Effect::Redraw];
    };
    let ctx = state.ctx(state.focus_ctx());
    if p.dangerous && (state.context.read_only || ctx.read_only) {
        state.flash =
            Some(format!("{}: not run, context {} is read-only (the plugin is dangerous)", p.label(), ctx.name));
        return vec![Effect::Redraw];
    }
    let run = prepare(p, env);
    if p.confirm {
        state.overlay = Some(Overlay::Plugin(run));
        return vec![Effect::Redraw];
    }
    launch(state, run)
}

fn launch(state: &mut AppState, run: PluginRun) -> Vec<Effect> {
    if run.background {
        state.flash = Some(format!("{}: running in the background…", run.name));
    }
    vec![Effect::RunPlugin(run), Effect::Redraw]
}

/// The confirmation: `y` runs it, anything else leaves it.
pub fn on_confirm_key(state: &mut AppState, key: KeyEvent, run: PluginRun) -> Vec<Effect> {
    if key.code == KeyCode::Char('y') && !key.modifiers.contains(KeyModifiers::CONTROL) {
        return launch(state, run);
    }
    state.flash = Some(format!("{}: not run", run.name));
    vec![Effect::Redraw]
}

/// A plugin ended: its exit status (and, from the background, its last line of output).
pub fn done(state: &mut AppState, name: String, result: Result<PluginExit, String>) -> Vec<Effect> {
    state.flash = Some(match result {
        Err(e) => format!("{name}: could not run: {e}"),
        Ok(x) => {
            let status = match x.code {
                Some(0) => "finished (exit 0)".to_string(),
                Some(c) => format!("failed (exit {c})"),
                None => "ended by a signal".to_string(),
            };
            match x.last_line {
                Some(l) => format!("{name}: {status}: {l}"),
                None => format!("{name}: {status}"),
            }
        }
    });
    vec![Effect::Redraw]
}
