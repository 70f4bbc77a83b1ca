//! The EMR Serverless poller's cycle: applications when due, then per application the runs
//! created since the newest one known, a refresh of the active ones (the `states` filter),
//! and GetJobRun only for runs that are new or changed (bounded concurrency).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use futures_util::stream;

use crate::aws::{AwsError, EmrRead};
use crate::model::{EmrApp, EmrData, EmrRun, EmrState};

pub struct EmrCollector {
    emr: Arc<dyn EmrRead>,
    max_concurrency: usize,
    /// The cap shared with every other context's pollers.
    gate: super::Gate,
    apps_every: Duration,
    apps: Vec<EmrApp>,
    apps_fetched: Option<Instant>,
    runs: HashMap<(String, String), EmrRun>,
}

/// Two summaries describe the same run state: no GetJobRun needed.
fn same(a: &EmrRun, b: &EmrRun) -> bool {
    a.state == b.state && a.updated_at == b.updated_at && a.attempt == b.attempt
}

impl EmrCollector {
    pub fn new(emr: Arc<dyn EmrRead>, max_concurrency: usize, apps_every: Duration) -> Self {
        Self {
            emr,
            max_concurrency: max_concurrency.max(1),
            gate: super::Gate::default(),
            apps_every,
            apps: Vec::new(),
            apps_fetched: None,
            runs: HashMap::new(),
        }
    }

    /// Pass every GetJobRun through `gate` (the cap over every context).
    pub fn gated(mut self, gate: super::Gate) -> Self {
        self.gate = gate;
        self
    }

    pub fn has_active(&self) -> bool {
        self.runs.values().any(|r| r.state().is_active())
    }

    /// One cycle over the runs created in `history` before `now`.
    pub async fn poll(&mut self, now: DateTime<Utc>, history: Duration) -> Result<(EmrData, Vec<AwsError>), AwsError> {
        let mut errors = Vec::new();
        if self.apps_fetched.is_none_or(|t| t.elapsed() >= self.apps_every) {
            match self.emr.applications().await {
                Ok(apps) => {
                    self.apps = apps;
                    self.apps_fetched = Some(Instant::now());
                }
                Err(e) if self.apps_fetched.is_none() => return Err(e),
                Err(e) => errors.push(e),
            }
        }
        let cutoff = now - chrono::Duration::from_std(history).unwrap_or(chrono::Duration::hours(24));
        let mut summaries: Vec<EmrRun> = Vec::new();
        for app in &self.apps {
            let known: Vec<&EmrRun> = self.runs.values().filter(|r| r.app_id == app.id).collect();
            // New runs: created after the newest known one (one second of overlap for clock skew).
            let newest = known.iter().filter_map(|r| r.created_at).max();
            let after = newest.map(|n| (n - chrono::Duration::seconds(1)).max(cutoff)).unwrap_or(cutoff);
            match self.emr.job_runs(&app.id, Some(after), &[]).await {
                Ok(list) => summaries.extend(list),
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            }
            // Runs in flight: their state moves, ask only for the active states.
            if known.iter().any(|r| r.state().is_active()) {
                match self.emr.job_runs(&app.id, Some(cutoff), &EmrState::ACTIVE).await {
                    Ok(list) => summaries.extend(list),
                    Err(e) => errors.push(e),
                }
            }
        }
        // Known active runs that no longer list as active have ended: read them too.
        let listed: std::collections::HashSet<(String, String)> =
            summaries.iter().map(|s| (s.app_id.clone(), s.id.clone())).collect();
        let ended: Vec<(String, String)> = self
            .runs
            .values()
            .filter(|r| r.state().is_active() && !listed.contains(&(r.app_id.clone(), r.id.clone())))
            .map(|r| (r.app_id.clone(), r.id.clone()))
            .collect();
        let mut wanted: Vec<(String, String)> = summaries
            .iter()
            .filter(|s| self.runs.get(&(s.app_id.clone(), s.id.clone())).is_none_or(|k| !same(k, s) || !k.detailed))
            .map(|s| (s.app_id.clone(), s.id.clone()))
            .collect();
        wanted.extend(ended);
        wanted.sort();
        wanted.dedup();
        let emr = self.emr.clone();
        let gate = &self.gate;
        let details: Vec<Result<EmrRun, AwsError>> = stream::iter(wanted)
            .map(|(app, id)| {
                let emr = emr.clone();
                async move {
                    let _place = gate.pass().await;
                    emr.job_run(&app, &id).await
                }
            })
            .buffer_unordered(self.max_concurrency)
            .collect()
            .await;
        for d in details {
            match d {
                Ok(run) => {
                    self.runs.insert((run.app_id.clone(), run.id.clone()), run);
                }
                Err(e) => errors.push(e),
            }
        }
        // Summaries of runs whose details failed still show, marked not detailed.
        for s in summaries {
            self.runs.entry((s.app_id.clone(), s.id.clone())).or_insert(s);
        }
        let apps: std::collections::HashSet<&str> = self.apps.iter().map(|a| a.id.as_str()).collect();
        self.runs.retain(|(app, _), r| apps.contains(app.as_str()) && r.created_at.is_none_or(|c| c >= cutoff));
        let mut runs: Vec<EmrRun> = self.runs.values().cloned().collect();
        runs.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)));
        Ok((EmrData { apps: self.apps.clone(), runs }, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::demo::DemoAccount;

    #[tokio::test]
    async fn first_cycle_reads_details_then_only_changes() {
        let d = DemoAccount::fixed();
        let stats = d.account().stats;
        let mut c = EmrCollector::new(Arc::new(d.clone()), 4, Duration::from_secs(600));
        let (data, errors) = c.poll(d.now(), Duration::from_secs(86_400)).await.expect("poll");
        assert!(errors.is_empty());
        assert_eq!(data.apps.len(), 3);
        assert!(data.runs.iter().all(|r| r.detailed), "every run read with GetJobRun");
        let first = stats.snapshot().total_calls;
        let (again, _) = c.poll(d.now(), Duration::from_secs(86_400)).await.expect("poll");
        assert_eq!(again.runs.len(), data.runs.len());
        let second = stats.snapshot().total_calls - first;
        // 3 new-run listings + 1 active listing per app with active runs; no GetJobRun.
        assert!(second <= 6, "an unchanged cycle costs listings only: {second}");
    }
}
