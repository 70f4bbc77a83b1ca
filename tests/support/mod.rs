//! Shared test helpers: a state loaded from the seeded demo account, key events, rendering.
#![allow(dead_code)]

pub mod cli;
pub mod emu;
pub mod tmux;

use std::sync::Arc;
use std::time::Duration;

use batchtop::app::msg::{Batch, Loaded, Msg, SourceData, SourceId};
use batchtop::app::update::update;
use batchtop::aws::demo::DemoAccount;
use batchtop::config::Settings;
use batchtop::poll::{GlueCollector, Scope, StreamMapper};
use batchtop::state::{AppState, Context};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn context() -> Context {
    Context {
        profile: Some("demo".into()),
        region: "eu-west-1".into(),
        account: Some("000000000000".into()),
        read_only: false,
        demo: true,
        standalone: false,
        state_dir: std::env::temp_dir().join(format!("batchtop-state-{}", std::process::id())),
        session_id: "0123456789abcdef0123456789abcdef".into(),
        colors: Default::default(),
    }
}

/// One full poll of the fixed demo account, applied to a fresh state of `width` x `height`.
pub async fn loaded_state(width: u16, height: u16) -> (AppState, DemoAccount) {
    let demo = DemoAccount::fixed();
    let settings = Arc::new(Settings::defaults());
    let mut state = AppState::new(settings, context(), demo.now());
    update(&mut state, Msg::Resize { width, height });
    load_demo(&mut state, &demo, 0).await;
    (state, demo)
}

/// Two contexts (`prod-eu`, `staging-us`), each holding a full poll of the fixed demo
/// account: the same job names live in both, as in real prod and staging accounts.
pub async fn two_contexts(width: u16, height: u16) -> (AppState, DemoAccount) {
    use batchtop::config::contexts::CtxSpec;
    use batchtop::state::contexts::Ctx;
    let demo = DemoAccount::fixed();
    let mut state = AppState::new(Arc::new(Settings::defaults()), context(), demo.now());
    let spec = |name: &str, profile: &str, color| CtxSpec {
        name: name.into(),
        profile: Some(profile.into()),
        color,
        ..Default::default()
    };
    let mut prod = Ctx::new(&spec("prod-eu", "prod", 5), "eu-west-1".into());
    prod.account = Some("111111111111".into());
    let mut staging = Ctx::new(&spec("staging-us", "staging", 3), "us-east-1".into());
    staging.account = Some("222222222222".into());
    state.set_contexts(vec![prod, staging]);
    update(&mut state, Msg::Resize { width, height });
    load_demo(&mut state, &demo, 0).await;
    load_demo(&mut state, &demo, 1).await;
    (state, demo)
}

/// Every source of the demo account, polled once, as context `ctx`.
pub async fn load_demo(state: &mut AppState, demo: &DemoAccount, ctx: usize) {
    let settings = state.settings.clone();
    let mut collector =
        GlueCollector::new(Arc::new(demo.clone()), StreamMapper::new(settings), 4, Duration::from_secs(300));
    let cycle = collector.poll(Scope::All, demo.now(), Duration::from_secs(48 * 3600)).await.expect("demo poll");
    let batch = Ok(Box::new(Batch::from(cycle)));
    update(state, Msg::Loaded(Loaded { ctx, source: SourceId::Glue, generation: 1, at: demo.now(), result: batch }));
    use batchtop::aws::{CrawlerRead, WorkflowRead};
    let workflows = demo.workflows().await.map(SourceData::Workflows);
    update(state, Msg::Loaded(Loaded::from_result(SourceId::Workflows, 1, demo.now(), workflows).in_ctx(ctx)));
    let crawlers = demo.crawlers().await.map(SourceData::Crawlers);
    update(state, Msg::Loaded(Loaded::from_result(SourceId::Crawlers, 1, demo.now(), crawlers).in_ctx(ctx)));
    let mut emr = batchtop::poll::EmrCollector::new(Arc::new(demo.clone()), 4, Duration::from_secs(600));
    let emr = emr.poll(demo.now(), Duration::from_secs(86_400)).await.map(|r| Box::new(Batch::from(r)));
    update(state, Msg::Loaded(Loaded { ctx, source: SourceId::Emr, generation: 1, at: demo.now(), result: emr }));
    use batchtop::aws::DataQualityRead;
    let dq = demo.dq_overview(Some(demo.now() - chrono::Duration::days(7))).await.map(SourceData::DataQuality);
    update(state, Msg::Loaded(Loaded::from_result(SourceId::DataQuality, 1, demo.now(), dq).in_ctx(ctx)));
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

/// Send each character of `text` as a key.
pub fn typed(state: &mut AppState, text: &str) {
    for c in text.chars() {
        update(state, ch(c));
    }
}

pub fn send(state: &mut AppState, msgs: impl IntoIterator<Item = Msg>) {
    for m in msgs {
        update(state, m);
    }
}

/// Render the state into a test terminal of its own size.
pub fn render(state: &AppState) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(state.width, state.height)).expect("test terminal");
    term.draw(|f| batchtop::ui::render(f, state)).expect("draw");
    term
}

/// The rendered screen as text.
pub fn screen(state: &AppState) -> String {
    render(state).backend().to_string()
}

/// The commands a list of effects would run (the confirmed ones).
pub fn executes(fx: &[batchtop::app::msg::Effect]) -> Vec<batchtop::actions::Command> {
    fx.iter()
        .filter_map(|e| match e {
            batchtop::app::msg::Effect::Execute { confirmed: c, .. } => Some(c.command().clone()),
            _ => None,
        })
        .collect()
}

/// The fixed demo with the demo's `[streams]` settings, every source loaded (the landing
/// zone, catalog and triggers too).
pub async fn streams_state(width: u16, height: u16) -> (AppState, DemoAccount) {
    let demo = DemoAccount::fixed();
    let settings = Arc::new(batchtop::session::with_demo_streams(Settings::defaults()));
    let mut state = AppState::new(settings.clone(), context(), demo.now());
    update(&mut state, Msg::Resize { width, height });
    load_demo(&mut state, &demo, 0).await;
    let names = state.data.jobs.iter().filter_map(|j| j.stream.clone()).collect();
    let gate = batchtop::poll::Gate::default();
    let through = batchtop::poll::streams::Reads { landing: &demo, catalog: &demo, gate: &gate };
    let batch = batchtop::poll::streams::read(through, &settings.config.streams, names, demo.now()).await;
    update(
        &mut state,
        Msg::Loaded(Loaded {
            ctx: 0,
            source: SourceId::Landing,
            generation: 1,
            at: demo.now(),
            result: Ok(Box::new(batch)),
        }),
    );
    use batchtop::aws::CatalogRead;
    let triggers = demo.triggers().await.map(SourceData::Triggers);
    update(&mut state, Msg::Loaded(Loaded::from_result(SourceId::Triggers, 1, demo.now(), triggers)));
    // The cost report as the cost pane cached it (yesterday's cost per stream comes from it).
    let query = batchtop::cost::CostQuery::last_days(demo.now().date_naive(), &settings.config.cost);
    let (days, requests) = batchtop::aws::CostRead::cost_and_usage(&demo, &query, "").await.expect("demo cost");
    let mut report = batchtop::cost::CostReport::assemble(&query, &days, demo.now(), requests);
    report.from_cache = true;
    let account = batchtop::aws::demo::DEMO_ACCOUNT_ID.to_string();
    update(&mut state, Msg::CostLoaded { account, at: demo.now(), result: Ok(Box::new(report)) });
    (state, demo)
}
