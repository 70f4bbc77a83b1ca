//! Pollers: every source is one [`Source`] run by the one generic loop [`run`], as its own
//! task: its own cadence, backoff with jitter, one cycle in flight.

mod backoff;
pub mod emr;
pub mod excerpt;
mod gate;
pub mod glue;
pub mod logs;
mod logs_s3;
pub mod names;
pub mod source;
pub mod sources;
pub mod streams;
pub mod tags;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

pub use backoff::Backoff;
pub use emr::EmrCollector;
pub use gate::Gate;
pub use glue::{Cycle, GlueCollector, IdleCadence, Scope, StreamMapper};
pub use source::{Batch, Every, Loaded, PollEvent, Source, SourceData, SourceId, run, run_in};
pub use sources::{
    CrawlersSource, DataQualitySource, EmrSource, GlueSource, WorkflowJobs, WorkflowsSource, workflow_jobs,
};
pub use tags::TagCache;

use crate::aws::{Account, Tagged};
use crate::config::{PollSection, Settings};
use names::{AllNames, Publisher};

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

impl From<&PollSection> for IdleCadence {
    fn from(p: &PollSection) -> Self {
        // The full cycles' share of `glue_calls_per_minute`.
        let cycles_per_minute = 60.0 / p.glue_runs.0.as_secs_f64().max(1.0);
        let per_cycle = (p.glue_calls_per_minute as f64 / cycles_per_minute).floor() as usize;
        Self { after: p.idle_after.0, every: p.glue_runs_idle.0, soon: p.glue_runs.0, per_cycle: per_cycle.max(1) }
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

/// The running pollers of one account: their tasks, and how to wake each.
#[derive(Default)]
pub struct Pollers {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    wakes: std::collections::BTreeMap<SourceId, Arc<Notify>>,
}

impl Pollers {
    /// Start `source` of context `ctx` polling into `tx`.
    pub fn spawn<S: Source, M: From<PollEvent> + Send + 'static>(
        &mut self,
        ctx: usize,
        source: S,
        clock: Clock,
        tx: mpsc::Sender<M>,
    ) {
        let wake = Arc::new(Notify::new());
        self.wakes.insert(source.id(), wake.clone());
        self.tasks.push(tokio::spawn(run_in(ctx, source, clock, tx, wake)));
    }

    /// Start every polled source of `account` (the first context), as `settings` says.
    pub fn start<M: From<PollEvent> + Send + 'static>(
        account: &Account,
        settings: &Arc<Settings>,
        clock: &Clock,
        tx: &mpsc::Sender<M>,
    ) -> Self {
        Self::start_in((0, Gate::default()), account, settings, clock, tx)
    }

    /// Start every polled source of context `ctx`'s `account`, its fan-out passing `gate`.
    pub fn start_in<M: From<PollEvent> + Send + 'static>(
        (ctx, gate): (usize, Gate),
        account: &Account,
        settings: &Arc<Settings>,
        clock: &Clock,
        tx: &mpsc::Sender<M>,
    ) -> Self {
        let p = &settings.config.poll;
        let every = |every: Duration| Every { every, max_backoff: p.max_backoff.0 };
        let mut pollers = Self::default();
        let (running_jobs, workflow_jobs) = workflow_jobs();
        let glue = GlueCollector::new(
            account.glue.clone(),
            StreamMapper::new(settings.clone()),
            p.max_concurrency,
            p.glue_jobs.0,
        )
        .gated(gate.clone())
        .idling(IdleCadence::from(p))
        .watching(workflow_jobs);
        let mut names = Vec::new();
        let mut publish = || {
            let (tx, rx) = Publisher::new(settings.clone());
            names.push(rx);
            tx
        };
        let glue = GlueSource::new(glue, GlueCadence::from(p)).publishing(publish());
        pollers.spawn(ctx, glue, clock.clone(), tx.clone());
        let tags = |kind| Some(TagCache::new(account.glue.clone(), kind).gated(gate.clone(), p.max_concurrency));
        let workflows = WorkflowsSource {
            read: account.workflows.clone(),
            every: every(p.workflows.0),
            tags: tags(Tagged::Workflow),
            running_jobs: Some(running_jobs),
            names: Some(publish()),
        };
        pollers.spawn(ctx, workflows, clock.clone(), tx.clone());
        let (read, every_c, tags_c) = (account.crawlers.clone(), every(p.crawlers.0), tags(Tagged::Crawler));
        let crawlers = CrawlersSource { read, every: every_c, tags: tags_c, names: Some(publish()) };
        pollers.spawn(ctx, crawlers, clock.clone(), tx.clone());
        let emr = EmrCollector::new(account.emr.clone(), p.max_concurrency, p.emr.0 * 4).gated(gate.clone());
        pollers.spawn(ctx, EmrSource::new(emr, EmrCadence::from(p)).publishing(publish()), clock.clone(), tx.clone());
        let dq = &settings.config.data_quality;
        let (history, dq_every) = (dq.history.0, every(dq.poll.0));
        let (read, tags_dq, names_dq) = (account.dq.clone(), tags(Tagged::Ruleset), Some(publish()));
        let dq = DataQualitySource { read, history, every: dq_every, tags: tags_dq, names: names_dq };
        pollers.spawn(ctx, dq, clock.clone(), tx.clone());
        let sec = &settings.config.streams;
        let poll = crate::duration::parse(&sec.poll).unwrap_or(Duration::from_secs(120));
        let landing = streams::LandingSource::new(account, sec.clone(), AllNames::new(names), every(poll)).gated(gate);
        pollers.spawn(ctx, landing, clock.clone(), tx.clone());
        let triggers = streams::TriggersSource { catalog: account.catalog.clone(), every: every(p.glue_jobs.0) };
        pollers.spawn(ctx, triggers, clock.clone(), tx.clone());
        pollers
    }

    /// Poll `source` now (the refresh key). Unknown or unpolled sources are ignored.
    pub fn wake(&self, source: SourceId) {
        if let Some(w) = self.wakes.get(&source) {
            w.notify_one();
        }
    }

    /// Keep a task of the account's (the identity lookup) to stop with the pollers.
    pub fn adopt(&mut self, task: tokio::task::JoinHandle<()>) {
        self.tasks.push(task);
    }
}

impl Drop for Pollers {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
