//! Several contexts through the real credential chain: a temporary AWS config of assume-role
//! profiles (`role_arn` + `source_profile`) into two emulator accounts in two Regions. The
//! assume-role provider's own STS call follows `AWS_ENDPOINT_URL` (as in every AWS SDK and
//! the AWS CLI), not `--endpoint-url`: that is how these tests reach the emulator.

mod support;

use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};
use support::cli::{Env, rfc3339};
use support::emu::{self, calls_of, control, fresh_account};

/// A base profile with static keys and three role profiles: `prod` (account `a`, us-east-1),
/// `staging` (account `b`, eu-west-1) and `broken` (its source profile has no credentials).
fn write_aws_config(env: &Env, a: &str, b: &str) {
    let config = format!(
        "[profile base]\nregion = us-east-1\n\n\
         [profile prod]\nrole_arn = arn:aws:iam::{a}:role/ops\nsource_profile = base\nregion = us-east-1\n\n\
         [profile staging]\nrole_arn = arn:aws:iam::{b}:role/ops\nsource_profile = base\nregion = eu-west-1\n\n\
         [profile nokeys]\nregion = us-east-1\n\n\
         [profile broken]\nrole_arn = arn:aws:iam::{a}:role/ops\nsource_profile = nokeys\nregion = us-east-1\n"
    );
    std::fs::write(env.dir.join("aws-config"), config).expect("aws config");
    let creds = "[base]\naws_access_key_id = AKIABASEBASEBASE1234\naws_secret_access_key = base-secret\n";
    std::fs::write(env.dir.join("aws-credentials"), creds).expect("aws credentials");
}

fn jobs(now: f64, tag: &str, names: &[&str]) -> Value {
    let runs = |i: usize| {
        json!([
            {"id": format!("jr_{tag}{i:062x}"), "state": "FAILED", "started_on": now - 3600.0 * (i as f64 + 1.0),
             "completed_on": now - 3600.0 * (i as f64 + 1.0) + 60.0, "execution_time": 60,
             "error_message": format!("boom in {tag}")}
        ])
    };
    Value::Array(
        names.iter().enumerate().map(|(i, n)| json!({"name": n, "tags": {"stream": tag}, "runs": runs(i)})).collect(),
    )
}

/// The context's document holds exactly the seeded jobs, run by run.
fn assert_holds(doc: &Value, seeded: &Value) {
    let got = doc["glue"]["jobs"].as_array().expect("jobs");
    let want = seeded.as_array().expect("seeded");
    let names = |v: &[Value]| v.iter().map(|j| j["name"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want));
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g["stream"], w["tags"]["stream"]);
        let (gr, wr) = (&g["runs"][0], &w["runs"][0]);
        assert_eq!(gr["id"], wr["id"]);
        assert_eq!(gr["state"], wr["state"]);
        assert_eq!(gr["error_message"], wr["error_message"]);
        assert_eq!(gr["started_on"], rfc3339(wr["started_on"].as_f64().expect("start")));
        assert_eq!(g["runs"].as_array().map(Vec::len), Some(1));
    }
}

#[test]
fn snapshot_of_two_contexts_equals_each_account_and_region() {
    let (a, b) = (fresh_account(), fresh_account());
    let now = Utc::now().timestamp() as f64;
    let prod_jobs = jobs(now, "a", &["orders_curate"]);
    let staging_jobs = jobs(now, "b", &["orders_curate", "payments_ingest"]);
    control("/batchtop/glue/seed", &json!({"account_id": a, "region": "us-east-1", "jobs": prod_jobs}));
    control("/batchtop/glue/seed", &json!({"account_id": b, "region": "eu-west-1", "jobs": staging_jobs}));
    let env = Env::new("contexts");
    write_aws_config(&env, &a, &b);
    let url = emu::url();
    let args = ["--profile", "prod,staging", "snapshot", "--no-cost"];
    let out = env.run_with(&args, None, &[("AWS_ENDPOINT_URL", url.as_str())]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["errors"], json!([]));
    let ctxs = doc["contexts"].as_array().expect("contexts");
    assert_eq!(ctxs.len(), 2);
    assert_eq!(ctxs[0]["context"], json!({"name": "prod", "profile": "prod", "region": "us-east-1", "account": a}));
    assert_eq!(
        ctxs[1]["context"],
        json!({"name": "staging", "profile": "staging", "region": "eu-west-1", "account": b})
    );
    assert_holds(&ctxs[0], &prod_jobs);
    assert_holds(&ctxs[1], &staging_jobs);
    // Each context's document is today's single-context document plus "context".
    assert_eq!(ctxs[1]["region"], json!("eu-west-1"));
    assert_eq!(ctxs[1]["account"], json!(b));
}

#[test]
fn a_context_without_credentials_fails_alone() {
    let (a, b) = (fresh_account(), fresh_account());
    let now = Utc::now().timestamp() as f64;
    let prod_jobs = jobs(now, "c", &["orders_curate"]);
    control("/batchtop/glue/seed", &json!({"account_id": a, "region": "us-east-1", "jobs": prod_jobs}));
    let env = Env::new("contexts-broken");
    write_aws_config(&env, &a, &b);
    let url = emu::url();
    let args = ["--profile", "prod,broken", "snapshot", "--no-cost"];
    let out = env.run_with(&args, None, &[("AWS_ENDPOINT_URL", url.as_str())]);
    assert!(!out.status.success(), "a failed context makes the exit non-zero");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let ctxs = doc["contexts"].as_array().expect("contexts");
    assert_eq!(ctxs[0]["errors"], json!([]));
    assert_holds(&ctxs[0], &prod_jobs);
    let broken = ctxs[1]["errors"].as_array().expect("errors");
    assert!(!broken.is_empty());
    assert!(broken.iter().all(|e| e["kind"].as_str().is_some_and(|k| k.starts_with("credentials"))), "{broken:?}");
    let top = doc["errors"].as_array().expect("errors");
    assert_eq!(top.len(), broken.len());
    assert!(top.iter().all(|e| e["context"] == json!("broken")), "{top:?}");
}

