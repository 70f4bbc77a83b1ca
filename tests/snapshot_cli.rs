//! `batchtop snapshot`, the real binary: exact against the seeded emulator, with the
//! standard credential chain (environment variables) and `--endpoint-url`.

mod support;

use std::process::Command;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use support::cli::{Env, rfc3339};
use support::emu::{self, control, fault, fresh_account};

/// Three jobs: runs inside and outside a 24-hour window, an attempt, a running one, and none.
fn three_jobs(now: f64) -> Value {
    let h = 3600.0;
    json!([
        {"name": "orders_curate", "tags": {"stream": "orders", "team": "commerce"}, "runs": [
            {"id": format!("jr_{:064x}", 1), "state": "SUCCEEDED", "started_on": now - 30.0 * h, "completed_on": now - 29.0 * h, "execution_time": 3600},
            {"id": format!("jr_{:064x}", 2), "state": "FAILED", "started_on": now - 5.0 * h, "completed_on": now - 5.0 * h + 95.0,
             "execution_time": 95, "error_message": "Command Failed with Exit Code 1", "worker_type": "G.1X", "number_of_workers": 10},
            {"id": format!("jr_{:064x}_attempt_1", 2), "state": "SUCCEEDED", "started_on": now - 4.0 * h, "completed_on": now - 3.5 * h,
             "execution_time": 1800, "attempt": 1, "previous_run_id": format!("jr_{:064x}", 2), "dpu_seconds": 7200.5},
            {"id": format!("jr_{:064x}", 3), "state": "RUNNING", "started_on": now - 120.0, "execution_time": 120}
        ]},
        {"name": "payments_ingest", "tags": {}, "runs": [
            {"id": format!("jr_{:064x}", 4), "state": "TIMEOUT", "started_on": now - 10.0 * h, "completed_on": now - 9.0 * h,
             "execution_time": 3600, "error_message": "Job run timed out"}
        ]},
        {"name": "quiet_job", "tags": {"stream": "misc"}, "runs": []}
    ])
}

