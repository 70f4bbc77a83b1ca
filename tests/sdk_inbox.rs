//! The inbox against the emulator, through the real SDK: one item per resource with the
//! right count and status, a later success that recovers it, a generic message classified
//! from the seeded driver log (read within its bounds), and `batchtop check`'s exit codes.

mod support;

use std::sync::Arc;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use chrono::Utc;
use serde_json::{Value, json};
use support::cli::Env;
use support::emu::{self, calls_of, control, fresh_account};

const H: f64 = 3600.0;

fn run(id: &str, state: &str, started: f64, message: Option<&str>) -> Value {
    let mut r = json!({"id": id, "state": state, "started_on": started, "completed_on": started + 300.0, "execution_time": 300});
    if let Some(m) = message {
        r["error_message"] = json!(m);
    }
    r
}

fn seed(acct: &str, now: f64) -> (String, String) {
    let generic = format!("jr_{:064x}", 11);
    let recovered = format!("jr_{:064x}", 21);
    let jobs = json!([
        {"name": "orders_curate", "tags": {"stream": "orders"}, "runs": [
            run(&format!("jr_{:064x}", 10), "FAILED", now - 6.0 * H, Some("Command Failed with Exit Code 1")),
            run(&generic, "FAILED", now - 2.0 * H, Some("Command Failed with Exit Code 1")),
            run(&format!("jr_{:064x}", 12), "SUCCEEDED", now - 9.0 * H, None),
        ]},
        {"name": "payments_ingest", "tags": {"stream": "payments"}, "runs": [
            run(&recovered, "FAILED", now - 5.0 * H, Some("Exceeded maximum concurrent compute capacity for your account: 50.")),
            run(&format!("jr_{:064x}", 22), "SUCCEEDED", now - 1.0 * H, None),
        ]},
        {"name": "quiet_job", "tags": {}, "runs": [run(&format!("jr_{:064x}", 31), "SUCCEEDED", now - H, None)]}
    ]);
    control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": jobs}));
    (generic, recovered)
}

async fn put_driver_log(acct: &str, run_id: &str, now_ms: i64) {
    let c = emu::logs_client(acct).await;
    let group = "/aws-glue/jobs/error";
    let _ = c.create_log_group().log_group_name(group).send().await;
    let _ = c.create_log_stream().log_group_name(group).log_stream_name(run_id).send().await;
    let lines = [
        "Traceback (most recent call last):",
        "  File \"/tmp/curate.py\", line 88, in <module>",
        "py4j.protocol.Py4JJavaError: An error occurred while calling o64.getDynamicFrame.",
        ": java.lang.OutOfMemoryError: Java heap space",
        "\tat java.util.Arrays.copyOf(Arrays.java:3236)",
    ];
    let events: Vec<InputLogEvent> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            InputLogEvent::builder().timestamp(now_ms - 7_000_000 + i as i64).message(*l).build().expect("event")
        })
        .collect();
    c.put_log_events()
        .log_group_name(group)
        .log_stream_name(run_id)
        .set_log_events(Some(events))
        .send()
        .await
        .expect("put");
}

