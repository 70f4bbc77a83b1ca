//! The real binary in tmux: the rerun flow on the demo account (confirm, outcome, audit),
//! and `--read-only` against the emulator, where no key sends a write call.

mod support;

use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use support::emu::{self, calls, control, fresh_account};
use support::tmux::Tmux;

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("batchtop-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    support::tmux::jobs_first(&dir);
    dir
}

#[test]
fn rerun_flow_on_the_demo_account() {
    let dir = temp_dir("e2e-rerun");
    let tmux = Tmux::new("e2e-rerun", dir.clone());
    let bin = env!("CARGO_BIN_EXE_batchtop");
    let script = format!(
        "XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} BATCHTOP_CONFIG= {bin} --demo; echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display()
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);
    tmux.wait_for("the jobs table", |s| s.contains("Glue jobs [30/30]"));
    tmux.keys(&["/"]);
    tmux.text("orders_curate");
    tmux.keys(&["Enter", "Enter"]);
    tmux.wait_for("the run history", |s| s.contains("runs of orders_curate"));
    // Cancel first: nothing happens.
    tmux.keys(&["r"]);
    tmux.wait_for("the confirmation", |s| s.contains("confirm") && s.contains("glue:StartJobRun"));
    tmux.keys(&["n"]);
    tmux.wait_for("cancelled", |s| s.contains("cancelled: nothing was changed"));
    // Then for real.
    tmux.keys(&["r"]);
    let s = tmux.wait_for("the confirmation", |s| s.contains("glue:StartJobRun"));
    assert!(s.contains("account  000000000000") && s.contains("--db_password = ********"), "{s}");
    tmux.keys(&["y"]);
    let s = tmux.wait_for("the outcome", |s| s.contains("✔ glue:StartJobRun job orders_curate: started run"));
    assert!(!s.contains("hunter2"));
    tmux.keys(&["q"]);
    tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT=0"));

    let audit = std::fs::read_to_string(dir.join("batchtop/audit.jsonl")).expect("audit log written");
    let lines: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert_eq!((lines[0]["phase"].as_str(), lines[1]["phase"].as_str()), (Some("intent"), Some("outcome")));
    assert_eq!(lines[0]["caller"], "arn:aws:iam::000000000000:user/demo");
    assert!(lines[1]["outcome"]["RunId"].as_str().is_some_and(|id| id.starts_with("jr_")));
    assert_eq!(lines[0]["params"]["Arguments"]["--db_password"], "********", "no secret in the audit log");
    let out = Command::new(bin).env("XDG_STATE_HOME", &dir).arg("audit").output().expect("batchtop audit");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("intent") && text.contains("glue:StartJobRun"), "{text}");
    let out = Command::new(bin)
        .env("XDG_STATE_HOME", &dir)
        .args(["audit", "--json"])
        .output()
        .expect("batchtop audit --json");
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

/// A Glue job with a running and a failed run (and a bookmark), a workflow, a crawler, and an EMR
/// Serverless application with a running run: something for every write key to act on.
fn seed_one_of_each(acct: &str, now: f64) {
    control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [
            {"name": "orders_curate", "tags": {"stream": "orders"}, "max_concurrent_runs": 3, "runs": [
                {"id": "jr_run", "state": "RUNNING", "started_on": now - 120.0},
                {"id": "jr_old", "state": "FAILED", "started_on": now - 7200.0, "completed_on": now - 7000.0, "error_message": "Command Failed with Exit Code 1"}]}]}),
    );
    control(
        "/batchtop/glue/bookmark",
        &json!({"account_id": acct, "region": emu::REGION, "job_name": "orders_curate", "entries": [{"run_id": "jr_old"}]}),
    );
    control(
        "/batchtop/glue/workflow",
        &json!({"account_id": acct, "region": emu::REGION, "name": "nightly",
                "triggers": [{"name": "start", "type": "ON_DEMAND", "actions": [{"job_name": "orders_curate"}]}]}),
    );
    control("/batchtop/glue/crawler", &json!({"account_id": acct, "region": emu::REGION, "name": "raw_orders"}));
    let app = control(
        "/batchtop/emr/application",
        &json!({"account_id": acct, "region": emu::REGION, "name": "heavy", "state": "STARTED"}),
    )["application_id"]
        .as_str()
        .expect("app id")
        .to_string();
    control(
        "/batchtop/emr/job-run",
        &json!({"account_id": acct, "region": emu::REGION, "application_id": app, "name": "join", "state": "RUNNING",
                "created_at": now - 300.0, "execution_role": format!("arn:aws:iam::{acct}:role/emr"),
                "job_driver": {"sparkSubmit": {"entryPoint": "s3://code/join.py"}}}),
    );
}

