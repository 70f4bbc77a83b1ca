//! Mutations at the update level and through the executor on the demo account:
//! confirm or cancel, no double submission, read-only, audit lines.

mod support;

use std::sync::Arc;

use batchtop::actions::{AuditLog, Caller, Command, Executor, Outcome, read_all};
use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::GlueWrite;
use batchtop::keymap::Action;
use batchtop::state::overlay::Overlay;
use ratatui::crossterm::event::KeyCode;
use support::{ch, executes, key, loaded_state, typed};

async fn on_runs_of(job: &str) -> batchtop::state::AppState {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, job);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    s
}

#[tokio::test]
async fn rerun_asks_first_and_y_executes_with_the_runs_arguments() {
    let mut s = on_runs_of("orders_curate").await;
    let args = match s.stack.last() {
        Some(batchtop::state::View::Runs(r)) => {
            r.selected(&s.data).expect("a run").arguments.kept().cloned().expect("kept")
        }
        _ => panic!("runs view"),
    };
    let fx = update(&mut s, ch('r'));
    assert!(executes(&fx).is_empty(), "nothing runs before confirmation");
    assert!(matches!(s.overlay, Some(Overlay::Confirm(_))));
    let fx = update(&mut s, ch('y'));
    assert_eq!(executes(&fx), vec![Command::RerunJob { job: "orders_curate".into(), arguments: args }]);
    assert!(s.overlay.is_none());
    assert_eq!(s.pending.len(), 1);
}

#[tokio::test]
async fn any_other_key_cancels_and_nothing_runs() {
    let mut s = on_runs_of("orders_curate").await;
    for k in [ch('n'), key(KeyCode::Esc), ch('Y'), key(KeyCode::Enter)] {
        update(&mut s, ch('r'));
        let fx = update(&mut s, k);
        assert!(executes(&fx).is_empty());
        assert!(s.overlay.is_none());
    }
    assert!(s.pending.is_empty());
}

#[tokio::test]
async fn a_second_press_while_in_flight_sends_nothing() {
    let mut s = on_runs_of("orders_curate").await;
    update(&mut s, ch('r'));
    assert_eq!(executes(&update(&mut s, ch('y'))).len(), 1);
    let fx = update(&mut s, ch('r'));
    assert!(executes(&fx).is_empty());
    assert!(s.overlay.is_none(), "no overlay for a command in flight");
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("already in flight")));
    // The outcome frees it again.
    let cmd = Command::RerunJob { job: "orders_curate".into(), arguments: Default::default() };
    let fx = update(&mut s, Msg::ActionDone { command: cmd, result: Ok(Outcome::Started { run_id: "jr_new".into() }) });
    assert!(fx.contains(&Effect::PollNow(batchtop::app::msg::SourceId::Glue)));
    assert!(s.pending.is_empty());
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("started run jr_new")));
}

#[tokio::test]
async fn rerun_arguments_can_be_edited_first() {
    let mut s = on_runs_of("orders_curate").await;
    update(&mut s, ch('r'));
    // Arguments are sorted: --db_password, --enable-continuous..., --job-bookmark-option, --source_path, ...
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Down));
    }
    update(&mut s, ch('e'));
    update(
        &mut s,
        batchtop::app::msg::Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            ratatui::crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    typed(&mut s, "s3://landing-zone-prod/orders/2026-11-23/");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ch('y'));
    let Some(Command::RerunJob { arguments, .. }) = executes(&fx).pop() else { panic!("rerun expected") };
    assert_eq!(arguments.get("--source_path").map(String::as_str), Some("s3://landing-zone-prod/orders/2026-11-23/"));
    assert_eq!(arguments.get("--db_password").map(String::as_str), Some("hunter2-demo-only"), "untouched");
}

