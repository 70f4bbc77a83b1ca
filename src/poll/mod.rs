//! Pollers: one task per source, its own cadence, backoff with jitter, one cycle in flight.

mod backoff;
pub mod catalog;
pub mod emr;
pub mod glue;
pub mod logs;
mod logs_s3;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

pub use backoff::Backoff;
pub use catalog::{Lister, run_catalog};
pub use glue::{Cycle, GlueCollector, Scope, StreamMapper};

use crate::app::msg::{Loaded, Msg, Source};
use crate::config::PollSection;
pub use emr::EmrCollector;

/// A clock shared by pollers and the app (the demo's is simulated).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Cadences of the Glue poller.
#[derive(Debug, Clone)]
pub struct GlueCadence {
    pub all: Duration,
    pub active: Duration,
    pub history: Duration,
    pub max_backoff: Duration,
}

impl From<&PollSection> for GlueCadence {
    fn from(p: &PollSection) -> Self {
        Self { all: p.glue_runs.0, active: p.glue_runs_active.0, history: p.history.0, max_backoff: p.max_backoff.0 }
    }
}

/// The EMR Serverless poller task: `every`, or `active` while runs are in flight.
pub async fn run_emr(
    mut collector: emr::EmrCollector,
    cadence: EmrCadence,
    clock: Clock,
    tx: mpsc::Sender<Msg>,
    wake: Arc<Notify>,
) {
    let seed = clock().timestamp_subsec_nanos() as u64 ^ 0xE3;
    let mut backoff = Backoff::new(cadence.max_backoff, seed);
    let mut generation = 0;
    loop {
        generation += 1;
        let _ = tx.send(Msg::Polling { source: Source::Emr }).await;
        let result = collector.poll(clock(), cadence.history).await;
        let delay = match &result {
            Ok((_, errors)) if errors.is_empty() => {
                backoff.reset();
                if collector.has_active() { cadence.active.min(cadence.every) } else { cadence.every }
            }
            Ok((_, errors)) => backoff.next_delay(errors[0].kind),
            Err(e) => backoff.next_delay(e.kind),
        };
        let msg = Msg::EmrLoaded { generation, at: clock(), result: result.map(Box::new) };
        if tx.send(msg).await.is_err() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wake.notified() => {}
        }
    }
}

/// Cadences of the EMR Serverless poller.
#[derive(Debug, Clone)]
pub struct EmrCadence {
    pub every: Duration,
    pub active: Duration,
    pub history: Duration,
    pub max_backoff: Duration,
}

impl From<&PollSection> for EmrCadence {
    fn from(p: &PollSection) -> Self {
        Self { every: p.emr.0, active: p.emr_active.0, history: p.emr_history.0, max_backoff: p.max_backoff.0 }
    }
}

/// The Glue poller task. Runs until the receiver is gone. `wake` forces a full poll now.
pub async fn run_glue(
    mut collector: GlueCollector,
    cadence: GlueCadence,
    clock: Clock,
    tx: mpsc::Sender<Msg>,
    wake: Arc<Notify>,
) {
    let mut generation = 0u64;
    let seed = clock().timestamp_nanos_opt().unwrap_or(7) as u64;
    let mut backoff = Backoff::new(cadence.max_backoff, seed);
    let mut next_full = tokio::time::Instant::now();
    loop {
        let now_i = tokio::time::Instant::now();
        let scope = if now_i >= next_full { Scope::All } else { Scope::ActiveOnly };
        generation += 1;
        let _ = tx.send(Msg::Polling { source: Source::Glue }).await;
        let result = collector.poll(scope, clock(), cadence.history).await;
        let delay = match &result {
            // Tags only name the stream: a missing glue:GetTags permission must not slow the runs down.
            Ok(cycle) => match cycle.errors.iter().find(|e| e.operation != "glue:GetTags") {
                Some(e) => {
                    let d = backoff.next_delay(e.kind);
                    next_full = tokio::time::Instant::now() + d;
                    d
                }
                None => {
                    backoff.reset();
                    if scope == Scope::All {
                        next_full = tokio::time::Instant::now() + cadence.all;
                    }
                    if collector.active_jobs() > 0 { cadence.active.min(cadence.all) } else { cadence.all }
                }
            },
            Err(e) => {
                let d = backoff.next_delay(e.kind);
                next_full = tokio::time::Instant::now() + d;
                d
            }
        };
        let msg = Msg::Loaded(Loaded { source: Source::Glue, generation, at: clock(), result: result.map(Box::new) });
        if tx.send(msg).await.is_err() {
            return;
        }
        let until = (tokio::time::Instant::now() + delay).min(next_full.max(tokio::time::Instant::now()));
        tokio::select! {
            _ = tokio::time::sleep_until(until) => {}
            _ = wake.notified() => { next_full = tokio::time::Instant::now(); }
        }
    }
}
