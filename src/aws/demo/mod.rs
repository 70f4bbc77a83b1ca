//! The simulated account behind the same traits, for `--demo` and UI tests.

mod catalog;
mod emr;
mod landing;
mod logs;
mod quality;
mod reads;
mod rng;
mod scenario;
mod seed;
mod writes;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};

pub use landing::STREAMS_CONFIG;
pub use quality::BAD_DATA_JOB;
pub use seed::STREAMS;

use super::{Account, ApiStats, AwsError, AwsResult, BoxFut, CallerIdentity, GlueRead, IdentityRead, StopAt};
use crate::model::{Job, JobRun, RunState};
use seed::PlannedRun;

pub const DEMO_ACCOUNT_ID: &str = "000000000000";
pub const DEMO_REGION: &str = "eu-west-1";
pub const DEMO_SEED: u64 = 20_261_124;

/// Simulated time: fixed (tests) or moving with the wall clock from an epoch (the demo).
#[derive(Debug, Clone)]
pub enum Clock {
    Fixed(DateTime<Utc>),
    Live { epoch: DateTime<Utc>, started: Instant, speed: f64 },
}

impl Clock {
    /// The fixed instant UI snapshots are taken at.
    pub fn test_epoch() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).single().unwrap_or_default()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => *t,
            Clock::Live { epoch, started, speed } => {
                let ms = started.elapsed().as_secs_f64() * speed * 1000.0;
                *epoch + Duration::milliseconds(ms as i64)
            }
        }
    }

    fn epoch(&self) -> DateTime<Utc> {
        match self {
            Clock::Fixed(t) => *t,
            Clock::Live { epoch, .. } => *epoch,
        }
    }
}

pub(super) struct Inner {
    jobs: Vec<Job>,
    runs: BTreeMap<String, Vec<PlannedRun>>,
    catalog: catalog::Catalog,
    landing: landing::LandingZone,
    emr: emr::EmrDemo,
    /// Crawlers started through the demo: busy until then.
    crawling_until: BTreeMap<String, DateTime<Utc>>,
    /// When set, every read fails with this error (tests of the stale/error state).
    failure: Option<AwsError>,
    started: u64,
}

/// The demo account. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct DemoAccount {
    inner: Arc<Mutex<Inner>>,
    clock: Arc<Mutex<Clock>>,
    stats: Arc<ApiStats>,
}

impl DemoAccount {
    pub fn new(seed: u64, clock: Clock) -> Self {
        let s = seed::generate(seed, clock.epoch());
        let mut catalog = catalog::generate(seed, clock.epoch());
        catalog.bookmarks = catalog::bookmarks(&s.runs, clock.epoch());
        let inner = Inner {
            jobs: s.jobs,
            runs: s.runs,
            catalog,
            landing: landing::generate(seed, clock.epoch()),
            emr: emr::generate(seed, clock.epoch()),
            crawling_until: BTreeMap::new(),
            failure: None,
            started: 0,
        };
        Self {
            inner: Arc::new(Mutex::new(inner)),
            clock: Arc::new(Mutex::new(clock)),
            stats: Arc::new(ApiStats::new()),
        }
    }

    /// The live demo: time starts now and runs at real speed.
    pub fn live() -> Self {
        let now = Utc::now();
        Self::new(DEMO_SEED, Clock::Live { epoch: now, started: Instant::now(), speed: 1.0 })
    }

    /// The deterministic account UI tests use.
    pub fn fixed() -> Self {
        Self::new(DEMO_SEED, Clock::Fixed(Clock::test_epoch()))
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.lock().map(|c| c.now()).unwrap_or_default()
    }

    /// Move a fixed clock (tests): runs finish, new runs appear.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut c) = self.clock.lock()
            && let Clock::Fixed(t) = &mut *c
        {
            *t += by;
        }
    }

    /// Make every read fail (or heal again with `None`).
    pub fn set_failure(&self, failure: Option<AwsError>) {
        if let Ok(mut i) = self.inner.lock() {
            i.failure = failure;
        }
    }

    pub fn account(&self) -> Account {
        Account {
            glue: Arc::new(self.clone()),
            workflows: Arc::new(self.clone()),
            crawlers: Arc::new(self.clone()),
            emr: Arc::new(self.clone()),
            dq: Arc::new(self.clone()),
            cost: Arc::new(self.clone()),
            logs: logs::reader(self),
            objects: Arc::new(self.clone()),
            landing: Arc::new(self.clone()),
            catalog: Arc::new(self.clone()),
            identity: Arc::new(self.clone()),
            stats: self.stats.clone(),
            profile: Some("demo".into()),
            region: DEMO_REGION.into(),
        }
    }

    pub(super) fn read<T>(&self, f: impl FnOnce(&Inner, DateTime<Utc>) -> AwsResult<T>) -> AwsResult<T> {
        self.stats.record_call();
        let now = self.now();
        let inner = self.inner.lock().map_err(|_| poisoned())?;
        if let Some(e) = &inner.failure {
            if e.kind == super::ErrorKind::Throttled {
                self.stats.record_throttle();
            }
            return Err(e.clone());
        }
        f(&inner, now)
    }
}

