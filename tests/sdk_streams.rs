//! The streams' reads against the emulator through the real SDK: a landing prefix with
//! 10,000 older objects is read by listing today's and yesterday's partitions only (the calls
//! and their prefixes are counted at the emulator); catalog partitions come from GetPartitions
//! with an expression; the seeded SCHEDULED triggers' next fire times; `snapshot`'s `streams`
//! field by field.

mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use support::emu::{self, control, fresh_account};

fn section(toml: &str) -> batchtop::streams::StreamsSection {
    batchtop::config::parse(toml, "test").expect("config").config.streams
}

async fn landing(acct: &str) -> Arc<dyn batchtop::aws::LandingRead> {
    let loaded = batchtop::aws::sdk::load(&emu::options(&emu::url())).await.expect("sdk config");
    Arc::new(batchtop::aws::sdk::s3::SdkS3::new(
        emu::s3_client(acct).await,
        loaded.ctx,
        Arc::new(batchtop::aws::ApiStats::new()),
    ))
}

static GATE: std::sync::LazyLock<batchtop::poll::Gate> = std::sync::LazyLock::new(batchtop::poll::Gate::default);

fn through<'a>(
    landing: &'a dyn batchtop::aws::LandingRead,
    catalog: &'a dyn batchtop::aws::CatalogRead,
) -> batchtop::poll::streams::Reads<'a> {
    batchtop::poll::streams::Reads { landing, catalog, gate: &GATE }
}