#[tokio::test]
async fn stop_needs_a_running_run_and_takes_marked_ones() {
    let mut s = on_runs_of("orders_ingest_raw").await;
    // The newest run of orders_ingest_raw is running at the demo's epoch.
    update(&mut s, ch('x'));
    let fx = update(&mut s, ch('y'));
    let Some(Command::StopJobRuns { job, run_ids }) = executes(&fx).pop() else { panic!("stop expected") };
    assert_eq!(job, "orders_ingest_raw");
    assert_eq!(run_ids.len(), 1);
    // A finished run cannot be stopped.
    let mut s = on_runs_of("orders_curate").await;
    update(&mut s, ch('j'));
    update(&mut s, ch('x'));
    assert!(s.overlay.is_none());
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("no running run")));
}

#[tokio::test]
async fn bookmark_reset_requires_typing_the_job_name() {
    let mut s = on_runs_of("orders_curate").await;
    let fx = update(&mut s, ch('b'));
    assert!(fx.contains(&Effect::LoadBookmark { ctx: 0, job: "orders_curate".into() }));
    let bm = batchtop::model::Bookmark { job_name: "orders_curate".into(), version: 3, ..Default::default() };
    update(&mut s, Msg::BookmarkLoaded { ctx: 0, job: "orders_curate".into(), result: Ok(bm) });
    update(&mut s, ch('r'));
    assert!(matches!(s.overlay, Some(Overlay::Confirm(_))));
    // `y` is just a letter of the name here, Enter with a wrong name does nothing.
    typed(&mut s, "orders_cur");
    assert!(executes(&update(&mut s, key(KeyCode::Enter))).is_empty());
    typed(&mut s, "ate");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(executes(&fx), vec![Command::ResetBookmark { job: "orders_curate".into() }]);
}

#[tokio::test]
async fn bookmark_rewinds_to_the_selected_run() {
    let mut s = on_runs_of("orders_curate").await;
    update(&mut s, ch('j'));
    let run_id = match s.stack.last() {
        Some(batchtop::state::View::Runs(r)) => r.selected(&s.data).expect("run").id.clone(),
        _ => panic!("runs view"),
    };
    update(&mut s, ch('b'));
    update(&mut s, Msg::BookmarkLoaded { ctx: 0, job: "orders_curate".into(), result: Ok(Default::default()) });
    update(&mut s, ch('w'));
    let fx = update(&mut s, ch('y'));
    assert_eq!(executes(&fx), vec![Command::RewindBookmark { job: "orders_curate".into(), run_id }]);
}

#[tokio::test]
async fn read_only_has_no_mutating_keys_anywhere() {
    let mut s = on_runs_of("orders_ingest_raw").await;
    s.context.read_only = true;
    let mut settings = (*s.settings).clone();
    settings.keymap = settings.keymap.read_only();
    s.settings = Arc::new(settings);
    for a in Action::ALL.iter().filter(|a| a.is_mutating()) {
        assert!(s.settings.keymap.keys(*a).is_empty(), "{} is bound in read-only", a.name());
    }
    for c in ['r', 'x', ' ', 'n', 'R', 'y'] {
        let fx = update(&mut s, ch(c));
        assert!(executes(&fx).is_empty());
    }
    update(&mut s, ch('b'));
    update(&mut s, Msg::BookmarkLoaded { ctx: 0, job: "orders_ingest_raw".into(), result: Ok(Default::default()) });
    for c in ['r', 'w'] {
        update(&mut s, ch(c));
        assert!(!matches!(s.overlay, Some(Overlay::Confirm(_))), "no reset or rewind in read-only");
    }
    let help = support::screen(&{
        let mut h = s.clone();
        h.overlay = None;
        update(&mut h, ch('?'));
        h
    });
    assert!(!help.contains("rerun the job") && !help.contains("(stop)"), "{help}");
    assert!(help.contains("bookmark"), "{help}");
}

