//! Workflows (runs, graph, resume, stop, start), crawlers (freshness, start) and the
//! overlays, on the seeded demo account: key sequences and rendered snapshots.

mod support;

use batchtop::actions::Command;
use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::WorkflowRead;
use batchtop::state::View;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use support::{ch, executes, key, loaded_state, screen, typed};

/// `:workflows`, select `name`, Enter, and feed the runs the demo holds.
async fn open_workflow(name: &str, w: u16, h: u16) -> (batchtop::state::AppState, batchtop::aws::demo::DemoAccount) {
    let (mut s, demo) = loaded_state(w, h).await;
    update(&mut s, ch(':'));
    typed(&mut s, "workflows");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('/'));
    typed(&mut s, name);
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.contains(&Effect::LoadWorkflowRuns { ctx: 0, workflow: name.into() }), "{fx:?}");
    let runs = demo.workflow_runs(name, 50).await;
    update(&mut s, Msg::WorkflowRunsLoaded { ctx: 0, workflow: name.into(), result: runs });
    (s, demo)
}

#[tokio::test]
async fn workflows_pane_and_run_history() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch(':'));
    typed(&mut s, "workflows");
    update(&mut s, key(KeyCode::Enter));
    let text = screen(&s);
    assert!(text.contains("COMPLETED (1 failed)") && text.contains("RUNNING"), "{text}");
    assert_snapshot!("workflows_120x40", text);
    let (s, _) = open_workflow("payments_pipeline", 120, 40).await;
    assert_snapshot!("workflow_runs_120x40", screen(&s));
}

#[tokio::test]
async fn graph_shows_the_failed_consolidation_and_resume_restarts_it() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut s, _) = open_workflow("payments_pipeline", w, h).await;
        update(&mut s, key(KeyCode::Enter));
        let Some(View::Graph(g)) = s.stack.last() else { panic!("graph view") };
        assert_eq!(g.run.failed_nodes(), vec!["j_dedupe".to_string()]);
        let text = screen(&s);
        assert!(text.contains("▣ dedupe") && text.contains("FAILED"), "{text}");
        assert_snapshot!(format!("graph_{w}x{h}"), text);
        update(&mut s, ch('R'));
        assert_snapshot!(format!("confirm_resume_{w}x{h}"), screen(&s));
        let fx = update(&mut s, ch('y'));
        let Some(Command::ResumeWorkflow { workflow, node_ids, .. }) = executes(&fx).pop() else { panic!("resume") };
        assert_eq!((workflow.as_str(), node_ids), ("payments_pipeline", vec!["j_dedupe".to_string()]));
    }
}

#[tokio::test]
async fn graph_nodes_open_their_job_run() {
    let (mut s, _) = open_workflow("payments_pipeline", 120, 40).await;
    update(&mut s, key(KeyCode::Enter));
    // The failed node is selected first; reading order: start, ingest_raw, ...
    update(&mut s, ch('g'));
    update(&mut s, ch('j'));
    update(&mut s, key(KeyCode::Enter));
    let Some(View::Detail(d)) = s.stack.last() else { panic!("detail view") };
    assert_eq!(d.job, "payments_ingest_raw");
    assert!(screen(&s).contains("payments_ingest_raw"));
}

#[tokio::test]
async fn a_running_workflow_can_be_stopped_not_resumed() {
    let (mut s, _) = open_workflow("orders_pipeline", 120, 40).await;
    update(&mut s, ch('R'));
    assert!(s.overlay.is_none());
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("still RUNNING")), "{:?}", s.flash);
    update(&mut s, ch('x'));
    let fx = update(&mut s, ch('y'));
    assert!(matches!(executes(&fx).pop(), Some(Command::StopWorkflow { .. })));
}

#[tokio::test]
async fn start_a_workflow_run_with_its_default_properties() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch(':'));
    typed(&mut s, "wf");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('n'));
    let fx = update(&mut s, ch('y'));
    let Some(Command::StartWorkflow { workflow, properties }) = executes(&fx).pop() else { panic!("start") };
    assert_eq!(workflow, "customers_pipeline");
    assert_eq!(properties.get("run_date").map(String::as_str), Some("today"));
}

#[tokio::test]
async fn crawlers_show_freshness_and_start() {
    for (w, h) in [(120, 40), (80, 24)] {
        let (mut s, _) = loaded_state(w, h).await;
        update(&mut s, ch(':'));
        typed(&mut s, "crawlers");
        update(&mut s, key(KeyCode::Enter));
        let text = screen(&s);
        assert!(text.contains("STALE"), "the customers crawler is three days old:\n{text}");
        assert!(text.contains("unknown"), "a failed last crawl has unknown freshness:\n{text}");
        assert_snapshot!(format!("crawlers_{w}x{h}"), text);
        update(&mut s, ch('n'));
        let fx = update(&mut s, ch('y'));
        assert_eq!(executes(&fx), vec![Command::StartCrawler { crawler: "customers_raw_crawler".into() }]);
    }
}

#[tokio::test]
async fn confirmation_and_bookmark_overlays() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch('/'));
    typed(&mut s, "orders_curate");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('r'));
    let text = screen(&s);
    assert!(
        text.contains("glue:StartJobRun") && text.contains("000000000000") && text.contains("--db_password = ********"),
        "{text}"
    );
    assert!(!text.contains("hunter2"));
    assert_snapshot!("confirm_rerun_120x40", text);
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('b'));
    assert!(screen(&s).contains("loading GetJobBookmark"));
    let demo = batchtop::aws::demo::DemoAccount::fixed();
    let bm = batchtop::aws::GlueRead::job_bookmark(&demo, "orders_curate").await;
    update(&mut s, Msg::BookmarkLoaded { ctx: 0, job: "orders_curate".into(), result: bm });
    let text = screen(&s);
    assert!(text.contains("jsonBookmark") && text.contains("w rewinds to run"), "{text}");
    assert_snapshot!("bookmark_120x40", text);
    update(&mut s, ch('r'));
    assert_snapshot!("confirm_reset_120x40", screen(&s));
}

#[tokio::test]
async fn workflow_run_properties_can_be_edited_before_the_start() {
    let (mut s, _) = loaded_state(120, 40).await;
    update(&mut s, ch(':'));
    typed(&mut s, "wf");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('n'));
    update(&mut s, ch('e'));
    for _ in 0.."today".len() {
        update(&mut s, key(KeyCode::Backspace));
    }
    typed(&mut s, "2026-11-20");
    update(&mut s, key(KeyCode::Enter));
    assert!(screen(&s).contains("run_date = 2026-11-20"));
    let fx = update(&mut s, ch('y'));
    let Some(Command::StartWorkflow { properties, .. }) = executes(&fx).pop() else { panic!("start") };
    assert_eq!(properties.get("run_date").map(String::as_str), Some("2026-11-20"));
}
