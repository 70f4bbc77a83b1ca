//! Ten contexts of three hundred jobs each must not mean three thousand calls at once: every
//! context's fan-out is bounded by its own `max_concurrency` and all of them together by the
//! shared gate (`[poll] max_concurrency_total`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use batchtop::aws::{AwsResult, BoxFut, GlueRead, StopAt};
use batchtop::config::Settings;
use batchtop::model::{Bookmark, Job, JobRun};
use batchtop::poll::{Gate, GlueCollector, Scope, StreamMapper};

/// A Glue account of `jobs` jobs whose per-job calls take a few milliseconds, counting how
/// many are in flight at once over every account sharing `inflight`.
struct Slow {
    jobs: usize,
    inflight: Arc<(AtomicUsize, AtomicUsize)>,
}

impl Slow {
    async fn call<T>(&self, v: T) -> AwsResult<T> {
        let (now, peak) = (&self.inflight.0, &self.inflight.1);
        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(n, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(3)).await;
        now.fetch_sub(1, Ordering::SeqCst);
        Ok(v)
    }
}

impl GlueRead for Slow {
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>> {
        let jobs = (0..self.jobs).map(|i| Job { name: format!("job_{i:04}"), ..Default::default() }).collect();
        Box::pin(async move { Ok(jobs) })
    }
    fn job_tags<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        Box::pin(self.call(BTreeMap::new()))
    }
    fn job_runs<'a>(&'a self, _: &'a str, _: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        Box::pin(self.call(Vec::new()))
    }
    fn job_run<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        Box::pin(self.call(JobRun::default()))
    }
    fn job_bookmark<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<Bookmark>> {
        Box::pin(self.call(Bookmark::default()))
    }
}

/// One full poll of ten 300-job contexts at once; the peak of calls in flight.
async fn peak_of_ten_contexts(gate: Gate) -> usize {
    let inflight = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let settings = Arc::new(Settings::defaults());
    let polls = (0..10).map(|_| {
        let glue = Arc::new(Slow { jobs: 300, inflight: inflight.clone() });
        let mut c = GlueCollector::new(glue, StreamMapper::new(settings.clone()), 8, Duration::from_secs(300))
            .gated(gate.clone());
        async move { c.poll(Scope::All, chrono::Utc::now(), Duration::from_secs(3600)).await.map(|c| c.data.jobs.len()) }
    });
    let polled = futures_util::future::join_all(polls).await;
    assert!(polled.iter().all(|r| r.as_ref().is_ok_and(|n| *n == 300)), "every context polled whole");
    inflight.1.load(Ordering::SeqCst)
}

#[tokio::test]
async fn ten_contexts_of_300_jobs_stay_under_the_global_cap() {
    let peak = peak_of_ten_contexts(Gate::new(32)).await;
    assert!(peak <= 32, "{peak} calls in flight at once, the cap is 32");
    assert!(peak > 8, "the contexts poll side by side ({peak} at once)");
}

#[tokio::test]
async fn without_the_gate_only_each_contexts_bound_holds() {
    // The control case: the per-context bound alone lets 10 x 8 calls fly at once.
    let peak = peak_of_ten_contexts(Gate::default()).await;
    assert!(peak > 32 && peak <= 80, "{peak}");
}
