//! A stream whose only members are a tagged workflow and a tagged crawler (no job names it,
//! discovery off) still gets its landing read, against the emulator through the real SDK: in
//! `snapshot`, and in the pollers the TUI starts (the workflows and crawlers pollers tell the
//! landing source their streams).

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::app::msg::{Msg, SourceId};
use batchtop::poll::{self, Pollers, SourceData};
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, control, fresh_account};
use tokio::sync::mpsc;

fn config(bucket: &str) -> String {
    format!("[streams]\ndiscover = false\ntimezone = \"UTC\"\nlanding = \"s3://{bucket}/{{stream}}/\"\n")
}

/// A workflow and a crawler tagged `stream=clicks`, one untagged crawler, and today's landing
/// partition of clicks (two objects and a marker: three objects). No job at all.
async fn seed(acct: &str, bucket: &str) {
    let glue = emu::glue_client(acct).await;
    let tags = |s: &str| Some([("stream".to_string(), s.to_string())].into());
    glue.create_workflow().name("web_sessions_flow").set_tags(tags("clicks")).send().await.expect("CreateWorkflow");
    let target = aws_sdk_glue::types::CrawlerTargets::builder()
        .s3_targets(aws_sdk_glue::types::S3Target::builder().path(format!("s3://{bucket}/clicks/")).build())
        .build();
    for (name, t) in [("web_scan", tags("clicks")), ("misc_scan", None)] {
        let role = format!("arn:aws:iam::{acct}:role/GlueCrawler");
        let req = glue.create_crawler().name(name).role(role).database_name("raw").targets(target.clone());
        req.set_tags(t).send().await.expect("CreateCrawler");
    }
    let now = Utc::now();
    let today = now.date_naive();
    let at = (now - chrono::Duration::minutes(20)).timestamp() as f64;
    control(
        "/batchtop/s3/objects",
        &json!({"account_id": acct, "bucket": bucket, "objects": [
            {"key": format!("clicks/dt={today}/part-0.parquet"), "size": 700, "last_modified": at},
            {"key": format!("clicks/dt={today}/part-1.parquet"), "size": 300, "last_modified": at},
            {"key": format!("clicks/dt={today}/_SUCCESS"), "size": 0, "last_modified": at},
        ]}),
    );
}

#[tokio::test]
async fn snapshot_reads_the_landing_of_a_stream_of_only_a_workflow_and_a_crawler() {
    let acct = fresh_account();
    let bucket = format!("landing-{acct}");
    seed(&acct, &bucket).await;
    let dir = std::env::temp_dir().join(format!("batchtop-landing-names-{acct}"));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("config.toml");
    std::fs::write(&path, config(&bucket)).expect("config");
    let out = emu::run_as(&acct, &["--config", path.to_str().expect("path"), "snapshot", "--no-cost"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let streams = doc["streams"].as_array().unwrap_or_else(|| panic!("streams: {doc}"));
    let clicks = streams.iter().find(|s| s["name"] == "clicks").unwrap_or_else(|| panic!("{streams:?}"));
    assert_eq!((&clicks["workflows"], &clicks["crawlers"]), (&json!(["web_sessions_flow"]), &json!(["web_scan"])));
    let landing = &clicks["landing"];
    assert_eq!(landing["uri"], json!(format!("s3://{bucket}/clicks/")), "{clicks}");
    assert_eq!(
        (&landing["objects"], &landing["bytes"], &landing["success_marker"]),
        (&json!(3), &json!(1000), &json!(true))
    );
}

#[tokio::test]
async fn the_pollers_read_the_landing_of_a_stream_of_only_a_workflow_and_a_crawler() {
    let acct = fresh_account();
    let bucket = format!("landing-{acct}");
    seed(&acct, &bucket).await;
    let settings = Arc::new(batchtop::config::parse(&config(&bucket), "test").expect("config"));
    let mut account = emu::account(&acct).await;
    let loaded = batchtop::aws::sdk::load(&emu::options(&emu::url())).await.expect("sdk config");
    let s3 = emu::s3_client(&acct).await;
    account.landing = Arc::new(batchtop::aws::sdk::s3::SdkS3::new(s3, loaded.ctx, account.stats.clone()));
    let clock: poll::Clock = Arc::new(Utc::now);
    let (tx, mut rx) = mpsc::channel::<Msg>(256);
    let _pollers = Pollers::start(&account, &settings, &clock, &tx);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let reads = loop {
        let msg =
            tokio::time::timeout_at(deadline, rx.recv()).await.expect("the landing source reports").expect("open");
        let Msg::Loaded(l) = msg else { continue };
        if l.source != SourceId::Landing {
            continue;
        }
        let batch = l.result.expect("the landing cycle");
        let SourceData::Landing(reads) = batch.data else { panic!("landing data") };
        break reads;
    };
    let streams: Vec<&str> = reads.landings.iter().map(|l| l.stream.as_str()).collect();
    assert_eq!(streams, ["clicks"], "the untagged crawler names no stream");
    let l = &reads.landings[0];
    assert_eq!((l.today.objects, l.today.bytes, l.today.success_marker), (3, 1000, true), "{l:?}");
}
