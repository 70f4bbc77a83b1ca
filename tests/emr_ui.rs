//! EMR Serverless panes on the demo account: applications, runs, why a run waits, the
//! detail with masked secrets, and the actions (rerun with a client token, cancel, dashboard).

mod support;

use batchtop::actions::{Command, Outcome};
use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::state::View;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, executes, key, loaded_state, screen, typed};

async fn at(pane: &str, w: u16, h: u16) -> batchtop::state::AppState {
    let (mut s, _) = loaded_state(w, h).await;
    update(&mut s, ch(':'));
    typed(&mut s, pane);
    update(&mut s, key(KeyCode::Enter));
    s
}

#[tokio::test]
async fn applications_and_runs_panes() {
    for (w, h) in [(120, 40), (80, 24)] {
        let s = at("apps", w, h).await;
        let text = screen(&s);
        assert!(text.contains("heavy-joins") && text.contains("STOPPED"), "{text}");
        assert_snapshot!(format!("emr_apps_{w}x{h}"), text);
        let s = at("emr", w, h).await;
        let text = screen(&s);
        assert!(text.contains("SCHEDULED"), "{text}");
        if w == 120 {
            assert!(text.contains("IOException: No space left on device"), "{text}");
        }
        assert_snapshot!(format!("emr_runs_{w}x{h}"), text);
    }
}

#[tokio::test]
async fn enter_on_an_application_lists_its_runs_and_esc_returns() {
    let mut s = at("apps", 120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "heavy");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('/'));
    typed(&mut s, "heavy");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.root, batchtop::state::Pane::Emr);
    assert!(s.emr_pane.visible.iter().all(|&i| s.emr.runs[i].app_id == "00fheavyjoins01"));
    // Five runs, and the rerun that recovered shipments_join_carriers.
    assert_eq!(s.emr_pane.visible.len(), 6);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.root, batchtop::state::Pane::Apps);
}

#[tokio::test]
async fn the_scheduled_run_explains_why_it_waits() {
    let mut s = at("emr", 120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "state:sched");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadEmrAttempts { .. })));
    let Some(View::EmrDetail(d)) = s.stack.last() else { panic!("detail") };
    let (app, run) = (d.app_id.clone(), d.run_id.clone());
    update(&mut s, Msg::EmrAttemptsLoaded { app_id: app, run_id: run, result: Ok(vec![]) });
    let text = screen(&s);
    assert!(text.contains("Why waiting") && text.contains("maximum capacity: 2 running run(s)"), "{text}");
    assert!(text.contains("--jdbc-password ********") && !text.contains("s3cr3t-demo"), "{text}");
    assert!(text.contains("secret.key=********") && !text.contains("demo-secret"), "{text}");
    assert_snapshot!("emr_detail_120x40", text);
}

#[tokio::test]
async fn rerun_carries_one_client_token_and_cancel_needs_an_active_run() {
    let mut s = at("emr", 120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "payments_backfill");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('r'));
    let text = screen(&s);
    assert!(text.contains("emr-serverless:StartJobRun") && text.contains("clientToken"), "{text}");
    let fx = update(&mut s, ch('y'));
    let Some(cmd @ Command::RerunEmr { .. }) = executes(&fx).pop() else { panic!("rerun") };
    let Command::RerunEmr { client_token, run_id, .. } = cmd.clone() else { panic!("rerun") };
    // The session's id and a count: made in `update` without a clock or a random source,
    // within EMR Serverless's 64 characters of [A-Za-z0-9._-].
    assert_eq!(client_token, "0123456789abcdef0123456789abcdef-1");
    assert!(client_token.len() <= 64 && client_token.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)));
    assert!(!run_id.is_empty());
    // Two separate confirmations get two tokens: only an SDK retry reuses one.
    update(&mut s, Msg::ActionDone { command: cmd, result: Ok(Outcome::Started { run_id: "00fnew".into() }) });
    update(&mut s, ch('r'));
    let Some(Command::RerunEmr { client_token: second, .. }) = executes(&update(&mut s, ch('y'))).pop() else {
        panic!("rerun")
    };
    assert_ne!(second, client_token);
    // A failed run cannot be cancelled.
    update(&mut s, ch('x'));
    assert!(s.overlay.is_none() && s.flash.as_deref().is_some_and(|f| f.contains("nothing to cancel")));
}

#[tokio::test]
async fn dashboard_link_goes_to_the_clipboard() {
    let mut s = at("emr", 120, 40).await;
    update(&mut s, ch('d'));
    let fx = update(&mut s, ch('y'));
    let Some(cmd @ Command::EmrDashboard { .. }) = executes(&fx).pop() else { panic!("dashboard") };
    let url = "https://00fheavyjoins01.dashboard.emr-serverless.eu-west-1.amazonaws.com/?authToken=x".to_string();
    let fx = update(&mut s, Msg::ActionDone { command: cmd, result: Ok(Outcome::Dashboard { url: url.clone() }) });
    assert!(fx.contains(&Effect::Clipboard(url)));
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("copied to the clipboard (valid 1 hour)")));
}

#[tokio::test]
async fn applications_start_and_stop() {
    let mut s = at("apps", 120, 40).await;
    update(&mut s, ch('n'));
    let fx = update(&mut s, ch('y'));
    assert!(
        matches!(executes(&fx).pop(), Some(Command::StartApplication { ref name, .. }) if name == "adhoc-analytics")
    );
    update(&mut s, ch('j'));
    update(&mut s, ch('x'));
    let fx = update(&mut s, ch('y'));
    assert!(matches!(executes(&fx).pop(), Some(Command::StopApplication { ref name, .. }) if name == "backfill-spark"));
}
