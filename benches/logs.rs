//! Log view ingest: 1,000,000 realistic lines through the ring (bounded at the default
//! 100,000), a filter with context, and one render of the view at 120x40.
//! `cargo bench --bench logs` prints lines per second and the peak resident memory.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use batchtop::app::msg::Msg;
use batchtop::app::update::update;
use batchtop::aws::LogEvent;
use batchtop::config::Settings;
use batchtop::logs::locate::{Place, Plan};
use batchtop::logs::pattern::Pattern;
use batchtop::poll::logs::TailEvent;
use batchtop::state::logs::LogViewPane;
use batchtop::state::{AppState, Context, View};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const LINES: usize = 1_000_000;
const BATCH: usize = 2_000;

/// Peak resident set size (VmHWM) in MiB, from /proc.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn line(i: usize) -> String {
    match i % 50 {
        0 => format!(
            "26/11/24 10:{:02}:{:02} ERROR Executor: Exception in task {i}.0 in stage 4.0 (TID {i})",
            i / 60 % 60,
            i % 60
        ),
        1 => "java.lang.OutOfMemoryError: Java heap space".to_string(),
        2 => "Caused by: java.io.IOException: No space left on device".to_string(),
        n if n % 7 == 0 => format!(
            "26/11/24 10:00:00 WARN TaskSetManager: Lost task {i}.0 in stage 4.0: ExecutorLostFailure (executor {} exited)",
            i % 40
        ),
        _ => format!(
            "26/11/24 10:00:00 INFO TaskSetManager: Finished task {i}.0 in stage 4.0 (TID {}) in 2841 ms on ip-10-0-{}-17.ec2.internal (executor {}) ({i}/400000)",
            i + 7,
            i % 250,
            i % 40
        ),
    }
}

fn main() {
    let before = peak_mib();
    let settings = Arc::new(Settings::defaults());
    let mut state = AppState::new(settings, Context::default(), chrono::Utc::now());
    update(&mut state, Msg::Resize { width: 120, height: 40 });
    let plan = Plan {
        title: "bench".into(),
        run_id: "jr_bench".into(),
        places: vec![Place::Group { group: "/aws-glue/jobs/output".into(), prefix: "jr_bench".into() }],
        start_ms: None,
        end_ms: None,
    };
    let mut pane = LogViewPane::new(1, plan, 100_000);
    pane.context = 3;
    pane.filter =
        Pattern::parse("?Exception ?\"Caused by\"").ok().map(|p| ("?Exception ?\"Caused by\"".to_string(), p));
    state.stack.push(View::Logs(Box::new(pane)));
    let t0 = 1_764_000_000_000i64;
    let start = Instant::now();
    let mut i = 0;
    while i < LINES {
        let events: Vec<LogEvent> = (i..(i + BATCH).min(LINES))
            .map(|n| LogEvent {
                id: None,
                ts_ms: t0 + n as i64,
                ingestion_ms: None,
                group: "/aws-glue/jobs/output".into(),
                stream: format!("jr_bench_{}", n % 8),
                message: line(n),
            })
            .collect();
        i += events.len();
        update(&mut state, Msg::Tail { id: 1000, event: TailEvent::Events(events) });
    }
    let ingest = start.elapsed();
    let filter_start = Instant::now();
    let rows = match state.stack.last() {
        Some(View::Logs(v)) => v.rows().len(),
        _ => 0,
    };
    let filter = filter_start.elapsed();
    let render_start = Instant::now();
    let mut term = match Terminal::new(TestBackend::new(120, 40)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("test terminal: {e}");
            return;
        }
    };
    if let Err(e) = term.draw(|f| batchtop::ui::render(f, &state)) {
        eprintln!("draw: {e}");
    }
    let render = render_start.elapsed();
    black_box(&term);
    let kept = match state.stack.last() {
        Some(View::Logs(v)) => v.ring.len(),
        _ => 0,
    };
    let total = ingest + filter + render;
    println!("log view ingest: {LINES} lines in batches of {BATCH}");
    println!(
        "  ring (dedupe, classify, bounded at 100,000): {:.0} ms, {:.0} lines/s",
        ingest.as_secs_f64() * 1e3,
        LINES as f64 / ingest.as_secs_f64()
    );
    println!(
        "  filter with 3 lines of context over the ring: {:.1} ms ({rows} rows shown)",
        filter.as_secs_f64() * 1e3
    );
    println!("  one render at 120x40: {:.1} ms", render.as_secs_f64() * 1e3);
    println!("  end to end: {:.0} lines/s", LINES as f64 / total.as_secs_f64());
    println!("  lines kept: {kept}; peak RSS {:.1} MiB (before: {before:.1} MiB)", peak_mib());
}
