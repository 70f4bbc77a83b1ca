use super::*;

fn block<T>(f: BoxFut<'_, T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(f)
}

#[test]
fn five_streams_of_six_jobs_with_tags() {
    let d = DemoAccount::fixed();
    let jobs = block(d.jobs()).expect("jobs");
    assert_eq!(jobs.len(), 30);
    let tags = block(d.job_tags("orders_curate")).expect("tags");
    assert_eq!(tags.get("stream").map(String::as_str), Some("orders"));
}

#[test]
fn runs_have_failures_timeout_retry_and_running() {
    let d = DemoAccount::fixed();
    let now = d.now();
    let jobs = block(d.jobs()).expect("jobs");
    let mut all = Vec::new();
    for j in &jobs {
        all.extend(block(d.job_runs(&j.name, &StopAt::everything())).expect("runs"));
    }
    let window: Vec<_> = all.iter().filter(|r| r.started_on.is_some_and(|s| s > now - Duration::hours(48))).collect();
    let failed = window.iter().filter(|r| r.state().is_failure()).count() as f64 / window.len() as f64;
    assert!((0.08..0.25).contains(&failed), "failure share {failed}");
    assert!(all.iter().any(|r| r.state() == RunState::Timeout));
    assert!(all.iter().any(|r| r.id.ends_with("_attempt_1") && r.attempt == 1 && r.previous_run_id.is_some()));
    let running: Vec<_> = all.iter().filter(|r| r.state().is_active()).collect();
    assert!(running.len() >= 3, "running {}", running.len());
    assert!(all.iter().filter(|r| r.state().is_failure()).all(|r| r.error_message.is_some()));
}

#[test]
fn running_runs_finish_as_the_clock_moves() {
    let d = DemoAccount::fixed();
    let before = block(d.job_runs("orders_ingest_raw", &StopAt::everything())).expect("runs");
    assert!(before[0].state().is_active());
    d.advance(Duration::minutes(10));
    let after = block(d.job_runs("orders_ingest_raw", &StopAt::everything())).expect("runs");
    let same = after.iter().find(|r| r.id == before[0].id).expect("still there");
    assert!(!same.state().is_active());
    assert!(same.completed_on.is_some());
}

#[test]
fn failure_injection_makes_reads_fail() {
    let d = DemoAccount::fixed();
    d.set_failure(Some(AwsError {
        kind: crate::aws::ErrorKind::Throttled,
        operation: "glue:GetJobs".into(),
        message: "slow down".into(),
    }));
    assert!(block(d.jobs()).is_err());
    assert_eq!(d.stats.snapshot().throttles, 1);
    d.set_failure(None);
    assert!(block(d.jobs()).is_ok());
}

#[test]
fn nothing_in_the_demo_ends_after_its_now() {
    let epoch = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 24, 12, 0, 0).single().expect("valid");
    let catalog = super::catalog::generate(7, epoch);
    for (w, runs) in &catalog.workflows {
        for r in runs {
            assert!(r.completed_on.is_none_or(|t| t <= epoch), "{} {} ends at {:?}", w.name, r.id, r.completed_on);
            let nodes = r.graph.iter().flat_map(|g| &g.nodes);
            for run in nodes.filter_map(|n| n.job_run.as_ref()) {
                assert!(run.completed_on.is_none_or(|t| t <= epoch), "{} ends at {:?}", run.job_name, run.completed_on);
            }
        }
    }
}
