//! `batchtop logs`, the real binary against the emulator: plain lines for pipes, a filter,
//! `--since`, and a clear message (exit 1) when the run has no log stream yet.

mod support;

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use chrono::Utc;
use serde_json::json;
use support::emu::{self, control, fresh_account, run_as};

async fn seeded() -> (String, String) {
    let acct = fresh_account();
    let t0 = Utc::now().timestamp() as f64 - 1800.0;
    let out = control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [{"name": "orders_curate", "runs": [
            {"state": "FAILED", "started_on": t0, "completed_on": t0 + 600.0, "error_message": "Command Failed with Exit Code 1"}]}]}),
    );
    let run_id = out["run_ids"]["orders_curate"][0].as_str().expect("run id").to_string();
    let c = emu::logs_client(&acct).await;
    let ts = (t0 as i64) * 1000 + 60_000;
    for (group, stream, lines) in [
        ("/aws-glue/jobs/output", run_id.clone(), vec!["INFO starting", "INFO stage 1 done"]),
        (
            "/aws-glue/jobs/error",
            run_id.clone(),
            vec!["java.lang.OutOfMemoryError: Java heap space", "Caused by: java.lang.OutOfMemoryError"],
        ),
    ] {
        let _ = c.create_log_group().log_group_name(group).send().await;
        c.create_log_stream().log_group_name(group).log_stream_name(&stream).send().await.expect("stream");
        let events: Vec<InputLogEvent> = lines
            .iter()
            .enumerate()
            .map(|(i, m)| InputLogEvent::builder().timestamp(ts + i as i64 * 1000).message(*m).build().expect("event"))
            .collect();
        c.put_log_events()
            .log_group_name(group)
            .log_stream_name(&stream)
            .set_log_events(Some(events))
            .send()
            .await
            .expect("put");
    }
    (acct, run_id)
}

#[tokio::test]
async fn prints_plain_lines_filtered_or_not() {
    let (acct, run_id) = seeded().await;
    let target = format!("orders_curate/{run_id}");
    let out = run_as(&acct, &["logs", &target]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].ends_with("[driver (output)] INFO starting"), "{stdout}");
    // Merged in time order across the output and error groups.
    assert!(lines[1].contains("[driver (error)] java.lang.OutOfMemoryError: Java heap space"), "{stdout}");
    assert!(lines[3].ends_with("[driver (error)] Caused by: java.lang.OutOfMemoryError"), "{stdout}");
    // A CloudWatch filter pattern (evaluated by the service).
    let out = run_as(&acct, &["logs", &target, "--filter", "?OutOfMemoryError ?Exception"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    // A regex (evaluated here).
    let out = run_as(&acct, &["logs", &target, "--filter", "/stage \\d+ done/"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().collect::<Vec<_>>().len(), 1, "{stdout}");
    assert!(stdout.contains("INFO stage 1 done"));
    // --since later than every line: nothing, but the streams exist.
    let out = run_as(&acct, &["logs", &target, "--since", "1m"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 0);
}

#[tokio::test]
async fn says_where_it_looked_when_there_is_nothing_and_refuses_bad_targets() {
    let acct = fresh_account();
    let t0 = Utc::now().timestamp() as f64 - 60.0;
    let out = control(
        "/batchtop/glue/seed",
        &json!({"account_id": acct, "region": emu::REGION, "jobs": [{"name": "quiet", "runs": [{"state": "RUNNING", "started_on": t0}]}]}),
    );
    let run_id = out["run_ids"]["quiet"][0].as_str().expect("run id").to_string();
    let out = run_as(&acct, &["logs", &format!("quiet/{run_id}")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no log stream yet") && stderr.contains("/aws-glue/jobs/output") && stderr.contains(&run_id),
        "{stderr}"
    );
    let out = run_as(&acct, &["logs", "no-slash"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected <glue-job-name>/<run-id>"));
    let out = run_as(&acct, &["logs", &format!("quiet/{run_id}"), "--filter", "\"unterminated"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}
