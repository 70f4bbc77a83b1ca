//! The inbox in the TUI on the demo account: ordering, acknowledge (and reopen on a new
//! failure), mute, `Enter` to the classified run, `c` to what changed; snapshots at 120x40
//! and 80x24.

mod support;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::model::{JobRun, RunState};
use batchtop::state::{AppState, View};
use batchtop::triage::inbox::{ItemStatus, Severity};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, loaded_state, screen, typed};

fn command(s: &mut AppState, text: &str) -> Vec<Effect> {
    update(s, ch(':'));
    typed(s, text);
    update(s, key(KeyCode::Enter))
}

/// Select the inbox row of `resource` (filtering to it).
fn select(s: &mut AppState, resource: &str) {
    command(s, &format!("inbox ^{resource}$"));
    assert_eq!(s.inbox_pane.visible.len(), 1, "one row for {resource}");
}

fn item<'a>(s: &'a AppState, resource: &str) -> &'a batchtop::triage::inbox::Item {
    s.inbox.items.iter().find(|i| i.resource == resource).unwrap_or_else(|| panic!("no item for {resource}"))
}

#[tokio::test]
async fn open_critical_first_then_warnings_then_the_rest() {
    let (mut s, _) = loaded_state(120, 40).await;
    command(&mut s, "inbox");
    let order: Vec<(ItemStatus, Severity)> = s.inbox.items.iter().map(|i| (i.status, i.severity)).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert!(s.inbox.items.iter().any(|i| i.status == ItemStatus::Open && i.severity == Severity::Critical));
    assert!(s.inbox.items.iter().any(|i| i.status == ItemStatus::Recovered));
    // One row per resource and kind.
    let mut ids: Vec<String> = s.inbox.items.iter().map(|i| i.id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), s.inbox.items.len());
    // The demo's failed workflow names the two jobs it kept from running.
    let wf = item(&s, "payments_pipeline");
    assert_eq!(wf.blocks, ["payments_curate → curated.payments_curate", "payments_publish → curated.payments_publish"]);
    // Crawlers and Data Quality tables name their stream as the streams pane finds it.
    assert_eq!(item(&s, "inventory_raw_crawler").stream.as_deref(), Some("inventory"));
    let dq = s.inbox.items.iter().find(|i| i.resource.starts_with("curated.orders")).expect("orders DQ item");
    assert_eq!(dq.stream.as_deref(), Some("orders"));
    assert_snapshot!("inbox_120x40", screen(&s));
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    assert_snapshot!("inbox_80x24", screen(&s));
}

#[tokio::test]
async fn acknowledge_holds_until_a_new_failure_reopens_it() {
    let (mut s, demo) = loaded_state(120, 40).await;
    select(&mut s, "payments_enrich");
    assert_eq!(item(&s, "payments_enrich").status, ItemStatus::Open);
    update(&mut s, ch('a'));
    typed(&mut s, "quota raise asked");
    let fx = update(&mut s, key(KeyCode::Enter));
    let saved = fx.iter().find_map(|e| if let Effect::SaveMarks { contents, .. } = e { Some(contents) } else { None });
    assert!(saved.is_some_and(|c| c.contains("glue_job:payments_enrich") && c.contains("quota raise asked")));
    let it = item(&s, "payments_enrich");
    assert_eq!((it.status, it.note.as_deref()), (ItemStatus::Acknowledged, Some("quota raise asked")));
    // A new failure after the acknowledgement opens it again.
    let mut data = s.data.clone();
    let job = data.jobs.iter_mut().find(|j| j.job.name == "payments_enrich").expect("job");
    let mut failed = job.runs[0].clone();
    failed.id = "jr_new_failure".into();
    failed.state = Some(RunState::Failed);
    failed.started_on = Some(demo.now() + chrono::Duration::minutes(5));
    failed.completed_on = Some(demo.now() + chrono::Duration::minutes(9));
    failed.error_message = Some("Exceeded maximum concurrent compute capacity for your account: 50.".into());
    std::sync::Arc::make_mut(&mut job.runs).insert(0, failed);
    s.set_data(data);
    assert_eq!(item(&s, "payments_enrich").status, ItemStatus::Open);
    assert_eq!(item(&s, "payments_enrich").run_id.as_deref(), Some("jr_new_failure"));
}

