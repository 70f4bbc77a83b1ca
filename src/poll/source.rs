//! The source abstraction: every polled source is one implementation of [`Source`], run by
//! the one generic loop in [`run`]. What a cycle brings is a [`Batch`], delivered as a
//! [`PollEvent::Loaded`]; nothing in here knows about the app that receives it.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

use super::{Backoff, Clock};
use crate::aws::{AwsError, AwsResult};
use crate::model::{Crawler, DqData, EmrData, GlueData, Workflow};

/// Which source a status, a message or a pane belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceId {
    Glue,
    Workflows,
    Crawlers,
    Emr,
    DataQuality,
    /// Cost Explorer: loaded on demand (cached for a TTL), not polled.
    Cost,
    /// The streams' landing partitions (S3) and catalog partitions (Glue).
    Landing,
    /// Glue triggers (the streams' schedules).
    Triggers,
}

impl SourceId {
    /// Every source, in the order statuses are kept.
    pub const ALL: [SourceId; 8] = [
        SourceId::Glue,
        SourceId::Workflows,
        SourceId::Crawlers,
        SourceId::Emr,
        SourceId::DataQuality,
        SourceId::Cost,
        SourceId::Landing,
        SourceId::Triggers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SourceId::Glue => "glue",
            SourceId::Workflows => "workflows",
            SourceId::Crawlers => "crawlers",
            SourceId::Emr => "emr-serverless",
            SourceId::DataQuality => "data-quality",
            SourceId::Cost => "cost",
            SourceId::Landing => "landing",
            SourceId::Triggers => "triggers",
        }
    }

    /// Whether a poller runs for it (cost is loaded on demand).
    pub fn is_polled(self) -> bool {
        self != SourceId::Cost
    }

    /// Position in [`SourceId::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The data of one cycle, by source.
#[derive(Debug, Clone)]
pub enum SourceData {
    Glue(GlueData),
    Workflows(Vec<Workflow>),
    Crawlers(Vec<Crawler>),
    Emr(EmrData),
    DataQuality(DqData),
    Landing(crate::model::StreamReads),
    Triggers(Vec<crate::model::Trigger>),
}

/// What one cycle produced: the data, and the errors of calls that failed while others
/// answered (their part keeps what was known before).
#[derive(Debug, Clone)]
pub struct Batch {
    pub data: SourceData,
    pub errors: Vec<AwsError>,
}

impl Batch {
    /// A cycle where every call answered.
    pub fn whole(data: SourceData) -> Self {
        Self { data, errors: Vec::new() }
    }

    /// The Glue jobs and runs, when this is the Glue source's batch.
    pub fn glue(&self) -> Option<&GlueData> {
        match &self.data {
            SourceData::Glue(g) => Some(g),
            _ => None,
        }
    }
}

impl From<super::Cycle> for Batch {
    fn from(c: super::Cycle) -> Self {
        Self { data: SourceData::Glue(c.data), errors: c.errors }
    }
}

impl From<(EmrData, Vec<AwsError>)> for Batch {
    fn from((data, errors): (EmrData, Vec<AwsError>)) -> Self {
        Self { data: SourceData::Emr(data), errors }
    }
}

/// The outcome of one poll cycle.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The context (profile × Region) polled: an index into the app's contexts.
    pub ctx: usize,
    pub source: SourceId,
    pub generation: u64,
    pub at: DateTime<Utc>,
    pub result: Result<Box<Batch>, AwsError>,
}

impl Loaded {
    /// A cycle's outcome from a whole-or-nothing read, in the first context.
    pub fn from_result(source: SourceId, generation: u64, at: DateTime<Utc>, r: AwsResult<SourceData>) -> Self {
        Self { ctx: 0, source, generation, at, result: r.map(|d| Box::new(Batch::whole(d))) }
    }

    /// The same outcome, of context `ctx`.
    pub fn in_ctx(mut self, ctx: usize) -> Self {
        self.ctx = ctx;
        self
    }
}

