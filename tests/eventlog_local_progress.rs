//! A local event log reports its progress as a log on S3 does: bytes of its files on disk read
//! so far, of their total size on disk (plain, zstd, a rolling folder), the same summary as
//! `eventlog::summarize`; dropping the read (esc aborts its task) stops the reading thread; in
//! the TUI the view gets the progress messages, then the summary, and esc stops the read.
//!
//! The log is generated here from a public fixture by repeating its task lines (task ids moved
//! on by a million each time).

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use batchtop::app::effects::Effects;
use batchtop::app::fetch::{Progress, Reading, Seen, load_with};
use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::eventlog::{Options, summarize};
use batchtop::state::eventlog::{EventLogPane, EventLogSource, LogRef};
use batchtop::state::{AppState, View};
use ratatui::crossterm::event::KeyCode;
use support::{context, key, screen};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(format!("{}/../shared/fixtures/spark-events/{name}", env!("CARGO_MANIFEST_DIR")))
}

/// About `target` bytes of log: the fixture's lines, each task line `copies` times over.
fn generated(target: usize) -> String {
    let text = std::fs::read_to_string(fixture("local-1532512550423")).expect("fixture");
    let is_task = |l: &str| l.contains("\"Event\":\"SparkListenerTask");
    let task_bytes: usize = text.lines().filter(|l| is_task(l)).map(|l| l.len() + 1).sum();
    let copies = (target / task_bytes.max(1)).max(1);
    let id = regex::Regex::new(r#""Task ID":(\d+)"#).expect("regex");
    let mut out = String::with_capacity(target + text.len());
    for line in text.lines() {
        let n = if is_task(line) { copies } else { 1 };
        for copy in 0..n {
            let moved = id.replace_all(line, |c: &regex::Captures<'_>| {
                format!("\"Task ID\":{}", c[1].parse::<u64>().unwrap_or(0) + copy as u64 * 1_000_000)
            });
            out.push_str(&moved);
            out.push('\n');
        }
    }
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("batchtop-localprog-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// The bytes on disk of a file, or of the files of a folder.
fn disk_size(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path).expect("dir").flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()
    } else {
        std::fs::metadata(path).expect("file").len()
    }
}

