//! `batchtop snapshot` with Data Quality results and Cost Explorer (read through its disk
//! cache), the real binary against the seeded emulator.

mod support;

use chrono::Utc;
use serde_json::{Value, json};
use support::cli::{Env, rfc3339};
use support::emu::{self, control, fresh_account};

/// One run of orders_curate, a Data Quality result of it, and a day of cost grouped by team and stream.
fn seed_run_dq_result_and_cost(acct: &str, now: f64, run_id: &str) {
    let jobs = json!([{"name": "orders_curate", "tags": {"stream": "orders", "team": "commerce"},
        "worker_type": "G.1X", "number_of_workers": 10, "runs": [
        {"id": run_id, "state": "SUCCEEDED", "started_on": now - 7200.0, "completed_on": now - 3600.0, "execution_time": 3600}]}]);
    control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": jobs}));
    control(
        "/batchtop/glue/dq-result",
        &json!({"account_id": acct, "region": emu::REGION, "result_id": "dqresult-snap1",
                "data_source": {"database": "curated", "table": "orders"}, "ruleset_name": "orders_rules", "score": 0.5,
                "job_name": "orders_curate", "job_run_id": run_id, "started_on": now - 3700.0, "completed_on": now - 3650.0,
                "rules": [{"name": "IsComplete \"id\"", "result": "FAIL", "message": "Value: 0.9 does not meet the constraint requirement!"},
                          {"name": "RowCount > 0", "result": "PASS"}]}),
    );
    let yesterday = (Utc::now() - chrono::Duration::days(1)).date_naive();
    let answer = json!({"ResultsByTime": [{"TimePeriod": {"Start": yesterday.to_string(), "End": Utc::now().date_naive().to_string()},
        "Total": {}, "Estimated": true, "Groups": [
            {"Keys": ["team$commerce", "stream$orders"], "Metrics": {"UnblendedCost": {"Amount": "12.5", "Unit": "USD"}}},
            {"Keys": ["team$", "stream$"], "Metrics": {"UnblendedCost": {"Amount": "2.5", "Unit": "USD"}}}]}]});
    control("/moto-api/static/ce/cost-and-usage-results", &json!({"account_id": acct, "results": [answer]}));
}

fn assert_dq_result_is_the_seeded(snap: &Value, run_id: &str, now: f64) {
    let dq = snap["glue"]["data_quality"].as_array().expect("glue.data_quality");
    assert_eq!(dq.len(), 1);
    let r = &dq[0];
    assert_eq!(r["result_id"], "dqresult-snap1");
    assert_eq!(r["data_source"], "curated.orders");
    assert_eq!(r["ruleset"], "orders_rules");
    assert_eq!(r["score"], 0.5);
    assert_eq!(r["job_name"], "orders_curate");
    assert_eq!(r["job_run_id"], run_id);
    assert_eq!(r["started_on"], rfc3339(now - 3700.0));
    assert_eq!(
        r["rules"][0],
        json!({"name": "IsComplete \"id\"", "result": "FAIL",
        "message": "Value: 0.9 does not meet the constraint requirement!", "evaluated_metrics": {}})
    );
    assert_eq!(r["rules"][1]["result"], "PASS");
}

fn assert_cost_is_the_seeded(cost: &Value) {
    assert_eq!(cost["currency"], "USD");
    assert_eq!(cost["group_by"], json!(["team", "stream"]));
    assert_eq!(cost["end"], Utc::now().date_naive().to_string());
    assert_eq!(cost["from_cache"], false);
    let groups = cost["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 2);
    let tagged =
        groups.iter().find(|g| g["keys"] == json!({"team": "commerce", "stream": "orders"})).expect("tagged group");
    assert_eq!(tagged["total"], 12.5);
    assert_eq!(tagged["daily"].as_array().expect("daily").last(), Some(&json!(12.5)));
    assert_eq!(cost["untagged"], 2.5);
}

#[test]
fn snapshot_json_has_data_quality_and_cost_and_reuses_the_cost_cache() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    let run_id = format!("jr_{:064x}", 77);
    seed_run_dq_result_and_cost(&acct, now, &run_id);
    let key = control("/batchtop/access-key", &json!({"account_id": acct}));
    let creds = (key["access_key_id"].as_str().expect("key id"), key["secret_access_key"].as_str().expect("secret"));
    let env = Env::new("dq-cost");
    let url = emu::url();
    let args = ["snapshot", "--format", "json", "--endpoint-url", &url, "--region", emu::REGION];
    let out = env.run(&args, Some(creds));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(snap["errors"], json!([]));
    assert_dq_result_is_the_seeded(&snap, &run_id, now);
    assert_cost_is_the_seeded(&snap["cost"]);
    // The run's estimate: 3600 s x 10 G.1X workers = 10 DPU-hours x the default $0.44.
    let run = &snap["glue"]["jobs"][0]["runs"][0];
    assert_eq!(run["dpu_hours_estimate"].as_f64(), Some(10.0));
    assert!((run["cost_estimate_usd"].as_f64().expect("estimate") - 4.4).abs() < 1e-9);
    assert_eq!(emu::calls_of(&acct, "GetCostAndUsage"), 1);

    // A second snapshot within the TTL reads the disk cache: no second billed request.
    let out = env.run(&args, Some(creds));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(snap["cost"]["from_cache"], true);
    assert_eq!(snap["cost"]["groups"].as_array().map(Vec::len), Some(2));
    assert_eq!(emu::calls_of(&acct, "GetCostAndUsage"), 1);

    // --no-cost: no Cost Explorer at all, even a denied one is no error.
    emu::fault(&acct, "GetCostAndUsage", "access_denied", 5, 0);
    let mut no_cost = args.to_vec();
    no_cost.push("--no-cost");
    let env2 = Env::new("no-cost");
    let out = env2.run(&no_cost, Some(creds));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(snap["cost"], Value::Null);
    assert_eq!(snap["errors"], json!([]));
    assert_eq!(emu::calls_of(&acct, "GetCostAndUsage"), 1);
    // Without it, a denied Cost Explorer is a failed source (exit 1, named in errors).
    let out = env2.run(&args, Some(creds));
    assert_eq!(out.status.code(), Some(1));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(snap["errors"][0]["source"], "cost", "{snap}");
    assert_eq!(snap["errors"][0]["kind"], "access_denied", "{snap}");
}
