//! Under load and faults, through the real SDK against the emulator: reads that finish under
//! throttling and server errors (or give up at the deadline with what they have), every
//! job's tags in a few calls, the first screen of 300 jobs before their history, idle jobs
//! at the slow cadence.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use batchtop::aws::sdk::RetryPolicy;
use batchtop::aws::{Account, ErrorKind, deadline};
use batchtop::config::Settings;
use batchtop::model::{GlueData, RunState};
use batchtop::poll::{GlueCollector, IdleCadence, Scope, StreamMapper};
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, calls_of, chaos, clear_faults, control, fault, fresh_account, reset_calls};

const WEEK: Duration = Duration::from_secs(8 * 24 * 3600);

/// Retries as in real use, with short pauses.
fn quick() -> RetryPolicy {
    RetryPolicy { base: Duration::from_millis(2), cap: Duration::from_millis(40), ..RetryPolicy::default() }
}

fn collector(account: &Account) -> GlueCollector {
    GlueCollector::new(account.glue.clone(), StreamMapper::new(Arc::new(Settings::defaults())), 8, WEEK)
}

/// `jobs` jobs of `runs` runs each, one every four hours up to now; the newest run of every
/// tenth job failed, of every fifteenth is running.
fn seed(account: &str, jobs: usize, runs: usize) {
    let now = Utc::now().timestamp() as f64;
    let list: Vec<Value> = (0..jobs)
        .map(|j| {
            let runs: Vec<Value> = (0..runs)
                .map(|r| {
                    let start = now - 600.0 - (r as f64) * 4.0 * 3600.0;
                    let state = match (r, j % 10, j % 15) {
                        (0, _, 0) => "RUNNING",
                        (0, 0, _) => "FAILED",
                        _ => "SUCCEEDED",
                    };
                    let end = (state != "RUNNING").then_some(start + 300.0);
                    json!({"id": format!("jr_{j:04}{r:060}"), "state": state, "started_on": start,
                           "completed_on": end, "execution_time": 300})
                })
                .collect();
            json!({"name": format!("job_{j:03}"), "tags": {"stream": format!("s{}", j % 7), "team": "data"}, "runs": runs})
        })
        .collect();
    control("/batchtop/glue/seed", &json!({"account_id": account, "region": emu::REGION, "jobs": list}));
}

/// A job's name, tags and run ids with their states.
type Content = (String, BTreeMap<String, String>, Vec<(String, RunState)>);

/// Each job's name, tags and run ids with their states.
fn content(d: &GlueData) -> Vec<Content> {
    d.jobs
        .iter()
        .map(|j| {
            let runs = j.runs.iter().map(|r| (r.id.clone(), r.state())).collect();
            (j.job.name.clone(), j.job.tags.clone(), runs)
        })
        .collect()
}

#[tokio::test]
async fn reads_finish_under_throttling_and_server_errors() {
    let acct = fresh_account();
    seed(&acct, 8, 20);
    let calm = collector(&emu::account_retrying(&acct, quick()).await).poll(Scope::All, Utc::now(), WEEK).await;
    let calm = calm.expect("fault-free poll");
    assert!(calm.errors.is_empty(), "{:?}", calm.errors);
    assert_eq!(calm.data.jobs.iter().map(|j| j.runs.len()).sum::<usize>(), 160);

    chaos(&acct, json!({"throttle": 0.3, "http500": 0.05}));
    let account = emu::account_retrying(&acct, quick()).await;
    let stormy = collector(&account).poll(Scope::All, Utc::now(), WEEK).await;
    clear_faults(&acct);
    let stormy = stormy.expect("a poll under faults");
    assert!(stormy.errors.is_empty(), "nothing is lost: {:?}", stormy.errors);
    assert_eq!(content(&stormy.data), content(&calm.data));
    let stats = account.stats.snapshot();
    assert!(stats.throttles > 0, "the faults happened");
    assert!(stats.total_calls > 10, "each attempt is counted: {stats:?}");
}