pub(super) fn poisoned() -> AwsError {
    AwsError {
        kind: super::ErrorKind::Other,
        operation: "demo".into(),
        message: "demo account state is unavailable".into(),
    }
}

pub(super) fn not_found(op: &str, what: String) -> AwsError {
    super::error::ErrorContext { region: DEMO_REGION.into(), ..Default::default() }.explain(
        super::ErrorKind::NotFound,
        op,
        &what,
    )
}

/// How a planned run looks at `now` (None: not started yet).
fn observe(p: &PlannedRun, now: DateTime<Utc>) -> Option<JobRun> {
    if p.start > now {
        return None;
    }
    let done = p.end <= now;
    let state = if done {
        p.final_state
    } else if now - p.start < Duration::seconds(20) {
        RunState::Starting
    } else {
        RunState::Running
    };
    let end = if done { p.end } else { now };
    let exec = (end - p.start).num_seconds();
    Some(JobRun {
        id: p.id.clone(),
        job_name: p.job_name.as_str().into(),
        attempt: p.attempt,
        previous_run_id: p.previous_run_id.clone(),
        trigger_name: p.trigger_name.as_deref().map(Into::into),
        state: Some(state),
        started_on: Some(p.start),
        last_modified_on: Some(end),
        completed_on: done.then_some(p.end),
        arguments: p.arguments.clone().into(),
        error_message: if done { p.error.as_deref().map(Into::into) } else { None },
        execution_time_s: exec,
        timeout_min: Some(p.timeout_min),
        max_capacity: Some(f64::from(p.workers) * crate::model::glue::dpu_per_worker(p.worker_type)),
        worker_type: Some(p.worker_type.into()),
        number_of_workers: Some(p.workers),
        dpu_seconds: None,
        glue_version: Some("4.0".into()),
        log_group_name: Some("/aws-glue/jobs".into()),
        execution_class: Some("STANDARD".into()),
        security_configuration: None,
    })
}

impl GlueRead for DemoAccount {
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>> {
        let r = self.read(|i, _| Ok(i.jobs.iter().map(|j| Job { tags: BTreeMap::new(), ..j.clone() }).collect()));
        Box::pin(async move { r })
    }

    fn job_tags<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        let r = self.read(|i, _| {
            i.jobs
                .iter()
                .find(|j| j.name == job_name)
                .map(|j| j.tags.clone())
                .ok_or_else(|| not_found("glue:GetTags", format!("job {job_name}")))
        });
        Box::pin(async move { r })
    }

    fn all_job_tags(&self) -> BoxFut<'_, AwsResult<Option<crate::aws::JobTags>>> {
        let r = self.read(|i, _| Ok(Some(i.jobs.iter().map(|j| (j.name.clone(), j.tags.clone())).collect())));
        Box::pin(async move { r })
    }

    fn job_runs<'a>(&'a self, job_name: &'a str, stop: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        let r = self.read(|i, now| {
            let planned =
                i.runs.get(job_name).ok_or_else(|| not_found("glue:GetJobRuns", format!("job {job_name}")))?;
            let mut out = Vec::new();
            // Newest first, in pages of 200 like GetJobRuns, stopping where the caller asks.
            let visible: Vec<JobRun> = planned.iter().rev().filter_map(|p| observe(p, now)).collect();
            if let Some(n) = stop.newest {
                return Ok(visible.into_iter().take(n).collect());
            }
            for page in visible.chunks(200) {
                out.extend_from_slice(page);
                if stop.reached(page) {
                    break;
                }
            }
            Ok(out)
        });
        Box::pin(async move { r })
    }

    fn job_bookmark<'a>(&'a self, job_name: &'a str) -> BoxFut<'a, AwsResult<crate::model::Bookmark>> {
        let r = self.read(|i, _| {
            if !i.jobs.iter().any(|j| j.name == job_name) {
                return Err(not_found("glue:GetJobBookmark", format!("job {job_name}")));
            }
            let history = i.catalog.bookmarks.get(job_name);
            Ok(history
                .and_then(|h| h.last().cloned())
                .unwrap_or_else(|| crate::model::Bookmark { job_name: job_name.to_string(), ..Default::default() }))
        });
        Box::pin(async move { r })
    }

    fn job_run<'a>(&'a self, job_name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        let r = self.read(|i, now| {
            i.runs
                .get(job_name)
                .and_then(|rs| rs.iter().find(|p| p.id == run_id))
                .and_then(|p| observe(p, now))
                .ok_or_else(|| not_found("glue:GetJobRun", format!("run {run_id} of job {job_name}")))
        });
        Box::pin(async move { r })
    }
}

impl IdentityRead for DemoAccount {
    fn caller_identity(&self) -> BoxFut<'_, AwsResult<CallerIdentity>> {
        let r = self.read(|_, _| {
            Ok(CallerIdentity {
                account: DEMO_ACCOUNT_ID.into(),
                arn: format!("arn:aws:iam::{DEMO_ACCOUNT_ID}:user/demo"),
                expires: None,
            })
        });
        Box::pin(async move { r })
    }
}

#[cfg(test)]
mod tests;
