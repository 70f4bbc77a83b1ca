//! `batchtop eventlog compare`: two real Spark runs of one program with one setting changed
//! (tests/fixtures/spark-compare, made by its make.py), and the public fixtures in
//! ../shared/fixtures/spark-events for logs of different programs; `C` in the event log view.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use batchtop::app::msg::{Effect, Msg};
use batchtop::app::update::update;
use batchtop::eventlog::{self, Comparison, Options, StageSummary, Summary};
use batchtop::state::View;
use batchtop::state::eventlog::{EventLogPane, EventLogSource, LogRef};
use ratatui::crossterm::event::KeyCode;
use serde_json::{Value, json};
use support::{ch, key, loaded_state, screen, typed};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spark-compare").join(name)
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events")
}

fn read(path: &Path) -> Summary {
    eventlog::summarize(path, &Options::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn runs() -> (Summary, Summary) {
    (read(&fixture("run-a")), read(&fixture("run-b")))
}

fn batchtop(args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("batchtop-evcompare-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_batchtop"))
        .env_clear()
        .env("HOME", &dir)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_STATE_HOME", dir.join("s"))
        .env("XDG_CONFIG_HOME", dir.join("c"))
        .env("BATCHTOP_CONFIG", "")
        .args(args)
        .output()
        .expect("run batchtop")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

#[test]
fn the_changed_setting_is_reported_with_both_values() {
    let (a, b) = runs();
    let c = eventlog::compare(&a, &b);
    let real: Vec<_> = c.config_changes.iter().filter(|ch| !ch.run_specific).collect();
    assert_eq!(real.len(), 1, "{real:#?}");
    assert_eq!(real[0].key, "spark.sql.shuffle.partitions");
    assert_eq!((real[0].a.as_deref(), real[0].b.as_deref()), (Some("64"), Some("8")));
    // The rest differ in every run: listed, never a finding.
    let noise: Vec<&str> = c.config_changes.iter().filter(|ch| ch.run_specific).map(|ch| ch.key.as_str()).collect();
    assert_eq!(noise, ["spark.app.id", "spark.app.startTime", "spark.app.submitTime", "spark.driver.port"]);
    let config: Vec<&str> = c.findings.iter().filter(|f| f.kind == "config").map(|f| f.message.as_str()).collect();
    assert_eq!(config, ["spark.sql.shuffle.partitions changed 64 → 8"]);
}

#[test]
fn every_stage_is_matched_and_the_write_stage_shows_the_change() {
    let (a, b) = runs();
    let c = eventlog::compare(&a, &b);
    assert!(c.only_in_a.is_empty() && c.only_in_b.is_empty(), "{:?} {:?}", c.only_in_a, c.only_in_b);
    assert_eq!(c.stages.len(), 10);
    for p in &c.stages {
        assert_eq!(p.a.stage_id, p.b.stage_id, "same program, same stage order");
        assert_eq!(p.a.name, p.b.name);
        assert_eq!(p.matched_by, eventlog::compare::MatchRule::Name);
    }
    let write = &c.stages[4];
    assert_eq!((write.a.num_tasks, write.b.num_tasks), (64, 8));
    // The stage that ran 64 tasks instead of 8 is a finding, with its task counts as the reason.
    let stage = c.findings.iter().find(|f| f.kind == "stage_time").expect("a stage time finding");
    assert!(
        stage.message.starts_with("stage 4 'parquet at NativeMethodAccessorImpl.java:0' took "),
        "{}",
        stage.message
    );
    assert!(stage.message.ends_with(": tasks 64 → 8"), "{}", stage.message);
    // Findings: the whole run's time, then the stage, then the setting, then B's own finding.
    let kinds: Vec<&str> = c.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, ["duration", "stage_time", "config", "new_finding"]);
}

/// B's write stage (8 tasks instead of 64) spent 11% of its run time in GC, which its analysis
/// flags and A's does not: reported as only in B, and the other way round as gone in B.
#[test]
fn a_finding_only_b_has_is_reported_and_one_it_lost_is_noted() {
    let (a, b) = runs();
    let gc = "stage 4.0 (parquet at NativeMethodAccessorImpl.java:0): GC took ";
    assert!(!a.findings.iter().any(|f| f.kind == "gc") && b.findings.iter().any(|f| f.message.starts_with(gc)));
    let c = eventlog::compare(&a, &b);
    let new: Vec<_> = c.new_in_b.iter().map(|f| (f.kind.as_str(), f.a_stage_id, f.b_stage_id)).collect();
    assert_eq!(new, [("gc", Some(4), Some(4))]);
    assert!(c.gone_in_b.is_empty(), "{:?}", c.gone_in_b);
    let last = c.findings.last().expect("findings");
    assert_eq!(last.kind, "new_finding");
    assert!(last.message.starts_with(&format!("only in B: {gc}")), "{}", last.message);
    let back = eventlog::compare(&b, &a);
    assert!(back.new_in_b.is_empty(), "{:?}", back.new_in_b);
    let notes: Vec<&str> = back.findings.iter().filter(|f| f.kind == "gone_in_b").map(|f| f.message.as_str()).collect();
    assert_eq!(notes, ["gone in B: GC time in stage 4 'parquet at NativeMethodAccessorImpl.java:0'"]);
    assert!(!back.findings.iter().any(|f| f.kind == "new_finding"));
    // Two attempts of one application that failed the same way: nothing new, nothing gone.
    let (one, two) = (
        read(&shared().join("application_1713000000000_0001_1.zstd")),
        read(&shared().join("application_1713000000000_0001_2.zstd")),
    );
    assert!(
        one.findings.iter().any(|f| f.kind == "failed_stage") && two.findings.iter().any(|f| f.kind == "failed_stage")
    );
    let c = eventlog::compare(&one, &two);
    assert!(c.new_in_b.is_empty() && c.gone_in_b.is_empty(), "{:?} {:?}", c.new_in_b, c.gone_in_b);
    // A clean run against one with failures: its failed job and stage are new in B.
    let clean = read(&shared().join("local-1532512550423"));
    let c = eventlog::compare(&clean, &two);
    let kinds: Vec<&str> = c.new_in_b.iter().map(|f| f.kind.as_str()).collect();
    assert!(kinds.contains(&"failed_job") && kinds.contains(&"failed_stage"), "{kinds:?}");
}

#[test]
fn a_run_against_itself_shows_no_change() {
    let (a, b) = runs();
    for s in [&a, &b] {
        let c = eventlog::compare(s, s);
        assert!(c.config_changes.is_empty(), "{:?}", c.config_changes);
        assert!(c.findings.is_empty(), "{:?}", c.findings);
        assert!(c.only_in_a.is_empty() && c.only_in_b.is_empty());
        assert!(c.stages.iter().all(|p| p.a == p.b));
    }
}

/// A pair's `[a, b]` of one key.
fn both(pair: &Value, key: &str) -> (Value, Value) {
    let v = &pair[key];
    assert!(v.as_array().is_some_and(|x| x.len() == 2), "{key}: {v}");
    (v[0].clone(), v[1].clone())
}

fn attempt(s: &Summary, id: i64) -> &StageSummary {
    let mut attempts = s.stages.iter().filter(|st| st.stage_id == id);
    let st = attempts.next().expect("stage");
    assert!(attempts.next().is_none(), "one attempt");
    st
}

fn stage_fields(st: &StageSummary) -> Vec<(&'static str, Value)> {
    let q = st.task_duration_ms.expect("task summary");
    vec![
        ("duration_ms", json!(st.duration_ms())),
        ("num_tasks", json!(st.num_tasks)),
        ("failed_tasks", json!(st.failed_tasks)),
        ("executor_run_time_ms", json!(st.executor_run_time_ms)),
        ("input_bytes", json!(st.input_bytes)),
        ("output_bytes", json!(st.output_bytes)),
        ("shuffle_read_bytes", json!(st.shuffle_read_bytes)),
        ("shuffle_write_bytes", json!(st.shuffle_write_bytes)),
        ("memory_spilled_bytes", json!(st.memory_spilled_bytes)),
        ("disk_spilled_bytes", json!(st.disk_spilled_bytes)),
        ("task_p50_ms", json!(q.p50)),
        ("task_max_ms", json!(q.max)),
    ]
}

#[test]
fn cli_json_has_the_keys_and_one_stage_field_by_field() {
    let (a, b) = runs();
    let out = batchtop(&["eventlog", "compare", path_str(&fixture("run-a")), path_str(&fixture("run-b")), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for k in ["a", "b", "config_changes", "stages", "only_in_a", "only_in_b", "new_in_b", "gone_in_b", "findings"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for (side, s) in [("a", &a), ("b", &b)] {
        assert_eq!(v[side]["app_id"], json!(s.app_id), "{side}");
        assert_eq!(v[side]["app_name"], json!("curate-orders"));
        assert_eq!(v[side]["duration_ms"], json!(s.duration_ms()));
    }
    let change =
        v["config_changes"].as_array().expect("array").iter().find(|c| c["key"] == "spark.sql.shuffle.partitions");
    assert_eq!(change.map(|c| (&c["a"], &c["b"])), Some((&json!("64"), &json!("8"))));
    assert_eq!((&v["only_in_a"], &v["only_in_b"]), (&json!([]), &json!([])));
    assert!(
        v["findings"].as_array().is_some_and(|f| f.iter().all(|f| f["kind"].is_string() && f["message"].is_string()))
    );
    let new = &v["new_in_b"][0];
    assert_eq!(
        (&new["kind"], &new["severity"], &new["a_stage_id"], &new["b_stage_id"]),
        (&json!("gc"), &json!("warning"), &json!(4), &json!(4))
    );
    assert!(new["message"].is_string() && new["advice"].is_string() && new["impact_ms"].is_i64(), "{new}");
    assert_eq!(v["gone_in_b"], json!([]));
    let pair = v["stages"].as_array().expect("stages").iter().find(|p| p["a_stage_id"] == 4).expect("stage 4");
    assert_eq!(pair["b_stage_id"], 4);
    assert_eq!(pair["name"], "parquet at NativeMethodAccessorImpl.java:0");
    let (sa, sb) = (attempt(&a, 4), attempt(&b, 4));
    for ((key, va), (_, vb)) in stage_fields(sa).into_iter().zip(stage_fields(sb)) {
        assert_eq!(both(pair, key), (va, vb), "{key}");
    }
}

#[test]
fn cli_text_starts_with_the_findings() {
    let out = batchtop(&["eventlog", "compare", path_str(&fixture("run-a")), path_str(&fixture("run-b"))]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("Findings: B (local-"), "{text}");
    assert!(lines[1].starts_with("   1. "), "{text}");
    let at = |what: &str| lines.iter().position(|l| l.contains(what)).unwrap_or_else(|| panic!("no {what}:\n{text}"));
    assert!(at("spark.sql.shuffle.partitions changed 64 → 8") < at("Configuration changes: 1"));
    assert!(at("Configuration changes: 1") < at("Stages: 10 matched, 0 only in A, 0 only in B"));
    assert!(lines[at("Configuration changes: 1") + 1].contains("spark.sql.shuffle.partitions  64  →  8"));
    let same = batchtop(&["eventlog", "compare", path_str(&fixture("run-a")), path_str(&fixture("run-a"))]);
    assert!(
        String::from_utf8_lossy(&same.stdout).lines().nth(1).is_some_and(|l| l.contains("no difference that matters"))
    );
}

#[test]
fn a_missing_log_is_one_line_and_a_failure() {
    let (run_a, missing) = (fixture("run-a"), fixture("no-such-run"));
    let (good, gone) = (path_str(&run_a), path_str(&missing));
    for args in [[good, gone], [gone, good]] {
        let out = batchtop(&["eventlog", "compare", args[0], args[1]]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("no-such-run") && err.contains("no such file"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(out.stdout.is_empty());
    }
    // Something that is not an event log at all.
    let readme = fixture("README.md");
    let out = batchtop(&["eventlog", "compare", good, path_str(&readme)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("README.md: not a Spark event log"), "{err}");
    let out = batchtop(&["eventlog", "compare", good]);
    assert!(!out.status.success(), "B is required");
}

/// Every public log against every other: never a panic; each against itself shows nothing.
#[test]
fn public_logs_of_different_programs() {
    let mut logs: Vec<(String, Summary)> = std::fs::read_dir(shared())
        .expect("../shared/fixtures/spark-events")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n != "MANIFEST.md"))
        .filter_map(|p| {
            Some((p.file_name()?.to_string_lossy().into_owned(), eventlog::summarize(&p, &Options::default()).ok()?))
        })
        .collect();
    logs.sort_by(|x, y| x.0.cmp(&y.0));
    assert!(logs.len() >= 15, "{}", logs.len());
    for (name_a, a) in &logs {
        for (name_b, b) in &logs {
            let c = eventlog::compare(a, b);
            let (text, v) = (c.to_text(), c.to_json());
            assert!(text.starts_with("Findings: "), "{name_a} {name_b}");
            let listed = v["stages"].as_array().map_or(0, Vec::len) + v["only_in_a"].as_array().map_or(0, Vec::len);
            assert_eq!(listed, stage_ids(a), "{name_a} {name_b}");
            if name_a == name_b {
                assert!(c.findings.is_empty() && c.config_changes.is_empty(), "{name_a}: {:?}", c.findings);
                assert!(c.new_in_b.is_empty() && c.gone_in_b.is_empty(), "{name_a}");
            }
        }
    }
    // Two unrelated programs: their stages mostly do not match.
    let get = |n: &str| &logs.iter().find(|(name, _)| name == n).expect(n).1;
    let c: Comparison =
        eventlog::compare(get("join_agg_on_yarn_eventlog.zstd"), get("eventlog_4nodes_8cores_dynamic_alloc.zstd"));
    assert!(c.stages.len() * 2 < c.only_in_a.len() + c.only_in_b.len(), "{} matched", c.stages.len());
    assert!(c.findings.iter().any(|f| f.kind == "only_in_b"));
    assert!(c.findings.iter().any(|f| f.message.starts_with("spark.app.name changed ProcessLargeDataset → ")));
}

fn stage_ids(s: &Summary) -> usize {
    let mut ids: Vec<i64> = s.stages.iter().map(|st| st.stage_id).collect();
    ids.dedup();
    ids.len()
}

fn event_log_view(s: &batchtop::state::AppState) -> &EventLogPane {
    match s.stack.last() {
        Some(View::EventLog(e)) => e,
        _ => panic!("not in the event log view"),
    }
}

/// `C` in the event log view: a prompt (starting at this log's folder), the other log read as
/// A, the comparison shown instead of the tabs, scrolled, closed with esc.
#[tokio::test]
async fn c_in_the_event_log_view_compares_with_another_log() {
    let (a, b) = runs();
    let (mut s, _) = loaded_state(120, 40).await;
    s.context.standalone = true;
    let this = EventLogSource::Local("fixtures/run-b".into());
    s.stack.push(View::EventLog(Box::new(EventLogPane::new(this.clone()))));
    update(&mut s, ch('C'));
    assert!(event_log_view(&s).compare_prompt.is_none(), "nothing to compare before the log is read");
    assert!(s.flash.as_deref().is_some_and(|f| f.contains("not read yet")), "{:?}", s.flash);
    update(&mut s, Msg::EventLogLoaded { log: LogRef::new(this, None), result: Ok(Box::new(b)) });
    update(&mut s, ch('C'));
    // Opened by its path: no run to compare with, and the flash says so.
    let why = "this log was opened by its path, not from a run: type the path or s3:// URI";
    assert!(s.flash.as_deref().is_some_and(|f| f.contains(why)), "{:?}", s.flash);
    assert_eq!(event_log_view(&s).compare_prompt.as_deref(), Some("fixtures/"));
    assert!(screen(&s).contains("compare with (path or s3://…; enter reads, esc cancels): fixtures/"));
    update(&mut s, key(KeyCode::Esc));
    assert!(event_log_view(&s).compare_prompt.is_none() && event_log_view(&s).compare.is_none());
    update(&mut s, ch('C'));
    typed(&mut s, "run-x");
    update(&mut s, key(KeyCode::Backspace));
    let fx = update(&mut s, ch('a'));
    assert_eq!(fx, vec![Effect::Redraw], "typing goes to the prompt, not to the key map");
    let fx = update(&mut s, key(KeyCode::Enter));
    let other = EventLogSource::Local("fixtures/run-a".into());
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadEventLog { log, follow: None, .. } if log.source == other)),
        "{fx:?}"
    );
    assert!(screen(&s).contains("reading fixtures/run-a"));
    update(&mut s, Msg::EventLogLoaded { log: LogRef::new(other, None), result: Ok(Box::new(a)) });
    let text = screen(&s);
    assert!(text.contains("B: this log · A: fixtures/run-a"), "{text}");
    assert!(text.contains("spark.sql.shuffle.partitions changed 64 → 8"), "{text}");
    assert!(event_log_view(&s).summary().is_some_and(|x| x.app_id == Some("local-1796605568312".into())), "B stays");
    update(&mut s, key(KeyCode::Down));
    assert_eq!(event_log_view(&s).compare.as_ref().map(|c| c.scroll), Some(1));
    assert!(!screen(&s).contains("Findings: B"), "scrolled by one line");
    update(&mut s, key(KeyCode::Esc));
    assert!(event_log_view(&s).compare.is_none());
    assert!(screen(&s).contains("findings, worst first"));
    // A log that cannot be read says so in the view.
    update(&mut s, ch('C'));
    typed(&mut s, "gone");
    update(&mut s, key(KeyCode::Enter));
    let gone = EventLogSource::Local("fixtures/gone".into());
    update(
        &mut s,
        Msg::EventLogLoaded {
            log: LogRef::new(gone, None),
            result: Err("fixtures/gone: no such file or directory".into()),
        },
    );
    assert!(screen(&s).contains("cannot compare: fixtures/gone: no such file or directory"));
}

/// Two logs under one prefix (a Glue job's runs share it), told apart by start time only:
/// each read lands on its own side.
#[tokio::test]
async fn two_logs_under_one_prefix_keep_their_own_summaries() {
    let (a, b) = runs();
    let (a_id, b_id) = (a.app_id.clone(), b.app_id.clone());
    let (mut s, _) = loaded_state(120, 40).await;
    let prefix = EventLogSource::S3("s3://b/sparkHistoryLogs/".into());
    let mut pane = EventLogPane::new(prefix.clone());
    pane.after_ms = Some(1_796_605_568_000);
    s.stack.push(View::EventLog(Box::new(pane)));
    let this = LogRef::new(prefix.clone(), Some(1_796_605_568_000));
    update(&mut s, Msg::EventLogLoaded { log: this.clone(), result: Ok(Box::new(b.clone())) });
    update(&mut s, ch('C'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let other = LogRef::new(prefix, None);
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadEventLog { log, .. } if *log == other)), "{fx:?}");
    let sides = |s: &batchtop::state::AppState| {
        let e = event_log_view(s);
        let a = e.compare.as_ref().and_then(|cv| cv.other_summary.as_ref()?.as_ref().ok()).map(|x| x.app_id.clone());
        (a, e.summary().map(|x| x.app_id.clone()))
    };
    update(&mut s, Msg::EventLogLoaded { log: other, result: Ok(Box::new(a)) });
    assert_eq!(sides(&s), (Some(a_id.clone()), Some(b_id.clone())), "A's read leaves this log alone");
    update(&mut s, Msg::EventLogLoaded { log: this, result: Ok(Box::new(b)) });
    assert_eq!(sides(&s), (Some(a_id), Some(b_id)), "this log's read leaves A alone");
    assert!(screen(&s).contains("spark.sql.shuffle.partitions changed 64 → 8"));
}
