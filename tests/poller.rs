//! The Glue poller task on the demo account: full cycles at the slow cadence, jobs with
//! a run in flight at the fast one, a refresh on demand.

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::app::msg::Msg;
use batchtop::aws::demo::DemoAccount;
use batchtop::config::Settings;
use batchtop::poll::{self, GlueCadence, GlueCollector, StreamMapper};
use tokio::sync::{Notify, mpsc};

fn start(
    demo: &DemoAccount,
    all: Duration,
    active: Duration,
) -> (mpsc::Receiver<Msg>, Arc<Notify>, tokio::task::JoinHandle<()>) {
    let settings = Arc::new(Settings::defaults());
    let collector =
        GlueCollector::new(Arc::new(demo.clone()), StreamMapper::new(settings), 4, Duration::from_secs(3600));
    let cadence =
        GlueCadence { all, active, history: Duration::from_secs(48 * 3600), max_backoff: Duration::from_secs(1) };
    let (tx, rx) = mpsc::channel(64);
    let wake = Arc::new(Notify::new());
    let d = demo.clone();
    let clock: poll::Clock = Arc::new(move || d.now());
    let task = tokio::spawn(poll::run(poll::GlueSource::new(collector, cadence), clock, tx, wake.clone()));
    (rx, wake, task)
}

async fn next_loaded(rx: &mut mpsc::Receiver<Msg>) -> u64 {
    next_batch(rx).await.0
}

/// The next cycle's generation, and whether the first load was still under way.
async fn next_batch(rx: &mut mpsc::Receiver<Msg>) -> (u64, bool) {
    loop {
        let msg =
            tokio::time::timeout(Duration::from_secs(10), rx.recv()).await.expect("a cycle in time").expect("open");
        if let Msg::Loaded(l) = msg {
            let batch = l.result.expect("a good cycle");
            return (l.generation, batch.glue().is_some_and(|g| g.loading.is_some()));
        }
    }
}

/// Cycles until the first load (names, newest runs, history) is done.
async fn until_loaded(rx: &mut mpsc::Receiver<Msg>) -> u64 {
    loop {
        if let (generation, false) = next_batch(rx).await {
            return generation;
        }
    }
}

#[tokio::test]
async fn jobs_with_running_runs_are_polled_at_the_fast_cadence() {
    let demo = DemoAccount::fixed();
    let stats = demo.account().stats;
    let (mut rx, _wake, task) = start(&demo, Duration::from_secs(3600), Duration::from_millis(50));
    until_loaded(&mut rx).await;
    let after_full = stats.snapshot().total_calls;
    // GetJobs, every job's tags in one call, 30 GetJobRuns of the newest runs, and (no more
    // than) 30 for the history of the jobs whose newest runs did not cover the window.
    assert!((32..=62).contains(&after_full), "{after_full}");
    next_loaded(&mut rx).await;
    next_loaded(&mut rx).await;
    task.abort();
    let active_calls = stats.snapshot().total_calls - after_full;
    // Two fast cycles, each one GetJobRuns per job with a run in flight (5 in the seeded demo).
    assert_eq!(active_calls % 2, 0, "{active_calls}");
    assert!((2..=20).contains(&active_calls), "only active jobs, not all 30: {active_calls}");
}

#[tokio::test]
async fn refresh_wakes_a_sleeping_poller() {
    let demo = DemoAccount::fixed();
    // Let every run finish: nothing active, so the poller sleeps for the full hour.
    demo.advance(chrono::Duration::hours(3));
    let (mut rx, wake, task) = start(&demo, Duration::from_secs(3600), Duration::from_secs(3600));
    let first = until_loaded(&mut rx).await;
    wake.notify_one();
    let second = next_loaded(&mut rx).await;
    task.abort();
    assert_eq!(second, first + 1);
}
