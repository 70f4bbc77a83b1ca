//! Contexts in `update`: who each one is (its identity), narrowing every pane to one
//! (`Enter` on `:ctx`, `:ctx NAME`) and widening again (`Esc`, `:ctx all`).

use super::msg::Effect;
use crate::aws::{AwsError, CallerIdentity};
use crate::state::{AppState, Pane};

/// STS answered (or not) for context `ctx`.
pub fn identity(state: &mut AppState, ctx: usize, result: Result<CallerIdentity, AwsError>) -> Vec<Effect> {
    let many = state.many_contexts();
    let Some(c) = state.contexts.get_mut(ctx) else {
        return Vec::new();
    };
    match result {
        Ok(id) => {
            c.account = Some(id.account.clone());
            c.arn = Some(id.arn);
            c.expires = id.expires;
            c.identity_error = None;
            if ctx == 0 {
                state.context.account = Some(id.account);
            }
        }
        Err(e) => {
            // With one context the flash says it; with several, `:ctx` and the status bar do.
            if !many {
                state.flash = Some(format!("cannot tell the account: {e}"));
            }
            c.identity_error = Some(e);
        }
    }
    vec![Effect::Redraw]
}

/// A source of context `ctx` answered: when its identity could not be told before (expired
/// credentials, no network), ask again, so `:ctx` and the status bar heal by themselves.
pub fn identity_again(state: &mut AppState, ctx: usize) -> Option<Effect> {
    let c = state.contexts.get_mut(ctx)?;
    c.identity_error.take()?;
    Some(Effect::LookupIdentity { ctx })
}

/// Show only context `ctx` (None: every context) in every pane, and go back to the pane
/// `:ctx` was opened from.
pub fn narrow(state: &mut AppState, ctx: Option<usize>) {
    state.narrow = ctx.filter(|&c| c < state.contexts.len());
    if state.root == Pane::Ctx && state.stack.is_empty() {
        state.root = state.ctx_return;
    }
    state.flash = Some(match state.narrow {
        Some(c) => format!("showing context {} only (esc or :ctx all: every context)", state.ctx(c).name),
        None => "showing every context".into(),
    });
    state.rebuild();
}

/// `:ctx all` widens, `:ctx NAME` narrows to the context of that name.
pub fn command(state: &mut AppState, arg: &str) -> Vec<Effect> {
    let arg = arg.trim();
    if arg == "all" || arg == "*" {
        narrow(state, None);
    } else if let Some(i) = state.contexts.iter().position(|c| c.name == arg) {
        narrow(state, Some(i));
    } else {
        let names: Vec<&str> = state.contexts.iter().map(|c| c.name.as_str()).collect();
        state.flash =
            Some(format!("no context named `{arg}` (contexts: {}; :ctx all shows every one)", names.join(", ")));
    }
    vec![Effect::Redraw]
}

/// Each context's API counters, once a second.
pub fn stats(state: &mut AppState, per: Vec<crate::aws::StatsSnapshot>) -> Vec<Effect> {
    for (c, s) in state.contexts.iter_mut().zip(per) {
        c.stats = s;
    }
    Vec::new()
}
