//! The log view on the seeded demo account: `l` on a failed run then `e` shows the exception
//! (two keystrokes); follow, filter with context, search, wrap, the sampled badge, the stream
//! picker and `w` are driven by keys and checked on the rendered screen.

mod support;

use std::sync::Arc;

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::poll::logs::{TailEvent, TailMode, TailOptions, run_tail};
use batchtop::state::View;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, loaded_state, screen, typed};
use tokio::sync::mpsc;

/// Open the runs of a job whose failed run died with `error_part`, select that run, press `l`,
/// and feed the view what the demo account's logs hold for it.
async fn open_failed(
    error_part: &str,
    w: u16,
    h: u16,
) -> (batchtop::state::AppState, batchtop::aws::demo::DemoAccount) {
    let (mut s, demo) = loaded_state(w, h).await;
    let job = s
        .data
        .jobs
        .iter()
        .find(|j| j.runs.iter().any(|r| r.error_message.as_deref().is_some_and(|e| e.contains(error_part))))
        .expect("a job with such a failure")
        .job
        .name
        .clone();
    update(&mut s, ch('/'));
    typed(&mut s, &job);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('/'));
    typed(&mut s, error_part);
    update(&mut s, key(KeyCode::Enter));
    let mut fx = update(&mut s, ch('l'));
    // An older run's arguments (where its logs are) are read first, as the loop would.
    if let Some(Effect::FetchRun { ctx, job, run_id, then }) =
        fx.iter().find(|e| matches!(e, Effect::FetchRun { .. })).cloned()
    {
        use batchtop::aws::GlueRead;
        let result = demo.job_run(&job, &run_id).await.map(Box::new);
        fx = update(&mut s, batchtop::app::msg::Msg::RunFetched { ctx, job, run_id, then, result });
    }
    let Some(Effect::StartTail { id, plan, pattern: None, .. }) =
        fx.into_iter().find(|e| matches!(e, Effect::StartTail { .. }))
    else {
        panic!("l starts a tail")
    };
    feed(&mut s, &demo, id, plan, None).await;
    (s, demo)
}

async fn feed(
    s: &mut batchtop::state::AppState,
    demo: &batchtop::aws::demo::DemoAccount,
    id: u64,
    plan: batchtop::logs::locate::Plan,
    pattern: Option<String>,
) {
    let (tx, mut rx) = mpsc::channel(64);
    let opts = TailOptions { follow: false, pattern, ..Default::default() };
    tokio::spawn(run_tail(demo.account().logs.clone(), Arc::new(batchtop::aws::NoObjects), plan, opts, tx));
    while let Some(event) = rx.recv().await {
        update(s, Msg::Tail { id, event });
    }
}

fn logs(s: &batchtop::state::AppState) -> &batchtop::state::logs::LogViewPane {
    match s.stack.last() {
        Some(View::Logs(l)) => l,
        _ => panic!("the log view is on top"),
    }
}

#[tokio::test]
async fn l_then_e_shows_the_exception_of_a_failed_run() {
    let (mut s, _) = open_failed("Exit Code 1", 120, 40).await;
    let text = screen(&s);
    assert!(text.contains("logs ") && text.contains("read"), "{text}");
    assert!(logs(&s).ring.len() > 50, "backlog read: {}", logs(&s).ring.len());
    assert_snapshot!("logs_follow_120x40", text);
    update(&mut s, ch('e'));
    let text = screen(&s);
    let body: Vec<&str> = text.lines().skip(3).take(10).collect();
    assert!(
        body.iter().any(|l| l.contains("java.lang.OutOfMemoryError: Java heap space")),
        "the exception is at the top after e:\n{text}"
    );
    assert!(!logs(&s).follow, "e pauses follow");
    assert_snapshot!("logs_exception_120x40", text);
    update(&mut s, ch('G'));
    assert!(logs(&s).follow);
}

