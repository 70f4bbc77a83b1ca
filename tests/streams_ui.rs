//! `:streams` on the demo account: the five stories (failed, degraded, late, no data, on time),
//! the undiscovered landing prefix, `Enter` to a stream's pipeline with every pane filtered to
//! it, `stream:` in every pane; snapshots at 120x40 and 80x24.

mod support;

use batchtop::app::msg::Msg;
use batchtop::app::update::update;
use batchtop::state::{AppState, Pane, View};
use batchtop::streams::Status;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, key, screen, streams_state, typed};

fn command(s: &mut AppState, text: &str) {
    update(s, ch(':'));
    typed(s, text);
    update(s, key(KeyCode::Enter));
}

fn status(s: &AppState, name: &str) -> Status {
    s.streams.rows.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no stream {name}")).status
}

#[tokio::test]
async fn the_demo_tells_five_stories() {
    let (s, _) = streams_state(120, 40).await;
    for r in &s.streams.rows {
        eprintln!(
            "{} {:?} {:?} late={:?} items={} dq={:?}",
            r.name, r.status, r.last_success, r.freshness, r.critical_items, r.dq_failed
        );
    }
    assert_eq!(status(&s, "payments"), Status::Failed);
    assert_eq!(status(&s, "orders"), Status::Degraded);
    assert_eq!(status(&s, "inventory"), Status::Late);
    assert_eq!(status(&s, "customers"), Status::NoData);
    assert_eq!(status(&s, "shipments"), Status::Ok);
    let returns = s.streams.rows.iter().find(|r| r.name == "returns").expect("the undiscovered prefix");
    assert!(returns.undiscovered && returns.jobs.is_empty());
    let inventory = s.streams.rows.iter().find(|r| r.name == "inventory").expect("inventory");
    assert!(inventory.freshness.late_by_s.is_some_and(|l| l > 0), "{:?}", inventory.freshness);
    assert_eq!(inventory.crawlers, ["inventory_raw_crawler"]);
    let payments = s.streams.rows.iter().find(|r| r.name == "payments").expect("payments");
    assert!(payments.next_run.is_some() && payments.critical_items > 0);
}

#[tokio::test]
async fn streams_pane_and_a_pipeline() {
    let (mut s, _) = streams_state(120, 40).await;
    let requests = s.cost.requests;
    update(&mut s, ch(':'));
    typed(&mut s, "streams");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.root, Pane::Streams);
    // Yesterday's cost per stream comes from the cached report: no Cost Explorer request.
    assert!(!fx.iter().any(|e| matches!(e, batchtop::app::msg::Effect::LoadCost { .. })), "{fx:?}");
    assert_eq!(s.cost.requests, requests);
    let orders = s.streams.rows.iter().find(|r| r.name == "orders").expect("orders");
    assert!(orders.cost_yesterday.is_some_and(|c| c > 0.0), "{:?}", orders.cost_yesterday);
    assert_snapshot!("streams_120x40", screen(&s));
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    assert_snapshot!("streams_80x24", screen(&s));
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    // Enter on the late stream: its pipeline shows the failed crawler.
    update(&mut s, ch('/'));
    typed(&mut s, "stream:inventory");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Stream(v)) = s.stack.last() else { panic!("no pipeline view") };
    assert_eq!(v.name, "inventory");
    let text = screen(&s);
    assert!(text.contains("inventory_raw_crawler") && text.contains("FAILED"), "{text}");
    assert_snapshot!("stream_pipeline_120x40", text);
    update(&mut s, Msg::Resize { width: 80, height: 24 });
    assert_snapshot!("stream_pipeline_80x24", screen(&s));
    // Every pane is filtered to the stream now.
    for pane in ["jobs", "workflows", "crawlers", "dq", "emr", "inbox"] {
        command(&mut s, pane);
        let f = s.active_table().and_then(|t| t.filter()).map(|f| f.text.clone());
        assert_eq!(f.as_deref(), Some("stream:inventory"), "{pane}");
    }
}

#[tokio::test]
async fn every_pane_accepts_stream() {
    let (mut s, _) = streams_state(120, 40).await;
    let cases = [
        ("workflows", 1),
        ("crawlers", 1),
        ("dq", 1),
        ("emr", 1),
        ("apps", 1),
        ("jobs", 6),
        ("streams", 1),
        ("inbox", 1),
    ];
    for (pane, at_least) in cases {
        command(&mut s, &format!("{pane} stream:orders"));
        let t = s.active_table().expect("a table");
        assert!(t.len() >= at_least, "{pane}: {} rows for stream:orders", t.len());
        command(&mut s, &format!("{pane} stream:nosuchstream"));
        assert_eq!(s.active_table().map(|t| t.len()), Some(0), "{pane} filters by stream");
    }
    // The workflow, crawler, DQ table and EMR runs of orders are found by stream:orders.
    command(&mut s, "workflows stream:orders");
    assert_eq!(
        s.wf_pane.visible.iter().map(|&i| s.workflows[i].name.as_str()).collect::<Vec<_>>(),
        ["orders_pipeline"]
    );
    command(&mut s, "crawlers stream:orders");
    assert_eq!(
        s.cr_pane.visible.iter().map(|&i| s.crawlers[i].name.as_str()).collect::<Vec<_>>(),
        ["orders_raw_crawler"]
    );
    command(&mut s, "dq stream:orders");
    assert!(
        !s.dq_pane.visible.is_empty()
            && s.dq_pane.visible.iter().all(|&i| s.dq.results[i].data_source().starts_with("curated.orders"))
    );
    command(&mut s, "emr stream:orders");
    assert!(
        !s.emr_pane.visible.is_empty()
            && s.emr_pane
                .visible
                .iter()
                .all(|&i| s.emr.runs[i].name.as_deref().is_some_and(|n| n.starts_with("orders")))
    );
}

#[test]
fn the_readme_and_the_help_state_the_rules_as_the_issue_does() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    for (status, rule) in batchtop::streams::RULES {
        let rule = rule.replace("ready_by", "`ready_by`").replace("fresh_within", "`fresh_within`");
        let line = if status == "ok" { "- else `ok`.".to_string() } else { format!("- `{status}` {rule}") };
        assert!(readme.contains(&line), "README lacks: {line}");
    }
}

#[tokio::test]
async fn help_on_streams_starts_with_the_rules() {
    let (mut s, _) = streams_state(120, 40).await;
    command(&mut s, "streams");
    update(&mut s, ch('?'));
    let text = screen(&s);
    for (status, rule) in batchtop::streams::RULES {
        let words: String = rule.chars().take(40).collect();
        assert!(text.contains(status) && text.contains(&words), "{status}: {words}\n{text}");
    }
}

#[tokio::test]
async fn streams_without_a_report_read_the_cost_cache_only() {
    let (s, _) = streams_state(120, 40).await;
    let report = s.cost.report.clone().expect("the demo's report");
    let mut s = AppState::new(s.settings.clone(), support::context(), s.now);
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    update(&mut s, ch(':'));
    typed(&mut s, "streams");
    let fx = update(&mut s, key(KeyCode::Enter));
    use batchtop::app::msg::Effect;
    assert!(fx.iter().any(|e| matches!(e, Effect::PeekCost { .. })), "{fx:?}");
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadCost { .. })), "never a Cost Explorer request: {fx:?}");
    update(&mut s, Msg::CostPeeked(Some(Box::new(report))));
    assert!(s.cost.report.is_some() && s.cost.requests == 0);
}
