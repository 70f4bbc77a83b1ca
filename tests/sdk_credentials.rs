//! Credentials that expire, through the real SDK against the emulator: one of two contexts
//! is answered ExpiredTokenException; its pane says which profile and the command that fixes
//! it, its reads are held (one probe per poll, not one call per job), the other context goes
//! on; when the emulator stops refusing, the very next poll heals it, and `:ctx` with it.

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::sdk::RetryPolicy;
use batchtop::aws::{Account, ErrorKind};
use batchtop::config::Settings;
use batchtop::config::contexts::CtxSpec;
use batchtop::poll::{self, GlueCadence, GlueCollector, GlueSource, SourceId, StreamMapper};
use batchtop::state::AppState;
use batchtop::state::contexts::{Ctx, Reach};
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, calls, clear_faults, control, fault, fresh_account, reset_calls};
use tokio::sync::mpsc;

fn seed(account: &str, jobs: usize) {
    let now = Utc::now().timestamp() as f64;
    let list: Vec<Value> = (0..jobs)
        .map(|j| {
            json!({"name": format!("job_{j}"), "tags": {}, "runs": [
                {"id": format!("jr_{j:064}"), "state": "SUCCEEDED", "started_on": now - 3600.0,
                 "completed_on": now - 3000.0, "execution_time": 600}]})
        })
        .collect();
    control("/batchtop/glue/seed", &json!({"account_id": account, "region": emu::REGION, "jobs": list}));
}

/// The app watching contexts `prod` and `staging`.
fn state() -> AppState {
    let mut state = AppState::new(Arc::new(Settings::defaults()), support::context(), Utc::now());
    let spec = |name: &str| CtxSpec { name: name.into(), profile: Some(name.into()), ..Default::default() };
    state.set_contexts(vec![
        Ctx::new(&spec("prod"), emu::REGION.into()),
        Ctx::new(&spec("staging"), emu::REGION.into()),
    ]);
    update(&mut state, Msg::Resize { width: 120, height: 40 });
    state
}

/// The Glue poller of each account, as contexts 0 and 1, every 200 ms.
fn start(accounts: &[&Account]) -> (mpsc::Receiver<Msg>, Vec<tokio::task::JoinHandle<()>>) {
    let (tx, rx) = mpsc::channel(256);
    let cadence = GlueCadence {
        all: Duration::from_millis(200),
        active: Duration::from_millis(200),
        history: Duration::from_secs(7 * 24 * 3600),
        max_backoff: Duration::from_secs(60),
    };
    let tasks = accounts
        .iter()
        .enumerate()
        .map(|(ctx, account)| {
            let streams = StreamMapper::new(Arc::new(Settings::defaults()));
            let collector = GlueCollector::new(account.glue.clone(), streams, 4, Duration::from_secs(300));
            let source = GlueSource::new(collector, cadence.clone());
            let clock: poll::Clock = Arc::new(Utc::now);
            tokio::spawn(poll::run_in(ctx, source, clock, tx.clone(), Arc::new(tokio::sync::Notify::new())))
        })
        .collect();
    (rx, tasks)
}

/// Feed the pollers' messages to the app until `done` says so; the effects of the last one.
async fn until(
    state: &mut AppState,
    rx: &mut mpsc::Receiver<Msg>,
    mut done: impl FnMut(&AppState, &Msg) -> bool,
) -> Vec<Effect> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("in time").expect("open");
        let stop = done(state, &msg);
        let fx = update(state, msg);
        if stop {
            return fx;
        }
    }
}

fn glue_loaded(msg: &Msg, ctx: usize) -> Option<&batchtop::poll::Loaded> {
    match msg {
        Msg::Loaded(l) if l.ctx == ctx && l.source == SourceId::Glue => Some(l),
        _ => None,
    }
}

/// A cycle of context `ctx` that read everything (the first load over, no error).
fn healthy(msg: &Msg, ctx: usize) -> bool {
    glue_loaded(msg, ctx).and_then(|l| l.result.as_ref().ok()).is_some_and(|b| {
        b.errors.is_empty()
            && b.glue().is_some_and(|g| g.loading.is_none() && g.jobs.iter().all(|j| !j.runs.is_empty()))
    })
}

