//! Incident notes: the markdown of the fixed demo account (a snapshot), `ctrl-s` writing it
//! under the state dir (0600) and copying it, and `batchtop report` on the command line.

mod support;

use std::sync::Arc;

use batchtop::actions::AuditRecord;
use batchtop::app::effects::Effects;
use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use insta::assert_snapshot;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};
use support::cli::Env;
use support::loaded_state;

fn record(time: &str, phase: &str, outcome: Option<Value>) -> AuditRecord {
    AuditRecord {
        time: time.into(),
        phase: phase.into(),
        id: "a1".into(),
        caller: Some("arn:aws:sts::000000000000:assumed-role/oncall/ana".into()),
        account: Some("000000000000".into()),
        profile: Some("demo".into()),
        region: "eu-west-1".into(),
        command: "glue:StartJobRun".into(),
        target: "orders_enrich".into(),
        params: json!({"--day": "2024-11-24"}),
        outcome,
        error: None,
    }
}

#[tokio::test]
async fn markdown_of_the_demo_account() {
    let (mut s, _) = loaded_state(120, 40).await;
    // The driver log of a run whose message says nothing, as triage reads it.
    let run_id = s
        .inbox
        .items
        .iter()
        .find(|i| i.is_open() && i.summary.contains("Exit Code 1"))
        .and_then(|i| i.run_id.clone())
        .expect("item");
    let excerpt = batchtop::triage::LogExcerpt::new(
        "driver",
        ["INFO starting", "java.lang.OutOfMemoryError: Java heap space", "\tat x.y"],
    );
    update(&mut s, Msg::ErrorLogLoaded { run_id, result: Ok(Some(excerpt)) });
    let mut report = batchtop::app::report::build(&s);
    let before = report::utc(s.started_at - chrono::Duration::hours(1));
    let at = report::utc(s.started_at + chrono::Duration::minutes(3));
    let records = vec![
        record(&before, "intent", None),
        record(&at, "intent", None),
        record(&at, "outcome", Some(json!({"RunId": "jr_new"}))),
    ];
    report.actions = batchtop::report::actions(records, s.started_at);
    assert_eq!(report.actions.len(), 2, "only this session's actions");
    let md = batchtop::report::to_markdown(&report);
    for heading in ["# batchtop incident notes", "## Open problems", "## Failed runs", "## Actions (2)"] {
        assert!(md.contains(heading), "{heading}\n{md}");
    }
    assert!(md.contains(" UTC"), "times say UTC");
    assert!(md.contains("first exception: `java.lang.OutOfMemoryError: Java heap space`"), "{md}");
    assert!(md.contains("- on screen: jobs; selected: "), "{md}");
    // Nothing local: every time is UTC (RFC 3339 `Z` or `... UTC`).
    assert!(!md.contains("+00:00") && !md.contains("+01:00"));
    assert_snapshot!("report_demo", md);
    let json: Value = serde_json::from_str(&batchtop::report::to_json(&report)).expect("JSON");
    assert_eq!(json["actions"].as_array().map(Vec::len), Some(2));
    assert!(json["problems"].as_array().is_some_and(|p| !p.is_empty()));
}

use batchtop::report;

#[tokio::test]
async fn ctrl_s_writes_the_notes_and_copies_the_path_or_the_notes() {
    let (mut s, demo) = loaded_state(120, 40).await;
    let dir = std::env::temp_dir().join(format!("batchtop-report-{}", std::process::id()));
    s.context.state_dir = dir.clone();
    let fx = update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    let Some(Effect::WriteReport { path, audit, .. }) =
        fx.iter().find(|e| matches!(e, Effect::WriteReport { .. })).cloned()
    else {
        panic!("{fx:?}")
    };
    assert!(path.starts_with(dir.join("reports")) && path.extension().is_some_and(|x| x == "md"), "{path:?}");
    assert_eq!(audit, dir.join("audit.jsonl"));
    // Carried out as the loop does.
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let account = demo.account();
    let clock: batchtop::poll::Clock = Arc::new(move || demo.now());
    let mut effects = Effects::new(vec![(account, None)], clock, s.settings.clone(), tx);
    effects.apply(fx.into_iter().find(|e| matches!(e, Effect::WriteReport { .. })).expect("write"));
    let msg = rx.recv().await.expect("an answer");
    let fx = update(&mut s, msg);
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.starts_with("# batchtop incident notes"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    assert!(fx.contains(&Effect::Clipboard(path.display().to_string())), "the path is copied: {fx:?}");
    let flash = s.flash.clone().unwrap_or_default();
    assert!(flash.contains(&path.display().to_string()) && flash.contains("path copied"), "{flash}");
    // `[report] clipboard = "text"`: the notes themselves, while they fit.
    let mut settings = (*s.settings).clone();
    settings.config.report.clipboard = batchtop::config::extras::ClipboardContent::Text;
    s.settings = Arc::new(settings);
    let fx = update(&mut s, Msg::ReportWritten(Ok((path.clone(), text.clone()))));
    assert!(fx.contains(&Effect::Clipboard(text.clone())), "the notes are copied");
    let long = "x".repeat(batchtop::app::report::CLIPBOARD_MAX + 1);
    let fx = update(&mut s, Msg::ReportWritten(Ok((path.clone(), long))));
    assert!(fx.contains(&Effect::Clipboard(path.display().to_string())), "too long: the path");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_on_the_command_line() {
    let env = Env::new("report");
    let out = env.run(&["--demo", "report"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("# batchtop incident notes") && md.contains("## Failed runs"), "{md}");
    assert!(md.contains("- context: demo (demo@eu-west-1, account 000000000000)"), "{md}");
    let out = env.run(&["--demo", "report", "--since", "2h", "--format", "json", "--save"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(json["generated_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{json}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let saved = stderr.trim().strip_prefix("batchtop: saved to ").expect("the path on stderr");
    assert!(saved.starts_with(&env.dir.join("state").display().to_string()), "{saved}");
    let again: Value = serde_json::from_str(&std::fs::read_to_string(saved).expect("saved")).expect("JSON");
    assert_eq!(again, json);
    let out = env.run(&["--demo", "report", "--since", "soon"], None);
    assert_eq!(out.status.code(), Some(2));
}
