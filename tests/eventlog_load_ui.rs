//! Reading a large event log from S3 in the TUI: the view shows a progress bar (bytes read
//! of the total, MB/s, time left) while the parts arrive, and esc stops the read: the task is
//! aborted and no GET starts after it. A slow in-memory bucket stands in for S3.

mod support;

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use batchtop::app::effects::Effects;
use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::aws::{AwsResult, BoxFut, ObjectRead};
use batchtop::eventlog::Seen;
use batchtop::state::eventlog::{EventLogPane, EventLogSource, LogRef};
use batchtop::state::{AppState, View};
use insta::assert_snapshot;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::{context, key, screen};

const KEY: &str = "logs/spark-application-1700000000000";

/// One object of `size` bytes of job start lines; each ranged GET takes 40 ms.
struct SlowBucket {
    body: Vec<u8>,
    gets: AtomicUsize,
}

impl SlowBucket {
    fn new(size: usize) -> Self {
        let line = b"{\"Event\":\"SparkListenerJobStart\",\"Job ID\":1,\"Stage Infos\":[],\"Stage IDs\":[]}\n";
        let body = line.iter().copied().cycle().take(size / line.len() * line.len()).collect();
        SlowBucket { body, gets: AtomicUsize::new(0) }
    }
}

impl ObjectRead for SlowBucket {
    fn list<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>> {
        let size = self.body.len() as i64;
        Box::pin(async move { Ok(vec![(KEY.to_string(), size)]) })
    }
    fn get<'a>(&'a self, _: &'a str, _: &'a str, offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move { Ok(self.body[offset as usize..].to_vec()) })
    }
    fn get_range<'a>(
        &'a self,
        _: &'a str,
        _: &'a str,
        range: Range<u64>,
        arrived: &'a AtomicU64,
    ) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        Box::pin(async move {
            self.gets.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(40)).await;
            arrived.fetch_add(range.end - range.start, Ordering::Relaxed);
            Ok(self.body[range.start as usize..range.end as usize].to_vec())
        })
    }
}

fn state() -> AppState {
    let text = "[eventlog]\ns3_part_size = \"64KiB\"\ns3_parallelism = 2\n";
    let settings = Arc::new(batchtop::config::parse(text, "test.toml").expect("config"));
    let demo = batchtop::aws::demo::DemoAccount::fixed();
    let mut s = AppState::new(settings, context(), demo.now());
    s.context.standalone = true;
    update(&mut s, Msg::Resize { width: 100, height: 12 });
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_shows_its_progress_and_esc_stops_it() {
    let mut s = state();
    let source = EventLogSource::S3("s3://logs-bucket/logs/".into());
    let mut pane = EventLogPane::new(source.clone());
    pane.follow = 7000;
    s.stack.push(View::EventLog(Box::new(pane)));
    let bucket = Arc::new(SlowBucket::new(8 << 20));
    let demo = batchtop::aws::demo::DemoAccount::fixed();
    let mut account = demo.account();
    account.objects = bucket.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let clock: batchtop::poll::Clock = Arc::new(move || demo.now());
    let mut effects = Effects::new(vec![(account, None)], clock, s.settings.clone(), tx);
    let log = LogRef::new(source.clone(), None);
    effects.apply(Effect::LoadEventLog { ctx: 0, log: log.clone(), follow: Some(7000) });
    // The read reports how far it is while the parts arrive.
    let first = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match rx.recv().await.expect("messages") {
                Msg::EventLogProgress { seen, .. } if seen.read > 0 => return seen,
                other => assert!(!matches!(other, Msg::EventLogLoaded { .. }), "loaded before any progress"),
            }
        }
    })
    .await
    .expect("progress within 10 s");
    assert_eq!(first.total, bucket.body.len() as u64);
    assert!(first.read < first.total);
    // Shown as a bar (fixed numbers for the picture).
    let seen = Seen { read: 45_200_000, total: 210_000_000, elapsed: Duration::from_millis(1500) };
    update(&mut s, Msg::EventLogProgress { log: log.clone(), seen });
    assert_snapshot!("eventlog_loading_100x12", screen(&s));
    // esc stops the read; the view stays and says so.
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.contains(&Effect::StopTail(7000)), "{fx:?}");
    for e in fx {
        let _ = effects.apply(e);
    }
    let after_stop = bucket.gets.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(bucket.gets.load(Ordering::SeqCst), after_stop, "no GET after esc");
    assert!(after_stop < 128, "stopped well before the 128 parts: {after_stop}");
    while let Ok(msg) = rx.try_recv() {
        assert!(!matches!(msg, Msg::EventLogLoaded { .. }), "nothing arrives after esc");
    }
    let text = screen(&s);
    assert!(text.contains("stopped reading at 45.2 MB of 210.0 MB"), "{text}");
    assert!(matches!(s.stack.last(), Some(View::EventLog(_))));
    assert!(text.contains("ctrl-r reads the log again"), "{text}");
    // ctrl-r reads again (following under the same id); esc stops that read too, and once
    // nothing is being read esc is the usual one again (closing the view; this standalone
    // viewer has no other).
    let fx = update(&mut s, Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadEventLog { follow: Some(7000), .. })), "{fx:?}");
    update(&mut s, Msg::EventLogProgress { log: log.clone(), seen });
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(fx.contains(&Effect::StopTail(7000)), "{fx:?}");
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(!fx.contains(&Effect::StopTail(7000)), "{fx:?}");
}

#[tokio::test]
async fn help_lists_the_event_log_keys_with_compare() {
    let mut s = state();
    update(&mut s, Msg::Resize { width: 160, height: 400 });
    update(&mut s, support::ch('?'));
    let text = screen(&s);
    let at = text.find("Event log view (E on a run)").unwrap_or_else(|| panic!("{text}"));
    let section = &text[at..];
    for want in [
        "C ",
        "compare with the job's last successful run",
        "C again (or no such run): another log",
        "paired by name and call site",
        "own findings A lacks, and A's gone in B",
        "ctrl-r",
        "stop reading",
    ] {
        assert!(section.contains(want), "{want}: {section}");
    }
}
