//! The polled sources: one [`Source`] implementation each.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::names::Publisher;
use super::source::{Batch, Every, Source, SourceData, SourceId};
use super::tags::{TagCache, is_tag_read};
use super::{EmrCadence, EmrCollector, GlueCadence, GlueCollector, Scope};
use crate::aws::{AwsError, AwsResult, CrawlerRead, DataQualityRead, WorkflowRead};

/// Glue jobs and their runs: a full cycle every `all`; in between, while runs are in
/// flight, only the jobs with active runs every `active`.
pub struct GlueSource {
    collector: GlueCollector,
    cadence: GlueCadence,
    next_full: Instant,
    /// Where the jobs' stream names go (for the landing source).
    names: Option<Publisher>,
}

impl GlueSource {
    pub fn new(collector: GlueCollector, cadence: GlueCadence) -> Self {
        Self { collector, cadence, next_full: Instant::now(), names: None }
    }

    /// Tell the stream names of every cycle to `names`.
    pub fn publishing(mut self, names: Publisher) -> Self {
        self.names = Some(names);
        self
    }
}

impl GlueSource {
    /// Tell the jobs' streams, once their tags are read.
    fn publish(&mut self, cycle: &super::Cycle) {
        if let Some(names) = self.names.as_mut().filter(|_| self.collector.tags_known()) {
            names.send(cycle.data.jobs.iter().filter_map(|j| j.stream.clone()).collect());
        }
    }
}

/// Tags only name the stream: a missing glue:GetTags permission must not slow the runs down.
fn glue_backs_off(e: &AwsError) -> bool {
    e.operation != "glue:GetTags"
}

impl Source for GlueSource {
    fn id(&self) -> SourceId {
        SourceId::Glue
    }

    async fn fetch(&mut self, now: DateTime<Utc>) -> AwsResult<Batch> {
        if self.collector.loading().is_some() {
            // The first load, step by step: each step's rows go out as it ends.
            let cycle = self.collector.step(now, self.cadence.history).await?;
            if self.collector.loading().is_none() {
                self.next_full = Instant::now() + self.cadence.all;
            }
            self.publish(&cycle);
            return Ok(Batch::from(cycle));
        }
        let scope = if Instant::now() >= self.next_full { Scope::All } else { Scope::ActiveOnly };
        let cycle = self.collector.poll(scope, now, self.cadence.history).await?;
        if scope == Scope::All && !cycle.errors.iter().any(glue_backs_off) {
            self.next_full = Instant::now() + self.cadence.all;
        }
        self.publish(&cycle);
        Ok(Batch::from(cycle))
    }

    fn cadence(&self) -> Duration {
        if self.collector.loading().is_some() {
            return Duration::ZERO;
        }
        let every =
            if self.collector.active_jobs() > 0 { self.cadence.active.min(self.cadence.all) } else { self.cadence.all };
        every.min(self.next_full.saturating_duration_since(Instant::now()))
    }

    fn every(&self) -> Every {
        Every { every: self.cadence.all, max_backoff: self.cadence.max_backoff }
    }

    fn backs_off(&self, e: &AwsError) -> bool {
        glue_backs_off(e)
    }

    fn backed_off(&mut self, delay: Duration) {
        // After a failure, the next cycle is a full one.
        self.next_full = Instant::now() + delay;
    }

    fn woken(&mut self) {
        self.next_full = Instant::now();
    }
}

/// EMR Serverless applications and runs: `every`, or `active` while runs are in flight.
pub struct EmrSource {
    collector: EmrCollector,
    cadence: EmrCadence,
    /// Where the streams of applications and runs go (for the landing source).
    names: Option<Publisher>,
}

impl EmrSource {
    pub fn new(collector: EmrCollector, cadence: EmrCadence) -> Self {
        Self { collector, cadence, names: None }
    }

    /// Tell the streams of every cycle's applications and runs to `names`.
    pub fn publishing(mut self, names: Publisher) -> Self {
        self.names = Some(names);
        self
    }
}

impl Source for EmrSource {
    fn id(&self) -> SourceId {
        SourceId::Emr
    }

    async fn fetch(&mut self, now: DateTime<Utc>) -> AwsResult<Batch> {
        let (data, errors) = self.collector.poll(now, self.cadence.history).await?;
        if let Some(names) = &mut self.names {
            let apps = data.apps.iter().map(|a| (a.name.as_str(), &a.tags));
            let runs = data.runs.iter().map(|r| (r.name.as_deref().unwrap_or_default(), &r.tags));
            names.send_of(apps.chain(runs));
        }
        Ok(Batch::from((data, errors)))
    }

    fn cadence(&self) -> Duration {
        if self.collector.has_active() { self.cadence.active.min(self.cadence.every) } else { self.cadence.every }
    }

