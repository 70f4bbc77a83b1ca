//! The generic poller, once for every source, against the emulator through the real SDK:
//! the sources the TUI starts (`Pollers::start`) each back off after a throttled cycle,
//! recover, keep one cycle in flight, count generations up, leave the data's age showing
//! while they fail, and poll early when woken.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use batchtop::app::msg::{Msg, SourceId};
use batchtop::app::update::update;
use batchtop::aws::ErrorKind;
use batchtop::config::{HumanDuration, Settings};
use batchtop::poll::{self, Pollers};
use batchtop::state::AppState;
use chrono::Utc;
use serde_json::Value;
use support::emu::{self, fault, fresh_account};
use tokio::sync::mpsc;

/// The call each source starts its cycle with.
const FIRST_CALL: [(SourceId, &str); 5] = [
    (SourceId::Glue, "GetJobs"),
    (SourceId::Workflows, "ListWorkflows"),
    (SourceId::Crawlers, "GetCrawlers"),
    (SourceId::Emr, "ListApplications"),
    (SourceId::DataQuality, "ListDataQualityResults"),
];

fn settings() -> Arc<Settings> {
    let mut s = Settings::defaults();
    let slow = HumanDuration(Duration::from_secs(60));
    let p = &mut s.config.poll;
    p.max_backoff = HumanDuration(Duration::from_millis(200));
    (p.glue_runs, p.workflows, p.crawlers, p.emr) = (slow, slow, slow, slow);
    s.config.data_quality.poll = slow;
    Arc::new(s)
}

/// What one source told the app, in order, with when it arrived.
#[derive(Default)]
struct Seen {
    events: Vec<(Instant, Msg)>,
    loaded: usize,
}

async fn collect(rx: &mut mpsc::Receiver<Msg>, seen: &mut BTreeMap<SourceId, Seen>, state: &mut AppState, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while seen.values().filter(|s| s.loaded >= n).count() < FIRST_CALL.len() {
        let msg = tokio::time::timeout_at(deadline, rx.recv()).await.expect("every source reports").expect("open");
        let source = match &msg {
            Msg::Polling { source, .. } => *source,
            Msg::Loaded(l) => l.source,
            _ => continue,
        };
        let entry = seen.entry(source).or_default();
        if matches!(msg, Msg::Loaded(_)) {
            entry.loaded += 1;
            check_status_while_failing(state, &msg);
        }
        update(state, msg.clone());
        entry.events.push((Instant::now(), msg));
    }
}

/// While a source fails, its status says so and its data's age stays at the last success.
fn check_status_while_failing(state: &AppState, msg: &Msg) {
    let Msg::Loaded(l) = msg else { return };
    if l.result.is_err() {
        assert_eq!(state.status(l.source).last_ok, None, "{:?} never answered yet", l.source);
    }
}

fn outcomes(seen: &Seen) -> Vec<Result<(), ErrorKind>> {
    seen.events
        .iter()
        .filter_map(|(_, m)| match m {
            Msg::Loaded(l) => Some(l.result.as_ref().map(|_| ()).map_err(|e| e.kind)),
            _ => None,
        })
        .collect()
}

/// Polling and Loaded alternate (one cycle in flight), generations count up, and the
/// cycle after a failure starts no sooner than the shortest backoff (half of 200 ms).
fn check_cycles(id: SourceId, seen: &Seen) {
    let mut last_loaded: Option<(Instant, bool, u64)> = None;
    let mut polling = false;
    for (at, m) in &seen.events {
        match m {
            Msg::Polling { .. } => {
                assert!(!polling, "{id:?}: a second cycle started before the first ended");
                polling = true;
                if let Some((t, true, _)) = last_loaded {
                    let gap = at.duration_since(t);
                    assert!(gap >= Duration::from_millis(90), "{id:?} retried after {gap:?}, before backing off");
                }
            }
            Msg::Loaded(l) => {
                assert!(polling, "{id:?}: a result without a cycle");
                polling = false;
                assert!(last_loaded.is_none_or(|(_, _, g)| g < l.generation), "{id:?}: generations count up");
                last_loaded = Some((*at, l.result.is_err(), l.generation));
            }
            _ => {}
        }
    }
}

#[tokio::test]
async fn every_source_backs_off_recovers_and_wakes_through_one_loop() {
    let acct = fresh_account();
    for (_, op) in FIRST_CALL {
        fault(&acct, op, "throttle", 2, 0);
    }
    let account = emu::account(&acct).await;
    let settings = settings();
    let clock: poll::Clock = Arc::new(Utc::now);
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let pollers = Pollers::start(&account, &settings, &clock, &tx);
    let mut state = AppState::new(settings.clone(), support::context(), Utc::now());
    let mut seen = BTreeMap::new();
    collect(&mut rx, &mut seen, &mut state, 3).await;
    for (id, op) in FIRST_CALL {
        let s = &seen[&id];
        let first_three: Vec<_> = outcomes(s).into_iter().take(3).collect();
        assert_eq!(first_three, [Err(ErrorKind::Throttled), Err(ErrorKind::Throttled), Ok(())], "{id:?} ({op})");
        check_cycles(id, s);
        assert!(state.status(id).error.is_none() && state.status(id).last_ok.is_some(), "{id:?} recovered");
    }
    let peaks = emu::get(&format!("/batchtop/inflight?account_id={acct}"));
    for (id, op) in FIRST_CALL {
        assert_eq!(peaks.get(op).and_then(Value::as_u64), Some(1), "{id:?}: one {op} at a time: {peaks}");
    }
    // Cadences are a minute: a cycle within seconds is the wake.
    let before: BTreeMap<SourceId, usize> = seen.iter().map(|(k, v)| (*k, v.loaded)).collect();
    for (id, _) in FIRST_CALL {
        pollers.wake(id);
    }
    collect(&mut rx, &mut seen, &mut state, 4).await;
    for (id, _) in FIRST_CALL {
        assert!(seen[&id].loaded > before[&id], "{id:?} polled when woken");
    }
}