#[tokio::test]
async fn filter_keeps_context_and_search_highlights() {
    let (mut s, _) = open_failed("Access Denied", 120, 40).await;
    // Two lines of context: the filter runs here on everything fetched.
    update(&mut s, ch('+'));
    update(&mut s, ch('+'));
    update(&mut s, ch('&'));
    typed(&mut s, "\"Caused by\"");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(!fx.iter().any(|e| matches!(e, Effect::StartTail { .. })), "client-side with context: {fx:?}");
    let v = logs(&s);
    let rows = v.rows();
    let shown: Vec<String> = rows
        .iter()
        .filter_map(|r| match r {
            batchtop::logs::pattern::Row::Line(i) => v.ring.get(*i).map(|l| l.text.clone()),
            batchtop::logs::pattern::Row::Gap => Some("···".into()),
        })
        .collect();
    let at = shown.iter().position(|l| l.starts_with("Caused by:")).expect("the match");
    assert!(at >= 2, "two lines of context before: {shown:?}");
    assert!(shown.len() <= at + 3, "at most two lines of context after: {shown:?}");
    let text = screen(&s);
    assert!(text.contains("filter \"Caused by\" (client, ±2)"), "{text}");
    assert_snapshot!("logs_filter_context_120x40", text);
    // Without context the filter goes to CloudWatch: the tail restarts with the pattern.
    update(&mut s, ch('-'));
    update(&mut s, ch('-'));
    update(&mut s, ch('&'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let restart = fx.iter().find_map(|e| match e {
        Effect::StartTail { pattern, .. } => Some(pattern.clone()),
        _ => None,
    });
    assert_eq!(restart, Some(Some("\"Caused by\"".to_string())), "{fx:?}");
    assert!(fx.iter().any(|e| matches!(e, Effect::StopTail(_))));
    // Search: hits counted and highlighted, n moves between them.
    update(&mut s, ch('/'));
    typed(&mut s, "AmazonS3Exception");
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&s);
    assert!(text.contains("/AmazonS3Exception"), "{text}");
}

#[tokio::test]
async fn wrap_sampled_badge_stream_picker_and_write() {
    let (mut s, _) = open_failed("Exit Code 1", 100, 30).await;
    let id = logs(&s).tail;
    update(&mut s, Msg::Tail { id, event: TailEvent::Mode(TailMode::LiveTail { sampled: true }) });
    update(&mut s, ch('W'));
    let text = screen(&s);
    assert!(text.contains("LIVE TAIL") && text.contains(" SAMPLED "), "{text}");
    assert!(logs(&s).wrap);
    assert_snapshot!("logs_wrapped_sampled_100x30", text);
    // The picker lists the streams found; picking the error stream shows only it.
    update(&mut s, ch('s'));
    let text = screen(&s);
    assert!(text.contains("streams (enter picks)") && text.contains("driver (error)"), "{text}");
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Down));
    }
    update(&mut s, key(KeyCode::Enter));
    let v = logs(&s);
    assert_eq!(v.pick, batchtop::state::logs::StreamPick::Errors);
    assert!(v.rows().iter().all(|r| match r {
        batchtop::logs::pattern::Row::Line(i) => v.ring.get(*i).is_some_and(|l| l.stream.contains("/error")),
        _ => true,
    }));
    let fx = update(&mut s, ch('w'));
    let Some(Effect::WriteFile { path, contents }) = fx.into_iter().find(|e| matches!(e, Effect::WriteFile { .. }))
    else {
        panic!("w writes")
    };
    assert!(path.starts_with(s.context.state_dir.join("logs")), "under the session's state dir: {path:?}");
    assert_eq!(contents.lines().count(), logs(&s).ring.len(), "everything fetched, all streams");
    update(&mut s, Msg::Written(Ok(path.clone())));
    assert_eq!(s.flash, Some(format!("wrote {}", path.display())));
    assert!(screen(&s).contains("wrote "), "{}", screen(&s));
    // Esc closes the view and stops its tail.
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.contains(&Effect::StopTail(id)), "{fx:?}");
}

#[tokio::test]
async fn l_on_an_emr_run_and_on_a_crawler() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch(':'));
    typed(&mut s, "emr");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ch('l'));
    let Some(Effect::StartTail { plan, .. }) = fx.into_iter().find(|e| matches!(e, Effect::StartTail { .. })) else {
        panic!("l on an EMR run")
    };
    assert!(
        plan.places
            .iter()
            .any(|p| matches!(p, batchtop::logs::locate::Place::Group { group, .. } if group == "/aws/emr-serverless"))
    );
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch(':'));
    typed(&mut s, "crawlers");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ch('l'));
    let Some(Effect::StartTail { plan, .. }) = fx.into_iter().find(|e| matches!(e, Effect::StartTail { .. })) else {
        panic!("l on a crawler")
    };
    assert!(
        matches!(&plan.places[0], batchtop::logs::locate::Place::Group { group, .. } if group == "/aws-glue/crawlers")
    );
    // Nothing selected that has logs: a clear message.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch(':'));
    typed(&mut s, "cost");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('l'));
    assert!(screen(&s).contains("select a Glue run"), "{}", screen(&s));
}

#[tokio::test]
async fn tiny_terminals_draw_every_new_view_without_panicking() {
    let (mut s, _) = open_failed("Exit Code 1", 120, 40).await;
    update(&mut s, ch('s'));
    for (w, h) in [(40, 10), (41, 11), (60, 12), (200, 60)] {
        update(&mut s, Msg::Resize { width: w, height: h });
        let text = screen(&s);
        assert!(text.contains("batchtop") && !text.contains("terminal too small"), "{w}x{h}:\n{text}");
    }
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('&'));
    typed(&mut s, "ERROR");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('W'));
    for (w, h) in [(40, 10), (45, 12)] {
        update(&mut s, Msg::Resize { width: w, height: h });
        screen(&s);
    }
    for pane in ["dq", "cost"] {
        update(&mut s, Msg::Resize { width: 120, height: 40 });
        update(&mut s, ch(':'));
        typed(&mut s, pane);
        update(&mut s, key(KeyCode::Enter));
        update(&mut s, key(KeyCode::Enter));
        update(
            &mut s,
            Msg::Key(ratatui::crossterm::event::KeyEvent::new(
                KeyCode::Char('r'),
                ratatui::crossterm::event::KeyModifiers::CONTROL,
            )),
        );
        for (w, h) in [(40, 10), (52, 14), (80, 24)] {
            update(&mut s, Msg::Resize { width: w, height: h });
            let text = screen(&s);
            assert!(text.contains("batchtop"), "{pane} at {w}x{h}:\n{text}");
        }
        update(&mut s, key(KeyCode::Esc));
    }
}

#[tokio::test]
async fn the_status_bar_says_when_batchtop_holds_back_for_the_api_budget() {
    let (mut s, _) = loaded_state(120, 40).await;
    assert!(!screen(&s).contains("holding back"));
    let stats = batchtop::aws::StatsSnapshot { holding_back: true, held_calls: 3, ..Default::default() };
    let now = s.now;
    update(&mut s, Msg::Tick { now, stats });
    let text = screen(&s);
    let bar = text.lines().last().unwrap_or_default();
    assert!(bar.contains("holding back (API budget)"), "{bar}");
}
