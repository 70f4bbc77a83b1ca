//! Stream membership by tag for every kind, against the emulator through the real SDK: a
//! workflow, a crawler and a Data Quality ruleset tagged `stream=orders`, whose names match no
//! regex and that no job links to, belong to `orders`; their tags come in one
//! tag:GetResources call per kind (counted at the emulator), none at rest; where
//! tag:GetResources is denied, one GetTags per resource; where both are denied, one warning
//! naming the permission, and no call again for a while.

mod support;

use std::time::Duration;

use batchtop::aws::sdk::RetryPolicy;
use batchtop::aws::{ErrorKind, Tagged};
use batchtop::poll::{CrawlersSource, Every, Source, SourceData, TagCache, WorkflowsSource};
use chrono::Utc;
use serde_json::{Value, json};
use support::emu::{self, calls_of, clear_faults, control, fault, fresh_account, reset_calls};

fn tags(stream: &str) -> std::collections::HashMap<String, String> {
    [("stream".to_string(), stream.to_string()), ("team".to_string(), "data".to_string())].into()
}

/// One job of orders (tagged); a workflow, a crawler and a ruleset tagged orders under names
/// no regex maps; an untagged workflow and crawler; a failed Data Quality result of the ruleset
/// on a table whose name says nothing.
async fn seed(acct: &str) {
    let now = Utc::now().timestamp() as f64;
    emu::seed_tagged_job(acct, "orders_publish", "orders");
    let glue = emu::glue_client(acct).await;
    for (name, t) in [("nightly_load", Some(tags("orders"))), ("housekeeping", None)] {
        glue.create_workflow().name(name).set_tags(t).send().await.expect("CreateWorkflow");
    }
    let target = aws_sdk_glue::types::CrawlerTargets::builder()
        .s3_targets(aws_sdk_glue::types::S3Target::builder().path("s3://landing/x/").build())
        .build();
    for (name, t) in [("raw_landing_scan", Some(tags("orders"))), ("misc_scan", None)] {
        let role = format!("arn:aws:iam::{acct}:role/GlueCrawler");
        let req = glue.create_crawler().name(name).role(role).database_name("raw").targets(target.clone());
        req.set_tags(t).send().await.expect("CreateCrawler");
    }
    glue.create_data_quality_ruleset()
        .name("quality_gate")
        .ruleset("Rules = [ RowCount > 0 ]")
        .set_tags(Some(tags("orders")))
        .send()
        .await
        .expect("CreateDataQualityRuleset");
    control(
        "/batchtop/glue/dq-result",
        &json!({"account_id": acct, "region": emu::REGION, "data_source": {"database": "curated", "table": "sales_daily"},
                "ruleset_name": "quality_gate", "score": 0.5, "started_on": now - 200.0, "completed_on": now - 190.0,
                "rules": [{"name": "RowCount > 0", "result": "PASS"}, {"name": "IsComplete \"id\"", "result": "FAIL"}]}),
    );
}

fn snapshot(acct: &str) -> (std::process::Output, Value) {
    let dir = std::env::temp_dir().join(format!("batchtop-stream-tags-{acct}"));
    std::fs::create_dir_all(&dir).expect("dir");
    let config = dir.join("config.toml");
    std::fs::write(&config, "[streams]\nname_regex = \"^(orders|payments)_\"\n").expect("config");
    let out = emu::run_as(acct, &["--config", config.to_str().expect("path"), "snapshot", "--no-cost"]);
    let _ = std::fs::remove_dir_all(&dir);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, doc)
}

fn orders(doc: &Value) -> Value {
    let streams = doc["streams"].as_array().unwrap_or_else(|| panic!("streams: {doc}"));
    streams.iter().find(|s| s["name"] == "orders").cloned().unwrap_or_else(|| panic!("{streams:?}"))
}

#[tokio::test]
async fn tagged_workflows_crawlers_and_rulesets_join_their_stream_in_few_calls() {
    let acct = fresh_account();
    seed(&acct).await;
    reset_calls(&acct);
    let (out, doc) = snapshot(&acct);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = orders(&doc);
    assert_eq!(s["jobs"], json!(["orders_publish"]));
    assert_eq!(s["workflows"], json!(["nightly_load"]), "{s}");
    assert_eq!(s["crawlers"], json!(["raw_landing_scan"]), "{s}");
    assert_eq!(s["dq_score"], json!(0.5), "the ruleset's result is the stream's: {s}");
    assert_eq!(s["status"], "degraded", "{s}");
    let (resources, get_tags) = (calls_of(&acct, "GetResources"), calls_of(&acct, "GetTags"));
    eprintln!("tag calls for 1 job, 2 workflows, 2 crawlers, 1 ruleset: GetResources {resources}, GetTags {get_tags}");
    assert_eq!((resources, get_tags), (4, 0), "one GetResources per kind (jobs, workflows, crawlers, rulesets)");

    // tag:GetResources denied: one GetTags per resource, the same streams, no error.
    reset_calls(&acct);
    fault(&acct, "GetResources", "access_denied", 4, 0);
    let (out, doc) = snapshot(&acct);
    clear_faults(&acct);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(doc["errors"], json!([]));
    let s = orders(&doc);
    assert_eq!((&s["workflows"], &s["crawlers"]), (&json!(["nightly_load"]), &json!(["raw_landing_scan"])), "{s}");
    assert_eq!(s["dq_score"], json!(0.5), "{s}");
    assert_eq!(calls_of(&acct, "GetResources"), 4);
    assert_eq!(calls_of(&acct, "GetTags"), 6, "1 job + 2 workflows + 2 crawlers + 1 ruleset");
}