#[tokio::test]
async fn executor_audits_intent_and_outcome_also_on_failure() {
    let demo = batchtop::aws::demo::DemoAccount::fixed();
    let dir = std::env::temp_dir().join(format!("batchtop-exec-{}", std::process::id()));
    let path = dir.join("audit.jsonl");
    let log = Arc::new(AuditLog::open(&path).expect("audit log"));
    let caller = Caller { arn: None, account: None, profile: Some("demo".into()), region: "eu-west-1".into() };
    let glue: Arc<dyn GlueWrite> = Arc::new(demo.clone());
    let ex = Executor::new(glue, log, caller);
    ex.set_identity("arn:aws:iam::000000000000:user/demo".into(), "000000000000".into());
    let ok = ex.run(confirmed(Command::ResetBookmark { job: "orders_curate".into() })).await.expect("reset");
    assert!(matches!(ok, Outcome::Bookmark(ref b) if b.run_id.is_none()));
    let err = ex.run(confirmed(Command::StartCrawler { crawler: "nope".into() })).await.expect_err("unknown crawler");
    assert_eq!(err.kind, batchtop::aws::ErrorKind::NotFound);
    let lines: Vec<_> = read_all(&path).expect("read").into_iter().map(|r| r.expect("parses")).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines.iter().map(|l| l.phase.as_str()).collect::<Vec<_>>(), ["intent", "outcome", "intent", "outcome"]);
    assert_eq!(lines[0].id, lines[1].id);
    assert_eq!(lines[0].caller.as_deref(), Some("arn:aws:iam::000000000000:user/demo"));
    assert_eq!(lines[0].command, "glue:ResetJobBookmark");
    assert!(lines[1].outcome.is_some());
    assert!(lines[3].error.as_ref().is_some_and(|e| e["kind"] == "not_found"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn confirmed(cmd: Command) -> batchtop::actions::Confirmed {
    batchtop::actions::Confirmed::for_tests(cmd)
}

/// The selected run of the runs view, given these extra arguments (as Glue and a workflow add them).
fn add_arguments(s: &mut batchtop::state::AppState, extra: &[(&str, &str)]) -> String {
    let id = match s.stack.last() {
        Some(batchtop::state::View::Runs(r)) => r.selected(&s.data).expect("a run").id.clone(),
        _ => panic!("runs view"),
    };
    let run = s
        .data
        .jobs
        .iter_mut()
        .flat_map(|j| std::sync::Arc::make_mut(&mut j.runs).iter_mut())
        .find(|r| r.id == id)
        .expect("the run");
    let mut args = run.arguments.kept().cloned().unwrap_or_default();
    args.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    run.arguments = args.into();
    id
}

#[tokio::test]
async fn rerun_never_copies_reserved_arguments_and_leaves_out_the_workflows() {
    let mut s = on_runs_of("orders_curate").await;
    add_arguments(
        &mut s,
        &[
            ("--JOB_ID", "j_0123"),
            ("--JOB_RUN_ID", "jr_old"),
            ("--JOB_NAME", "orders_curate"),
            ("--WORKFLOW_NAME", "orders_pipeline"),
            ("--WORKFLOW_RUN_ID", "wr_0042"),
        ],
    );
    update(&mut s, ch('r'));
    let Some(Overlay::Confirm(c)) = &s.overlay else { panic!("confirmation expected") };
    let Command::RerunJob { arguments, .. } = &c.command else { panic!("rerun expected") };
    for k in ["--JOB_ID", "--JOB_RUN_ID", "--JOB_NAME", "--WORKFLOW_NAME", "--WORKFLOW_RUN_ID"] {
        assert!(!arguments.contains_key(k), "{k} copied: {arguments:?}");
    }
    assert!(arguments.contains_key("--source_path"), "the run's own arguments are kept");
    let text = support::screen(&s);
    for words in ["started by workflow orders_pipeline (run wr_0042)", "left out of this rerun", "w puts them back"] {
        assert!(text.contains(words), "{words:?} missing:\n{text}");
    }
    assert!(text.contains("reads and writes that old workflow run's"), "{text}");
    assert!(text.contains("resume the workflow run instead (R in the workflow's graph)"), "{text}");
    // w puts them back (said in red), w again leaves them out; the reserved ones never come back.
    update(&mut s, ch('w'));
    let text = support::screen(&s);
    assert!(text.contains("--WORKFLOW_RUN_ID = wr_0042") && text.contains("are IN this rerun"), "{text}");
    update(&mut s, ch('w'));
    let fx = update(&mut s, ch('y'));
    let Some(Command::RerunJob { arguments, .. }) = executes(&fx).pop() else { panic!("rerun expected") };
    assert!(arguments.keys().all(|k| !k.starts_with("--JOB_") && !k.starts_with("--WORKFLOW_")), "{arguments:?}");
}

#[tokio::test]
async fn a_run_without_workflow_arguments_has_no_workflow_note_and_w_cancels() {
    let mut s = on_runs_of("orders_curate").await;
    add_arguments(&mut s, &[("--JOB_RUN_ID", "jr_old")]);
    update(&mut s, ch('r'));
    assert!(!support::screen(&s).contains("started by workflow"));
    let fx = update(&mut s, ch('w'));
    assert!(executes(&fx).is_empty() && s.overlay.is_none(), "w is any other key here: it cancels");
}

fn not_started(cmd: &Command) -> batchtop::aws::AwsError {
    batchtop::aws::AwsError {
        kind: batchtop::aws::ErrorKind::NotStarted,
        operation: cmd.api_call().into(),
        message: "glue:StartJobRun failed: InternalServiceException: An internal error occurred.; not started \
                  (checked GetJobRuns of orders_curate: runs with these arguments started since 2026-11-24T11:59:00Z); retry?"
            .into(),
    }
}

#[tokio::test]
async fn not_started_reopens_the_confirmation_and_nothing_runs_on_its_own() {
    let mut s = on_runs_of("orders_curate").await;
    update(&mut s, ch('r'));
    let Some(cmd) = executes(&update(&mut s, ch('y'))).pop() else { panic!("rerun expected") };
    let fx = update(&mut s, Msg::ActionDone { command: cmd.clone(), result: Err(not_started(&cmd)) });
    assert!(executes(&fx).is_empty(), "never retried on its own");
    assert!(s.pending.is_empty());
    let Some(Overlay::Confirm(c)) = &s.overlay else { panic!("the confirmation opens again") };
    assert_eq!((c.ctx, &c.command), (0, &cmd));
    assert!(c.retry.as_deref().is_some_and(|m| m.ends_with("retry?")));
    let text = support::screen(&s);
    assert!(text.contains("Asked again. The last attempt failed without a clear answer"), "{text}");
    // y asks AWS again, with the same command; any other key would cancel.
    let fx = update(&mut s, ch('y'));
    assert_eq!(executes(&fx), vec![cmd.clone()]);
    // An unknown outcome (the look failed) does not reopen it: the user must look first.
    let unknown = batchtop::aws::AwsError {
        kind: batchtop::aws::ErrorKind::Service,
        operation: cmd.api_call().into(),
        message: "glue:StartJobRun failed: InternalServiceException; outcome unknown, it may have started".into(),
    };
    update(&mut s, Msg::ActionDone { command: cmd.clone(), result: Err(unknown) });
    assert!(s.overlay.is_none());
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("outcome unknown")));
}

#[tokio::test]
async fn found_after_an_unclear_error_says_started() {
    let mut s = on_runs_of("orders_curate").await;
    update(&mut s, ch('r'));
    let Some(cmd) = executes(&update(&mut s, ch('y'))).pop() else { panic!("rerun expected") };
    let found = Outcome::Found { run_id: Some("jr_found".into()), after: "HTTP 500".into() };
    update(&mut s, Msg::ActionDone { command: cmd, result: Ok(found) });
    assert!(s.overlay.is_none());
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("started (found run jr_found")), "{:?}", s.flash);
}
