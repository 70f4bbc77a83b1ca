use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{TagCache, is_tag_read};
use crate::aws::{AwsError, AwsResult, BoxFut, ErrorKind, GlueRead, JobTags, StopAt, Tagged};
use crate::model::{Bookmark, Job, JobRun};

/// Tags of `orders_wf` only; GetResources answers as `all` says, GetTags as `one` says.
struct Fake {
    all: Result<bool, ErrorKind>,
    one: Result<(), ErrorKind>,
    all_calls: AtomicUsize,
    one_calls: AtomicUsize,
}

fn fake(all: Result<bool, ErrorKind>, one: Result<(), ErrorKind>) -> Arc<Fake> {
    Arc::new(Fake { all, one, all_calls: AtomicUsize::new(0), one_calls: AtomicUsize::new(0) })
}

fn err(kind: ErrorKind, op: &str) -> AwsError {
    AwsError { kind, operation: op.into(), message: format!("{op}: {kind:?}") }
}

fn orders() -> BTreeMap<String, String> {
    BTreeMap::from([("stream".to_string(), "orders".to_string())])
}

impl GlueRead for Fake {
    fn jobs(&self) -> BoxFut<'_, AwsResult<Vec<Job>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn job_tags<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        Box::pin(async { Ok(BTreeMap::new()) })
    }
    fn all_tags(&self, _: Tagged) -> BoxFut<'_, AwsResult<Option<JobTags>>> {
        self.all_calls.fetch_add(1, Ordering::SeqCst);
        let r = match self.all {
            Ok(true) => Ok(Some(JobTags::from([("orders_wf".to_string(), orders())]))),
            Ok(false) => Ok(None),
            Err(k) => Err(err(k, "tag:GetResources")),
        };
        Box::pin(async move { r })
    }
    fn tags_of<'a>(&'a self, _: Tagged, name: &'a str) -> BoxFut<'a, AwsResult<BTreeMap<String, String>>> {
        self.one_calls.fetch_add(1, Ordering::SeqCst);
        let r = match self.one {
            Ok(()) if name == "orders_wf" => Ok(orders()),
            Ok(()) => Ok(BTreeMap::new()),
            Err(k) => Err(err(k, "glue:GetTags")),
        };
        Box::pin(async move { r })
    }
    fn job_runs<'a>(&'a self, _: &'a str, _: &'a StopAt) -> BoxFut<'a, AwsResult<Vec<JobRun>>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn job_run<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<JobRun>> {
        Box::pin(async { Err(err(ErrorKind::NotFound, "glue:GetJobRun")) })
    }
    fn job_bookmark<'a>(&'a self, _: &'a str) -> BoxFut<'a, AwsResult<Bookmark>> {
        Box::pin(async { Err(err(ErrorKind::NotFound, "glue:GetJobBookmark")) })
    }
}

fn names(n: &[&str]) -> Vec<String> {
    n.iter().map(|s| s.to_string()).collect()
}

fn calls(f: &Fake) -> (usize, usize) {
    (f.all_calls.load(Ordering::SeqCst), f.one_calls.load(Ordering::SeqCst))
}

#[tokio::test]
async fn one_call_for_every_resource_and_none_at_rest() {
    let f = fake(Ok(true), Ok(()));
    let mut c = TagCache::new(f.clone(), Tagged::Workflow);
    let mut errors = Vec::new();
    c.learn(&names(&["orders_wf", "misc"]), &mut errors).await;
    c.learn(&names(&["orders_wf", "misc"]), &mut errors).await;
    assert!(errors.is_empty());
    assert_eq!(calls(&f), (1, 0));
    assert_eq!(c.get("orders_wf"), orders());
    assert!(c.get("misc").is_empty());
    // A new resource: read again.
    c.learn(&names(&["orders_wf", "misc", "new"]), &mut errors).await;
    assert_eq!(calls(&f), (2, 0));
}

#[tokio::test]
async fn denied_or_without_a_tagging_client_one_get_tags_per_new_resource() {
    for all in [Err(ErrorKind::AccessDenied), Ok(false)] {
        let f = fake(all, Ok(()));
        let mut c = TagCache::new(f.clone(), Tagged::Crawler);
        let mut errors = Vec::new();
        c.learn(&names(&["orders_wf", "misc"]), &mut errors).await;
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls(&f), (1, 2));
        assert_eq!(c.get("orders_wf"), orders());
        c.learn(&names(&["orders_wf", "misc"]), &mut errors).await;
        assert_eq!(calls(&f), (1, 2), "known: nothing asked");
    }
}

#[tokio::test]
async fn a_throttled_tag_read_is_told_and_asked_again() {
    let f = fake(Err(ErrorKind::Throttled), Ok(()));
    let mut c = TagCache::new(f.clone(), Tagged::Ruleset);
    let mut errors = Vec::new();
    c.learn(&names(&["orders_wf"]), &mut errors).await;
    assert_eq!(errors.len(), 1);
    assert_eq!(calls(&f), (1, 0), "no GetTags storm on a throttle");
    c.learn(&names(&["orders_wf"]), &mut errors).await;
    assert_eq!(calls(&f), (2, 0));
}

#[tokio::test]
async fn both_denied_one_warning_every_cycle_and_no_call_for_a_while() {
    let f = fake(Err(ErrorKind::AccessDenied), Err(ErrorKind::AccessDenied));
    let mut c = TagCache::new(f.clone(), Tagged::Workflow);
    let mut errors = Vec::new();
    c.learn(&names(&["a", "b", "c"]), &mut errors).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].operation, "glue:GetTags");
    assert!(is_tag_read(&errors[0]));
    assert_eq!(calls(&f), (1, 3));
    let mut next = Vec::new();
    c.learn(&names(&["a", "b", "c"]), &mut next).await;
    assert_eq!(next, errors, "the same warning");
    assert_eq!(calls(&f), (1, 3), "not asked again at once");
}

#[tokio::test]
async fn fill_keeps_the_tags_a_reader_told() {
    let f = fake(Ok(true), Ok(()));
    let mut c = TagCache::new(f, Tagged::Workflow);
    let mut items = vec![("orders_wf".to_string(), BTreeMap::new()), ("demo".to_string(), orders())];
    c.fill(&mut items, |(n, _)| n, |(_, t)| t, &mut Vec::new()).await;
    assert_eq!(items[0].1, orders());
    assert_eq!(items[1].1, orders(), "the listing's own tags stay");
}

#[tokio::test]
async fn stale_whole_reads_are_repeated_and_one_by_one_reads_are_not() {
    let f = fake(Ok(true), Ok(()));
    let mut c = TagCache::new(f.clone(), Tagged::Workflow).rereading(std::time::Duration::ZERO);
    let mut errors = Vec::new();
    c.learn(&names(&["orders_wf", "gone"]), &mut errors).await;
    c.learn(&names(&["orders_wf"]), &mut errors).await;
    assert_eq!(calls(&f), (2, 0), "stale: every resource's tags read again in one call");
    assert!(!c.known.contains_key("gone"), "one no longer listed is forgotten");
    assert_eq!(c.get("orders_wf"), orders());

    let f = fake(Err(ErrorKind::AccessDenied), Ok(()));
    let mut c = TagCache::new(f.clone(), Tagged::Crawler).rereading(std::time::Duration::ZERO);
    c.learn(&names(&["orders_wf", "misc"]), &mut errors).await;
    c.learn(&names(&["orders_wf", "misc"]), &mut errors).await;
    assert_eq!(calls(&f), (1, 2), "one by one: only new resources are asked");
    assert!(errors.is_empty(), "{errors:?}");
}