#[tokio::test]
async fn reads_that_are_always_throttled_give_up_at_the_deadline_with_what_they_have() {
    let acct = fresh_account();
    seed(&acct, 3, 2);
    control(
        "/batchtop/faults/chaos",
        &json!({"account_id": acct, "throttle": 1.0, "operation": "GetJobRuns", "seed": 1}),
    );
    let account = emu::account_retrying(&acct, quick()).await;
    let mut c = collector(&account);
    let at = tokio::time::Instant::now() + Duration::from_millis(1500);
    let cycle = deadline::within(at, c.poll(Scope::All, Utc::now(), WEEK)).await;
    clear_faults(&acct);
    let cycle = cycle.expect("the job list was read");
    assert_eq!(cycle.data.jobs.len(), 3, "what could be read is kept");
    assert_eq!(cycle.errors.len(), 3, "one error per job: {:?}", cycle.errors);
    assert!(cycle.errors.iter().all(|e| e.kind == ErrorKind::Throttled), "{:?}", cycle.errors);
    assert!(cycle.errors[0].message.contains("gave up at the deadline"), "{}", cycle.errors[0]);
    assert!(calls_of(&acct, "GetJobRuns") > 3, "they were retried");
    assert!(account.stats.snapshot().held_calls > 0, "the throttles slowed Glue down: calls waited their turn");
}

#[tokio::test]
async fn tags_come_in_a_few_calls_or_job_by_job_when_that_is_denied() {
    let acct = fresh_account();
    seed(&acct, 5, 1);
    let account = emu::account_retrying(&acct, quick()).await;
    let cycle = collector(&account).poll(Scope::All, Utc::now(), WEEK).await.expect("poll");
    assert_eq!(calls_of(&acct, "GetResources"), 1);
    assert_eq!(calls_of(&acct, "GetTags"), 0);
    let streams: Vec<Option<&str>> = cycle.data.jobs.iter().map(|j| j.stream.as_deref()).collect();
    assert_eq!(streams, [Some("s0"), Some("s1"), Some("s2"), Some("s3"), Some("s4")]);

    fault(&acct, "GetResources", "access_denied", 1, 0);
    let cycle = collector(&account).poll(Scope::All, Utc::now(), WEEK).await.expect("poll");
    assert_eq!(calls_of(&acct, "GetTags"), 5, "one GetTags per job");
    assert!(cycle.errors.is_empty(), "{:?}", cycle.errors);
    assert_eq!(cycle.data.jobs[3].job.tags.get("stream").map(String::as_str), Some("s3"));
}

#[tokio::test]
async fn idle_jobs_are_read_at_the_slow_cadence() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    let finished = |id: &str, ago_h: f64| {
        json!([{"id": id, "state": "SUCCEEDED", "started_on": now - ago_h * 3600.0,
                "completed_on": now - ago_h * 3600.0 + 60.0, "execution_time": 60}])
    };
    let jobs = json!([
        {"name": "idle", "tags": {}, "runs": finished("jr_idle", 50.0)},
        {"name": "never_ran", "tags": {}, "runs": []},
        {"name": "recent", "tags": {}, "runs": finished("jr_recent", 2.0)},
        {"name": "running", "tags": {}, "runs": [{"id": "jr_run", "state": "RUNNING", "started_on": now - 60.0}]},
    ]);
    control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": jobs}));
    let account = emu::account_retrying(&acct, quick()).await;
    let idle = IdleCadence {
        after: Duration::from_secs(24 * 3600),
        every: Duration::from_secs(3600),
        soon: Duration::from_secs(30),
        per_cycle: 100,
    };
    let mut c = collector(&account).idling(idle);
    let first = c.poll(Scope::All, Utc::now(), WEEK).await.expect("first poll");
    assert_eq!(first.data.jobs.len(), 4);
    assert_eq!(calls_of(&acct, "GetJobRuns"), 4, "the first cycle reads every job");
    reset_calls(&acct);
    let second = c.poll(Scope::All, Utc::now(), WEEK).await.expect("second poll");
    assert_eq!(calls_of(&acct, "GetJobRuns"), 2, "only `recent` and `running`: the idle jobs wait an hour");
    let idle_job = second.data.jobs.iter().find(|j| j.job.name == "idle").expect("idle job");
    assert_eq!(idle_job.runs.len(), 1, "an idle job keeps its runs");
}

