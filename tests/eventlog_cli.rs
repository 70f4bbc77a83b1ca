//! `batchtop eventlog summarize`: the real binary on the shared fixtures.

use std::process::Command;

use serde_json::Value;

fn fixture(name: &str) -> String {
    format!("{}/../shared/fixtures/spark-events/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> std::process::Output {
    let dir = std::env::temp_dir().join(format!("batchtop-evcli-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_batchtop"))
        .env_clear()
        .env("HOME", &dir)
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_STATE_HOME", dir.join("s"))
        .env("XDG_CONFIG_HOME", dir.join("c"))
        .env("BATCHTOP_CONFIG", "")
        .args(args)
        .output()
        .expect("run batchtop")
}

#[test]
fn json_has_every_documented_key() {
    let out = run(&["eventlog", "summarize", &fixture("tasks_executors_fail_compressed_eventlog.zstd"), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for k in [
        "app_id",
        "app_name",
        "spark_version",
        "start_ms",
        "end_ms",
        "jobs",
        "stages",
        "executors",
        "failed_tasks",
        "findings",
        "skipped_lines",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    let stage = &v["stages"][0];
    for k in [
        "stage_id",
        "attempt",
        "name",
        "status",
        "num_tasks",
        "completed_tasks",
        "failed_tasks",
        "duration_ms",
        "executor_run_time_ms",
        "executor_cpu_time_ns",
        "jvm_gc_time_ms",
        "input_bytes",
        "output_bytes",
        "shuffle_read_bytes",
        "shuffle_write_bytes",
        "memory_spilled_bytes",
        "disk_spilled_bytes",
        "task_duration_ms",
    ] {
        assert!(stage.get(k).is_some(), "stage is missing {k}");
    }
    assert_eq!(v["app_id"], "application_1603128018386_7846");
    assert!(v["findings"].as_array().is_some_and(|f| !f.is_empty()));
    assert!(v["executors"].as_array().is_some_and(|e| e.iter().any(|x| x["removed_reason"].is_string())));
}

#[test]
fn text_report_and_clear_refusals() {
    let out = run(&["eventlog", "summarize", &fixture("eventlog_v2_local-1623876083964")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Spark application"));
    // S3 goes through the normal credential chain; nothing listens here, so it says where it failed.
    let out = run(&[
        "eventlog",
        "summarize",
        "s3://bucket/sparklogs/app-1/",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("s3:ListObjectsV2"), "{err}");
    let out = run(&["eventlog", "summarize", "/no/such/log"]);
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
    let lz4 = std::env::temp_dir().join(format!("batchtop-ev-{}.lz4", std::process::id()));
    std::fs::write(&lz4, b"LZ4Block\x00\x00\x00\x00junk").expect("write");
    let out = run(&["eventlog", "summarize", lz4.to_str().expect("utf8")]);
    let _ = std::fs::remove_file(&lz4);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("lz4"), "{}", String::from_utf8_lossy(&out.stderr));
}
