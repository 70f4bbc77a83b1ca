//! `C` in the event log view of a run: the comparison with the same job's last successful run
//! (found as the triage `c` view finds it) starts at once. A Glue job's runs share one log
//! prefix, so the open log and its reference differ only by start time: each read lands on
//! its own side.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::eventlog::{Options, Summary, summarize};
use batchtop::model::{EmrRun, EmrState, JobRun};
use batchtop::state::changes::{last_good, last_good_emr};
use batchtop::state::emr::EmrDetailPane;
use batchtop::state::eventlog::{EventLogPane, EventLogSource, LogRef};
use batchtop::state::{AppState, DetailPane, View};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, loaded_state, screen};

const PREFIX: &str = "s3://aws-glue-assets-1-eu-west-1/sparkHistoryLogs/";

fn fixture(name: &str) -> Summary {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spark-compare").join(name);
    summarize(&path, &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn view(s: &AppState) -> &EventLogPane {
    match s.stack.last() {
        Some(View::EventLog(e)) => e,
        _ => panic!("not in the event log view: {:?}", s.flash),
    }
}

fn loads(fx: &[Effect]) -> Vec<LogRef> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::LoadEventLog { log, .. } => Some(log.clone()),
            _ => None,
        })
        .collect()
}

fn millis(run: &JobRun) -> Option<i64> {
    run.started_on.map(|t| t.timestamp_millis())
}

/// A Glue run of the demo picked by `pick` (given the job's runs, newest first, and the run),
/// given a `--spark-event-logs-path` as a Spark UI enabled job has it, its detail in front.
fn glue_run(s: &mut AppState, pick: impl Fn(&[JobRun], &JobRun) -> bool) -> JobRun {
    let (j, i) = s
        .data
        .jobs
        .iter()
        .enumerate()
        .find_map(|(j, e)| Some((j, e.runs.iter().position(|r| r.started_on.is_some() && pick(&e.runs, r))?)))
        .expect("such a run in the demo");
    let entry = &mut s.data.jobs[j];
    let run = &mut Arc::make_mut(&mut entry.runs)[i];
    let mut args = run.arguments.kept().cloned().unwrap_or_default();
    args.insert("--spark-event-logs-path".into(), PREFIX.trim_end_matches('/').into());
    run.arguments = args.into();
    let (ctx, job, run) = (entry.ctx, entry.job.name.clone(), run.clone());
    s.stack.push(View::Detail(DetailPane { ctx, job, run_id: run.id.clone(), ..Default::default() }));
    run
}

/// `E`, then the open log (B) arrives; the load asked for.
fn open_and_read(s: &mut AppState, b: Summary) -> LogRef {
    let fx = update(s, ch('E'));
    let [open] = loads(&fx).try_into().unwrap_or_else(|fx| panic!("one load: {fx:?} {:?}", s.flash));
    update(s, Msg::EventLogLoaded { log: open.clone(), result: Ok(Box::new(b)) });
    open
}

#[tokio::test]
async fn c_on_a_failed_glue_run_compares_with_the_last_good_run_under_the_same_prefix() {
    let (mut s, _) = loaded_state(120, 40).await;
    let failed = glue_run(&mut s, |runs, r| r.state().is_failure() && last_good(runs, r).is_some());
    let good = {
        let entry = s.data.jobs.iter().find(|e| e.runs.iter().any(|r| r.id == failed.id)).expect("job");
        last_good(&entry.runs, &failed).expect("good run").clone()
    };
    let (a, b) = (fixture("run-a"), fixture("run-b"));
    let (a_id, b_id) = (a.app_id.clone(), b.app_id.clone());
    let open = open_and_read(&mut s, b.clone());
    assert_eq!(open, LogRef::new(EventLogSource::S3(PREFIX.into()), millis(&failed)));
    assert!(screen(&s).contains("SQL (3)    C compares with the last successful run"), "{}", screen(&s));
    // C: the reference at once, under the same prefix, picked by the good run's start.
    let fx = update(&mut s, ch('C'));
    let reference = LogRef::new(EventLogSource::S3(PREFIX.into()), millis(&good));
    assert_eq!(loads(&fx), std::slice::from_ref(&reference));
    assert!(view(&s).compare_prompt.is_none(), "no prompt");
    let short: String = good.id.chars().take(11).collect();
    assert!(s.flash.as_deref().is_some_and(|f| f.contains(&short)), "{:?}", s.flash);
    // A's summary goes to A only; B's (read again as the log grows) to B only.
    let sides = |s: &AppState| {
        let e = view(s);
        let a = e.compare.as_ref().and_then(|cv| cv.other_summary.as_ref()?.as_ref().ok()).map(|x| x.app_id.clone());
        (a, e.summary().map(|x| x.app_id.clone()))
    };
    update(&mut s, Msg::EventLogLoaded { log: reference.clone(), result: Ok(Box::new(a)) });
    assert_eq!(sides(&s), (Some(a_id.clone()), Some(b_id.clone())), "A's read leaves the open log alone");
    update(&mut s, Msg::EventLogLoaded { log: open.clone(), result: Ok(Box::new(b)) });
    assert_eq!(sides(&s), (Some(a_id), Some(b_id)), "B's read leaves A alone");
    let text = screen(&s);
    let started = good.started_on.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
    let header = format!("A: {short}… (last successful run, {started}) · ↑↓ scroll · C another log · esc closes");
    assert!(text.contains(&header), "{text}");
    assert!(text.contains("spark.sql.shuffle.partitions changed 64 → 8"), "{text}");
    assert_snapshot!("eventlog_reference_120x40", text);
    // Closed and opened again: no second read.
    update(&mut s, key(KeyCode::Esc));
    assert!(view(&s).compare.is_none());
    let fx = update(&mut s, ch('C'));
    assert!(loads(&fx).is_empty(), "{fx:?}");
    assert!(screen(&s).contains("spark.sql.shuffle.partitions changed 64 → 8"));
    // C while the reference is shown: the prompt, for another log.
    let fx = update(&mut s, ch('C'));
    assert!(loads(&fx).is_empty(), "{fx:?}");
    assert_eq!(view(&s).compare_prompt.as_deref(), Some(PREFIX));
    assert!(screen(&s).contains("compare with (path or s3://…; enter reads, esc cancels)"));
}

