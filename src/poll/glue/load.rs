//! The first screen in steps, and the slow cadence of idle jobs.
//!
//! Step one lists the jobs: every row is on screen. Step two reads their tags (and the
//! SCHEDULED triggers). The next steps read the newest runs of a few dozen jobs each
//! (GetJobRuns with a small MaxResults), then the history of a few dozen jobs each, jobs whose
//! newest run failed or is running first. Each
//! step is one cycle of the poller, delivered as it ends, with how far the load is.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Cycle, GlueCollector, cutoff};
use crate::aws::{AwsError, StopAt};
use crate::model::Loading;

/// Jobs whose newest runs one step reads.
const GLIMPSE_STEP: usize = 60;
/// Jobs whose history one step reads.
const HISTORY_STEP: usize = 30;
/// Runs read per job at a first glimpse.
const NEWEST: usize = 3;
/// Jobs on the first page of GetJobs: a screenful comes back at once (a page of 1,000 took
/// the emulator 0.7 s and a debug build as long again to read), the rest in full pages.
const FIRST_PAGE: i32 = 100;

/// Jobs idle for `after` (nothing in flight, the newest run ended that long ago, or no run
/// at all) have their runs read every `every` instead of at every full cycle; a job that a
/// SCHEDULED trigger starts within `soon` (the time to the next full cycle) is read at the
/// fast cadence, and an idle one whose trigger fires before its next slow read is not idle.
///
/// A full cycle reads at most `per_cycle` jobs (those in flight or started soon first, then the
/// ones read longest ago): with more jobs than that, they are read in turns, so that a context
/// of 3,000 jobs at rest costs what one of `per_cycle` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleCadence {
    pub after: Duration,
    pub every: Duration,
    pub soon: Duration,
    pub per_cycle: usize,
}

impl GlueCollector {
    /// How far the first load is (None: done).
    pub fn loading(&self) -> Option<Loading> {
        if self.jobs_fetched.is_none() {
            return Some(Loading { total: self.jobs.len(), listing: true, ..Loading::default() });
        }
        let count =
            |set: &std::collections::HashSet<String>| self.jobs.iter().filter(|j| set.contains(&j.name)).count();
        let total = self.jobs.len();
        let loading =
            Loading { total, runs: count(&self.glimpsed), history: count(&self.history_tried), listing: false };
        (loading.history < total).then_some(loading)
    }

    /// The jobs are listed and their tags read (or there are none): their streams are known.
    pub fn tags_known(&self) -> bool {
        self.jobs_fetched.is_some() && (!self.tags_pending || self.jobs.is_empty())
    }

    /// One step of the first load (see the module documentation); a whole cycle once loaded.
    pub async fn step(&mut self, now: DateTime<Utc>, history: Duration) -> Result<Cycle, AwsError> {
        let mut errors = Vec::new();
        if self.jobs_fetched.is_none() {
            self.list_page().await?;
            return Ok(self.cycle(errors));
        }
        if self.tags_pending {
            self.read_tags_and_triggers(&mut errors).await;
            return Ok(self.cycle(errors));
        }
        let cutoff = cutoff(now, history);
        let unseen: Vec<String> = self
            .jobs
            .iter()
            .filter(|j| !self.glimpsed.contains(&j.name))
            .take(GLIMPSE_STEP)
            .map(|j| j.name.clone())
            .collect();
        if !unseen.is_empty() {
            let targets = unseen.into_iter().map(|n| (n, StopAt::newest(NEWEST))).collect();
            // A glimpse that holds every run of the window is that job's whole history.
            let (whole, part) = self.read_runs(targets, cutoff).await.into_iter().partition(|(_, r)| {
                r.as_ref().is_ok_and(|runs| {
                    runs.len() < NEWEST || runs.last().and_then(|r| r.started_on).is_some_and(|s| s < cutoff)
                })
            });
            self.take_runs(whole, true, &mut errors);
            self.take_runs(part, false, &mut errors);
            return Ok(self.cycle(errors));
        }
        let mut pending: Vec<&str> =
            self.jobs.iter().map(|j| j.name.as_str()).filter(|n| !self.history_tried.contains(*n)).collect();
        if pending.is_empty() {
            return self.poll(super::Scope::All, now, history).await;
        }
        pending.sort_by_key(|n| (!self.needs_attention(n), *n));
        let targets = pending.iter().take(HISTORY_STEP).map(|n| (n.to_string(), self.stop_for(n, cutoff))).collect();
        let results = self.read_runs(targets, cutoff).await;
        self.take_runs(results, true, &mut errors);
        Ok(self.cycle(errors))
    }