/// The snapshot's jobs are the seeded ones: tags, stream, and each run started within 24 hours, newest first.
fn assert_jobs_are_the_seeded(got: &[Value], jobs: &Value, now: f64) {
    let h = 3600.0;
    let names: Vec<&str> = got.iter().filter_map(|j| j["name"].as_str()).collect();
    assert_eq!(names, ["orders_curate", "payments_ingest", "quiet_job"]);
    for (g, seeded) in got.iter().zip(jobs.as_array().expect("seeded")) {
        assert_eq!(g["tags"], seeded["tags"], "tags of {}", g["name"]);
        let stream = seeded["tags"].get("stream").cloned().unwrap_or(Value::Null);
        assert_eq!(g["stream"], stream, "stream of {}", g["name"]);
        let mut want: Vec<&Value> = seeded["runs"]
            .as_array()
            .expect("runs")
            .iter()
            .filter(|r| r["started_on"].as_f64().is_some_and(|s| s >= now - 24.0 * h))
            .collect();
        want.sort_by(|a, b| b["started_on"].as_f64().partial_cmp(&a["started_on"].as_f64()).expect("numbers"));
        let runs = g["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), want.len(), "runs of {} within 24h", g["name"]);
        for (r, w) in runs.iter().zip(want) {
            assert_run_is_the_seeded(r, w);
        }
    }
}

fn assert_run_is_the_seeded(r: &Value, w: &Value) {
    assert_eq!(r["id"], w["id"]);
    assert_eq!(r["state"], w["state"]);
    assert_eq!(r["attempt"], w.get("attempt").cloned().unwrap_or(json!(0)), "{}", r["id"]);
    assert_eq!(r["previous_run_id"], w.get("previous_run_id").cloned().unwrap_or(Value::Null));
    assert_eq!(r["started_on"], rfc3339(w["started_on"].as_f64().expect("start")));
    let completed = w.get("completed_on").and_then(Value::as_f64).map(rfc3339).unwrap_or(Value::Null);
    assert_eq!(r["completed_on"], completed, "{}", r["id"]);
    assert_eq!(r["execution_time_s"], w["execution_time"]);
    assert_eq!(r["dpu_seconds"], w.get("dpu_seconds").cloned().unwrap_or(Value::Null));
    assert_eq!(r["error_message"], w.get("error_message").cloned().unwrap_or(Value::Null));
}

#[test]
fn snapshot_json_equals_what_the_emulator_holds() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    let jobs = three_jobs(now);
    control("/batchtop/glue/seed", &json!({"account_id": acct, "region": emu::REGION, "jobs": jobs}));
    let key = control("/batchtop/access-key", &json!({"account_id": acct}));
    let creds = (key["access_key_id"].as_str().expect("key id"), key["secret_access_key"].as_str().expect("secret"));

    let env = Env::new("exact");
    let url = emu::url();
    let out = env.run(
        &["snapshot", "--since", "24h", "--format", "json", "--endpoint-url", &url, "--region", emu::REGION],
        Some(creds),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(snap["region"], emu::REGION);
    assert_eq!(snap["account"], acct.as_str(), "the access key's account (STS GetCallerIdentity)");
    assert_eq!(snap["errors"], json!([]));
    let generated: DateTime<Utc> =
        snap["generated_at"].as_str().and_then(|s| s.parse().ok()).expect("generated_at RFC 3339");
    assert!((generated.timestamp() as f64 - now).abs() < 120.0);

    assert_jobs_are_the_seeded(snap["glue"]["jobs"].as_array().expect("jobs"), &jobs, now);

    // The same, for people.
    let out = env.run(&["snapshot", "--format", "table", "--endpoint-url", &url, "--region", emu::REGION], Some(creds));
    assert!(out.status.success());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("orders_curate")
            && table.contains("TIMEOUT")
            && table.contains("Command Failed with Exit Code 1"),
        "{table}"
    );

    // A failing source: still prints what it got, plus errors, and exits non-zero.
    fault(&acct, "GetJobRuns", "access_denied", 1, 0);
    let out = env.run(&["snapshot", "--endpoint-url", &url, "--region", emu::REGION], Some(creds));
    assert!(!out.status.success());
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON even on failure");
    assert_eq!(snap["glue"]["jobs"].as_array().map(Vec::len), Some(3));
    let errors = snap["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["source"], "glue");
    assert_eq!(errors[0]["kind"], "access_denied");
}

/// Without credentials at all: tests/no_credentials.rs (one line per profile, no document).
#[test]
fn snapshot_without_network_fails_clearly() {
    let env = Env::new("nocreds");
    let out = env.run(
        &["snapshot", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"],
        Some(("AKIDEXAMPLE", "secret")),
    );
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(snap["errors"][0]["kind"], "network", "{snap}");

    let out = env.run(&["snapshot"], Some(("AKIDEXAMPLE", "secret")));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no AWS region configured"));
}

#[test]
fn snapshot_of_the_demo_account() {
    let env = Env::new("demo");
    let out = env.run(&["--demo", "snapshot", "--since", "48h"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let jobs = snap["glue"]["jobs"].as_array().expect("jobs");
    assert_eq!(jobs.len(), 30);
    let runs: Vec<&Value> = jobs.iter().flat_map(|j| j["runs"].as_array().into_iter().flatten()).collect();
    assert!(runs.iter().any(|r| r["state"] == "TIMEOUT"));
    assert!(runs.iter().any(|r| r["state"] == "RUNNING"));
    assert!(runs.iter().all(|r| r["started_on"].is_string()));
    let out = env.run(&["--demo", "snapshot", "--since", "soon"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
}

#[test]
fn bad_config_is_refused_before_anything_starts() {
    let env = Env::new("cfg");
    let bad = env.dir.join("bad.toml");
    std::fs::write(&bad, "[poll]\nglue_runs = 5\n").expect("write");
    let out = env.run(&["--demo", "--config", bad.to_str().expect("utf8"), "snapshot"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:2:13: poll.glue_runs:"), "{err}");
}

#[test]
fn version_and_help() {
    let env = Env::new("help");
    // The commit and build date: tests/docs.rs.
    let out = env.run(&["-V"], None);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("batchtop {}", env!("CARGO_PKG_VERSION")));
    let out = env.run(&["--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in ["--profile", "--region", "--endpoint-url", "--config", "--read-only", "--demo", "snapshot"] {
        assert!(help.contains(flag), "--help lists {flag}:\n{help}");
    }
    let out = env.run(&["snapshot", "--help"], None);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--since") && help.contains("--format"), "{help}");
    let out = env.run(&["--no-such-flag"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn config_is_found_by_env_and_xdg() {
    let env = Env::new("cfgpaths");
    // $XDG_CONFIG_HOME/batchtop/config.toml is read by default ...
    let xdg = env.dir.join("config/batchtop");
    std::fs::create_dir_all(&xdg).expect("dir");
    std::fs::write(xdg.join("config.toml"), "bogus_key = 1\n").expect("write");
    let out = env.run(&["--demo", "snapshot"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("config.toml:1:1: bogus_key:"));
    // ... BATCHTOP_CONFIG wins over it ...
    let other = env.dir.join("other.toml");
    std::fs::write(&other, "read_only = true\n").expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_batchtop"));
    let out = cmd
        .env_clear()
        .env("HOME", &env.dir)
        .env("XDG_CONFIG_HOME", env.dir.join("config"))
        .env("XDG_STATE_HOME", env.dir.join("state"))
        .env("BATCHTOP_CONFIG", &other)
        .args(["--demo", "snapshot"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // ... and --config wins over both.
    let out = env.run(&["--demo", "--config", other.to_str().expect("utf8"), "snapshot"], None);
    assert!(out.status.success());
}

#[tokio::test]
async fn snapshot_json_has_workflows_and_crawlers() {
    let acct = fresh_account();
    let now = Utc::now().timestamp() as f64;
    control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [{"name": "load", "runs": []}, {"name": "merge", "runs": []}]}),
    );
    control(
        "/batchtop/glue/workflow",
        &json!({"account_id": acct, "region": emu::REGION, "name": "nightly", "triggers": [
            {"name": "start", "type": "ON_DEMAND", "actions": [{"job_name": "load"}]},
            {"name": "then", "type": "CONDITIONAL", "actions": [{"job_name": "merge"}],
             "predicate": {"conditions": [{"job_name": "load", "state": "SUCCEEDED"}]}}]}),
    );
    control(
        "/batchtop/glue/crawler",
        &json!({"account_id": acct, "region": emu::REGION, "name": "raw_sales",
                "last_crawl": {"status": "FAILED", "started_on": now - 600.0, "completed_on": now - 500.0, "error_message": "Internal Service Exception"},
                "metrics": {"tables_created": 2, "tables_updated": 5, "tables_deleted": 1, "last_runtime_seconds": 100}}),
    );
    let writer = emu::writer(&acct).await;
    let run_id = writer.start_workflow_run("nightly", &Default::default()).await.expect("StartWorkflowRun");
    let account = emu::account(&acct).await;
    let runs = account.glue.job_runs("load", &batchtop::aws::StopAt::everything()).await.expect("runs");
    control(
        "/batchtop/glue/job-run",
        &json!({"account_id": acct, "region": emu::REGION, "job_name": "load", "id": runs[0].id, "state": "FAILED",
                "completed_on": now, "error_message": "Command Failed with Exit Code 1"}),
    );
    let key = control("/batchtop/access-key", &json!({"account_id": acct}));
    let creds = (key["access_key_id"].as_str().expect("id"), key["secret_access_key"].as_str().expect("secret"));
    let env = Env::new("catalog");
    let url = emu::url();
    let out = env.run(&["snapshot", "--endpoint-url", &url, "--region", emu::REGION], Some(creds));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snap: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let wfs = snap["glue"]["workflows"].as_array().expect("workflows");
    assert_eq!(wfs.len(), 1);
    assert_eq!(wfs[0]["name"], "nightly");
    let run = &wfs[0]["runs"][0];
    assert_eq!(run["id"], run_id.as_str());
    assert_eq!(run["status"], "COMPLETED", "nothing more can run after the failure: {run}");
    assert_eq!(run["statistics"]["total_actions"], 1);
    assert_eq!(run["statistics"]["failed_actions"], 1);
    assert_eq!(run["statistics"]["succeeded_actions"], 0);
    assert_eq!(run["error_message"], Value::Null);
    assert_eq!(run["failed_nodes"], json!(["load"]));
    assert!(run["started_on"].is_string() && run["completed_on"].is_string(), "{run}");
    let crs = snap["glue"]["crawlers"].as_array().expect("crawlers");
    assert_eq!(crs.len(), 1);
    let c = &crs[0];
    assert_eq!((c["name"].as_str(), c["state"].as_str()), (Some("raw_sales"), Some("READY")));
    assert_eq!(c["last_crawl"]["status"], "FAILED");
    assert_eq!(c["last_crawl"]["error_message"], "Internal Service Exception");
    assert_eq!(c["last_crawl"]["started_on"], rfc3339(now - 600.0));
    assert_eq!(c["last_crawl"]["completed_on"], rfc3339(now - 500.0), "start + LastRuntimeSeconds");
    assert_eq!(
        (c["tables_created"].as_i64(), c["tables_updated"].as_i64(), c["tables_deleted"].as_i64()),
        (Some(2), Some(5), Some(1))
    );
}