fn epoch(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The ListObjectsV2 calls the emulator saw in `acct`: (prefix, delimiter).
fn listings(acct: &str) -> Vec<(String, String)> {
    let calls = emu::get(&format!("/batchtop/s3-calls?account_id={acct}"));
    calls["calls"]
        .as_array()
        .expect("calls")
        .iter()
        .filter(|c| c["list-type"] == "2")
        .map(|c| (c["prefix"].as_str().unwrap_or("").to_string(), c["delimiter"].as_str().unwrap_or("").to_string()))
        .collect()
}

/// 100 older days of 100 objects each under `orders/`, and today's and yesterday's partitions.
fn seed_landing(acct: &str, bucket: &str, now: DateTime<Utc>) {
    let today = now.date_naive();
    let older: Vec<String> = (2..102).map(|d| (today - Duration::days(d)).to_string()).collect();
    let seeded = control(
        "/batchtop/s3/objects",
        &json!({"account_id": acct, "bucket": bucket,
                "bulk": {"prefix": "orders/dt=", "days": older, "per_day": 100, "size": 10,
                         "last_modified": epoch(now - Duration::days(3))}}),
    );
    assert_eq!(seeded["objects"], 10_000);
    let y = today - Duration::days(1);
    control(
        "/batchtop/s3/objects",
        &json!({"account_id": acct, "bucket": bucket, "objects": [
            {"key": format!("orders/dt={today}/part-0.parquet"), "size": 1000, "last_modified": epoch(now - Duration::minutes(30))},
            {"key": format!("orders/dt={today}/part-1.parquet"), "size": 3000, "last_modified": epoch(now - Duration::minutes(10))},
            {"key": format!("orders/dt={today}/_SUCCESS"), "size": 0, "last_modified": epoch(now - Duration::minutes(9))},
            {"key": format!("orders/dt={y}/part-0.parquet"), "size": 500, "last_modified": epoch(now - Duration::hours(20))},
        ]}),
    );
}

#[tokio::test]
async fn landing_lists_only_todays_and_yesterdays_partitions() {
    let acct = fresh_account();
    let bucket = format!("landing-{acct}");
    let now = Utc::now();
    seed_landing(&acct, &bucket, now);
    emu::reset_calls(&acct);
    let sec =
        section(&format!("[streams]\ndiscover = false\nlanding = \"s3://{bucket}/{{stream}}/\"\ntimezone = \"UTC\"\n"));
    let reader = landing(&acct).await;
    let names = BTreeSet::from(["orders".to_string()]);
    let batch =
        batchtop::poll::streams::read(through(reader.as_ref(), &batchtop::aws::NoCatalog), &sec, names.clone(), now)
            .await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let (today, yesterday) = (now.date_naive(), now.date_naive() - Duration::days(1));
    let mut calls = listings(&acct);
    calls.sort();
    eprintln!("ListObjectsV2 calls with 10,000 older objects present: {} {calls:?}", calls.len());
    let mut want =
        vec![(format!("orders/dt={today}/"), String::new()), (format!("orders/dt={yesterday}/"), String::new())];
    want.sort();
    assert_eq!(calls, want);
    let batchtop::poll::SourceData::Landing(reads) = batch.data else { panic!("landing data") };
    let l = &reads.landings[0];
    assert_eq!((l.today.objects, l.today.bytes, l.today.success_marker), (3, 4000, true));
    assert_eq!((l.yesterday.objects, l.yesterday.success_marker), (1, false));
    assert_eq!(l.newest().map(|t| t.timestamp()), Some(epoch(now - Duration::minutes(9))));
    // Discovery adds one listing of the root, one level deep (Delimiter "/").
    emu::reset_calls(&acct);
    let sec = section(&format!("[streams]\nlanding = \"s3://{bucket}/{{stream}}/\"\n"));
    let batch =
        batchtop::poll::streams::read(through(reader.as_ref(), &batchtop::aws::NoCatalog), &sec, BTreeSet::new(), now)
            .await;
    let batchtop::poll::SourceData::Landing(reads) = batch.data else { panic!("landing data") };
    assert_eq!(reads.discovered, ["orders"]);
    let calls = listings(&acct);
    eprintln!("with discovery: {calls:?}");
    assert_eq!(calls.len(), 3);
    assert!(calls.contains(&(String::new(), "/".to_string())));
}

fn seed_catalog(acct: &str, now: DateTime<Utc>) {
    let today = now.date_naive();
    let parts: Vec<Value> = (0..30)
        .map(|d| json!({"values": [(today - Duration::days(d)).to_string()], "created": epoch(now - Duration::days(d) - Duration::hours(1))}))
        .collect();
    let ymd: Vec<Value> = (0..10)
        .map(|d| {
            let day = today - Duration::days(d);
            json!({"values": [day.format("%Y").to_string(), day.format("%m").to_string(), day.format("%d").to_string()],
                   "created": epoch(now - Duration::days(d))})
        })
        .collect();
    control(
        "/batchtop/glue/catalog",
        &json!({"account_id": acct, "region": emu::REGION, "databases": [{"name": "curated", "tables": [
            {"name": "orders_publish", "partition_keys": ["dt"], "update_time": epoch(now - Duration::minutes(50)), "partitions": parts},
            {"name": "payments_publish", "partition_keys": ["dt"], "partitions": []},
        ]}, {"name": "events", "tables": [
            {"name": "orders_clicks", "partition_keys": ["year", "month", "day"], "partitions": ymd},
        ]}]}),
    );
}

#[tokio::test]
async fn catalog_partitions_come_from_an_expression() {
    let acct = fresh_account();
    let now = Utc::now();
    seed_catalog(&acct, now);
    let account = emu::account(&acct).await;
    let (today, yesterday) = (now.date_naive(), now.date_naive() - Duration::days(1));
    let layout = batchtop::streams::Layout::parse("dt={yyyy-MM-dd}").expect("layout");
    let expr = layout.expression(&["dt".to_string()], &[today, yesterday]).expect("expression");
    assert_eq!(expr, format!("(dt = '{today}') OR (dt = '{yesterday}')"));
    let parts = account.catalog.partitions("curated", "orders_publish", &expr).await.expect("GetPartitions");
    assert_eq!(parts.len(), 2, "{parts:?}");
    emu::reset_calls(&acct);
    let sec = section("[streams]\ncatalog = [\"curated.{stream}_*\"]\ntimezone = \"UTC\"\n");
    let names = BTreeSet::from(["orders".to_string()]);
    let batch =
        batchtop::poll::streams::read(through(&batchtop::aws::NoLanding, account.catalog.as_ref()), &sec, names, now)
            .await;
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let batchtop::poll::SourceData::Landing(reads) = batch.data else { panic!("landing data") };
    assert_eq!(reads.tables.len(), 1, "payments_publish is not an orders table: {:?}", reads.tables);
    let t = &reads.tables[0];
    assert_eq!(t.table, "curated.orders_publish");
    assert_eq!(t.newest_partition.as_deref(), Some(format!("dt={today}").as_str()));
    assert_eq!(t.partition_created.map(|c| c.timestamp()), Some(epoch(now - Duration::hours(1))));
    assert_eq!(t.update_time.map(|c| c.timestamp()), Some(epoch(now - Duration::minutes(50))));
    assert_eq!((emu::calls_of(&acct, "GetTables"), emu::calls_of(&acct, "GetPartitions")), (1, 1));
    // A year/month/day layout asks for the two days by their three keys.
    let sec = section(
        "[streams]\ncatalog = [\"events.{stream}_clicks\"]\npartition = \"year={yyyy}/month={MM}/day={dd}\"\ntimezone = \"UTC\"\n",
    );
    let names = BTreeSet::from(["orders".to_string()]);
    let batch =
        batchtop::poll::streams::read(through(&batchtop::aws::NoLanding, account.catalog.as_ref()), &sec, names, now)
            .await;
    let batchtop::poll::SourceData::Landing(reads) = batch.data else { panic!("landing data") };
    let want = format!("year={}/month={}/day={}", today.format("%Y"), today.format("%m"), today.format("%d"));
    assert_eq!(reads.tables[0].newest_partition.as_deref(), Some(want.as_str()));
}

fn seed_pipeline(acct: &str, now: DateTime<Utc>) {
    let t = |m: i64| (now - Duration::minutes(m)).timestamp() as f64;
    control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [
            {"name": "orders_ingest", "tags": {"stream": "orders"}, "runs": [
                {"state": "SUCCEEDED", "started_on": t(90), "completed_on": t(80)}]},
            {"name": "orders_publish", "tags": {"stream": "orders"}, "runs": [
                {"state": "SUCCEEDED", "started_on": t(60), "completed_on": t(45)}]}]}),
    );
    control(
        "/batchtop/glue/workflow",
        &json!({"account_id": acct, "region": emu::REGION, "name": "orders_pipeline", "triggers": [
            {"name": "orders_nightly", "type": "SCHEDULED", "schedule": "cron(0 2 * * ? *)", "actions": [{"job_name": "orders_ingest"}]},
            {"name": "orders_hourly", "type": "SCHEDULED", "schedule": "cron(30 * * * ? *)", "actions": [{"job_name": "orders_ingest"}]}]}),
    );
}

