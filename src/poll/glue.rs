//! One Glue poll cycle: jobs (and their tags) when due, then runs per job with bounded
//! concurrency, incrementally: paging stops at runs already known in a final state.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream;

use crate::aws::{AwsError, GlueRead, StopAt};
use crate::config::Settings;
use crate::model::{GlueData, Job, JobEntry, JobRun};

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

type TagsResult = Result<BTreeMap<String, String>, AwsError>;

pub struct GlueCollector {
    glue: Arc<dyn GlueRead>,
    streams: StreamMapper,
    max_concurrency: usize,
    /// The cap shared with every other context's pollers.
    gate: super::Gate,
    jobs_every: Duration,
    jobs: Vec<Job>,
    jobs_fetched: Option<Instant>,
    tagged: HashSet<String>,
    runs: HashMap<String, Vec<JobRun>>,
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
            tagged: HashSet::new(),
            runs: HashMap::new(),
        }
    }

    /// Pass every per-job call through `gate` (the cap over every context).
    pub fn gated(mut self, gate: super::Gate) -> Self {
        self.gate = gate;
        self
    }

    /// Jobs with a run in flight, as last seen.
    pub fn active_jobs(&self) -> usize {
        self.runs.values().filter(|rs| rs.iter().any(|r| r.state().is_active())).count()
    }

    /// One cycle. Fails as a whole only when there is no job list to work from.
    pub async fn poll(&mut self, scope: Scope, now: DateTime<Utc>, history: Duration) -> Result<Cycle, AwsError> {
        let mut errors = Vec::new();
        let due = self.jobs_fetched.is_none_or(|t| t.elapsed() >= self.jobs_every);
        if due && scope == Scope::All {
            match self.glue.jobs().await {
                Ok(jobs) => {
                    self.jobs = self.keep_tags(jobs);
                    self.jobs_fetched = Some(Instant::now());
                }
                Err(e) if self.jobs_fetched.is_none() => return Err(e),
                Err(e) => errors.push(e),
            }
            self.fetch_missing_tags(&mut errors).await;
        }
        let cutoff = now - chrono::Duration::from_std(history).unwrap_or(chrono::Duration::hours(48));
        let targets: Vec<String> = self
            .jobs
            .iter()
            .filter(|j| {
                scope == Scope::All || self.runs.get(&j.name).is_some_and(|rs| rs.iter().any(|r| r.state().is_active()))
            })
            .map(|j| j.name.clone())
            .collect();
        let glue = self.glue.clone();
        let gate = &self.gate;
        let known = &self.runs;
        let results: Vec<(String, Result<Vec<JobRun>, AwsError>)> = stream::iter(targets)
            .map(|name| {
                let glue = glue.clone();
                let previous = known.get(&name).cloned().unwrap_or_default();
                async move {
                    let _place = gate.pass().await;
                    let r = refresh_job(glue.as_ref(), &name, &previous, cutoff).await;
                    (name, r)
                }
            })
            .buffer_unordered(self.max_concurrency)
            .collect()
            .await;
        for (name, result) in results {
            match result {
                Ok(runs) => {
                    self.runs.insert(name, runs);
                }
                Err(e) => errors.push(e),
            }
        }
        let live: HashSet<&str> = self.jobs.iter().map(|j| j.name.as_str()).collect();
        self.runs.retain(|k, _| live.contains(k.as_str()));
        Ok(Cycle { data: self.data(), errors })
    }

    fn data(&self) -> GlueData {
        let mut jobs: Vec<JobEntry> = self
            .jobs
            .iter()
            .map(|j| JobEntry {
                ctx: 0,
                stream: self.streams.stream_of(j),
                runs: self.runs.get(&j.name).cloned().unwrap_or_default(),
                job: j.clone(),
            })
            .collect();
        jobs.sort_by(|a, b| a.job.name.cmp(&b.job.name));
        GlueData { jobs }
    }

    /// GetJobs does not return tags: carry over the ones already fetched.
    fn keep_tags(&self, jobs: Vec<Job>) -> Vec<Job> {
        let old: HashMap<&str, &BTreeMap<String, String>> =
            self.jobs.iter().map(|j| (j.name.as_str(), &j.tags)).collect();
        jobs.into_iter()
            .map(|mut j| {
                if let Some(t) = old.get(j.name.as_str()) {
                    j.tags = (*t).clone();
                }
                j
            })
            .collect()
    }

    async fn fetch_missing_tags(&mut self, errors: &mut Vec<AwsError>) {
        let missing: Vec<String> =
            self.jobs.iter().filter(|j| !self.tagged.contains(&j.name)).map(|j| j.name.clone()).collect();
        let glue = self.glue.clone();
        let gate = &self.gate;
        let fetched: Vec<(String, TagsResult)> = stream::iter(missing)
            .map(|name| {
                let glue = glue.clone();
                async move {
                    let _place = gate.pass().await;
                    let r = glue.job_tags(&name).await;
                    (name, r)
                }
            })
            .buffer_unordered(self.max_concurrency)
            .collect()
            .await;
        let mut tag_error = None;
        for (name, r) in fetched {
            match r {
                Ok(tags) => {
                    if let Some(j) = self.jobs.iter_mut().find(|j| j.name == name) {
                        j.tags = tags;
                    }
                    self.tagged.insert(name);
                }
                Err(e) => tag_error = Some(e),
            }
        }
        errors.extend(tag_error);
    }
}

/// Read what is new for one job and merge it with what was known.
async fn refresh_job(
    glue: &dyn GlueRead,
    name: &str,
    previous: &[JobRun],
    cutoff: DateTime<Utc>,
) -> Result<Vec<JobRun>, AwsError> {
    let stop = StopAt {
        known_final: previous.iter().filter(|r| !r.state().is_active()).map(|r| r.id.clone()).collect(),
        started_before: Some(cutoff),
    };
    let fetched = glue.job_runs(name, &stop).await?;
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
    out
}

#[cfg(test)]
mod tests;