fn every() -> Every {
    Every { every: Duration::from_secs(60), max_backoff: Duration::from_secs(60) }
}

#[tokio::test]
async fn the_pollers_read_tags_once_and_tell_a_denial_as_one_warning() {
    let acct = fresh_account();
    seed(&acct).await;
    let account = emu::account_retrying(&acct, RetryPolicy::none()).await;
    let cache = |kind| Some(TagCache::new(account.glue.clone(), kind));
    let mut workflows = WorkflowsSource {
        read: account.workflows.clone(),
        every: every(),
        tags: cache(Tagged::Workflow),
        running_jobs: None,
        names: None,
    };
    let mut crawlers =
        CrawlersSource { read: account.crawlers.clone(), every: every(), tags: cache(Tagged::Crawler), names: None };
    reset_calls(&acct);
    let batch = workflows.fetch(Utc::now()).await.expect("workflows");
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    let SourceData::Workflows(w) = batch.data else { panic!("workflows") };
    let stream = |t: &std::collections::BTreeMap<String, String>| t.get("stream").cloned();
    let by_name: Vec<(String, Option<String>)> = w.iter().map(|w| (w.name.clone(), stream(&w.tags))).collect();
    assert_eq!(by_name, [("housekeeping".into(), None), ("nightly_load".into(), Some("orders".into()))]);
    let batch = crawlers.fetch(Utc::now()).await.expect("crawlers");
    let SourceData::Crawlers(c) = batch.data else { panic!("crawlers") };
    let tagged: Vec<&str> = c.iter().filter(|c| stream(&c.tags).is_some()).map(|c| c.name.as_str()).collect();
    assert_eq!(tagged, ["raw_landing_scan"]);
    assert_eq!(calls_of(&acct, "GetResources"), 2, "one per kind");
    // At rest: the next cycles ask for no tags.
    for _ in 0..3 {
        workflows.fetch(Utc::now()).await.expect("workflows");
        crawlers.fetch(Utc::now()).await.expect("crawlers");
    }
    assert_eq!((calls_of(&acct, "GetResources"), calls_of(&acct, "GetTags")), (2, 0));

    // A new crawler, with both tag reads denied: the crawlers still load, with one warning that
    // names the permission; the next cycle asks nothing and tells the same warning.
    let glue = emu::glue_client(&acct).await;
    let target = aws_sdk_glue::types::CrawlerTargets::builder()
        .s3_targets(aws_sdk_glue::types::S3Target::builder().path("s3://landing/y/").build())
        .build();
    let role = format!("arn:aws:iam::{acct}:role/GlueCrawler");
    let req = glue.create_crawler().name("late_scan").role(role).database_name("raw").targets(target);
    req.set_tags(Some(tags("orders"))).send().await.expect("CreateCrawler");
    reset_calls(&acct);
    fault(&acct, "GetResources", "access_denied", 100, 0);
    fault(&acct, "GetTags", "access_denied", 100, 0);
    let batch = crawlers.fetch(Utc::now()).await.expect("the crawlers load");
    let SourceData::Crawlers(c) = &batch.data else { panic!("crawlers") };
    assert_eq!(c.len(), 3);
    assert_eq!(batch.errors.len(), 1, "{:?}", batch.errors);
    assert_eq!(batch.errors[0].kind, ErrorKind::AccessDenied);
    assert!(batch.errors[0].message.contains("glue:GetTags"), "{}", batch.errors[0]);
    assert!(!crawlers.backs_off(&batch.errors[0]), "a tag read does not slow the crawlers down");
    assert_eq!((calls_of(&acct, "GetResources"), calls_of(&acct, "GetTags")), (1, 1));
    let again = crawlers.fetch(Utc::now()).await.expect("the crawlers load");
    assert_eq!(again.errors.len(), 1);
    assert_eq!((calls_of(&acct, "GetResources"), calls_of(&acct, "GetTags")), (1, 1), "not asked again at once");
    clear_faults(&acct);
}