    fn every(&self) -> Every {
        Every { every: self.cadence.every, max_backoff: self.cadence.max_backoff }
    }
}

/// The jobs of running workflow runs, from the workflows source to the Glue collector.
pub type WorkflowJobs = tokio::sync::watch::Receiver<Arc<std::collections::BTreeSet<String>>>;

/// A channel for [`WorkflowJobs`] (none to begin with).
pub fn workflow_jobs() -> (tokio::sync::watch::Sender<Arc<std::collections::BTreeSet<String>>>, WorkflowJobs) {
    tokio::sync::watch::channel(Arc::default())
}

/// Glue workflows with their last run (one call chain per cycle), and their tags (read when
/// a workflow is new: see `tags.rs`).
pub struct WorkflowsSource {
    pub read: Arc<dyn WorkflowRead>,
    pub every: Every,
    pub tags: Option<TagCache>,
    /// Where the jobs of running workflow runs go (the Glue collector's fast cadence).
    pub running_jobs: Option<tokio::sync::watch::Sender<Arc<std::collections::BTreeSet<String>>>>,
    /// Where the workflows' streams go (for the landing source).
    pub names: Option<Publisher>,
}

impl Source for WorkflowsSource {
    fn id(&self) -> SourceId {
        SourceId::Workflows
    }

    async fn fetch(&mut self, _now: DateTime<Utc>) -> AwsResult<Batch> {
        let mut workflows = self.read.workflows().await?;
        if let Some(tx) = &self.running_jobs {
            let jobs = crate::model::workflow::jobs_of_running(&workflows);
            if **tx.borrow() != jobs {
                tx.send_replace(Arc::new(jobs));
            }
        }
        let mut errors = Vec::new();
        if let Some(t) = &mut self.tags {
            t.fill(&mut workflows, |w| &w.name, |w| &mut w.tags, &mut errors).await;
        }
        if let Some(names) = &mut self.names {
            names.send_of(workflows.iter().map(|w| (w.name.as_str(), &w.tags)));
        }
        Ok(Batch { data: SourceData::Workflows(workflows), errors })
    }

    fn every(&self) -> Every {
        self.every
    }

    fn backs_off(&self, e: &AwsError) -> bool {
        !is_tag_read(e)
    }
}

/// Glue crawlers with their last crawl and metrics, and their tags (read when a crawler is new).
pub struct CrawlersSource {
    pub read: Arc<dyn CrawlerRead>,
    pub every: Every,
    pub tags: Option<TagCache>,
    /// Where the crawlers' streams go (for the landing source).
    pub names: Option<Publisher>,
}

impl Source for CrawlersSource {
    fn id(&self) -> SourceId {
        SourceId::Crawlers
    }

    async fn fetch(&mut self, _now: DateTime<Utc>) -> AwsResult<Batch> {
        let mut crawlers = self.read.crawlers().await?;
        let mut errors = Vec::new();
        if let Some(t) = &mut self.tags {
            t.fill(&mut crawlers, |c| &c.name, |c| &mut c.tags, &mut errors).await;
        }
        if let Some(names) = &mut self.names {
            names.send_of(crawlers.iter().map(|c| (c.name.as_str(), &c.tags)));
        }
        Ok(Batch { data: SourceData::Crawlers(crawlers), errors })
    }

    fn every(&self) -> Every {
        self.every
    }

    fn backs_off(&self, e: &AwsError) -> bool {
        !is_tag_read(e)
    }
}

/// Data Quality results started within `history`, and the evaluation runs; the tags of their
/// rulesets (read when a ruleset is new).
pub struct DataQualitySource {
    pub read: Arc<dyn DataQualityRead>,
    pub history: Duration,
    pub every: Every,
    pub tags: Option<TagCache>,
    /// Where the streams of the rulesets (or tables) go (for the landing source).
    pub names: Option<Publisher>,
}

impl Source for DataQualitySource {
    fn id(&self) -> SourceId {
        SourceId::DataQuality
    }

    async fn fetch(&mut self, now: DateTime<Utc>) -> AwsResult<Batch> {
        let since = chrono::Duration::from_std(self.history).ok().map(|h| now - h);
        let mut dq = self.read.dq_overview(since).await?;
        let mut errors = Vec::new();
        if let Some(t) = &mut self.tags {
            t.fill_rulesets(&mut dq.results, &mut errors).await;
        }
        if let Some(names) = &mut self.names {
            names.send_of(dq.results.iter().map(|r| (r.table.as_deref().unwrap_or_default(), &r.ruleset_tags)));
        }
        Ok(Batch { data: SourceData::DataQuality(dq), errors })
    }

    fn every(&self) -> Every {
        self.every
    }

    fn backs_off(&self, e: &AwsError) -> bool {
        !is_tag_read(e)
    }
}