    /// One page of the first listing: a small first page, so that rows come at once, then
    /// full pages (a failed page is asked again at the next step).
    async fn list_page(&mut self) -> Result<(), AwsError> {
        let first = self.next_page.is_none();
        let page = self.glue.jobs_page(self.next_page.as_deref(), first.then_some(FIRST_PAGE)).await?;
        if first {
            self.jobs.clear();
        }
        self.jobs.extend(page.jobs.into_iter().map(std::sync::Arc::new));
        self.next_page = page.next;
        if self.next_page.is_none() {
            self.jobs_fetched = Some(std::time::Instant::now());
            self.tags_pending = true;
        }
        Ok(())
    }

    /// The newest run failed or is in flight.
    fn needs_attention(&self, job: &str) -> bool {
        self.runs.get(job).and_then(|rs| rs.first()).is_some_and(|r| r.state().is_failure() || r.state().is_active())
    }

    /// The jobs a full cycle reads: the due ones, at most `per_cycle` of them: those with a
    /// run in flight or started soon first, then the ones read longest ago.
    pub(super) fn in_turn(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut due: Vec<&str> = self.jobs.iter().map(|j| j.name.as_str()).filter(|n| self.due(n, now)).collect();
        let Some(limit) = self.idle.map(|i| i.per_cycle.max(1)).filter(|l| due.len() > *l) else { return due };
        due.sort_by_key(|n| (!self.kept_fast(n, now), self.refreshed.get(*n).copied()));
        due.truncate(limit);
        due
    }

    /// Whether a full cycle reads `job`'s runs: always, except an idle job read within its
    /// slower cadence (and neither started by a trigger before its next slow read nor in a
    /// running workflow run).
    pub(super) fn due(&self, job: &str, now: DateTime<Utc>) -> bool {
        let Some(idle) = self.idle else { return true };
        match self.refreshed.get(job) {
            Some(last) if last.elapsed() < idle.every => {
                !self.is_idle(job, now, idle.after)
                    || self.fires_within(job, now, idle.every)
                    || self.in_running_workflow(job)
            }
            _ => true,
        }
    }

    /// A SCHEDULED trigger starts `job` before the next full cycle.
    pub(super) fn starts_soon(&self, job: &str, now: DateTime<Utc>) -> bool {
        self.idle.is_some_and(|idle| self.fires_within(job, now, idle.soon))
    }

    fn fires_within(&self, job: &str, now: DateTime<Utc>, within: Duration) -> bool {
        let to = now + chrono::Duration::from_std(within).unwrap_or(chrono::Duration::zero());
        // A minute back too: a run the trigger just started may not be listed yet.
        let from = now - chrono::Duration::minutes(1);
        self.triggers.iter().any(|(cron, jobs)| jobs.iter().any(|j| j == job) && cron.fires_within(from, to))
    }

    /// The activated SCHEDULED triggers (kept as they were when they cannot be read).
    pub(super) async fn read_triggers(&mut self) {
        match self.glue.scheduled_triggers().await {
            Ok(triggers) => {
                self.triggers = triggers
                    .into_iter()
                    .filter_map(|t| match crate::model::schedule::Cron::parse(&t.schedule) {
                        Ok(c) => Some((c, t.jobs)),
                        Err(e) => {
                            tracing::info!(trigger = t.name, error = e, "schedule not understood");
                            None
                        }
                    })
                    .collect();
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the SCHEDULED triggers"),
        }
    }

    /// Nothing in flight, and the newest run ended `after` ago or more (or there is none).
    fn is_idle(&self, job: &str, now: DateTime<Utc>, after: Duration) -> bool {
        let after = chrono::Duration::from_std(after).unwrap_or(chrono::Duration::days(1));
        match self.runs.get(job).and_then(|rs| rs.first()) {
            None => true,
            Some(r) if r.state().is_active() => false,
            Some(r) => r.completed_on.or(r.last_modified_on).or(r.started_on).is_none_or(|t| now - t >= after),
        }
    }
}