/// What a poller tells the app.
#[derive(Debug, Clone)]
pub enum PollEvent {
    /// A cycle of `source` in context `ctx` started.
    Polling { ctx: usize, source: SourceId },
    /// A cycle ended.
    Loaded(Loaded),
}

/// A cadence and the longest backoff.
#[derive(Debug, Clone, Copy)]
pub struct Every {
    pub every: Duration,
    pub max_backoff: Duration,
}

/// One polled source: what it fetches, how often, and when it backs off.
pub trait Source: Send + 'static {
    fn id(&self) -> SourceId;

    /// One cycle. `Err` only when nothing could be read; calls that failed while others
    /// answered are the batch's `errors`.
    fn fetch(&mut self, now: DateTime<Utc>) -> impl Future<Output = AwsResult<Batch>> + Send;

    /// Its base cadence and its longest wait after failures.
    fn every(&self) -> Every;

    /// The wait after a cycle that went well (the base cadence unless the source knows better,
    /// e.g. runs in flight).
    fn cadence(&self) -> Duration {
        self.every().every
    }

    /// The longest wait after failures.
    fn max_backoff(&self) -> Duration {
        self.every().max_backoff
    }

    /// Whether a call that failed while others answered backs the poller off.
    fn backs_off(&self, _error: &AwsError) -> bool {
        true
    }

    /// The poller backs off for `delay` after a failure.
    fn backed_off(&mut self, _delay: Duration) {}

    /// The user asked for fresh data now.
    fn woken(&mut self) {}
}

/// How long one cycle's reads keep retrying throttles and server errors.
pub const POLL_DEADLINE: Duration = Duration::from_secs(60);

/// Poll `source` (of the first context) until the receiver is gone: see [`run_in`].
pub async fn run<S: Source, M: From<PollEvent> + Send + 'static>(
    source: S,
    clock: Clock,
    tx: mpsc::Sender<M>,
    wake: Arc<Notify>,
) {
    run_in(0, source, clock, tx, wake).await;
}

/// Poll `source` of context `ctx` until the receiver is gone: one cycle in flight, its
/// cadence after a good cycle, exponential backoff with jitter after a failed (or partly
/// failed) one, and an early cycle when `wake` is notified.
pub async fn run_in<S: Source, M: From<PollEvent> + Send + 'static>(
    ctx: usize,
    mut source: S,
    clock: Clock,
    tx: mpsc::Sender<M>,
    wake: Arc<Notify>,
) {
    let id = source.id();
    let seed = clock().timestamp_nanos_opt().unwrap_or(7) as u64 ^ (id as u64).wrapping_mul(0x9E37);
    let mut backoff = Backoff::new(source.max_backoff(), seed);
    let mut generation = 0u64;
    loop {
        generation += 1;
        let _ = tx.send(PollEvent::Polling { ctx, source: id }.into()).await;
        let deadline = tokio::time::Instant::now() + POLL_DEADLINE;
        let result = crate::aws::deadline::within(deadline, source.fetch(clock())).await;
        let failed = match &result {
            Ok(batch) => batch.errors.iter().find(|e| source.backs_off(e)).map(|e| e.kind),
            Err(e) => Some(e.kind),
        };
        let delay = match failed {
            // The seam holds the context's reads while its credentials are refused (one probe
            // every few seconds): poll at the base cadence, so that it resumes within one poll
            // of the credentials being valid again.
            Some(kind) if kind.is_credentials() => {
                backoff.reset();
                let d = source.every().every;
                source.backed_off(d);
                d
            }
            Some(kind) => {
                let d = backoff.next_delay(kind);
                source.backed_off(d);
                d
            }
            None => {
                backoff.reset();
                source.cadence()
            }
        };
        let loaded = Loaded { ctx, source: id, generation, at: clock(), result: result.map(Box::new) };
        if tx.send(PollEvent::Loaded(loaded).into()).await.is_err() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = wake.notified() => source.woken(),
        }
    }
}
