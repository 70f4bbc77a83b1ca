//! Keys and messages of the Data Quality and cost panes. Cost Explorer is billed per
//! request: the cost pane loads from the cache, asks Cost Explorer only when the cache is
//! older than the TTL (and then not again for a TTL), and a manual refresh is confirmed.

use chrono::{DateTime, Duration, Utc};

use super::msg::Effect;
use crate::aws::AwsError;
use crate::cost::CostReport;
use crate::state::overlay::Overlay;
use crate::state::{AppState, Pane};

/// The cache key of the cost context's account: the account id once known, else profile
/// and region.
pub fn account_key(state: &AppState) -> String {
    let c = state.ctx(state.cost_ctx());
    c.account.clone().unwrap_or_else(|| c.place())
}

fn ttl(state: &AppState) -> Duration {
    Duration::from_std(state.settings.config.cost.ttl.0).unwrap_or(Duration::hours(6))
}

/// Whether the cost pane should load on its own now: nothing loaded yet, or the report
/// is older than the TTL and no load was started within the TTL.
fn wants_load(state: &AppState) -> bool {
    if state.cost.loading || state.context.standalone {
        return false;
    }
    let ttl = ttl(state);
    let recent_attempt = state.cost.last_attempt.is_some_and(|t| state.now - t < ttl);
    match &state.cost.report {
        None => !recent_attempt,
        Some(r) => r.age(state.now) >= ttl && !recent_attempt,
    }
}

fn load(state: &mut AppState, force: bool) -> Vec<Effect> {
    state.cost.loading = true;
    if let Some(s) = state.status_mut(state.cost_ctx(), crate::poll::SourceId::Cost) {
        s.polling = true;
    }
    vec![Effect::LoadCost { ctx: state.cost_ctx(), force, account: account_key(state) }, Effect::Redraw]
}

/// The cost pane shows the cost context's account (the context narrowed to, else the first):
/// when that account changed, its report is another one (contexts of one account share it).
fn follow_account(state: &mut AppState) {
    let key = account_key(state);
    if state.cost.key.as_deref() == Some(key.as_str()) {
        return;
    }
    let requests = state.cost.requests;
    state.cost = crate::state::quality::CostState { requests, key: Some(key), ..Default::default() };
}

/// `:cost` opened: load if needed.
pub fn opened(state: &mut AppState) -> Vec<Effect> {
    follow_account(state);
    if wants_load(state) { load(state, false) } else { vec![Effect::Redraw] }
}

/// `:streams` opened without a cost report: the cached one, if any (no request).
pub fn peek(state: &AppState) -> Vec<Effect> {
    if state.cost.report.is_some() || state.cost.loading || state.context.standalone {
        return Vec::new();
    }
    vec![Effect::PeekCost { account: account_key(state) }]
}

/// The cached report arrived: kept unless a load brought one meanwhile.
pub fn cost_peeked(state: &mut AppState, report: Option<Box<CostReport>>) -> Vec<Effect> {
    if let Some(r) = report.filter(|_| state.cost.report.is_none()) {
        state.cost.set(*r);
        state.refresh_streams();
        state.rebuild();
    }
    vec![Effect::Redraw]
}

/// Once a second while the cost pane is shown.
pub fn tick(state: &mut AppState) -> Vec<Effect> {
    if state.root != Pane::Cost || !state.stack.is_empty() {
        return Vec::new();
    }
    follow_account(state);
    if wants_load(state) {
        return load(state, false);
    }
    Vec::new()
}

/// The refresh key on the cost pane: ask first, it is billed.
pub fn ask_refresh(state: &mut AppState) -> Vec<Effect> {
    if state.cost.loading {
        state.flash = Some("the cost report is loading".into());
    } else {
        state.overlay = Some(Overlay::CostRefresh);
    }
    vec![Effect::Redraw]
}

/// A key on the refresh confirmation: `y` asks Cost Explorer, anything else cancels.
pub fn on_refresh_key(state: &mut AppState, key: ratatui::crossterm::event::KeyEvent) -> Vec<Effect> {
    use ratatui::crossterm::event::KeyCode;
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') => {
            state.cost.last_attempt = Some(state.now);
            load(state, true)
        }
        _ => {
            state.flash = Some("cost refresh cancelled".into());
            vec![Effect::Redraw]
        }
    }
}

pub fn cost_loaded(state: &mut AppState, at: DateTime<Utc>, result: Result<Box<CostReport>, AwsError>) -> Vec<Effect> {
    state.cost.loading = false;
    let ctx = state.cost_ctx();
    if let Some(s) = state.status_mut(ctx, crate::poll::SourceId::Cost) {
        s.polling = false;
    }
    match result {
        Ok(report) => {
            if !report.from_cache {
                state.cost.requests += report.requests;
                state.cost.last_attempt = Some(at);
            }
            if let Some(status) = state.status_mut(ctx, crate::poll::SourceId::Cost) {
                status.last_ok = Some(report.fetched_at);
                status.error = None;
            }
            state.cost.set(*report);
            // Yesterday's cost per stream comes from this report.
            state.refresh_streams();
            state.rebuild();
        }
        Err(e) => {
            // A failed request may still have been billed; do not retry it for a TTL.
            state.cost.last_attempt = Some(at);
            if let Some(s) = state.status_mut(ctx, crate::poll::SourceId::Cost) {
                s.error = Some(e);
            }
        }
    }
    state.rebuild();
    vec![Effect::Redraw]
}

/// The cost report of `account` arrived: dropped when the cost context moved to another
/// account since it was asked for.
pub fn cost_answered(
    state: &mut AppState,
    account: &str,
    at: DateTime<Utc>,
    result: Result<Box<CostReport>, AwsError>,
) -> Vec<Effect> {
    if state.cost.key.as_ref().is_some_and(|k| k != account) {
        return Vec::new();
    }
    cost_loaded(state, at, result)
}
