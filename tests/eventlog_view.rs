//! The event log view: opened from a Glue or EMR Serverless run (`E`), tabs, the stage
//! sort and distribution, standalone on a fixture; and S3 sources through the emulator.

mod support;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::eventlog::{Options, summarize};
use batchtop::state::View;
use batchtop::state::eventlog::{EventLogSource, LogRef, Tab};
use insta::assert_snapshot;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::{ch, key, loaded_state, screen, typed};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}/../shared/fixtures/spark-events/{name}", env!("CARGO_MANIFEST_DIR")))
}

fn load_effect(fx: &[Effect]) -> Option<(EventLogSource, Option<i64>)> {
    fx.iter().find_map(|e| match e {
        Effect::LoadEventLog { log, .. } => Some((log.source.clone(), log.after_ms)),
        _ => None,
    })
}

#[tokio::test]
async fn e_on_a_glue_run_reads_its_spark_event_logs_path() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "orders_curate");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    // The demo's jobs do not write Spark UI logs: E says so.
    update(&mut s, ch('E'));
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("--spark-event-logs-path")), "{:?}", s.flash);
    // Give the selected run the argument, as a Spark UI enabled job has it.
    let started = {
        let Some(View::Runs(r)) = s.stack.last() else { panic!("runs view") };
        let id = r.selected(&s.data).expect("run").id.clone();
        let run = s
            .data
            .jobs
            .iter_mut()
            .flat_map(|j| std::sync::Arc::make_mut(&mut j.runs).iter_mut())
            .find(|x| x.id == id)
            .expect("run");
        let mut args = run.arguments.kept().cloned().unwrap_or_default();
        args.insert("--spark-event-logs-path".into(), "s3://aws-glue-assets-1-eu-west-1/sparkHistoryLogs".into());
        run.arguments = args.into();
        run.started_on.map(|t| t.timestamp_millis())
    };
    let fx = update(&mut s, ch('E'));
    let (source, after) = load_effect(&fx).expect("a load");
    assert_eq!(source, EventLogSource::S3("s3://aws-glue-assets-1-eu-west-1/sparkHistoryLogs/".into()));
    assert_eq!(after, started);
}

#[tokio::test]
async fn e_on_an_emr_run_reads_its_sparklogs_folder() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch(':'));
    typed(&mut s, "emr");
    update(&mut s, key(KeyCode::Enter));
    let run = s.emr_pane.selected().and_then(|i| s.emr.runs.get(i)).cloned().expect("a run");
    let fx = update(&mut s, ch('E'));
    let (source, _) = load_effect(&fx).expect("a load");
    assert_eq!(
        source,
        EventLogSource::S3(format!("s3://pipelines-logs/emr/applications/{}/jobs/{}/sparklogs/", run.app_id, run.id))
    );
}

#[tokio::test]
async fn tabs_sort_and_stage_distribution() {
    let (mut s, _) = loaded_state(120, 40).await;
    s.context.standalone = true;
    let path = fixture("tasks_executors_fail_compressed_eventlog.zstd");
    // The label is shown in the top bar: keep it independent of where the checkout lives.
    let source = EventLogSource::Local("fixtures/tasks_executors_fail_compressed_eventlog.zstd".into());
    s.stack.push(View::EventLog(Box::new(batchtop::state::eventlog::EventLogPane::new(source.clone()))));
    assert!(screen(&s).contains("reading"));
    let summary = summarize(&path, &Options::default()).expect("fixture reads");
    update(&mut s, Msg::EventLogLoaded { log: LogRef::new(source, None), result: Ok(Box::new(summary)) });
    let text = screen(&s);
    assert!(text.contains("findings (6)") && text.contains("failed_stage"), "{text}");
    assert_snapshot!("eventlog_findings_120x40", text);
    update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    update(&mut s, ch('s'));
    update(&mut s, ch('s'));
    let Some(View::EventLog(e)) = s.stack.last() else { panic!("event log view") };
    assert_eq!(e.tab, Tab::Stages);
    let first = e.selected_stage().expect("a stage").clone();
    let all = &e.summary().expect("loaded").stages;
    assert!(all.iter().all(|st| st.executor_run_time_ms <= first.executor_run_time_ms), "sorted by run time");
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&s);
    assert!(
        text.contains("task duration (ms)") && text.contains(&format!("stage {}.{}", first.stage_id, first.attempt)),
        "{text}"
    );
    assert_snapshot!("eventlog_stage_120x40", text);
    update(&mut s, key(KeyCode::Esc));
    assert!(!screen(&s).contains("task duration (ms)"));
    // Standalone: Esc does not leave the only view.
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.stack.last(), Some(View::EventLog(_))));
    for t in 0..5 {
        update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
        let _ = screen(&s);
        let _ = t;
    }
}

#[tokio::test]
async fn a_log_that_cannot_be_read_says_why() {
    let (mut s, _) = loaded_state(80, 24).await;
    let source = EventLogSource::S3("s3://b/none/".into());
    s.stack.push(View::EventLog(Box::new(batchtop::state::eventlog::EventLogPane::new(source.clone()))));
    let log = LogRef::new(source, None);
    update(&mut s, Msg::EventLogLoaded { log, result: Err("no Spark event log under s3://b/none/".into()) });
    assert!(screen(&s).contains("no Spark event log under s3://b/none/"));
}

#[tokio::test]
async fn refresh_reads_a_growing_log_again() {
    let (mut s, _) = loaded_state(120, 40).await;
    let source = EventLogSource::S3("s3://b/logs/".into());
    let fx = Effect::LoadEventLog { ctx: 0, log: LogRef::new(source.clone(), Some(42)), follow: None };
    let mut pane = batchtop::state::eventlog::EventLogPane::new(source.clone());
    pane.after_ms = Some(42);
    s.stack.push(View::EventLog(Box::new(pane)));
    let got = update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    assert!(got.contains(&fx), "{got:?}");
}
