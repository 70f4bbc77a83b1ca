//! Data Quality and cost through the real SDK against the emulator: DQ listing with each
//! filter and pagination, results joined to their job runs, failed evaluation runs with their
//! error; Cost Explorer grouping from injected answers, the cache that stops a second request
//! within the TTL (counted at the emulator), and per-run estimates from seeded run figures.

mod support;

use std::sync::Arc;
use std::time::Duration;

use batchtop::aws::sdk::Pages;
use batchtop::cost::cache::CostCache;
use batchtop::cost::estimate::{self, Prices};
use batchtop::cost::{CostQuery, load};
use batchtop::model::{DqFilter, RuleOutcome};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use support::emu::{self, calls_of, control, fault, fresh_account};

fn seed_job(acct: &str, name: &str, runs: Vec<Value>) -> Vec<String> {
    let out = control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [{"name": name, "tags": {"stream": "orders", "team": "commerce"},
                "worker_type": "G.1X", "number_of_workers": 10, "runs": runs}]}),
    );
    out["run_ids"][name].as_array().expect("run ids").iter().map(|v| v.as_str().expect("id").to_string()).collect()
}

fn dq_result(acct: &str, body: Value) -> String {
    let mut b = json!({"account_id": acct, "region": emu::REGION});
    if let (Some(o), Some(e)) = (b.as_object_mut(), body.as_object()) {
        o.extend(e.clone());
    }
    control("/batchtop/glue/dq-result", &b)["result_id"].as_str().expect("result id").to_string()
}

fn rules(fail: bool) -> Value {
    json!([
        {"name": "IsComplete \"customer_id\"", "result": if fail { "FAIL" } else { "PASS" },
         "message": if fail { Value::from("Value: 0.94 does not meet the constraint requirement!") } else { Value::Null },
         "evaluated_metrics": {"Column.customer_id.Completeness": if fail { 0.94 } else { 1.0 }}},
        {"name": "RowCount > 100", "result": "PASS", "evaluated_metrics": {"Dataset.*.RowCount": 5000.0}},
    ])
}

/// Two runs of orders_curate, and five Data Quality results: the newest run's data failed a
/// rule; two come from a table check outside any job. The old and new run ids, and the failing
/// result's id.
fn seed_two_runs_and_five_results(acct: &str, t0: f64) -> (String, String, String) {
    let runs = seed_job(
        acct,
        "orders_curate",
        vec![
            json!({"state": "SUCCEEDED", "started_on": t0, "completed_on": t0 + 600.0}),
            json!({"state": "SUCCEEDED", "started_on": t0 + 3600.0, "completed_on": t0 + 4200.0}),
        ],
    );
    let (old_run, new_run) = (runs[0].clone(), runs[1].clone());
    let failing = dq_result(
        acct,
        json!({"data_source": {"database": "curated", "table": "orders"}, "ruleset_name": "orders_rules",
               "job_name": "orders_curate", "job_run_id": new_run, "started_on": t0 + 4100.0, "completed_on": t0 + 4150.0,
               "rules": rules(true)}),
    );
    dq_result(
        acct,
        json!({"data_source": {"database": "curated", "table": "orders"}, "ruleset_name": "orders_rules",
               "job_name": "orders_curate", "job_run_id": old_run, "started_on": t0 + 500.0, "completed_on": t0 + 550.0,
               "rules": rules(false)}),
    );
    dq_result(
        acct,
        json!({"data_source": {"database": "curated", "table": "orders_keys"}, "ruleset_name": "keys_rules",
               "job_name": "orders_curate", "job_run_id": new_run, "started_on": t0 + 4110.0, "rules": rules(false)}),
    );
    for h in [1.0, 2.0] {
        dq_result(
            acct,
            json!({"data_source": {"database": "raw", "table": "payments"}, "ruleset_name": "pay_rules",
                   "started_on": t0 + h * 7200.0, "rules": rules(false)}),
        );
    }
    (old_run, new_run, failing)
}