/// An action confirmed on a row goes to that row's context only: the other account sees no
/// call at all.
#[tokio::test]
async fn an_action_lands_in_the_account_of_its_row_only() {
    use batchtop::actions::{AuditLog, Caller, Command, Confirmed, Executor};
    use batchtop::app::effects::Effects;
    use batchtop::app::msg::{Effect, Msg};
    let (a, b) = (fresh_account(), fresh_account());
    let now = Utc::now().timestamp() as f64;
    for (acct, tag) in [(&a, "d"), (&b, "e")] {
        let seeded = jobs(now, tag, &["orders_curate"]);
        control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": seeded}));
    }
    let dir = std::env::temp_dir().join(format!("batchtop-ctx-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let log = Arc::new(AuditLog::open(&dir.join("audit.jsonl")).expect("audit log"));
    let mut contexts = Vec::new();
    for acct in [&a, &b] {
        let caller = Caller { arn: None, account: Some(acct.clone()), profile: None, region: emu::REGION.into() };
        let executor = Arc::new(Executor::new(emu::glue_writer(acct).await, log.clone(), caller));
        contexts.push((emu::account(acct).await, Some(executor)));
    }
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let settings = Arc::new(batchtop::config::Settings::defaults());
    let mut fx = Effects::new(contexts, Arc::new(Utc::now), settings, tx);
    let cmd = Command::RerunJob { job: "orders_curate".into(), arguments: Default::default() };
    fx.apply(Effect::Execute { ctx: 1, confirmed: Confirmed::for_tests(cmd) });
    let done = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv()).await.expect("answer");
    let Some(Msg::ActionDone { result, .. }) = done else { panic!("not an action outcome") };
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(calls_of(&b, "StartJobRun"), 1);
    assert_eq!(calls_of(&a, "StartJobRun"), 0, "the other context's account is untouched");
    let _ = std::fs::remove_dir_all(dir);
}

/// `[cost] payer_profile`: one GetCostAndUsage in the payer account, grouped by
/// LINKED_ACCOUNT, serves both contexts, and each context's document has its own account's
/// share only.
#[test]
fn one_cost_request_through_the_payer_serves_every_context() {
    let (a, b, payer) = (fresh_account(), fresh_account(), fresh_account());
    let env = Env::new("contexts-payer");
    write_aws_config(&env, &a, &b);
    let profile = format!("\n[profile payer]\nrole_arn = arn:aws:iam::{payer}:role/billing\nsource_profile = base\n");
    let mut config = std::fs::read_to_string(env.dir.join("aws-config")).expect("aws config");
    config.push_str(&profile);
    std::fs::write(env.dir.join("aws-config"), config).expect("aws config");
    std::fs::create_dir_all(env.dir.join("config/batchtop")).expect("config dir");
    let toml = "[cost]\npayer_profile = \"payer\"\ngroup_by = [\"team\", \"stream\"]\n";
    std::fs::write(env.dir.join("config/batchtop/config.toml"), toml).expect("config");
    let (today, yesterday) = (Utc::now().date_naive(), (Utc::now() - chrono::Duration::days(1)).date_naive());
    let group = |acct: &str, team: &str, amount: &str| json!({"Keys": [acct, format!("team${team}")], "Metrics": {"UnblendedCost": {"Amount": amount, "Unit": "USD"}}});
    let answer = json!({"ResultsByTime": [{"TimePeriod": {"Start": yesterday.to_string(), "End": today.to_string()},
        "Total": {}, "Estimated": false,
        "Groups": [group(&a, "commerce", "12.5"), group(&b, "finance", "3"), group(&a, "", "1")]}]});
    control("/moto-api/static/ce/cost-and-usage-results", &json!({"account_id": payer, "results": [answer]}));
    let url = emu::url();
    let out = env.run_with(&["--profile", "prod,staging", "snapshot"], None, &[("AWS_ENDPOINT_URL", url.as_str())]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["errors"], json!([]), "{stderr}");
    assert_eq!(calls_of(&payer, "GetCostAndUsage"), 1, "one request for both contexts");
    assert_eq!(calls_of(&a, "GetCostAndUsage") + calls_of(&b, "GetCostAndUsage"), 0, "none in the members");
    let ctxs = doc["contexts"].as_array().expect("contexts");
    let groups = |i: usize| -> Vec<(Value, Value)> {
        let cost = &ctxs[i]["cost"];
        assert_eq!(cost["group_by"], json!(["team"]), "one tag key through the payer");
        let gs = cost["groups"].as_array().expect("groups");
        gs.iter().map(|g| (g["keys"].clone(), g["total"].clone())).collect()
    };
    let mut prod = groups(0);
    prod.sort_by_key(|(k, _)| k.to_string());
    assert_eq!(prod, vec![(json!({"team": ""}), json!(1.0)), (json!({"team": "commerce"}), json!(12.5))]);
    assert_eq!(groups(1), vec![(json!({"team": "finance"}), json!(3.0))]);
}
