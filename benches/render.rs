//! Frame cost of the jobs pane and the run history with 100 and 100,000 runs.
//! `cargo bench --bench render` prints µs per frame; the goal is large <= 1.5x small.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use batchtop::app::msg::{Batch, Loaded, Msg, SourceId};
use batchtop::app::update::update;
use batchtop::config::Settings;
use batchtop::model::{GlueData, Job, JobEntry, JobRun, RunState};
use batchtop::poll::Cycle;
use batchtop::state::{AppState, Context};
use chrono::{TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn data(jobs: usize, runs_per_job: usize) -> GlueData {
    let t0 = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).single().unwrap_or_default();
    let states = [RunState::Succeeded, RunState::Succeeded, RunState::Failed, RunState::Running, RunState::Timeout];
    GlueData {
        jobs: (0..jobs)
            .map(|j| JobEntry {
                ctx: 0,
                job: Job { name: format!("stream{:03}_job_{j:05}", j % 37), ..Default::default() }.into(),
                stream: Some(format!("stream{:03}", j % 37)),
                runs: (0..runs_per_job)
                    .map(|r| {
                        let state = states[(j + r) % states.len()];
                        JobRun {
                            id: format!("jr_{:064x}", j * runs_per_job + r),
                            job_name: format!("job_{j}").into(),
                            state: Some(state),
                            started_on: Some(t0 - chrono::Duration::minutes((r * 30 + j) as i64)),
                            completed_on: (!state.is_active())
                                .then(|| t0 - chrono::Duration::minutes((r * 30 + j) as i64 - 10)),
                            execution_time_s: 600,
                            worker_type: Some("G.1X".into()),
                            number_of_workers: Some(10),
                            error_message: state.is_failure().then(|| "Command Failed with Exit Code 1".into()),
                            ..Default::default()
                        }
                    })
                    .collect::<Vec<_>>()
                    .into(),
            })
            .collect(),
        loading: None,
    }
}

fn state_with(d: GlueData) -> AppState {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).single().unwrap_or_default();
    let ctx = Context { profile: Some("bench".into()), region: "eu-west-1".into(), ..Default::default() };
    let mut s = AppState::new(Arc::new(Settings::defaults()), ctx, now);
    update(&mut s, Msg::Resize { width: 120, height: 40 });
    let t = Instant::now();
    update(
        &mut s,
        Msg::Loaded(Loaded {
            ctx: 0,
            source: SourceId::Glue,
            generation: 1,
            at: now,
            result: Ok(Box::new(Batch::from(Cycle { data: d, errors: vec![] }))),
        }),
    );
    println!("    data arrival (index build): {:>9.1} µs", t.elapsed().as_secs_f64() * 1e6);
    s
}

/// Median µs per frame over `frames` draws, moving the cursor each frame so nothing is cached.
fn frame_cost(s: &mut AppState, frames: usize) -> f64 {
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("terminal: {e}"));
    let mut samples = Vec::with_capacity(frames);
    for i in 0..frames {
        let key = if i % 40 < 20 { KeyCode::Down } else { KeyCode::Up };
        update(s, Msg::Key(KeyEvent::new(key, KeyModifiers::NONE)));
        let t = Instant::now();
        term.draw(|f| batchtop::ui::render(f, black_box(s))).unwrap_or_else(|e| panic!("draw: {e}"));
        samples.push(t.elapsed());
    }
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1e6
}

fn main() {
    let frames = 400;
    println!("render bench: 120x40, median of {frames} frames");
    let mut results = Vec::new();
    for (label, jobs, runs) in
        [("jobs pane, 100 runs (10 jobs x 10)", 10, 10), ("jobs pane, 100,000 runs (1,000 jobs x 100)", 1000, 100)]
    {
        println!("  {label}");
        let mut s = state_with(data(jobs, runs));
        let us = frame_cost(&mut s, frames);
        println!("    {us:>9.1} µs/frame");
        results.push(us);
    }
    for (label, runs) in [("run history, 100 runs", 100), ("run history, 100,000 runs", 100_000)] {
        println!("  {label}");
        let mut s = state_with(data(1, runs));
        update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        let us = frame_cost(&mut s, frames);
        println!("    {us:>9.1} µs/frame");
        results.push(us);
    }
    println!("  inbox, 100,000 runs (1,000 jobs x 100; every failure classified)");
    let mut s = state_with(data(1000, 100));
    let t = Instant::now();
    s.refresh_inbox();
    println!("    inbox rebuild: {:>9.1} µs ({} items)", t.elapsed().as_secs_f64() * 1e6, s.inbox.items.len());
    s.root = batchtop::state::Pane::Inbox;
    s.rebuild();
    println!("    {:>9.1} µs/frame", frame_cost(&mut s, frames));
    println!("ratio jobs pane large/small: {:.2}x (goal <= 1.5x)", results[1] / results[0]);
    println!("ratio run history large/small: {:.2}x (goal <= 1.5x)", results[3] / results[2]);
    let _ = Duration::ZERO;
}
