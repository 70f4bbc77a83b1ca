//! The Glue collector: jobs (and their tags) when due, then runs per job with bounded
//! concurrency, incrementally: paging stops at runs already known in a final state.
//!
//! The first screen comes in steps (`load.rs`): the job names, then the newest runs of
//! every job, then the history, failing and running jobs first. After that each cycle reads
//! what is new; jobs idle for a while are read at a slower cadence.

mod load;
mod tags;

pub use tags::REREAD_EVERY as TAGS_REREAD_EVERY;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream;

use crate::aws::{AwsError, GlueRead, StopAt};
use crate::config::Settings;
use crate::model::{GlueData, Job, JobEntry, JobRun};

pub use load::IdleCadence;

/// Which jobs a cycle reads runs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Only jobs with a run in flight (the fast cadence).
    ActiveOnly,
}

/// What one cycle produced: the merged view, and errors of calls that failed
/// while others succeeded (their jobs keep their previous runs).
#[derive(Debug, Clone)]
pub struct Cycle {
    pub data: GlueData,
    pub errors: Vec<AwsError>,
}

/// Maps a job to its data stream (tag, then name regex).
#[derive(Clone)]
pub struct StreamMapper(Arc<Settings>);

impl StreamMapper {
    pub fn new(settings: Arc<Settings>) -> Self {
        Self(settings)
    }
    fn stream_of(&self, job: &Job) -> Option<String> {
        self.0.stream_of(&job.name, &job.tags)
    }
}

/// Runs of each job whose arguments are kept (with the newest success and those in flight):
/// at 3,000 jobs x 12 runs the argument maps were the largest part of the memory (20 MB).
const KEEP_ARGUMENTS: usize = 2;

type RunsResult = Result<Vec<JobRun>, AwsError>;

pub struct GlueCollector {
    glue: Arc<dyn GlueRead>,
    streams: StreamMapper,
    max_concurrency: usize,
    /// The cap shared with every other context's pollers.
    gate: super::Gate,
    jobs_every: Duration,
    /// The job definitions, shared with the data handed out (`JobEntry::job`).
    jobs: Vec<Arc<Job>>,
    jobs_fetched: Option<Instant>,
    /// Whose tags are known, when they were read whole, whether GetTags is denied.
    tags: tags::JobTags,
    /// Each job's runs, shared with the data handed out (`JobEntry::runs`).
    runs: HashMap<String, Arc<Vec<JobRun>>>,
    /// Jobs whose newest runs were asked for (answered or not), while loading.
    glimpsed: HashSet<String>,
    /// Jobs whose whole history (within the window) was read.
    history: HashSet<String>,
    /// Jobs whose history was asked for while loading (answered or not).
    history_tried: HashSet<String>,
    /// When each job's runs were last read (for the slow cadence of idle jobs).
    refreshed: HashMap<String, Instant>,
    idle: Option<IdleCadence>,
    /// Activated SCHEDULED triggers and the jobs they start (read with the job list).
    triggers: Vec<(crate::model::schedule::Cron, Vec<String>)>,
    /// The first load listed the jobs; their tags and the triggers come next.
    tags_pending: bool,
    /// While the first load lists the jobs: the next page's token.
    next_page: Option<String>,
    /// The jobs of running workflow runs (from the workflows source): kept fast.
    workflow_jobs: Option<super::WorkflowJobs>,
    /// The runs' repeated texts, shared.
    texts: crate::model::intern::Interner,
}

impl GlueCollector {
    pub fn new(glue: Arc<dyn GlueRead>, streams: StreamMapper, max_concurrency: usize, jobs_every: Duration) -> Self {
        Self {
            glue,
            streams,
            max_concurrency: max_concurrency.max(1),
            gate: super::Gate::default(),
            jobs_every,
            jobs: Vec::new(),
            jobs_fetched: None,
            tags: Default::default(),
            runs: HashMap::new(),
            glimpsed: HashSet::new(),
            history: HashSet::new(),
            history_tried: HashSet::new(),
            refreshed: HashMap::new(),
            idle: None,
            triggers: Vec::new(),
            tags_pending: false,
            next_page: None,
            workflow_jobs: None,
            texts: Default::default(),
        }
    }

    /// Pass every per-job call through `gate` (the cap over every context).
    pub fn gated(mut self, gate: super::Gate) -> Self {
        self.gate = gate;
        self
    }

    /// Keep the jobs of the running workflow runs that `jobs` tells at the fast cadence.
    pub fn watching(mut self, jobs: super::WorkflowJobs) -> Self {
        self.workflow_jobs = Some(jobs);
        self
    }

    /// Read jobs idle as `idle` says at its slower cadence.
    pub fn idling(mut self, idle: IdleCadence) -> Self {
        self.idle = Some(idle);
        self
    }

