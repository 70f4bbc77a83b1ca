//! The jobs' tags: read whole again once stale (a changed tag is seen), one by one only for
//! new jobs, and nothing asked for a while once GetTags is denied too.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;

use super::super::{GlueCollector, Scope, StreamMapper};
use crate::aws::{AwsError, AwsResult, BoxFut, ErrorKind, GlueRead, JobTags, StopAt};
use crate::config::Settings;
use crate::model::{Bookmark, Job, JobRun};

/// Two jobs; tag:GetResources answers `whole` (None: denied), GetTags as `one` says.
struct Fake {
    whole: Mutex<Option<JobTags>>,
    one_denied: bool,
    whole_calls: AtomicUsize,
    one_calls: AtomicUsize,
}

fn tagged(stream: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("stream".to_string(), stream.to_string())])
}

fn err(kind: ErrorKind, op: &str) -> AwsError {
    AwsError { kind, operation: op.into(), message: format!("{op}: {kind:?}") }
}

impl GlueRead for Fake {
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>> {
        let jobs = ["a_job", "b_job"].map(|n| Job { name: n.into(), ..Default::default() }).to_vec();
        Box::pin(async move { Ok(jobs) })
    }
    fn job_tags<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        self.one_calls.fetch_add(1, Ordering::SeqCst);
        let r = if self.one_denied { Err(err(ErrorKind::AccessDenied, "glue:GetTags")) } else { Ok(tagged("x")) };
        Box::pin(async move { r })
    }
    fn all_job_tags(&self) -> BoxFut<'_, AwsResult<Option<JobTags>>> {
        self.whole_calls.fetch_add(1, Ordering::SeqCst);
        let r = match self.whole.lock().map(|w| w.clone()) {
            Ok(Some(all)) => Ok(Some(all)),
            _ => Err(err(ErrorKind::AccessDenied, "tag:GetResources")),
        };
        Box::pin(async move { r })
    }
    fn job_runs<'a>(&'a self, _: &'a str, _: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    // Never asked by the collector's polls.
    fn job_run<'a>(&'a self, job: &'a str, run: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        crate::aws::offline::Offline.job_run(job, run)
    }
    fn job_bookmark<'a>(&'a self, job: &'a str) -> BoxFut<'a, AwsResult<Bookmark>> {
        crate::aws::offline::Offline.job_bookmark(job)
    }
}

fn fake(whole: Option<JobTags>, one_denied: bool) -> Arc<Fake> {
    let (whole_calls, one_calls) = (AtomicUsize::new(0), AtomicUsize::new(0));
    Arc::new(Fake { whole: Mutex::new(whole), one_denied, whole_calls, one_calls })
}

fn collector(f: &Arc<Fake>) -> GlueCollector {
    let streams = StreamMapper::new(Arc::new(Settings::defaults()));
    GlueCollector::new(f.clone(), streams, 2, Duration::ZERO)
}

fn calls(f: &Fake) -> (usize, usize) {
    (f.whole_calls.load(Ordering::SeqCst), f.one_calls.load(Ordering::SeqCst))
}

async fn streams(c: &mut GlueCollector) -> (Vec<Option<String>>, Vec<AwsError>) {
    let cycle = c.poll(Scope::All, Utc::now(), Duration::from_secs(3600)).await.expect("poll");
    (cycle.data.jobs.iter().map(|j| j.stream.clone()).collect(), cycle.errors)
}

#[tokio::test]
async fn a_tag_changed_on_a_known_job_is_seen_once_the_whole_read_is_stale() {
    let f = fake(Some(JobTags::from([("a_job".to_string(), tagged("orders"))])), false);
    let mut fresh = collector(&f);
    assert_eq!(streams(&mut fresh).await.0, [Some("orders".to_string()), None]);
    streams(&mut fresh).await;
    assert_eq!(calls(&f), (1, 0), "known and fresh: not asked again");

    let mut c = collector(&f).rereading_tags(Duration::ZERO);
    streams(&mut c).await;
    *f.whole.lock().expect("lock") = Some(JobTags::from([("a_job".to_string(), tagged("payments"))]));
    assert_eq!(streams(&mut c).await.0, [Some("payments".to_string()), None], "the new tag, no restart");
    assert_eq!(calls(&f), (3, 0));
}

#[tokio::test]
async fn both_denied_gettags_is_not_asked_again_for_a_while_and_the_warning_stays() {
    let f = fake(None, true);
    let mut c = collector(&f).rereading_tags(Duration::ZERO);
    let (_, errors) = streams(&mut c).await;
    assert_eq!(calls(&f), (1, 2), "one GetResources, then one GetTags a job");
    assert_eq!(errors.iter().filter(|e| e.operation == "glue:GetTags").count(), 1, "{errors:?}");
    let (_, again) = streams(&mut c).await;
    assert_eq!(calls(&f).1, 2, "GetTags is not asked again at once");
    assert_eq!(again.iter().filter(|e| e.operation == "glue:GetTags").count(), 1, "the same warning: {again:?}");
}

#[tokio::test]
async fn denied_whole_reads_one_by_one_only_the_new_jobs() {
    let f = fake(None, false);
    let mut c = collector(&f).rereading_tags(Duration::ZERO);
    assert_eq!(streams(&mut c).await.0, [Some("x".to_string()), Some("x".to_string())]);
    streams(&mut c).await;
    assert_eq!(calls(&f).1, 2, "known jobs are not asked one by one again");
}