#[tokio::test]
async fn the_first_screen_has_every_job_before_the_history_of_300() {
    let acct = fresh_account();
    seed(&acct, 300, 40);
    let account = emu::account_retrying(&acct, quick()).await;
    let mut c = collector(&account);
    let first = c.step(Utc::now(), WEEK).await.expect("first step");
    assert_eq!(first.data.jobs.len(), 100, "a screenful of rows at once: a small first page");
    assert_eq!(first.data.loading.map(|l| l.note()).as_deref(), Some("listing jobs (100)"));
    assert_eq!(calls_of(&acct, "GetJobs"), 1);
    let listed = c.step(Utc::now(), WEEK).await.expect("second step: the other pages");
    assert_eq!(listed.data.jobs.len(), 300, "every row");
    assert_eq!(calls_of(&acct, "GetJobs"), 2, "then pages of 1,000");
    assert_eq!(calls_of(&acct, "GetResources") + calls_of(&acct, "GetJobRuns"), 0, "the rows come first");
    let first = c.step(Utc::now(), WEEK).await.expect("third step: the tags");
    assert!(calls_of(&acct, "GetResources") <= 5, "{} tag calls", calls_of(&acct, "GetResources"));
    assert_eq!(calls_of(&acct, "GetTags"), 0);
    assert_eq!(calls_of(&acct, "GetJobRuns"), 0, "no run read before the rows are there");
    assert_eq!(first.data.jobs[10].stream.as_deref(), Some("s3"));
    let loading = first.data.loading.expect("loading");
    assert_eq!((loading.total, loading.runs, loading.history), (300, 0, 0));
    assert_eq!(loading.note(), "loading 0/300");

    let mut data = first.data;
    while data.loading.is_some_and(|l| l.runs < 300) {
        data = c.step(Utc::now(), WEEK).await.expect("a step").data;
    }
    // Every row has its newest run and the history is still to come.
    assert!(data.jobs.iter().all(|j| !j.runs.is_empty()));
    assert_eq!(calls_of(&acct, "GetJobRuns"), 300);
    assert_eq!(data.loading.map(|l| l.history), Some(0));
    assert!(data.jobs.iter().all(|j| j.runs.len() < 40));

    // Failing and running jobs (40 of them) have their history first.
    let attention = data.jobs.iter().filter(|j| j.runs[0].state() != RunState::Succeeded).count();
    assert_eq!(attention, 40);
    while data.loading.is_some_and(|l| l.history < attention) {
        data = c.step(Utc::now(), WEEK).await.expect("a history step").data;
    }
    for j in data.jobs.iter().filter(|j| j.runs[0].state() != RunState::Succeeded) {
        assert_eq!(j.runs.len(), 40, "{}", j.job.name);
    }
    assert!(data.jobs.iter().any(|j| j.runs.len() < 40), "the others come after");
    while data.loading.is_some() {
        data = c.step(Utc::now(), WEEK).await.expect("a step").data;
    }
    assert!(data.jobs.iter().all(|j| j.runs.len() == 40));
    assert_eq!(calls_of(&acct, "GetJobRuns"), 600);
}

/// A SCHEDULED trigger of `job` at the minute `minutes` from now (UTC).
async fn schedule(account: &str, job: &str, minutes: i64) {
    let at = Utc::now() + chrono::Duration::minutes(minutes);
    let cron = format!("cron({} {} * * ? *)", at.format("%-M"), at.format("%-H"));
    let action = aws_sdk_glue::types::Action::builder().job_name(job).build();
    let glue = emu::glue_client(account).await;
    let req = glue.create_trigger().name(format!("{job}_daily")).r#type(aws_sdk_glue::types::TriggerType::Scheduled);
    req.schedule(cron).actions(action).start_on_creation(true).send().await.expect("CreateTrigger");
}

#[tokio::test]
async fn a_scheduled_trigger_due_soon_keeps_its_job_at_the_fast_cadence() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    let idle_runs = |id: &str| {
        json!([{"id": id, "state": "SUCCEEDED", "started_on": now - 50.0 * 3600.0,
                "completed_on": now - 50.0 * 3600.0 + 60.0, "execution_time": 60}])
    };
    let jobs = json!([
        {"name": "daily", "tags": {}, "runs": idle_runs("jr_daily")},
        {"name": "quiet", "tags": {}, "runs": idle_runs("jr_quiet")},
    ]);
    control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": jobs}));
    schedule(&acct, "daily", 3).await;
    let account = emu::account_retrying(&acct, quick()).await;
    let idle = IdleCadence {
        after: Duration::from_secs(24 * 3600),
        every: Duration::from_secs(3600),
        soon: Duration::from_secs(600),
        per_cycle: 100,
    };
    let mut c = collector(&account).idling(idle);
    c.poll(Scope::All, Utc::now(), WEEK).await.expect("first poll");
    assert_eq!(calls_of(&acct, "GetTriggers"), 1, "read with the job list");
    assert_eq!(c.active_jobs(), 1, "`daily` starts within the next full cycle");
    reset_calls(&acct);
    c.poll(Scope::All, Utc::now(), WEEK).await.expect("second poll");
    assert_eq!(calls_of(&acct, "GetJobRuns"), 1, "`daily` is read although idle, `quiet` waits");
    reset_calls(&acct);
    c.poll(Scope::ActiveOnly, Utc::now(), WEEK).await.expect("fast poll");
    assert_eq!(calls_of(&acct, "GetJobRuns"), 1, "and at the fast cadence");
}