#[tokio::test]
async fn dq_results_list_with_filters_and_pages_and_join_their_job_runs() {
    let acct = fresh_account();
    let t0 = Utc::now().timestamp() as f64 - 10.0 * 3600.0;
    let (old_run, new_run, failing) = seed_two_runs_and_five_results(&acct, t0);
    let account = emu::account_with_pages(&emu::url(), &acct, Pages { dq: 2, ..Pages::default() }).await;

    let all = account.dq.dq_results(&DqFilter::default()).await.expect("ListDataQualityResults");
    assert_eq!(all.len(), 5);
    assert_eq!(calls_of(&acct, "ListDataQualityResults"), 3, "5 results in pages of 2");
    assert_eq!(calls_of(&acct, "BatchGetDataQualityResult"), 1);
    let starts: Vec<_> = all.iter().map(|r| r.started_on).collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first: {starts:?}");

    let by_run = account
        .dq
        .dq_results(&DqFilter { job_run_id: Some(new_run.clone()), ..Default::default() })
        .await
        .expect("by run");
    assert_eq!(by_run.len(), 2);
    let bad = by_run.iter().find(|r| r.id == failing).expect("the failing result");
    assert_eq!((bad.passed(), bad.failed(), bad.errored()), (1, 1, 0));
    assert_eq!(bad.data_source(), "curated.orders");
    assert_eq!(bad.ruleset.as_deref(), Some("orders_rules"));
    let worst = bad.rules_worst_first()[0];
    assert_eq!(worst.outcome, RuleOutcome::Fail);
    assert_eq!(worst.message.as_deref(), Some("Value: 0.94 does not meet the constraint requirement!"));
    assert_eq!(worst.metrics.get("Column.customer_id.Completeness"), Some(&0.94));

    let by_job = account
        .dq
        .dq_results(&DqFilter { job_name: Some("orders_curate".into()), ..Default::default() })
        .await
        .expect("by job");
    assert_eq!(by_job.len(), 3);
    let by_table = account
        .dq
        .dq_results(&DqFilter { table: Some(("raw".into(), "payments".into())), ..Default::default() })
        .await
        .expect("by table");
    assert_eq!(by_table.len(), 2);
    assert!(by_table.iter().all(|r| r.job_run_id.is_none()));
    let after = Utc.timestamp_opt((t0 + 4000.0) as i64, 0).single();
    let recent = account.dq.dq_results(&DqFilter { started_after: after, ..Default::default() }).await.expect("after");
    assert_eq!(recent.len(), 4);
    let before =
        account.dq.dq_results(&DqFilter { started_before: after, ..Default::default() }).await.expect("before");
    assert_eq!(before.len(), 1);

    // Joined to the job runs the Glue poller reads: the newest run succeeded, its data did not.
    let glue_runs = account.glue.job_runs("orders_curate", &Default::default()).await.expect("GetJobRuns");
    let overview = account.dq.dq_overview(None).await.expect("overview");
    let newest = glue_runs.iter().find(|r| r.id == new_run).expect("newest run");
    assert_eq!(newest.state(), batchtop::model::RunState::Succeeded);
    assert!(overview.run_failed("orders_curate", &new_run));
    assert!(!overview.run_failed("orders_curate", &old_run));
    assert_eq!(overview.for_job_run("orders_curate", &new_run).count(), 2);
}

#[tokio::test]
async fn evaluation_runs_show_the_error_of_failed_ones() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    control(
        "/batchtop/glue/dq-evaluation-run",
        &json!({"account_id": acct, "region": emu::REGION, "run_id": "dqrun-failed1", "status": "FAILED",
                "error_string": "AccessDeniedException: not authorized to perform glue:GetTable",
                "data_source": {"database": "curated", "table": "payments"}, "ruleset_names": ["pay_rules"],
                "started_on": now - 600.0, "completed_on": now - 500.0, "execution_time": 100}),
    );
    control(
        "/batchtop/glue/dq-evaluation-run",
        &json!({"account_id": acct, "region": emu::REGION, "run_id": "dqrun-ok1", "status": "SUCCEEDED",
                "data_source": {"database": "curated", "table": "orders"}, "ruleset_names": ["orders_rules"],
                "started_on": now - 300.0, "completed_on": now - 200.0, "execution_time": 100}),
    );
    let account = emu::account(&acct).await;
    let data = account.dq.dq_overview(None).await.expect("overview");
    assert_eq!(data.runs.len(), 2);
    assert_eq!(data.runs[0].id, "dqrun-ok1", "newest first");
    let failed = &data.runs[1];
    assert_eq!(failed.status, "FAILED");
    assert!(failed.is_failure());
    assert_eq!(failed.error.as_deref(), Some("AccessDeniedException: not authorized to perform glue:GetTable"));
    assert_eq!(failed.data_source(), "curated.payments");
    assert_eq!(failed.rulesets, vec!["pay_rules".to_string()]);
    assert_eq!(failed.execution_time_s, Some(100));
    // Only the run that did not succeed is described (GetDataQualityRulesetEvaluationRun).
    assert_eq!(calls_of(&acct, "GetDataQualityRulesetEvaluationRun"), 1);
}