#[tokio::test]
async fn mute_hides_an_item_for_a_while() {
    let (mut s, _) = loaded_state(120, 40).await;
    select(&mut s, "customers_dedupe");
    update(&mut s, ch('m'));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    typed(&mut s, "bogus");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("not a duration")), "{:?}", s.flash);
    for _ in 0.."bogus".len() {
        update(&mut s, key(KeyCode::Backspace));
    }
    typed(&mut s, "2h");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.iter().any(|e| matches!(e, Effect::SaveMarks { .. })));
    assert!(!s.inbox.items.iter().any(|i| i.resource == "customers_dedupe"));
    assert_eq!(s.inbox.muted, 1);
    // Two hours and a minute later it is back.
    s.now += chrono::Duration::minutes(121);
    s.refresh_inbox();
    assert!(s.inbox.items.iter().any(|i| i.resource == "customers_dedupe"));
}

#[tokio::test]
async fn enter_shows_the_classified_run_and_c_what_changed() {
    let (mut s, _) = loaded_state(120, 40).await;
    select(&mut s, "inventory_ingest_raw");
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(s.stack.last(), Some(View::Detail(_))));
    let text = screen(&s);
    assert!(text.contains("Cause") && text.contains("out_of_memory") && text.contains("Evidence"), "{text}");
    assert_snapshot!("inbox_detail_120x40", text);
    update(&mut s, ch('c'));
    let Some(View::Changes(c)) = s.stack.last() else { panic!("no comparison: {:?}", s.flash) };
    assert!(c.rows.iter().any(|r| r.field == "--db_password" && !r.failed.contains("hunter2")));
    assert_snapshot!("inbox_changes_120x40", screen(&s));
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    assert_snapshot!("inbox_changes_80x24", screen(&s));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    assert_snapshot!("inbox_detail_80x24", screen(&s));
}

#[tokio::test]
async fn a_generic_failure_is_classified_once_its_driver_log_is_read() {
    let (mut s, _) = loaded_state(120, 40).await;
    let generic = s
        .inbox
        .items
        .iter()
        .find(|i| i.is_open() && i.summary == "Command Failed with Exit Code 1")
        .cloned()
        .expect("an open generic failure in the demo");
    assert_eq!(generic.class.category.as_str(), "unknown");
    // Its driver log was asked for when the Glue data arrived (once: it is not wanted again).
    assert!(s.inbox.asked.contains(generic.run_id.as_deref().expect("run")));
    assert!(!s.logs_wanted(10).iter().any(|(_, run)| *run.job_name == *generic.resource));
    let excerpt = batchtop::triage::LogExcerpt::new(
        "/aws-glue/jobs/error/jr_x",
        [": java.lang.OutOfMemoryError: Java heap space"],
    );
    update(&mut s, Msg::ErrorLogLoaded { run_id: generic.run_id.clone().expect("run"), result: Ok(Some(excerpt)) });
    let now = item(&s, &generic.resource);
    assert_eq!(now.class.category.as_str(), "out_of_memory");
    assert_eq!(now.class.evidence.as_ref().map(|e| e.source.as_str()), Some("/aws-glue/jobs/error/jr_x"));
}

#[test]
fn changes_of_a_run_against_the_last_good_one() {
    let good =
        JobRun { id: "g".into(), state: Some(RunState::Succeeded), number_of_workers: Some(10), ..Default::default() };
    let bad =
        JobRun { id: "b".into(), state: Some(RunState::Failed), number_of_workers: Some(2), ..Default::default() };
    let rows = batchtop::state::changes::glue_rows(&bad, &good, chrono::Utc::now());
    let workers = rows.iter().find(|r| r.field == "Workers").expect("row");
    assert!(workers.changed() && workers.failed == "2" && workers.good == "10");
}