#[tokio::test]
async fn a_reference_that_finds_this_very_log_says_so() {
    let (mut s, _) = loaded_state(120, 40).await;
    glue_run(&mut s, |runs, r| r.state().is_failure() && last_good(runs, r).is_some());
    let b = fixture("run-b");
    open_and_read(&mut s, b.clone());
    let fx = update(&mut s, ch('C'));
    let [reference] = loads(&fx).try_into().expect("one load");
    // The good run left no log of its own: the nearest application is the open one.
    update(&mut s, Msg::EventLogLoaded { log: reference, result: Ok(Box::new(b)) });
    let text = screen(&s);
    assert!(text.contains("cannot compare: the log found for jr_"), "{text}");
    assert!(text.contains("UTC) is this log itself"), "{text}");
    assert!(text.contains("(that run left no log of its own under s3://"), "{text}");
}

#[tokio::test]
async fn c_on_an_emr_run_compares_with_the_last_good_run_of_its_job() {
    let (mut s, _) = loaded_state(120, 40).await;
    // A failed run of the demo, and a successful run of the same job a day before it.
    let failed = s.emr.runs.iter().find(|r| r.state() == EmrState::Failed).cloned().expect("a failed EMR run");
    let day = chrono::Duration::days(1);
    let good = EmrRun {
        id: "00good0000000001".into(),
        state: Some(EmrState::Success),
        created_at: failed.created_at.map(|t| t - day),
        started_at: failed.started_at.map(|t| t - day),
        ..failed.clone()
    };
    s.emr.runs.push(good.clone());
    assert_eq!(last_good_emr(&s.emr.runs, &failed).map(|r| &r.id), Some(&good.id));
    s.stack.push(View::EmrDetail(EmrDetailPane {
        app_id: failed.app_id.clone(),
        run_id: failed.id.clone(),
        ..Default::default()
    }));
    let (a, b) = (fixture("run-a"), fixture("run-b"));
    let open = open_and_read(&mut s, b);
    let folder = |id: &str| format!("s3://pipelines-logs/emr/applications/{}/jobs/{id}/sparklogs/", failed.app_id);
    assert_eq!(open, LogRef::new(EventLogSource::S3(folder(&failed.id)), None));
    let fx = update(&mut s, ch('C'));
    let reference = LogRef::new(EventLogSource::S3(folder(&good.id)), None);
    assert_eq!(loads(&fx), std::slice::from_ref(&reference));
    assert!(view(&s).compare_prompt.is_none());
    update(&mut s, Msg::EventLogLoaded { log: reference, result: Ok(Box::new(a)) });
    let text = screen(&s);
    let short: String = good.id.chars().take(11).collect();
    assert!(text.contains(&format!("A: {short}")) && text.contains("(last successful run"), "{text}");
    assert!(text.contains("spark.sql.shuffle.partitions changed 64 → 8"), "{text}");
}

#[tokio::test]
async fn without_an_earlier_successful_run_c_asks_for_a_path_and_says_why() {
    let (mut s, _) = loaded_state(120, 40).await;
    glue_run(&mut s, |runs, r| last_good(runs, r).is_none());
    open_and_read(&mut s, fixture("run-b"));
    assert!(!screen(&s).contains("C compares with"), "no hint without a reference");
    let fx = update(&mut s, ch('C'));
    assert!(loads(&fx).is_empty(), "{fx:?}");
    assert_eq!(view(&s).compare_prompt.as_deref(), Some(PREFIX));
    let why = "no earlier successful run of this job in the loaded history: type the path or s3:// URI";
    assert!(s.flash.as_deref().is_some_and(|f| f.contains(why)), "{:?}", s.flash);
}