#[tokio::test]
async fn dq_errors_are_classified() {
    let acct = fresh_account();
    fault(&acct, "ListDataQualityResults", "access_denied", 1, 0);
    let account = emu::account(&acct).await;
    let e = account.dq.dq_overview(None).await.expect_err("denied");
    assert_eq!(e.kind, batchtop::aws::ErrorKind::AccessDenied);
    assert!(e.message.contains("ListDataQualityResults"), "{}", e.message);
}

/// (team, stream, amount) of one group on one day.
type Cell<'a> = (&'a str, &'a str, f64);
/// (day, groups).
type Day<'a> = (&'a str, Vec<Cell<'a>>);

fn ce_answer(days: &[Day<'_>], token: Option<&str>) -> Value {
    let results: Vec<Value> = days
        .iter()
        .map(|(start, groups)| {
            let next = NaiveDate::parse_from_str(start, "%Y-%m-%d").expect("date").succ_opt().expect("next");
            json!({
                "TimePeriod": {"Start": start, "End": next.to_string()},
                "Total": {},
                "Groups": groups.iter().map(|(team, stream, amount)| json!({
                    "Keys": [format!("team${team}"), format!("stream${stream}")],
                    "Metrics": {"UnblendedCost": {"Amount": format!("{amount}"), "Unit": "USD"}},
                })).collect::<Vec<_>>(),
                "Estimated": false,
            })
        })
        .collect();
    let mut v = json!({"ResultsByTime": results, "DimensionValueAttributes": [],
                       "GroupDefinitions": [{"Type": "TAG", "Key": "team"}, {"Type": "TAG", "Key": "stream"}]});
    if let Some(t) = token {
        v["NextPageToken"] = json!(t);
    }
    v
}

fn query() -> CostQuery {
    CostQuery {
        start: NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
        end: NaiveDate::from_ymd_opt(2026, 11, 24).expect("date"),
        services: vec!["AWS Glue".into(), "Amazon EMR Serverless".into()],
        group_by: vec!["team".into(), "stream".into()],
        metric: "UnblendedCost".into(),
        by_linked_account: false,
    }
}

fn temp_cache(name: &str) -> CostCache {
    let dir = std::env::temp_dir().join(format!("batchtop-cost-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    CostCache::new(dir, Duration::from_secs(6 * 3600))
}

#[tokio::test]
async fn cost_groups_totals_untagged_and_the_cache_stops_a_second_request() {
    let acct = fresh_account();
    let days: Vec<Day<'_>> = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
        .iter()
        .map(|d| {
            let pay = if *d == "2026-11-23" { 40.0 } else { 20.0 };
            (*d, vec![("finance", "payments", pay), ("commerce", "orders", 10.0), ("", "", 2.5)])
        })
        .collect();
    control(
        "/moto-api/static/ce/cost-and-usage-results",
        &json!({"account_id": acct, "results": [ce_answer(&days, None)]}),
    );
    let reader = emu::cost_reader(&acct).await;
    let cache = temp_cache("grouping");
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).single().expect("time");

    let report = load(reader.as_ref(), &cache, &acct, &query(), now, false).await.expect("GetCostAndUsage");
    assert!(!report.from_cache);
    assert_eq!(report.requests, 1);
    assert_eq!(calls_of(&acct, "GetCostAndUsage"), 1);
    assert_eq!(report.groups.len(), 3);
    assert_eq!(report.total(), 4.0 * 10.0 + 3.0 * 20.0 + 40.0 + 4.0 * 2.5);
    let (untagged, share) = report.untagged();
    assert_eq!(untagged, 10.0);
    assert!((share - 10.0 / 150.0).abs() < 1e-9);
    let rows = report.rows();
    assert_eq!(rows[0].label, "team=finance stream=payments", "the biggest mover first");
    assert_eq!(rows[0].yesterday, 40.0);
    assert_eq!(rows[0].mean, 25.0);
    assert_eq!(rows[0].change_ratio, Some(0.6));

    // Within the TTL the cache answers: no second request reaches Cost Explorer.
    let later = now + chrono::Duration::hours(5);
    let again = load(reader.as_ref(), &cache, &acct, &query(), later, false).await.expect("cached");
    assert!(again.from_cache);
    assert_eq!(again.groups, report.groups);
    assert_eq!(calls_of(&acct, "GetCostAndUsage"), 1);
    // Past the TTL (or when forced) it asks again.
    let stale = now + chrono::Duration::hours(7);
    let fresh = load(reader.as_ref(), &cache, &acct, &query(), stale, false).await.expect("after ttl");
    assert!(!fresh.from_cache);
    assert_eq!(calls_of(&acct, "GetCostAndUsage"), 2);
    load(reader.as_ref(), &cache, &acct, &query(), stale, true).await.expect("forced");
    assert_eq!(calls_of(&acct, "GetCostAndUsage"), 3);
    let _ = std::fs::remove_dir_all(cache.dir());
}

#[tokio::test]
async fn cost_pages_are_followed_and_counted() {
    let acct = fresh_account();
    let first = ce_answer(&[("2026-11-20", vec![("finance", "payments", 1.0)])], Some("page-2"));
    let second = ce_answer(&[("2026-11-21", vec![("finance", "payments", 2.0)])], None);
    control("/moto-api/static/ce/cost-and-usage-results", &json!({"account_id": acct, "results": [first, second]}));
    let reader = emu::cost_reader(&acct).await;
    let cache = temp_cache("pages");
    let report = load(reader.as_ref(), &cache, &acct, &query(), Utc::now(), false).await.expect("two pages");
    assert_eq!(report.requests, 2);
    assert_eq!(calls_of(&acct, "GetCostAndUsage"), 2);
    assert_eq!(report.groups[0].daily, vec![1.0, 2.0, 0.0, 0.0]);
    let _ = std::fs::remove_dir_all(cache.dir());
}

#[tokio::test]
async fn a_failed_cost_request_is_reported_and_not_cached() {
    let acct = fresh_account();
    fault(&acct, "GetCostAndUsage", "access_denied", 1, 0);
    let reader: Arc<dyn batchtop::aws::CostRead> = emu::cost_reader(&acct).await;
    let cache = temp_cache("denied");
    let e = load(reader.as_ref(), &cache, &acct, &query(), Utc::now(), false).await.expect_err("denied");
    assert_eq!(e.kind, batchtop::aws::ErrorKind::AccessDenied);
    assert!(cache.load_any(&acct, &query()).is_none());
}

#[tokio::test]
async fn per_run_estimates_from_the_run_figures_glue_reports() {
    let acct = fresh_account();
    let t0 = Utc::now().timestamp() as f64 - 7200.0;
    let ids = seed_job(
        &acct,
        "orders_enrich",
        vec![
            json!({"state": "SUCCEEDED", "started_on": t0, "completed_on": t0 + 1800.0, "execution_time": 1800}),
            json!({"state": "SUCCEEDED", "started_on": t0 + 3600.0, "completed_on": t0 + 4000.0, "execution_time": 400,
                    "dpu_seconds": 7200.0, "execution_class": "FLEX"}),
        ],
    );
    let account = emu::account(&acct).await;
    let runs = account.glue.job_runs("orders_enrich", &Default::default()).await.expect("GetJobRuns");
    let prices = Prices::default();
    let standard = runs.iter().find(|r| r.id == ids[0]).expect("standard run");
    // 1800 s x 10 G.1X workers (10 DPU) = 5 DPU-hours x $0.44.
    assert!((estimate::glue_run(standard, &prices).expect("estimate") - 2.2).abs() < 1e-9);
    let flex = runs.iter().find(|r| r.id == ids[1]).expect("flex run");
    // DPUSeconds 7200 = 2 DPU-hours x $0.44.
    assert!((estimate::glue_run(flex, &prices).expect("estimate") - 0.88).abs() < 1e-9);
    let custom = Prices { glue_dpu_hour: 0.29, ..prices };
    assert!((estimate::glue_run(flex, &custom).expect("estimate") - 0.58).abs() < 1e-9);
}

#[tokio::test]
async fn emr_run_estimates_from_billed_utilization() {
    let acct = fresh_account();
    let app = emu::emr_app(&acct, "etl");
    let created = Utc::now().timestamp() as f64 - 3600.0;
    let run_id = emu::emr_run(
        &acct,
        &app,
        json!({"name": "nightly", "state": "SUCCESS",
                "created_at": created, "updated_at": created + 1800.0, "ended_at": created + 1800.0,
                "billed_resource_utilization": {"vCPUHour": 20.0, "memoryGBHour": 80.0, "storageGBHour": 100.0}}),
    );
    let account = emu::account(&acct).await;
    let run = account.emr.job_run(&app, &run_id).await.expect("GetJobRun");
    // 20 vCPU-h x $0.052624 + 80 GB-h x $0.0057785 + 100 GB-h storage x $0.000111.
    let want = 20.0 * 0.052624 + 80.0 * 0.0057785 + 100.0 * 0.000111;
    let got = estimate::emr_run(&run, &Prices::default()).expect("estimate");
    assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    assert_eq!(estimate::label(Some(got)), "~$1.53");
}