/// Read `path` by `load_with`, sampling the progress every 2 ms: the summary, the samples
/// and the progress.
async fn read_sampled(path: &Path) -> (batchtop::eventlog::Summary, Vec<Seen>, Arc<Progress>) {
    let progress = Arc::new(Progress::default());
    let source = EventLogSource::Local(path.to_path_buf());
    let objects = batchtop::aws::demo::DemoAccount::fixed().account().objects.clone();
    let done = Arc::new(AtomicBool::new(false));
    let (p, d) = (progress.clone(), done.clone());
    let sampler = tokio::spawn(async move {
        let mut seen = Vec::new();
        while !d.load(Ordering::SeqCst) {
            seen.extend(p.seen());
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        seen
    });
    let read = load_with(&source, objects, Options::default(), None, Reading::default(), progress.clone());
    let summary = tokio::time::timeout(Duration::from_secs(120), read).await.expect("in time").expect("reads");
    done.store(true, Ordering::SeqCst);
    (summary, sampler.await.expect("sampler"), progress)
}

/// Every sample has the total, `read` never goes back, and the read was seen under way.
fn check_samples(what: &str, seen: &[Seen], total: u64, growing: bool) {
    assert!(!seen.is_empty(), "{what}: no progress while reading");
    assert!(seen.iter().all(|s| s.total == total), "{what}: totals {seen:?}, want {total}");
    assert!(seen.windows(2).all(|w| w[0].read <= w[1].read), "{what}: read went back: {seen:?}");
    if growing {
        let mut reads: Vec<u64> = seen.iter().map(|s| s.read).filter(|r| *r > 0).collect();
        reads.dedup();
        assert!(reads.len() >= 2, "{what}: read did not grow: {reads:?}");
        assert!(reads[0] < total, "{what}: {reads:?} of {total}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_local_read_reports_progress_and_reads_like_summarize() {
    let dir = scratch("read");
    let text = generated(6 << 20);
    let plain = dir.join("spark-application-1700000000000");
    std::fs::write(&plain, &text).expect("write");
    let zstd = dir.join("app-1700000000000.zstd");
    std::fs::write(&zstd, zstd::encode_all(text.as_bytes(), 1).expect("zstd")).expect("write zstd");
    // A rolling folder: the log in two parts, cut at a line.
    let rolling = dir.join("eventlog_v2_app-1");
    std::fs::create_dir_all(&rolling).expect("dir");
    let cut = text[..text.len() / 2].rfind('\n').map_or(0, |i| i + 1);
    std::fs::write(rolling.join("events_1_app-1"), &text[..cut]).expect("part 1");
    std::fs::write(rolling.join("events_2_app-1"), &text[cut..]).expect("part 2");
    std::fs::write(rolling.join("appstatus_app-1"), "").expect("marker");
    for (what, path, growing) in [("plain", &plain, true), ("zstd", &zstd, false), ("rolling", &rolling, true)] {
        let (summary, seen, progress) = read_sampled(path).await;
        let total = disk_size(path);
        check_samples(what, &seen, total, growing);
        assert_eq!(progress.seen(), None, "{what}: the read is over");
        assert_eq!(progress.arrived().load(Ordering::Relaxed), total, "{what}: every byte on disk once");
        let want = summarize(path, &Options::default()).expect("summarize");
        assert_eq!(summary.to_json(), want.to_json(), "{what}: the same summary");
        assert!(want.stages.iter().map(|s| s.completed_tasks).sum::<i64>() > 1_000, "{what}: many tasks");
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Dropping the read (its task aborted) stops the reading thread: the progress ends well
/// before the whole file was read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aborted_local_read_stops_reading_the_file() {
    let dir = scratch("abort");
    let path = dir.join("spark-application-1700000000000");
    std::fs::write(&path, generated(12 << 20)).expect("write");
    let total = disk_size(&path);
    let progress = Arc::new(Progress::default());
    let objects = batchtop::aws::demo::DemoAccount::fixed().account().objects.clone();
    let (source, p) = (EventLogSource::Local(path.clone()), progress.clone());
    let task = tokio::spawn(async move {
        load_with(&source, objects, Options::default(), None, Reading::default(), p).await.map(|_| ())
    });
    wait_for(|| progress.seen().is_some_and(|s| s.read > 0), "a first read").await;
    assert_eq!(progress.seen().map(|s| s.total), Some(total));
    task.abort();
    wait_for(|| progress.seen().is_none(), "the read to end").await;
    let read = progress.arrived().load(Ordering::Relaxed);
    assert!(read < total / 2, "stopped early: {read} of {total}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(progress.arrived().load(Ordering::Relaxed), read, "nothing read after the stop");
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// Wait (up to 20 s) until `cond` holds.
async fn wait_for(cond: impl Fn() -> bool, what: &str) {
    for _ in 0..10_000 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    panic!("waited 20 s for {what}");
}

fn state() -> AppState {
    let settings = Arc::new(batchtop::config::parse("", "test.toml").expect("config"));
    let demo = batchtop::aws::demo::DemoAccount::fixed();
    let mut s = AppState::new(settings, context(), demo.now());
    s.context.standalone = true;
    update(&mut s, Msg::Resize { width: 100, height: 12 });
    s
}

/// The event log view on a local file (as `batchtop eventlog FILE` opens it): progress
/// messages with the file's size as the total, the bar, then the summary `summarize` gives;
/// read again, esc stops it and nothing arrives after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_view_shows_a_local_read_and_esc_stops_it() {
    let dir = scratch("view");
    let path = dir.join("spark-application-1700000000000");
    std::fs::write(&path, generated(24 << 20)).expect("write");
    let total = disk_size(&path);
    let mut s = state();
    let source = EventLogSource::Local(path.clone());
    let mut pane = EventLogPane::new(source.clone());
    pane.follow = 7000;
    s.stack.push(View::EventLog(Box::new(pane)));
    let demo = batchtop::aws::demo::DemoAccount::fixed();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let account = demo.account();
    let clock: batchtop::poll::Clock = Arc::new(move || demo.now());
    let mut effects = Effects::new(vec![(account, None)], clock, s.settings.clone(), tx);
    let log = LogRef::new(source.clone(), None);
    let load = Effect::LoadEventLog { ctx: 0, log: log.clone(), follow: Some(7000) };
    let _ = effects.apply(load.clone());
    let mut progress = Vec::new();
    let summary = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            match rx.recv().await.expect("messages") {
                Msg::EventLogProgress { seen, .. } => progress.push(seen),
                Msg::EventLogLoaded { result, .. } => return result.expect("read"),
                _ => {}
            }
        }
    })
    .await
    .expect("read within 120 s");
    check_samples("view", &progress, total, false);
    assert!(progress.iter().any(|p| p.read > 0 && p.read < total), "{progress:?}");
    assert_eq!(summary.to_json(), summarize(&path, &Options::default()).expect("summarize").to_json());
    // Read again: the bar, then esc stops the read, and no summary comes after it.
    let _ = effects.apply(Effect::StopTail(7000));
    let _ = effects.apply(load);
    let seen = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            if let Msg::EventLogProgress { seen, .. } = rx.recv().await.expect("messages") {
                return seen;
            }
        }
    })
    .await
    .expect("progress within 20 s");
    update(&mut s, Msg::EventLogProgress { log: log.clone(), seen });
    let text = screen(&s);
    assert!(text.contains(&format!("of {:.1} MB", total as f64 / 1e6)) && text.contains("esc stops"), "{text}");
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.contains(&Effect::StopTail(7000)), "{fx:?}");
    for e in fx {
        let _ = effects.apply(e);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    while let Ok(msg) = rx.try_recv() {
        assert!(!matches!(msg, Msg::EventLogLoaded { .. }), "nothing arrives after esc");
    }
    assert!(screen(&s).contains("stopped reading at "), "{}", screen(&s));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}