#[tokio::test]
async fn what_changed_adds_what_the_two_spark_event_logs_say() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spark-compare");
    let opts = batchtop::eventlog::Options::default();
    let a = batchtop::eventlog::summarize(&dir.join("run-a"), &opts).expect("run-a");
    let b = batchtop::eventlog::summarize(&dir.join("run-b"), &opts).expect("run-b");
    let rows = batchtop::state::changes::spark_rows(&a, &b);
    let fields: Vec<&str> = rows.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(fields, ["Spark duration", "Spark input", "Spark output", "Shuffle read", "Slowest stage"]);
    assert!(rows[0].changed(), "the two runs took different times: {:?}", rows[0]);
    assert!(rows.iter().all(|r| r.failed != "-" && r.good != "-"), "{rows:?}");
    // In the view: rows arrive once both logs are read.
    let (mut s, _) = loaded_state(120, 40).await;
    select(&mut s, "inventory_ingest_raw");
    update(&mut s, ch('c'));
    let Some(View::Changes(c)) = s.stack.last_mut() else { panic!("no comparison") };
    assert_eq!(c.spark, batchtop::state::changes::Spark::None, "the demo's runs write no event logs");
    c.spark = batchtop::state::changes::Spark::Loading;
    let (id, before) = (c.failed_id.clone(), c.rows.len());
    update(&mut s, Msg::ChangesLogsLoaded { failed_id: id, result: Ok((Box::new(a), Box::new(b))) });
    let Some(View::Changes(c)) = s.stack.last() else { panic!("no comparison") };
    assert_eq!(c.rows.len(), before + 5);
    assert_eq!(c.spark, batchtop::state::changes::Spark::Loaded);
    assert!(screen(&s).contains("Slowest stage"));
    // The good run's log, found by its start under the failed run's prefix, was the failed
    // run's own (the good run left none): said so, not compared with itself.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('c'));
    let Some(View::Changes(c)) = s.stack.last_mut() else { panic!("no comparison") };
    c.spark = batchtop::state::changes::Spark::Loading;
    let id = c.failed_id.clone();
    let same = batchtop::eventlog::summarize(&dir.join("run-b"), &opts).expect("run-b");
    update(&mut s, Msg::ChangesLogsLoaded { failed_id: id, result: Ok((Box::new(same.clone()), Box::new(same))) });
    let Some(View::Changes(c)) = s.stack.last() else { panic!("no comparison") };
    let want = "the last good run left no Spark event log of its own";
    assert_eq!(c.spark, batchtop::state::changes::Spark::Failed(want.into()));
}

#[tokio::test]
async fn what_changed_finds_the_good_runs_spark_log_under_the_failed_runs_prefix() {
    use batchtop::app::msg::Effect;
    use batchtop::model::Arguments;
    use batchtop::state::eventlog::EventLogSource;
    let (mut s, _) = loaded_state(120, 40).await;
    let failed_id = item(&s, "inventory_ingest_raw").run_id.clone().expect("a failed run");
    // The failed run keeps its arguments (with the event log path); the older ones keep none.
    let entry = s.data.jobs.iter_mut().find(|j| j.job.name == "inventory_ingest_raw").expect("job");
    for r in std::sync::Arc::make_mut(&mut entry.runs) {
        r.arguments = if r.id == failed_id {
            let args = [("--spark-event-logs-path".to_string(), "s3://logs/inventory".to_string())];
            Arguments::Kept(std::sync::Arc::new(args.into()))
        } else {
            Arguments::Dropped
        };
    }
    let runs = entry.runs.clone();
    let failed = runs.iter().find(|r| r.id == failed_id).expect("failed run");
    let good = batchtop::state::changes::last_good(&runs, failed).expect("an earlier good run");
    select(&mut s, "inventory_ingest_raw");
    let fx = update(&mut s, ch('c'));
    let logs = fx.iter().find_map(|e| match e {
        Effect::LoadChangesLogs { failed, good, .. } => Some((failed.clone(), good.clone())),
        _ => None,
    });
    let (a, b) = logs.expect("both runs' logs are read");
    let prefix = EventLogSource::S3("s3://logs/inventory/".into());
    assert_eq!((&a.source, a.after_ms), (&prefix, failed.started_on.map(|t| t.timestamp_millis())));
    assert_eq!((&b.source, b.after_ms), (&prefix, good.started_on.map(|t| t.timestamp_millis())));
}
