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
    }
}

/// One full poll of the fixed demo account, applied to a fresh state of `width` x `height`.
pub async fn loaded_state(width: u16, height: u16) -> (AppState, DemoAccount) {
    let demo = DemoAccount::fixed();
    let settings = Arc::new(Settings::defaults());
    let mut collector =
        GlueCollector::new(Arc::new(demo.clone()), StreamMapper::new(settings.clone()), 4, Duration::from_secs(300));
    let cycle = collector.poll(Scope::All, demo.now(), Duration::from_secs(48 * 3600)).await.expect("demo poll");
    let mut state = AppState::new(settings, context(), demo.now());
    update(&mut state, Msg::Resize { width, height });
    update(
        &mut state,
        Msg::Loaded(Loaded {
            ctx: 0,
            source: SourceId::Glue,
            generation: 1,
            at: demo.now(),
            result: Ok(Box::new(Batch::from(cycle))),
        }),
    );
    use batchtop::aws::{CrawlerRead, WorkflowRead};
    let workflows = demo.workflows().await.map(SourceData::Workflows);
    update(&mut state, Msg::Loaded(Loaded::from_result(SourceId::Workflows, 1, demo.now(), workflows)));
    let crawlers = demo.crawlers().await.map(SourceData::Crawlers);
    update(&mut state, Msg::Loaded(Loaded::from_result(SourceId::Crawlers, 1, demo.now(), crawlers)));
    let mut emr = batchtop::poll::EmrCollector::new(Arc::new(demo.clone()), 4, Duration::from_secs(600));
    let emr = emr.poll(demo.now(), Duration::from_secs(86_400)).await.map(|r| Box::new(Batch::from(r)));
    update(
        &mut state,
        Msg::Loaded(Loaded { ctx: 0, source: SourceId::Emr, generation: 1, at: demo.now(), result: emr }),
    );
    use batchtop::aws::DataQualityRead;
    let dq = demo.dq_overview(Some(demo.now() - chrono::Duration::days(7))).await.map(SourceData::DataQuality);
    update(&mut state, Msg::Loaded(Loaded::from_result(SourceId::DataQuality, 1, demo.now(), dq)));
    (state, demo)
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
