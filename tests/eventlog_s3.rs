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
