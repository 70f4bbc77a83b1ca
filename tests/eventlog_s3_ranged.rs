//! A large event log on S3 (the emulator's) read by parallel ranged GETs: the summary equals
//! the local file's, every GetObject is a Range request and together they cover the object
//! once; a failed range is retried through the read policy, or named (object and offset).
//!
//! The log is generated here from a fixture by repeating its task events (`BATCHTOP_TEST_S3_MB`,
//! default 24 MB, read in 1 MiB parts so that there are many); the 200 MB figure is in
//! `benches/eventlog_s3.rs`.

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::app::fetch::{Progress, Reading, load_with};
use batchtop::aws::sdk::RetryPolicy;
use batchtop::eventlog::{Options, summarize};
use batchtop::state::eventlog::EventLogSource;
use support::emu::{self, fresh_account};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}/../shared/fixtures/spark-events/{name}", env!("CARGO_MANIFEST_DIR")))
}

/// A log of about `target` bytes: the fixture with each task line repeated (task ids moved
/// on by a million each time, so that every copy is another task).
fn grown_log(target: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture("local-1532512550423")).expect("fixture");
    let task_id = regex::Regex::new(r#""Task ID":(\d+)"#).expect("regex");
    let task_bytes: usize = text.lines().filter(|l| l.contains("\"SparkListenerTask")).map(|l| l.len() + 1).sum();
    let copies = (target / task_bytes.max(1)).max(1);
    let mut out = String::with_capacity(target + text.len());
    for line in text.lines() {
        if !line.contains("\"SparkListenerTask") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        for copy in 0..copies {
            let moved = task_id.replace_all(line, |c: &regex::Captures<'_>| {
                let id: u64 = c[1].parse().expect("id");
                format!("\"Task ID\":{}", id + copy as u64 * 1_000_000)
            });
            out.push_str(&moved);
            out.push('\n');
        }
    }
    out.into_bytes()
}

async fn put(acct: &str, bucket: &str, key: &str, body: Vec<u8>) {
    let s3 = emu::s3_client_patient(acct).await;
    s3.create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    s3.put_object().bucket(bucket).key(key).body(body.into()).send().await.expect("PutObject");
}

/// The Range headers of the account's GetObject calls, as (first, last) byte.
fn ranges(acct: &str) -> Vec<(u64, u64)> {
    let log = emu::get(&format!("/batchtop/s3-calls?account_id={acct}"));
    let calls = log["calls"].as_array().expect("calls").iter().filter(|c| c["operation"] == "GetObject");
    calls
        .map(|c| {
            let r = c["range"].as_str().unwrap_or_else(|| panic!("a GetObject without Range: {c}"));
            let (a, b) = r.strip_prefix("bytes=").and_then(|r| r.split_once('-')).expect("bytes=a-b");
            (a.parse().expect("first"), b.parse().expect("last"))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_log_read_by_ranges_equals_the_local_file() {
    let mb: usize = std::env::var("BATCHTOP_TEST_S3_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    let body = grown_log(mb << 20);
    let size = body.len() as u64;
    let dir = std::env::temp_dir().join(format!("batchtop-ranged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let local = dir.join("spark-application-1700000000000");
    std::fs::write(&local, &body).expect("write");
    let acct = fresh_account();
    put(&acct, "ranged-logs", "sparkHistoryLogs/spark-application-1700000000000", body).await;
    emu::reset_calls(&acct);
    let part = 1u64 << 20;
    let progress = Arc::new(Progress::default());
    let source = EventLogSource::S3("s3://ranged-logs/sparkHistoryLogs/".into());
    let reading = Reading { part_size: part, parallelism: 4 };
    let objects = emu::objects(&acct).await;
    let from_s3 =
        load_with(&source, objects, Options::default(), None, reading, progress.clone()).await.expect("read from S3");
    let here = summarize(&local, &Options::default()).expect("local");
    std::fs::remove_dir_all(&dir).expect("cleanup");
    assert_eq!(from_s3.to_json(), here.to_json(), "the same summary, field by field");
    assert!(here.stages.iter().map(|s| s.completed_tasks).sum::<i64>() > 10_000, "many tasks");
    let parts = size.div_ceil(part);
    assert_eq!(emu::calls_of(&acct, "GetObject"), parts, "{}", emu::calls(&acct));
    let mut got = ranges(&acct);
    got.sort();
    let want: Vec<(u64, u64)> = (0..parts).map(|i| (i * part, ((i + 1) * part).min(size) - 1)).collect();
    assert_eq!(got, want, "every byte once, by Range requests of the part size");
    assert_eq!(progress.seen(), None, "the read is over");
    assert_eq!(progress.arrived().load(std::sync::atomic::Ordering::Relaxed), size);
}

#[tokio::test]
async fn a_failed_range_is_retried_by_the_read_policy_or_named() {
    let acct = fresh_account();
    let body = std::fs::read(fixture("local-1532512550423")).expect("fixture");
    let key = "sparkHistoryLogs/spark-application-1700000000000";
    put(&acct, "ranged-faults", key, body).await;
    let source = EventLogSource::S3("s3://ranged-faults/sparkHistoryLogs/".into());
    let reading = Reading { part_size: 16 << 10, parallelism: 2 };
    let want = summarize(&fixture("local-1532512550423"), &Options::default()).expect("local").to_json();
    // Retried: one more GetObject than there are parts.
    emu::reset_calls(&acct);
    emu::fault(&acct, "GetObject", "http500", 1, 0);
    let quick =
        RetryPolicy { base: Duration::from_millis(5), cap: Duration::from_millis(20), ..RetryPolicy::default() };
    let objects = emu::objects_retrying(&acct, quick).await;
    let got = load_with(&source, objects, Options::default(), None, reading, Arc::default()).await.expect("retried");
    assert_eq!(got.to_json(), want);
    assert_eq!(emu::calls_of(&acct, "GetObject"), 4 + 1, "{}", emu::calls(&acct));
    // Not retried: one line naming the object and the offset.
    emu::fault(&acct, "GetObject", "http500", 1, 0);
    let objects = emu::objects(&acct).await;
    let e = load_with(&source, objects, Options::default(), None, reading, Arc::default()).await.expect_err("fails");
    assert!(e.starts_with(&format!("reading s3://ranged-faults/{key} at byte ")), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
}