    /// Jobs with a run in flight, as last seen, in a running workflow run, or that a SCHEDULED
    /// trigger starts before the next full cycle: they are read at the fast cadence.
    pub fn active_jobs(&self) -> usize {
        let now = Utc::now();
        self.jobs.iter().filter(|j| self.kept_fast(&j.name, now)).count()
    }

    /// In flight, in a running workflow run, or started by a trigger soon.
    fn kept_fast(&self, job: &str, now: DateTime<Utc>) -> bool {
        self.is_active(job) || self.in_running_workflow(job) || self.starts_soon(job, now)
    }

    /// A running workflow run has `job` in its graph.
    fn in_running_workflow(&self, job: &str) -> bool {
        self.workflow_jobs.as_ref().is_some_and(|rx| rx.borrow().contains(job))
    }

    /// One whole cycle. Fails as a whole only when there is no job list to work from, or the
    /// credentials were refused.
    pub async fn poll(&mut self, scope: Scope, now: DateTime<Utc>, history: Duration) -> Result<Cycle, AwsError> {
        let mut errors = Vec::new();
        if scope == Scope::All {
            self.refresh_jobs(&mut errors).await?;
        }
        let cutoff = cutoff(now, history);
        let names: Vec<&str> = match scope {
            Scope::All => self.in_turn(now),
            Scope::ActiveOnly => self.jobs.iter().map(|j| j.name.as_str()).filter(|n| self.kept_fast(n, now)).collect(),
        };
        let targets: Vec<(String, StopAt)> = names.iter().map(|n| (n.to_string(), self.stop_for(n, cutoff))).collect();
        let results = self.read_runs(targets, cutoff).await;
        self.take_runs(results, true, &mut errors);
        let live: HashSet<&str> = self.jobs.iter().map(|j| j.name.as_str()).collect();
        self.runs.retain(|k, _| live.contains(k.as_str()));
        Ok(self.cycle(errors))
    }

    fn is_active(&self, job: &str) -> bool {
        self.runs.get(job).is_some_and(|rs| rs.iter().any(|r| r.state().is_active()))
    }

    /// Where paging of `job`'s runs stops: at known final runs once its history was read.
    fn stop_for(&self, job: &str, cutoff: DateTime<Utc>) -> StopAt {
        let known_final = match (self.history.contains(job), self.runs.get(job)) {
            (true, Some(rs)) => rs.iter().filter(|r| !r.state().is_active()).map(|r| r.id.clone()).collect(),
            _ => HashSet::new(),
        };
        StopAt { known_final, started_before: Some(cutoff), newest: None }
    }

    /// Read the runs of `targets` (bounded, through the gate).
    async fn read_runs(&self, targets: Vec<(String, StopAt)>, cutoff: DateTime<Utc>) -> Vec<(String, RunsResult)> {
        let glue = self.glue.clone();
        let gate = &self.gate;
        let known = &self.runs;
        stream::iter(targets)
            .map(|(name, stop)| {
                let glue = glue.clone();
                let previous = known.get(&name).cloned().unwrap_or_default();
                async move {
                    let _place = gate.pass().await;
                    let r = refresh_job(glue.as_ref(), &name, &previous, &stop, cutoff).await;
                    (name, r)
                }
            })
            .buffer_unordered(self.max_concurrency)
            .collect()
            .await
    }

    /// Keep what `results` brought; `whole`: these were history reads, not a first glimpse.
    fn take_runs(&mut self, results: Vec<(String, RunsResult)>, whole: bool, errors: &mut Vec<AwsError>) {
        let now = Instant::now();
        for (name, result) in results {
            self.glimpsed.insert(name.clone());
            if whole {
                self.history_tried.insert(name.clone());
            }
            match result {
                Ok(mut runs) => {
                    crate::model::glue::drop_older_arguments(&mut runs, KEEP_ARGUMENTS);
                    runs.iter_mut().for_each(|r| self.texts.run(r));
                    if whole {
                        self.history.insert(name.clone());
                        self.refreshed.insert(name.clone(), now);
                    }
                    self.runs.insert(name, Arc::new(runs));
                }
                Err(e) => errors.push(e),
            }
        }
        // Texts of runs that left the window (or were replaced) are let go of now and then.
        if self.texts.len() > 1024 && self.texts.len() > 2 * self.runs.len() {
            self.texts.prune();
        }
    }

    fn cycle(&self, errors: Vec<AwsError>) -> Cycle {
        Cycle { data: self.data(), errors }
    }

    fn data(&self) -> GlueData {
        let mut jobs: Vec<JobEntry> = self
            .jobs
            .iter()
            .map(|j| JobEntry {
                ctx: 0,
                stream: self.streams.stream_of(j),
                runs: self.runs.get(&j.name).cloned().unwrap_or_default(),
                job: Arc::clone(j),
            })
            .collect();
        jobs.sort_by(|a, b| a.job.name.cmp(&b.job.name));
        GlueData { jobs, loading: self.loading() }
    }