/// Every write key (confirmed with `y`) in the jobs, runs, workflows, crawlers, applications and
/// EMR runs panes.
fn press_every_write_key_in_every_pane(tmux: &Tmux) {
    let mashing: &[&[&str]] = &[
        &["r", "y", "x", "y", "n", "y", "R", "y", "space", "Enter"],
        &["r", "y", "x", "y", "space", "x", "y", "b"],
        &["r", "w", "y", "Escape", "Escape", "Escape"],
        &[":"],
    ];
    for keys in mashing {
        tmux.keys(keys);
        std::thread::sleep(Duration::from_millis(150));
    }
    tmux.text("workflows");
    tmux.keys(&["Enter", "n", "y", "Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["R", "y", "x", "y", "Enter", "R", "y", "r", "y", "Escape", "Escape", ":"]);
    tmux.text("crawlers");
    tmux.keys(&["Enter", "n", "y"]);
    std::thread::sleep(Duration::from_millis(300));
    let s = tmux.screen();
    assert!(s.contains("raw_orders"), "reached the crawlers pane:\n{s}");
    tmux.keys(&[":"]);
    tmux.text("apps");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the applications pane", |s| s.contains("heavy"));
    tmux.keys(&["n", "y", "x", "y", "Enter"]);
    tmux.wait_for("the runs of heavy", |s| s.contains("join"));
    tmux.keys(&["r", "y", "x", "y", "d", "y", "Enter", "r", "y", "d", "y", "Escape"]);
    std::thread::sleep(Duration::from_millis(300));
}

/// The emulator saw the reads and none of the write operations.
fn assert_only_reads_reached_the_emulator(acct: &str) {
    let made = calls(acct);
    let ops: Vec<&String> = made.as_object().expect("calls").keys().collect();
    for write in [
        "StartJobRun",
        "BatchStopJobRun",
        "ResetJobBookmark",
        "StartWorkflowRun",
        "ResumeWorkflowRun",
        "StopWorkflowRun",
        "StartCrawler",
        "StartApplication",
        "StopApplication",
        "CancelJobRun",
        "GetDashboardForJobRun",
    ] {
        assert!(!ops.iter().any(|o| o.as_str() == write), "{write} reached the emulator in read-only mode: {made}");
    }
    assert!(ops.iter().any(|o| o.as_str() == "GetJobRuns"), "the reads did happen: {made}");
    assert!(ops.iter().any(|o| o.as_str() == "GetJobBookmark"), "showing the bookmark is a read: {made}");
    assert!(ops.iter().any(|o| o.as_str() == "ListJobRunAttempts"), "the EMR run detail was opened: {made}");
}

#[test]
fn read_only_sends_no_write_call_whatever_the_keys() {
    let acct = fresh_account();
    let now = chrono::Utc::now().timestamp() as f64;
    seed_one_of_each(&acct, now);
    let key = control("/batchtop/access-key", &json!({"account_id": acct}));
    let dir = temp_dir("e2e-ro");
    let tmux = Tmux::new("e2e-ro", dir.clone());
    let script = format!(
        "env -i HOME={d} TERM=xterm-256color XDG_STATE_HOME={d} XDG_CONFIG_HOME={d} AWS_EC2_METADATA_DISABLED=true \
         AWS_ACCESS_KEY_ID={id} AWS_SECRET_ACCESS_KEY={secret} {bin} --read-only --region {region} --endpoint-url {url}; \
         echo BATCHTOP_EXIT=$?; sleep 30",
        d = dir.display(),
        id = key["access_key_id"].as_str().expect("key"),
        secret = key["secret_access_key"].as_str().expect("secret"),
        bin = env!("CARGO_BIN_EXE_batchtop"),
        region = emu::REGION,
        url = emu::url(),
    );
    tmux.run(&["new-session", "-d", "-s", "e2e", "-x", "120", "-y", "40", &script]);
    let s = tmux.wait_for("the jobs table", |s| s.contains("orders_curate") && s.contains("RUNNING"));
    assert!(s.contains("READ-ONLY"), "{s}");
    press_every_write_key_in_every_pane(&tmux);
    tmux.keys(&["q"]);
    tmux.wait_for("exit", |s| s.contains("BATCHTOP_EXIT=0"));
    assert_only_reads_reached_the_emulator(&acct);
    assert!(!dir.join("batchtop/audit.jsonl").exists(), "no write side, no audit log in read-only mode");
}
