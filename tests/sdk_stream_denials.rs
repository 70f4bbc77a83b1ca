//! A read that only adds to the streams (here glue:GetTriggers, which is polled for every
//! account), merely not permitted: one warning in the inbox naming the permission, listed under
//! `errors`, not a failed source and not a critical item: `snapshot` exits 0, `check` 1 (a
//! warning), the stream's status is not `failed`. A denied read batchtop needs still fails.

mod support;

use serde_json::{Value, json};
use support::emu::{self, fault, fresh_account};

fn seed(acct: &str) {
    emu::seed_tagged_job(acct, "orders_publish", "orders");
}

fn run(acct: &str, cmd: &[&str]) -> (i32, Value) {
    let out = emu::run_as(acct, cmd);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (out.status.code().unwrap_or(-1), doc)
}

#[test]
fn a_denied_get_triggers_is_one_warning_naming_the_permission() {
    let acct = fresh_account();
    seed(&acct);
    fault(&acct, "GetTriggers", "access_denied", 1000, 0);
    let (code, doc) = run(&acct, &["snapshot", "--no-cost"]);
    assert_eq!(code, 0, "merely not permitted: the snapshot is whole: {doc}");
    let errors = doc["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((&errors[0]["source"], &errors[0]["kind"]), (&json!("triggers"), &json!("access_denied")));
    let inbox = doc["inbox"].as_array().expect("inbox");
    assert_eq!(inbox.len(), 1, "one item: {inbox:?}");
    let item = &inbox[0];
    assert_eq!(
        (&item["source"], &item["severity"], &item["resource"]),
        (&json!("source_error"), &json!("warning"), &json!("triggers"))
    );
    let summary = item["summary"].as_str().expect("summary");
    assert!(summary.contains("not permitted: glue:GetTriggers"), "{summary}");
    let orders = doc["streams"].as_array().expect("streams").iter().find(|s| s["name"] == "orders").cloned();
    assert_eq!(orders.expect("orders")["status"], "ok");

    let (code, doc) = run(&acct, &["check", "--format", "json"]);
    assert_eq!(code, 1, "a warning, not a critical item nor an unreadable source: {doc}");
    assert_eq!(doc["open"].as_array().map(Vec::len), Some(1), "{doc}");
    assert_eq!(doc["open"][0]["severity"], "warning");
    let out = emu::run_as(&acct, &["check"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("1 open (0 critical, 1 warning) · exit 1"), "{table}");
    let items: Vec<&str> = table.lines().filter(|l| l.starts_with("warning") || l.starts_with("critical")).collect();
    assert_eq!(items.len(), 1, "{table}");
    assert!(items[0].contains("not permitted: glue:GetTriggers"), "{table}");
    assert!(!table.contains("cannot read triggers"), "told once, as the warning: {table}");

    // A denied read batchtop needs is still a failed source.
    fault(&acct, "GetCrawlers", "access_denied", 1000, 0);
    let (code, doc) = run(&acct, &["snapshot", "--no-cost"]);
    assert_eq!(code, 1, "{doc}");
    let (code, _) = run(&acct, &["check", "--format", "json"]);
    assert_eq!(code, 3);
}
