//! The poller keeps the arguments of each job's newest runs only; opening or rerunning an
//! older run reads it with GetJobRun (the demo account here), and the detail view and the
//! rerun overlay show that run's exact arguments.

mod support;

use batchtop::actions::Command;
use batchtop::actions::args::rerun_arguments;
use batchtop::app::msg::{AfterFetch, Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::GlueRead;
use batchtop::aws::demo::DemoAccount;
use batchtop::state::View;
use batchtop::state::overlay::Overlay;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, loaded_state, screen, typed};

/// The runs of `job`, the cursor on its newest run whose arguments were dropped.
async fn on_an_older_run(job: &str) -> (batchtop::state::AppState, DemoAccount) {
    let (mut s, demo) = loaded_state(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, job);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    for _ in 0..40 {
        let Some(View::Runs(r)) = s.stack.last() else { panic!("runs view") };
        if r.selected(&s.data).expect("a run").arguments.is_dropped() {
            return (s, demo);
        }
        update(&mut s, key(KeyCode::Down));
    }
    panic!("no run of {job} had its arguments dropped");
}

/// Carry out the one FetchRun among `fx` against the demo account, as the loop would.
async fn fetch(s: &mut batchtop::state::AppState, demo: &DemoAccount, fx: &[Effect], then: AfterFetch) -> Vec<Effect> {
    let (ctx, job, run_id) = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRun { ctx, job, run_id, then: t } if *t == then => Some((*ctx, job.clone(), run_id.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no FetchRun for {then:?} in {fx:?}"));
    let result = demo.job_run(&job, &run_id).await.map(Box::new);
    update(s, Msg::RunFetched { ctx, job, run_id, then, result })
}

#[tokio::test]
async fn the_newest_runs_keep_their_arguments_and_older_ones_do_not() {
    let (s, _) = loaded_state(120, 40).await;
    let job = s.data.jobs.iter().find(|j| j.runs.len() > 4).expect("a job with a history");
    assert!(!job.runs[0].arguments.is_dropped() && !job.runs[1].arguments.is_dropped());
    assert!(job.runs.iter().any(|r| r.arguments.is_dropped()), "older runs keep none");
}

#[tokio::test]
async fn opening_an_older_run_reads_its_arguments_and_shows_them() {
    let (mut s, demo) = on_an_older_run("orders_curate").await;
    let fx = update(&mut s, key(KeyCode::Enter));
    let Some(View::Detail(d)) = s.stack.last() else { panic!("detail view") };
    let run_id = d.run_id.clone();
    assert!(screen(&s).contains("not kept for older runs"), "{}", screen(&s));
    fetch(&mut s, &demo, &fx, AfterFetch::Detail).await;
    let want = demo.job_run("orders_curate", &run_id).await.expect("the run").arguments;
    let want = want.kept().expect("GetJobRun has them").clone();
    assert!(!want.is_empty());
    let shown = screen(&s);
    assert!(!shown.contains("not kept"), "{shown}");
    for (k, _) in want.iter().filter(|(k, _)| !batchtop::state::detail::is_secret_key(k)) {
        assert!(shown.contains(k.as_str()), "{k} missing:\n{shown}");
    }
}

#[tokio::test]
async fn rerunning_an_older_run_reads_it_first_and_offers_its_exact_arguments() {
    let (mut s, demo) = on_an_older_run("orders_curate").await;
    let run_id = match s.stack.last() {
        Some(View::Runs(r)) => r.selected(&s.data).expect("a run").id.clone(),
        _ => panic!("runs view"),
    };
    let fx = update(&mut s, ch('r'));
    assert!(s.overlay.is_none(), "no overlay before the arguments are read");
    fetch(&mut s, &demo, &fx, AfterFetch::Rerun).await;
    let run = demo.job_run("orders_curate", &run_id).await.expect("the run");
    let (want, _) = rerun_arguments(run.arguments.kept().expect("kept"));
    match &s.overlay {
        Some(Overlay::Confirm(c)) => {
            assert_eq!(c.command, Command::RerunJob { job: "orders_curate".into(), arguments: want.clone() })
        }
        other => panic!("rerun overlay expected, got {other:?}"),
    }
    let shown = screen(&s);
    let (k, _) = want.iter().find(|(k, _)| !batchtop::state::detail::is_secret_key(k)).expect("an argument");
    assert!(shown.contains(k.as_str()), "{k} missing:\n{shown}");
}