#[tokio::test]
async fn one_item_per_resource_with_its_count_status_and_cause() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    let (generic, recovered) = seed(&acct, now);
    put_driver_log(&acct, &generic, (now * 1000.0) as i64).await;
    let crawler = json!({"account_id": acct, "name": "raw_crawler", "database_name": "raw",
        "last_crawl": {"status": "FAILED", "started_on": now - H, "completed_on": now - H + 60.0,
                       "error_message": "Internal Service Exception"}});
    control("/batchtop/glue/crawler", &crawler);

    let mut account = emu::account(&acct).await;
    let stats = account.stats.clone();
    account.logs = emu::logs_reader(&acct, 5, stats).await;
    let settings = Arc::new(batchtop::config::Settings::defaults());
    let clock: batchtop::poll::Clock = Arc::new(Utc::now);
    let opts = batchtop::snapshot::Options {
        since: std::time::Duration::from_secs(24 * 3600),
        with_cost: false,
        gate: batchtop::poll::Gate::default(),
        timeout: std::time::Duration::from_secs(60),
    };
    let snap = batchtop::snapshot::take(&account, settings, &clock, &opts).await;
    let items: Vec<(&str, &str)> = snap.inbox.iter().map(|i| (i.source.as_str(), i.resource.as_str())).collect();
    assert_eq!(items.len(), 3, "one item per resource: {items:?}");

    let orders = snap.inbox.iter().find(|i| i.resource == "orders_curate").expect("orders item");
    assert_eq!((orders.count, orders.status.as_str()), (2, "open"));
    assert_eq!(orders.run_id.as_deref(), Some(generic.as_str()));
    assert_eq!(orders.class.category.as_str(), "out_of_memory", "classified from the driver log");
    let evidence = orders.class.evidence.as_ref().expect("evidence");
    assert!(evidence.line.contains("OutOfMemoryError"), "{evidence:?}");
    assert!(evidence.source.contains(&generic) && evidence.source.contains("/aws-glue/jobs/error"), "{evidence:?}");

    let payments = snap.inbox.iter().find(|i| i.resource == "payments_ingest").expect("payments item");
    assert_eq!((payments.count, payments.status.as_str()), (1, "recovered"));
    assert_eq!(payments.run_id.as_deref(), Some(recovered.as_str()));
    assert_eq!(payments.class.category.as_str(), "capacity");

    let crawler = snap.inbox.iter().find(|i| i.resource == "raw_crawler").expect("crawler item");
    assert_eq!((crawler.source.as_str(), crawler.severity.as_str()), ("crawler", "warning"));
    assert_eq!(crawler.class.category.as_str(), "service_error");
    // Only the generic failure's log is read, and within its bounds (at most 5 pages).
    let reads = calls_of(&acct, "FilterLogEvents");
    assert!((1..=5).contains(&reads), "{reads} FilterLogEvents calls");
    let json = batchtop::snapshot::to_json(&snap);
    assert_eq!(json["inbox"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["inbox"][0]["source"], json!("glue_job"));
}

/// `batchtop check` with the standard chain (static keys) against a seeded account.
fn check(acct: &str, env: &Env) -> (i32, Value) {
    let key = control("/batchtop/access-key", &json!({"account_id": acct}));
    let creds = (key["access_key_id"].as_str().expect("id"), key["secret_access_key"].as_str().expect("secret"));
    let url = emu::url();
    let args = ["--region", emu::REGION, "--endpoint-url", url.as_str(), "check", "--format", "json"];
    let out = env.run(&args, Some(creds));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), doc)
}

#[test]
fn check_exit_codes_say_how_bad_it_is() {
    let env = Env::new("check");
    let now = Utc::now().timestamp() as f64;
    // 0: nothing open.
    let calm = fresh_account();
    let jobs =
        json!([{"name": "ok_job", "tags": {}, "runs": [run(&format!("jr_{:064x}", 1), "SUCCEEDED", now - H, None)]}]);
    control("/batchtop/glue/seed", &json!({"account_id": calm, "region": emu::REGION, "jobs": jobs}));
    let (code, doc) = check(&calm, &env);
    assert_eq!((code, doc["open"].clone()), (0, json!([])), "{doc}");
    // 1: only a warning (a crawler whose last crawl failed).
    let warn = fresh_account();
    control(
        "/batchtop/glue/crawler",
        &json!({"account_id": warn, "name": "c1",
        "last_crawl": {"status": "FAILED", "started_on": now - H, "completed_on": now - H + 9.0, "error_message": "Internal Service Exception"}}),
    );
    let (code, doc) = check(&warn, &env);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["open"][0]["severity"], json!("warning"));
    // 2: a failed Glue job.
    let crit = fresh_account();
    seed(&crit, now);
    let (code, doc) = check(&crit, &env);
    assert_eq!(code, 2, "{doc}");
    assert!(doc["open"].as_array().is_some_and(|a| a.iter().any(|i| i["resource"] == json!("orders_curate"))));
    // 3: batchtop cannot read a source (every GetJobs call refused).
    let broken = fresh_account();
    emu::fault(&broken, "GetJobs", "access_denied", 100, 0);
    let (code, doc) = check(&broken, &env);
    assert_eq!(code, 3, "{doc}");
    assert!(doc["errors"].as_array().is_some_and(|e| !e.is_empty()), "{doc}");
}
