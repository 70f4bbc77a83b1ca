//! Event logs on S3 (the emulator's): a rolling folder summarised through the binary equals
//! the local summary, and Glue's --spark-event-logs-path holds several applications of which
//! the one started with the run is read.

mod support;

use batchtop::eventlog::{Options, summarize};
use batchtop::state::eventlog::EventLogSource;
use serde_json::Value;
use support::emu::{self, fresh_account};

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}/../shared/fixtures/spark-events/{name}", env!("CARGO_MANIFEST_DIR")))
}

async fn upload_dir(s3: &aws_sdk_s3::Client, bucket: &str, prefix: &str, dir: &std::path::Path) {
    for entry in std::fs::read_dir(dir).expect("fixture dir") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_string_lossy().to_string();
        let body = std::fs::read(&path).expect("read");
        s3.put_object()
            .bucket(bucket)
            .key(format!("{prefix}{name}"))
            .body(body.into())
            .send()
            .await
            .expect("PutObject");
    }
}

#[tokio::test]
async fn a_rolling_log_on_s3_reads_as_the_local_copy() {
    let acct = fresh_account();
    let s3 = emu::s3_client(&acct).await;
    s3.create_bucket().bucket("spark-logs").send().await.expect("CreateBucket");
    let local = fixture("eventlog_v2_local-1623876083964");
    upload_dir(&s3, "spark-logs", "emr/applications/app1/jobs/run1/sparklogs/eventlog_v2_local-1623876083964/", &local)
        .await;
    let out = emu::run_as(
        &acct,
        &["eventlog", "summarize", "--json", "s3://spark-logs/emr/applications/app1/jobs/run1/sparklogs/"],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let from_s3: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let here = summarize(&local, &Options::default()).expect("local").to_json();
    assert_eq!(from_s3["stages"], here["stages"]);
    assert_eq!(from_s3["jobs"], here["jobs"]);
    assert_eq!(from_s3["app_id"], here["app_id"]);
}

#[tokio::test]
async fn glue_reads_the_application_started_with_the_run() {
    let acct = fresh_account();
    let s3 = emu::s3_client(&acct).await;
    s3.create_bucket().bucket("glue-assets").send().await.expect("CreateBucket");
    let a = std::fs::read(fixture("local-1422981780767")).expect("fixture a");
    let b = std::fs::read(fixture("local-1532512550423")).expect("fixture b");
    for (name, body) in [("spark-application-1700000000000", a), ("spark-application-1700000600000", b)] {
        s3.put_object()
            .bucket("glue-assets")
            .key(format!("sparkHistoryLogs/{name}"))
            .body(body.into())
            .send()
            .await
            .expect("put");
    }
    let objects = emu::objects(&acct).await;
    let source = EventLogSource::S3("s3://glue-assets/sparkHistoryLogs/".into());
    let second = batchtop::app::fetch::load(&source, objects.clone(), Options::default(), Some(1_700_000_590_000))
        .await
        .expect("read");
    let want = summarize(&fixture("local-1532512550423"), &Options::default()).expect("local");
    assert_eq!(second.app_id, want.app_id, "the application started just after the run");
    let none = batchtop::app::fetch::load(&source, objects, Options::default(), Some(1_800_000_000_000)).await;
    assert!(none.is_err_and(|e| e.contains("no Spark event log under")));
}

/// Summaries from a follow task until one equals `want` (or 10 s pass); the last one.
async fn until_whole(
    rx: &mut tokio::sync::mpsc::Receiver<Result<batchtop::eventlog::Summary, String>>,
    first: batchtop::eventlog::Summary,
    want: &Value,
) -> batchtop::eventlog::Summary {
    let mut last = first;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while last.to_json()["stages"] != want["stages"] && std::time::Instant::now() < deadline {
        if let Ok(Some(Ok(s))) = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv()).await {
            last = s;
        }
    }
    last
}

/// The first `n` lines of a plain fixture, as bytes.
fn head(path: &std::path::Path, n: usize) -> Vec<u8> {
    let text = std::fs::read_to_string(path).expect("fixture");
    let mut out = String::new();
    for l in text.lines().take(n) {
        out.push_str(l);
        out.push('\n');
    }
    out.into_bytes()
}

#[tokio::test]
async fn a_growing_log_on_s3_is_followed_by_byte_range_and_ends_as_the_whole_file() {
    let acct = fresh_account();
    let s3 = emu::s3_client(&acct).await;
    s3.create_bucket().bucket("glue-follow-assets").send().await.expect("CreateBucket");
    let path = fixture("local-1532512550423");
    let whole = std::fs::read(&path).expect("fixture");
    let lines = std::str::from_utf8(&whole).expect("utf8").lines().count();
    let key = "sparkHistoryLogs/spark-application-1700000000000.inprogress";
    let put = |body: Vec<u8>| {
        let s3 = s3.clone();
        async move {
            s3.put_object().bucket("glue-follow-assets").key(key).body(body.into()).send().await.expect("PutObject")
        }
    };
    put(head(&path, lines / 2)).await;
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let task = tokio::spawn(batchtop::app::fetch::follow(
        EventLogSource::S3("s3://glue-follow-assets/sparkHistoryLogs/".into()),
        emu::objects(&acct).await,
        Options::default(),
        None,
        batchtop::app::fetch::Following { every: std::time::Duration::from_millis(200), ..Default::default() },
        tx,
    ));
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await
        .expect("a first summary")
        .expect("open")
        .expect("readable");
    let want = summarize(&path, &Options::default()).expect("whole").to_json();
    assert_ne!(first.to_json()["stages"], want["stages"], "half the log is not the whole");
    emu::reset_calls(&acct);
    put(whole.clone()).await;
    let last = until_whole(&mut rx, first, &want).await;
    task.abort();
    let got = last.to_json();
    assert_eq!(got["stages"], want["stages"]);
    assert_eq!(got["jobs"], want["jobs"]);
    assert_eq!(got["executors"], want["executors"]);
    // Only the new bytes were fetched: one GetObject (a Range request) after the object grew.
    assert_eq!(emu::calls_of(&acct, "GetObject"), 1, "{}", emu::calls(&acct));
}

#[tokio::test]
async fn a_growing_local_log_is_followed() {
    let path = fixture("local-1422981780767");
    let whole = std::fs::read(&path).expect("fixture");
    let lines = std::str::from_utf8(&whole).expect("utf8").lines().count();
    let dir = std::env::temp_dir().join(format!("batchtop-follow-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("app.inprogress");
    std::fs::write(&file, head(&path, lines / 3)).expect("write");
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let task = tokio::spawn(batchtop::app::fetch::follow(
        EventLogSource::Local(file.clone()),
        std::sync::Arc::new(batchtop::aws::NoObjects),
        Options::default(),
        None,
        batchtop::app::fetch::Following { every: std::time::Duration::from_millis(100), ..Default::default() },
        tx,
    ));
    let first = rx.recv().await.expect("open").expect("readable");
    std::fs::write(&file, &whole).expect("grow");
    let want = summarize(&path, &Options::default()).expect("whole").to_json();
    let last = until_whole(&mut rx, first, &want).await;
    task.abort();
    assert_eq!(last.to_json()["stages"], want["stages"]);
    let _ = std::fs::remove_dir_all(&dir);
}