    /// GetJobs (when due) and the tags of new jobs. Fails when there is no job list at all,
    /// or when the credentials were refused (nothing else will work either).
    async fn refresh_jobs(&mut self, errors: &mut Vec<AwsError>) -> Result<(), AwsError> {
        let due = self.jobs_fetched.is_none_or(|t| t.elapsed() >= self.jobs_every);
        if !due {
            return Ok(());
        }
        self.list_jobs(errors).await?;
        self.read_tags_and_triggers(errors).await;
        Ok(())
    }

    /// GetJobs (every page).
    async fn list_jobs(&mut self, errors: &mut Vec<AwsError>) -> Result<(), AwsError> {
        let t = Instant::now();
        match self.glue.jobs().await {
            Ok(jobs) => {
                tracing::debug!(jobs = jobs.len(), ms = t.elapsed().as_millis() as u64, "GetJobs");
                self.jobs = self.keep_tags(jobs);
                self.jobs_fetched = Some(Instant::now());
            }
            Err(e) if self.jobs_fetched.is_none() || e.kind.is_credentials() => return Err(e),
            Err(e) => errors.push(e),
        }
        Ok(())
    }

    /// The tags of new jobs, and the SCHEDULED triggers when the cadence depends on them.
    async fn read_tags_and_triggers(&mut self, errors: &mut Vec<AwsError>) {
        self.fetch_missing_tags(errors).await;
        if self.idle.is_some() {
            self.read_triggers().await;
        }
        self.tags_pending = false;
    }

    /// GetJobs does not return tags: carry over the ones already fetched (and the shared
    /// definition itself when nothing changed).
    fn keep_tags(&self, jobs: Vec<Job>) -> Vec<Arc<Job>> {
        let old: HashMap<&str, &Arc<Job>> = self.jobs.iter().map(|j| (j.name.as_str(), j)).collect();
        jobs.into_iter()
            .map(|mut j| match old.get(j.name.as_str()) {
                Some(o) => {
                    j.tags = o.tags.clone();
                    if ***o == j { Arc::clone(o) } else { Arc::new(j) }
                }
                None => Arc::new(j),
            })
            .collect()
    }
}

fn cutoff(now: DateTime<Utc>, history: Duration) -> DateTime<Utc> {
    now - chrono::Duration::from_std(history).unwrap_or(chrono::Duration::hours(48))
}

/// Read what is new for one job (as `stop` says) and merge it with what was known.
async fn refresh_job(
    glue: &dyn GlueRead,
    name: &str,
    previous: &[JobRun],
    stop: &StopAt,
    cutoff: DateTime<Utc>,
) -> Result<Vec<JobRun>, AwsError> {
    let fetched = glue.job_runs(name, stop).await?;
    // Runs that were in flight but lie beyond the pages read (a long run overtaken by
    // a newer finished one): ask for each, so its state does not freeze.
    let fetched_ids: HashSet<&str> = fetched.iter().map(|r| r.id.as_str()).collect();
    let stale: Vec<String> = previous
        .iter()
        .filter(|r| r.state().is_active() && !fetched_ids.contains(r.id.as_str()))
        .map(|r| r.id.clone())
        .collect();
    let mut merged = merge(previous, fetched, cutoff);
    for id in stale {
        let fresh = glue.job_run(name, &id).await?;
        if let Some(slot) = merged.iter_mut().find(|r| r.id == id) {
            *slot = fresh;
        }
    }
    Ok(merged)
}

/// Newest first: fetched runs win over known ones; known runs older than the
/// fetched pages are kept; runs started before `cutoff` are dropped, except the
/// newest run of the job, which the jobs table always shows.
pub fn merge(previous: &[JobRun], fetched: Vec<JobRun>, cutoff: DateTime<Utc>) -> Vec<JobRun> {
    let fetched_ids: HashSet<&str> = fetched.iter().map(|r| r.id.as_str()).collect();
    let mut all: Vec<JobRun> = previous.iter().filter(|r| !fetched_ids.contains(r.id.as_str())).cloned().collect();
    all.extend(fetched);
    all.sort_by(|a, b| b.started_on.cmp(&a.started_on).then_with(|| b.id.cmp(&a.id)));
    let mut out = Vec::with_capacity(all.len());
    for (i, r) in all.into_iter().enumerate() {
        if i == 0 || r.started_on.is_none_or(|s| s >= cutoff) {
            out.push(r);
        }
    }
    // Kept for minutes: no room for the runs cut (a page of 40 read, 12 kept, at 3,000 jobs
    // was 50 MB of capacity never used).
    out.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests;