#[tokio::test]
async fn next_fire_times_of_the_seeded_triggers() {
    let acct = fresh_account();
    let now = Utc::now();
    seed_pipeline(&acct, now);
    let account = emu::account(&acct).await;
    let triggers = account.catalog.triggers().await.expect("GetTriggers");
    let by_name = |n: &str| triggers.iter().find(|t| t.name == n).unwrap_or_else(|| panic!("{n}: {triggers:?}"));
    let nightly = by_name("orders_nightly");
    assert_eq!((nightly.kind.as_str(), nightly.state.as_str()), ("SCHEDULED", "ACTIVATED"));
    assert_eq!(nightly.workflow.as_deref(), Some("orders_pipeline"));
    let next =
        batchtop::model::schedule::next_fire(nightly.schedule.as_deref().expect("schedule"), now).expect("fires");
    let want = (now.date_naive()
        + Duration::days(if now.format("%H:%M").to_string().as_str() < "02:00" { 0 } else { 1 }))
    .and_hms_opt(2, 0, 0)
    .expect("02:00")
    .and_utc();
    assert_eq!(next, want);
    let hourly =
        batchtop::model::schedule::next_fire(by_name("orders_hourly").schedule.as_deref().expect("schedule"), now)
            .expect("fires");
    assert!(hourly > now && hourly - now <= Duration::hours(1) && hourly.format("%M").to_string() == "30", "{hourly}");
}

#[tokio::test]
async fn snapshot_streams_field_by_field() {
    let acct = fresh_account();
    let bucket = format!("landing-{acct}");
    let now = Utc::now();
    seed_landing(&acct, &bucket, now);
    seed_catalog(&acct, now);
    seed_pipeline(&acct, now);
    let dir = std::env::temp_dir().join(format!("batchtop-streams-{acct}"));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("config.toml");
    let text = format!(
        "[streams]\nlanding = \"s3://{bucket}/{{stream}}/\"\ncatalog = [\"curated.{{stream}}_publish\"]\ntimezone = \"UTC\"\nfinal = \"{{stream}}_publish\"\nfresh_within = \"26h\"\n"
    );
    std::fs::write(&config, text).expect("config");
    let out = emu::run_as(&acct, &["--config", config.to_str().expect("path"), "snapshot", "--no-cost"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let streams = doc["streams"].as_array().expect("streams");
    let s = streams.iter().find(|s| s["name"] == "orders").unwrap_or_else(|| panic!("{streams:?}"));
    let ts = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let today = now.date_naive();
    assert_eq!(s["status"], "ok", "{s}");
    assert_eq!(s["jobs"], json!(["orders_ingest", "orders_publish"]));
    assert_eq!(s["workflows"], json!(["orders_pipeline"]));
    assert_eq!(s["crawlers"], json!([]));
    assert_eq!(
        s["landing"],
        json!({"uri": format!("s3://{bucket}/orders/"), "newest_object_at": ts(now - Duration::minutes(9)),
               "objects": 3, "bytes": 4000, "success_marker": true})
    );
    assert_eq!(
        s["catalog"],
        json!([{"table": "curated.orders_publish", "newest_partition": format!("dt={today}"),
                "partition_created_at": ts(now - Duration::hours(1))}])
    );
    assert_eq!(s["last_success_at"], ts(now - Duration::minutes(45)));
    assert_eq!(s["fresh_within_s"], 26 * 3600);
    assert_eq!(s["ready_by"], Value::Null);
    assert_eq!(s["late_by_s"], Value::Null);
    assert_eq!(s["open_items"], 0);
    assert_eq!(s["dq_score"], Value::Null);
    assert_eq!(s["cost_yesterday"], Value::Null);
    let next = s["next_run_at"].as_str().expect("next run");
    assert!(next > ts(now).as_str() && next.ends_with(":30:00Z") || next.ends_with("T02:00:00Z"), "{next}");
    let keys: BTreeSet<&str> = s.as_object().expect("object").keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = [
        "name",
        "status",
        "jobs",
        "workflows",
        "crawlers",
        "landing",
        "catalog",
        "last_success_at",
        "fresh_within_s",
        "ready_by",
        "late_by_s",
        "open_items",
        "dq_score",
        "cost_yesterday",
        "next_run_at",
    ]
    .into();
    assert_eq!(keys, want);
    let _ = std::fs::remove_dir_all(&dir);
}
