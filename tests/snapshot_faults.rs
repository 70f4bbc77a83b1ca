//! `batchtop snapshot` and `check`, the real binary, under faults at the emulator: with 30 %
//! of calls throttled and 5 % answering HTTP 500 the snapshot equals the fault-free one (exit
//! 0); with faults that never stop it ends at `--timeout` with what it has and the errors.

mod support;

use chrono::Utc;
use serde_json::{Value, json};
use support::cli::Env;
use support::emu::{self, chaos, clear_faults, control, fresh_account};

/// Eight jobs of twenty runs each (160 runs), the newest of every third failed.
fn seed(account: &str) {
    let now = Utc::now().timestamp() as f64;
    let jobs: Vec<Value> = (0..8)
        .map(|j| {
            let runs: Vec<Value> = (0..20)
                .map(|r| {
                    let start = now - 900.0 - r as f64 * 3600.0;
                    let state = if r == 0 && j % 3 == 0 { "FAILED" } else { "SUCCEEDED" };
                    json!({"id": format!("jr_{j:02}{r:062}"), "state": state, "started_on": start,
                           "completed_on": start + 120.0, "execution_time": 120,
                           "error_message": (state == "FAILED").then_some("Command Failed with Exit Code 1")})
                })
                .collect();
            json!({"name": format!("job_{j}"), "tags": {"stream": format!("s{}", j % 3)}, "runs": runs})
        })
        .collect();
    control("/batchtop/glue/seed", &json!({"account_id": account, "region": emu::REGION, "jobs": jobs}));
}

/// The account's access key, and a config whose reads retry after 20 ms (not 500 ms).
fn setup(env: &Env, account: &str) -> (String, String, String) {
    let key = control("/batchtop/access-key", &json!({"account_id": account}));
    let config = env.dir.join("config.toml");
    std::fs::write(&config, "[poll]\nretry_backoff = \"20ms\"\n").expect("config");
    let id = key["access_key_id"].as_str().expect("key id").to_string();
    let secret = key["secret_access_key"].as_str().expect("secret").to_string();
    (id, secret, config.display().to_string())
}

fn without_time(mut doc: Value) -> Value {
    doc["generated_at"] = Value::Null;
    doc
}

#[test]
fn a_snapshot_under_throttling_and_server_errors_equals_the_fault_free_one() {
    let acct = fresh_account();
    seed(&acct);
    let env = Env::new("faults-equal");
    let (id, secret, config) = setup(&env, &acct);
    let url = emu::url();
    let args = [
        "--config",
        &config,
        "snapshot",
        "--no-cost",
        "--since",
        "48h",
        "--endpoint-url",
        &url,
        "--region",
        emu::REGION,
    ];
    let calm = env.run(&args, Some((&id, &secret)));
    assert!(calm.status.success(), "{}", String::from_utf8_lossy(&calm.stderr));
    let calm: Value = serde_json::from_slice(&calm.stdout).expect("JSON");
    let runs: usize =
        calm["glue"]["jobs"].as_array().expect("jobs").iter().map(|j| j["runs"].as_array().map_or(0, Vec::len)).sum();
    assert_eq!(runs, 160);

    chaos(&acct, json!({"throttle": 0.3, "http500": 0.05}));
    let stormy = env.run(&args, Some((&id, &secret)));
    clear_faults(&acct);
    assert!(stormy.status.success(), "exit {:?}: {}", stormy.status, String::from_utf8_lossy(&stormy.stdout));
    let stormy: Value = serde_json::from_slice(&stormy.stdout).expect("JSON");
    assert_eq!(stormy["errors"], json!([]));
    assert_eq!(without_time(stormy), without_time(calm), "nothing lost, nothing different");
}

#[test]
fn faults_that_never_stop_end_at_the_timeout_with_the_errors() {
    let acct = fresh_account();
    seed(&acct);
    let env = Env::new("faults-timeout");
    let (id, secret, config) = setup(&env, &acct);
    let url = emu::url();
    chaos(&acct, json!({"throttle": 1.0}));
    let args = [
        "--config",
        &config,
        "snapshot",
        "--no-cost",
        "--timeout",
        "2s",
        "--endpoint-url",
        &url,
        "--region",
        emu::REGION,
    ];
    let out = env.run(&args, Some((&id, &secret)));
    let check = ["--config", &config, "check", "--timeout", "1s", "--endpoint-url", &url, "--region", emu::REGION];
    let checked = env.run(&check, Some((&id, &secret)));
    clear_faults(&acct);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON with what it has");
    let errors = doc["errors"].as_array().expect("errors");
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|e| e["kind"] == "throttled" || e["kind"] == "network"), "{errors:?}");
    let glue = errors.iter().find(|e| e["source"] == "glue").expect("the Glue error");
    assert!(glue["message"].as_str().is_some_and(|m| m.contains("deadline")), "{glue}");
    assert_eq!(checked.status.code(), Some(3), "check: a source could not be read");
    assert!(String::from_utf8_lossy(&checked.stdout).contains("cannot read"));
}

#[test]
fn a_bad_timeout_is_one_clear_line() {
    let env = Env::new("faults-bad-timeout");
    let out = env.run(&["snapshot", "--timeout", "soon", "--region", emu::REGION], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("batchtop: --timeout:") && err.lines().count() == 1, "{err}");
}
