use super::*;
use crate::aws::demo::DemoAccount;
use crate::model::RunState;
use chrono::TimeZone;

fn at(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, 0, 0).single().expect("valid")
}

fn run(id: &str, h: u32, state: RunState) -> JobRun {
    JobRun { id: id.into(), started_on: Some(at(h)), state: Some(state), ..Default::default() }
}

#[test]
fn merge_prefers_fetched_keeps_older_and_cuts_history() {
    let previous =
        vec![run("b", 10, RunState::Running), run("a", 8, RunState::Succeeded), run("old", 1, RunState::Failed)];
    let fetched = vec![run("c", 11, RunState::Running), run("b", 10, RunState::Failed)];
    let merged = merge(&previous, fetched, at(5));
    let ids: Vec<&str> = merged.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["c", "b", "a"]);
    assert_eq!(merged[1].state(), RunState::Failed);
}

#[test]
fn merge_always_keeps_the_newest_run() {
    let merged = merge(&[], vec![run("x", 1, RunState::Succeeded), run("y", 0, RunState::Succeeded)], at(5));
    assert_eq!(merged.len(), 1);
    assert_eq!(merged[0].id, "x");
}

fn collector(d: &DemoAccount) -> GlueCollector {
    let settings = Arc::new(Settings::defaults());
    GlueCollector::new(Arc::new(d.clone()), StreamMapper::new(settings), 4, Duration::from_secs(300))
}

#[tokio::test]
async fn collector_reads_all_then_only_active_jobs() {
    let d = DemoAccount::fixed();
    let mut c = collector(&d);
    let stats = d.account().stats;
    let cycle = c.poll(Scope::All, d.now(), Duration::from_secs(48 * 3600)).await.expect("poll");
    assert_eq!(cycle.data.jobs.len(), 30);
    assert!(cycle.errors.is_empty());
    assert_eq!(
        cycle.data.jobs.iter().find(|j| j.job.name == "orders_curate").and_then(|j| j.stream.as_deref()),
        Some("orders")
    );
    // GetJobs + every job's tags in one call + 30 GetJobRuns.
    assert_eq!(stats.snapshot().total_calls, 32);
    let active = c.active_jobs();
    assert!(active >= 3);
    c.poll(Scope::ActiveOnly, d.now(), Duration::from_secs(48 * 3600)).await.expect("poll");
    assert_eq!(stats.snapshot().total_calls, 32 + active as u64);
}

#[tokio::test]
async fn failed_job_list_keeps_previous_data_as_partial_error() {
    let d = DemoAccount::fixed();
    let mut c = collector(&d);
    c.poll(Scope::All, d.now(), Duration::from_secs(3600)).await.expect("first poll");
    d.set_failure(Some(AwsError {
        kind: crate::aws::ErrorKind::Throttled,
        operation: "glue:GetJobRuns".into(),
        message: "Rate exceeded".into(),
    }));
    let cycle = c.poll(Scope::All, d.now(), Duration::from_secs(3600)).await.expect("degrades, not fails");
    assert_eq!(cycle.data.jobs.len(), 30);
    assert!(!cycle.errors.is_empty());
    assert!(cycle.data.jobs.iter().all(|j| !j.runs.is_empty()));
}

#[tokio::test]
async fn first_poll_failure_is_an_error() {
    let d = DemoAccount::fixed();
    d.set_failure(Some(AwsError {
        kind: crate::aws::ErrorKind::AccessDenied,
        operation: "glue:GetJobs".into(),
        message: "no".into(),
    }));
    let mut c = collector(&d);
    assert!(c.poll(Scope::All, d.now(), Duration::from_secs(3600)).await.is_err());
}

#[tokio::test]
async fn more_jobs_than_a_cycle_allows_are_read_in_turns() {
    let d = DemoAccount::fixed();
    // Every run has ended: nothing in flight, nothing idle for a week.
    d.advance(chrono::Duration::hours(3));
    let idle = IdleCadence {
        after: Duration::from_secs(7 * 24 * 3600),
        every: Duration::from_secs(3600),
        soon: Duration::from_secs(30),
        per_cycle: 10,
    };
    let mut c = collector(&d).idling(idle);
    let window = Duration::from_secs(48 * 3600);
    while c.loading().is_some() {
        c.step(d.now(), window).await.expect("a step");
    }
    assert_eq!(c.active_jobs(), 0);
    let stats = d.account().stats;
    let (before, start) = (stats.snapshot().total_calls, Instant::now());
    for _ in 0..3 {
        c.poll(Scope::All, d.now(), window).await.expect("a full cycle");
    }
    assert_eq!(stats.snapshot().total_calls - before, 30, "ten GetJobRuns a cycle");
    assert!(c.refreshed.values().all(|t| *t >= start), "every job had its turn");
}

#[tokio::test]
async fn the_jobs_of_a_running_workflow_run_keep_the_fast_cadence() {
    let d = DemoAccount::fixed();
    d.advance(chrono::Duration::hours(3));
    // Idle after a minute: every job whose runs ended is idle, read once an hour.
    let idle = IdleCadence {
        after: Duration::from_secs(60),
        every: Duration::from_secs(3600),
        soon: Duration::from_secs(30),
        per_cycle: 100,
    };
    let (tx, rx) = crate::poll::workflow_jobs();
    let mut c = collector(&d).idling(idle).watching(rx);
    let window = Duration::from_secs(48 * 3600);
    while c.loading().is_some() {
        c.step(d.now(), window).await.expect("a step");
    }
    let now = d.now();
    let job = c.jobs.iter().map(|j| j.name.clone()).find(|n| !c.due(n, now)).expect("an idle job");
    let (fast, stats) = (c.active_jobs(), d.account().stats);
    assert!(!c.in_turn(now).contains(&job.as_str()));

    tx.send_replace(Arc::new([job.clone()].into()));
    assert!(c.due(&job, now), "a workflow run started it");
    assert!(c.in_turn(now).contains(&job.as_str()));
    assert_eq!(c.active_jobs(), fast + 1);
    let before = stats.snapshot().total_calls;
    let cycle = c.poll(Scope::ActiveOnly, now, window).await.expect("a fast cycle");
    assert!(cycle.errors.is_empty());
    assert_eq!(stats.snapshot().total_calls - before, (fast + 1) as u64, "the workflow's job is read too");

    tx.send_replace(Arc::default());
    assert!(!c.due(&job, now), "the workflow run ended: idle again");
    assert_eq!(c.active_jobs(), fast);
}