fn total_calls(account: &str) -> u64 {
    calls(account).as_object().map(|m| m.values().filter_map(Value::as_u64).sum()).unwrap_or(0)
}

#[tokio::test]
async fn expired_credentials_say_the_fix_hold_the_context_and_heal_within_one_poll() {
    let (a, b) = (fresh_account(), fresh_account());
    seed(&a, 6);
    seed(&b, 2);
    let policy = RetryPolicy { base: Duration::from_millis(2), ..RetryPolicy::default() };
    let (prod, staging) = (emu::account_retrying(&a, policy).await, emu::account_retrying(&b, policy).await);
    let mut state = state();
    let (mut rx, tasks) = start(&[&prod, &staging]);
    let mut ready = [false, false];
    until(&mut state, &mut rx, |_, m| {
        (0..2).for_each(|c| ready[c] |= healthy(m, c));
        ready == [true, true]
    })
    .await;

    expired_and_held(&mut state, &mut rx, &a, &prod).await;
    // The emulator stops refusing: the first poll that starts afterwards reads everything
    // (only the one in flight at that moment may still fail).
    clear_faults(&a);
    let cleared = Utc::now();
    let mut failed_after = 0;
    let fx = until(&mut state, &mut rx, |_, m| {
        let after = glue_loaded(m, 0).is_some_and(|l| l.at > cleared);
        failed_after += usize::from(after && !healthy(m, 0));
        after && healthy(m, 0)
    })
    .await;
    assert!(failed_after <= 1, "healed within one poll, not {failed_after}");
    assert!(state.ctx(0).status(SourceId::Glue).error.is_none());
    assert!(state.data.jobs.iter().filter(|j| j.ctx == 0).all(|j| !j.runs.is_empty()));
    // And `:ctx` heals too: the identity is asked again.
    assert!(fx.contains(&Effect::LookupIdentity { ctx: 0 }), "{fx:?}");
    let result = prod.identity.caller_identity().await;
    update(&mut state, Msg::Identity { ctx: 0, result });
    assert_eq!(state.ctx(0).account.as_deref(), Some(a.as_str()));
    assert_eq!(state.ctx(0).reach(), Reach::Healthy);
    tasks.iter().for_each(tokio::task::JoinHandle::abort);
}

/// Every call of context 0 is answered ExpiredTokenException: its Glue status says the fix,
/// `:ctx` says it is unreachable, its reads are held (a probe per poll), staging goes on.
async fn expired_and_held(state: &mut AppState, rx: &mut mpsc::Receiver<Msg>, a: &str, prod: &Account) {
    fault(a, "*", "expired_token", 1_000_000, 0);
    until(state, rx, |s, _| s.ctx(0).status(SourceId::Glue).error.as_ref().is_some_and(|e| e.kind.is_credentials()))
        .await;
    let error = state.ctx(0).status(SourceId::Glue).error.clone().expect("an error");
    assert_eq!(error.kind, ErrorKind::CredentialsExpired);
    assert!(error.message.contains("credentials for profile"), "{}", error.message);
    assert!(error.message.contains("aws sso login"), "the command that fixes it: {}", error.message);
    let merged = state.status(SourceId::Glue).error.expect("shown in the jobs pane");
    assert!(merged.message.starts_with("prod: "), "which context: {}", merged.message);
    let screen = support::screen(state);
    assert!(screen.contains("aws sso login"), "{screen}");
    let result = prod.identity.caller_identity().await;
    update(state, Msg::Identity { ctx: 0, result });
    assert_eq!(state.ctx(0).reach(), Reach::Unreachable);

    // Held: while four more polls of prod (six jobs each) run, at most one call each.
    reset_calls(a);
    let (mut polls, mut staging_ok) = (0, 0);
    until(state, rx, |_, m| {
        polls += usize::from(glue_loaded(m, 0).is_some());
        staging_ok += usize::from(healthy(m, 1));
        polls == 4
    })
    .await;
    let made = total_calls(a);
    assert!(made <= 5, "{made} calls in four held polls of six jobs");
    assert!(staging_ok >= 1, "the other context goes on");
    assert!(state.ctx(1).status(SourceId::Glue).error.is_none());
}
