//! Event log reader and analyser against the public fixtures in ../shared/fixtures/spark-events.
//!
//! Counts are checked against an independent line-by-line count of the decompressed text (plain
//! string search, not the code under test); chunked feeding and tailing must give the same
//! summary as reading the whole file; a seeded fuzzer throws damaged lines at the parser. The
//! hand-checked numbers of a few stages are in `tests/eventlog_stages.rs`.

#[path = "eventlog/counts.rs"]
mod counts;
#[path = "eventlog_fuzz.rs"]
mod fuzz;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use batchtop::eventlog::{Analyzer, EventLogError, Options, Summary, Tail, summarize};
use counts::{count, raw_text};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/spark-events")
}

fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

fn read(name: &str) -> Summary {
    summarize(&fixture(name), &Options::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A fresh scratch directory under the system temp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("batchtop-eventlog-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "MANIFEST.md" && n != "db_sim_eventlog")
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_matches_independent_counts() {
    let names = fixture_names();
    assert_eq!(names.len(), 19, "fixtures: {names:?}");
    for name in &names {
        let s = read(name);
        let c = count(&raw_text(&fixture(name)));
        let malformed = u64::from(name.starts_with("malformed"));
        assert_eq!(s.lines, c.lines, "{name}: lines");
        assert_eq!(s.skipped_lines, malformed, "{name}: skipped lines");
        assert!(!s.truncated_last_line, "{name}");
        let keys: BTreeSet<(i64, i64)> = s.stages.iter().map(|st| (st.stage_id, st.attempt)).collect();
        assert_eq!(keys, c.stage_attempts, "{name}: stage attempts");
        for st in &s.stages {
            let ends = c.task_ends.get(&(st.stage_id, st.attempt)).copied().unwrap_or(0);
            assert_eq!(
                st.completed_tasks + st.failed_tasks + st.killed_tasks,
                ends,
                "{name}: stage {}.{}",
                st.stage_id,
                st.attempt
            );
        }
        assert_eq!(s.jobs.iter().map(|j| j.job_id).collect::<BTreeSet<_>>(), c.jobs, "{name}: jobs");
        assert_eq!(s.executors.iter().map(|e| e.id.clone()).collect::<BTreeSet<_>>(), c.executors, "{name}: executors");
        assert_eq!(
            s.executors.iter().filter(|e| e.removed_ms.is_some()).count(),
            c.removed,
            "{name}: removed executors"
        );
        assert_eq!(s.failed_tasks.iter().map(|g| g.count).sum::<u64>(), c.failed, "{name}: failed task groups");
        assert_eq!(s.stages.iter().map(|st| st.failed_tasks).sum::<i64>(), c.failed as i64, "{name}: failed tasks");
        assert_eq!(s.killed_tasks.iter().map(|g| g.count).sum::<u64>(), c.killed, "{name}: killed tasks");
        assert_eq!(s.sql_executions.iter().map(|q| q.id).collect::<BTreeSet<_>>(), c.sql, "{name}: sql");
        assert_eq!(s.unfinished_tasks as usize, c.unfinished, "{name}: unfinished tasks");
        assert_eq!(s.end_ms.is_some(), c.app_end, "{name}: application end");
        assert!(s.app_id.is_some() && s.start_ms.is_some(), "{name}: application start");
    }
}

#[test]
fn malformed_line_is_skipped_and_the_rest_read() {
    let s = read("malformed_json_eventlog.zstd");
    assert_eq!(s.skipped_lines, 1);
    assert_eq!(s.lines, 477);
    assert_eq!(s.stages.len(), 5);
    assert_eq!(s.jobs.len(), 2);
    assert_eq!(s.spark_version.as_deref(), Some("3.1.1"));
    assert!(s.to_text().contains("1 skipped as unreadable"));
}

#[test]
fn truncated_log_reads_as_still_running() {
    let s = read("truncated_eventlog");
    assert_eq!(s.end_ms, None);
    assert!(!s.completed());
    assert_eq!(s.unfinished_tasks, 3); // 24 task starts, 21 task ends
    assert!(s.jobs.iter().any(|j| j.status == "RUNNING"));
    assert!(s.stages.iter().any(|st| st.status == "ACTIVE"));
    // The attempt-1 log has no final newline after a complete last line: not "truncated".
    let s = read("application_1713000000000_0001_1.zstd");
    assert!(!s.truncated_last_line);
    assert_eq!(s.lines, 81);
}

#[test]
fn spark_1_2_log_without_log_start() {
    let s = read("local-1422981780767");
    assert_eq!(s.spark_version, None);
    assert_eq!(s.app_id.as_deref(), Some("local-1422981780767"));
    assert_eq!(s.executors.len(), 1);
    assert_eq!(s.executors[0].id, "driver");
    assert_eq!(s.jobs.iter().filter(|j| j.status == "FAILED").count(), 1);
}

#[test]
fn json_has_the_documented_keys() {
    let v = read("tasks_executors_fail_compressed_eventlog.zstd").to_json();
    for key in [
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
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let has = |item: &serde_json::Value, keys: &[&str]| {
        for key in keys {
            assert!(item.get(key).is_some(), "missing {key} in {item}");
        }
    };
    has(&v["jobs"][0], &["job_id", "status", "stage_ids"]);
    has(
        &v["stages"][0],
        &[
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
        ],
    );
    has(&v["stages"][0]["task_duration_ms"], &["min", "p50", "p75", "max"]);
    has(&v["executors"][0], &["id", "host", "added_ms", "removed_ms", "removed_reason"]);
    has(&v["failed_tasks"][0], &["reason", "count"]);
    has(&v["findings"][0], &["kind", "stage_id", "message"]);
    assert_eq!(v["app_id"], "application_1603128018386_7846");
    assert_eq!(v["spark_version"], "3.1.1");
}

#[test]
fn findings_for_failures_and_lost_executors() {
    let s = read("tasks_executors_fail_compressed_eventlog.zstd");
    let kinds: Vec<(&str, Option<i64>)> = s.findings.iter().map(|f| (f.kind.as_str(), f.stage_id)).collect();
    assert!(kinds.contains(&("failed_stage", Some(238))), "{kinds:?}");
    assert!(kinds.iter().any(|k| k.0 == "failed_job"));
    let lost: Vec<&str> = s.findings.iter().filter(|f| f.kind == "lost_executor").map(|f| f.message.as_str()).collect();
    assert_eq!(lost.len(), 2, "{lost:?}");
    assert!(lost.iter().all(|m| m.contains("Executor Process Lost")));
    assert!(s.findings.windows(2).all(|w| w[0].severity <= w[1].severity), "ranked by severity");
    assert!(s.findings.iter().all(|f| !f.advice.is_empty()));
    // Dynamic allocation releasing idle executors is not a loss.
    let s = read("eventlog_4nodes_8cores_dynamic_alloc.zstd");
    assert_eq!(s.executors.iter().filter(|e| e.removed_ms.is_some()).count(), 14);
    assert!(!s.findings.iter().any(|f| f.kind == "lost_executor"));
    // Spill in the Spark 4.1 log.
    let s = read("local-1776286786993.zstd");
    let spill: Vec<Option<i64>> = s.findings.iter().filter(|f| f.kind == "spill").map(|f| f.stage_id).collect();
    assert_eq!(spill, [Some(43), Some(14)]);
    assert_eq!(s.findings[0].kind, "failed_job");
    let text = s.to_text();
    assert!(text.contains("local-1776286786993") && text.contains("Findings (") && text.contains("advice: "));
    assert!(text.contains("PythonException: Exception: deliberate permanent failure"), "{text}");
}

/// A small synthetic log: one stage of 20 tasks, the last much slower, with GC and fetch wait.
fn synthetic_skew_log() -> String {
    let mut log = String::new();
    log.push_str(r#"{"Event":"SparkListenerJobStart","Job ID":0,"Stage Infos":[{"Stage ID":0,"Stage Name":"join","Number of Tasks":20}],"Stage IDs":[0]}"#);
    log.push('\n');
    log.push_str(r#"{"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,"Stage Name":"join","Number of Tasks":20,"Submission Time":1}}"#);
    log.push('\n');
    for t in 0..20 {
        let duration = if t == 19 { 20_000 } else { 1_000 };
        log.push_str(&format!(
            r#"{{"Event":"SparkListenerTaskStart","Stage ID":0,"Stage Attempt ID":0,"Task Info":{{"Task ID":{t},"Launch Time":1000}}}}"#
        ));
        log.push('\n');
        log.push_str(&format!(
            r#"{{"Event":"SparkListenerTaskEnd","Stage ID":0,"Stage Attempt ID":0,"Task End Reason":{{"Reason":"Success"}},"Task Info":{{"Task ID":{t},"Launch Time":1000,"Finish Time":{}}},"Task Metrics":{{"Executor Run Time":{duration},"JVM GC Time":{},"Shuffle Read Metrics":{{"Fetch Wait Time":{}}}}}}}"#,
            1000 + duration,
            duration / 4,
            duration / 2
        ));
        log.push('\n');
    }
    log
}

#[test]
fn skew_gc_and_fetch_wait_findings_follow_the_options() {
    let log = synthetic_skew_log();
    let run = |opts: Options| {
        let mut a = Analyzer::new(opts);
        a.feed(log.as_bytes());
        a.finish()
    };
    let s = run(Options::default());
    let st = &s.stages[0];
    let q = st.task_duration_ms.expect("quantiles");
    assert_eq!((q.min, q.p50, q.p75, q.max), (1000, 1000, 1000, 20_000));
    let kinds: BTreeSet<&str> = s.findings.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["skew", "gc", "fetch_wait"]));
    assert!(s.findings.iter().all(|f| f.stage_id == Some(0)));
    let skew = s.findings.iter().find(|f| f.kind == "skew").expect("skew");
    assert!(skew.message.contains("20.0x"), "{}", skew.message);
    // A floor above the slowest task, or a higher ratio, silences skew.
    let s = run(Options { skew_floor_ms: 30_000, ..Options::default() });
    assert!(!s.findings.iter().any(|f| f.kind == "skew"));
    let s = run(Options { skew_ratio: 25.0, gc_ratio: 0.5, fetch_wait_ratio: 0.9, ..Options::default() });
    assert!(s.findings.is_empty(), "{:?}", s.findings);
}

fn feed_chunks(text: &[u8], mut size: impl FnMut() -> usize) -> Summary {
    let mut a = Analyzer::new(Options::default());
    let mut rest = text;
    while !rest.is_empty() {
        let n = size().clamp(1, rest.len());
        a.feed(&rest[..n]);
        rest = &rest[n..];
    }
    a.finish()
}

#[test]
fn chunked_feeding_gives_the_same_summary() {
    for (name, sizes) in [
        ("event_log_1", vec![1, 2, 3, 5, 64, 1000]),
        ("spark2-eventlog.zstd", vec![1, 7, 61, 4093]),
        ("local-1776286786993.zstd", vec![13, 512, 65_536, 1 << 20]),
        ("malformed_json_eventlog.zstd", vec![3, 333]),
    ] {
        let expected = read(name).to_json();
        let text = raw_text(&fixture(name));
        for size in sizes {
            assert_eq!(feed_chunks(&text, || size).to_json(), expected, "{name} in chunks of {size}");
        }
        let mut rng = fuzz::Rng::new(7);
        assert_eq!(feed_chunks(&text, || 1 + rng.below(9000)).to_json(), expected, "{name} in random chunks");
    }
}

#[test]
fn tail_follows_a_growing_plain_file_and_zstd_file() {
    let dir = scratch("tail");
    for name in ["local-1532512550423", "spark2-eventlog.zstd"] {
        let expected = read(name).to_json();
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        let path = dir.join(format!("{name}.inprogress"));
        std::fs::write(&path, b"").expect("create");
        let mut tail = Tail::new(&path, &Options::default());
        let mut rng = fuzz::Rng::new(11);
        let mut at = 0;
        while at < bytes.len() {
            let n = (1 + rng.below(3000)).min(bytes.len() - at);
            let mut f = std::fs::OpenOptions::new().append(true).open(&path).expect("open");
            f.write_all(&bytes[at..at + n]).expect("append");
            at += n;
            tail.poll().expect("poll");
            let partial = tail.summary();
            assert!(partial.skipped_lines == 0, "{name}: a partial line was counted as skipped");
        }
        // Spark renames the file when the application ends.
        let done = dir.join(name);
        std::fs::rename(&path, &done).expect("rename");
        assert_eq!(tail.poll().expect("poll"), 0);
        assert_eq!(tail.finish().to_json(), expected, "{name}");
    }
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn inprogress_file_cut_mid_line() {
    let dir = scratch("inprogress");
    let text = raw_text(&fixture("local-1532512550423"));
    let cut = text.len() / 2;
    assert_ne!(text[cut - 1], b'\n');
    let path = dir.join("local-1532512550423.inprogress");
    std::fs::write(&path, &text[..cut]).expect("write");
    let s = summarize(&path, &Options::default()).expect("summarize");
    let complete = text[..cut].iter().filter(|&&b| b == b'\n').count() as u64;
    assert!(s.truncated_last_line);
    assert_eq!(s.skipped_lines, 0);
    assert_eq!(s.lines, complete + 1);
    assert!(s.to_text().contains("the last line is cut off"));
    // Cut right after a newline: nothing is truncated.
    let clean = text[..cut].iter().rposition(|&b| b == b'\n').expect("newline") + 1;
    std::fs::write(&path, &text[..clean]).expect("write");
    let s = summarize(&path, &Options::default()).expect("summarize");
    assert!(!s.truncated_last_line);
    assert_eq!(s.lines, complete);
    // A zstd log cut in the middle of its stream reads up to the cut, and says so.
    let compressed = std::fs::read(fixture("local-1776286786993.zstd")).expect("fixture");
    let path = dir.join("local-1776286786993.zstd.inprogress");
    std::fs::write(&path, &compressed[..compressed.len() / 2]).expect("write");
    let s = summarize(&path, &Options::default()).expect("summarize cut zstd");
    assert_eq!(s.notes.len(), 1, "{:?}", s.notes);
    assert!(s.notes[0].contains("compressed stream stops early"));
    assert_eq!(s.skipped_lines, 0);
    assert!(s.lines > 0 && s.lines < 274 && s.end_ms.is_none());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn rolling_directories() {
    // The fixture: two zstd parts, an appstatus marker.
    let s = read("eventlog_v2_local-1623876083964");
    assert_eq!(s.lines, 5621);
    assert_eq!(s.stages.iter().map(|st| st.completed_tasks).sum::<i64>(), 2801);
    // A home-made one: plain then zstd part, .crc files and an in-progress marker to ignore.
    let text = raw_text(&fixture("local-1532512550423"));
    let split = text[..text.len() / 2].iter().rposition(|&b| b == b'\n').expect("newline") + 1;
    let dir = scratch("rolling").join("eventlog_v2_local-1532512550423");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("events_1_local-1532512550423"), &text[..split]).expect("part 1");
    let part2 = zstd::stream::encode_all(&text[split..], 3).expect("compress");
    std::fs::write(dir.join("events_2_local-1532512550423.zstd"), part2).expect("part 2");
    std::fs::write(dir.join(".events_1_local-1532512550423.crc"), b"\x00garbage").expect("crc");
    std::fs::write(dir.join("appstatus_local-1532512550423.inprogress"), b"").expect("marker");
    let rolled = summarize(&dir, &Options::default()).expect("rolling dir");
    assert_eq!(rolled.to_json(), read("local-1532512550423").to_json());
    // A directory holding just one log file is fine too.
    let single = scratch("single");
    std::fs::write(single.join("app-1"), &text).expect("write");
    assert_eq!(summarize(&single, &Options::default()).expect("single").to_json(), rolled.to_json());
    let _ = std::fs::remove_dir_all(dir.parent().expect("parent"));
    let _ = std::fs::remove_dir_all(single);
}

#[test]
fn databricks_style_directory() {
    // The gzip part is read (more in tests/eventlog_codecs.rs). Decompressed by the system gzip
    // (when there is one), it is the same log as the rolling one.
    let s = read("db_sim_eventlog");
    assert_eq!(s.to_json(), read("eventlog_v2_local-1623876083964").to_json());
    let dir = scratch("dbsim");
    let gz = fixture("db_sim_eventlog/eventlog-2021-06-15--15-00.gz");
    let Ok(out) = std::process::Command::new("gzip").arg("-dc").arg(&gz).output() else {
        eprintln!("no gzip here: skipping the decompressed comparison");
        return;
    };
    assert!(out.status.success());
    std::fs::write(dir.join("eventlog-2021-06-15--15-00"), out.stdout).expect("write");
    std::fs::copy(fixture("db_sim_eventlog/eventlog"), dir.join("eventlog")).expect("copy");
    let s = summarize(&dir, &Options::default()).expect("db sim");
    assert_eq!(s.to_json(), read("eventlog_v2_local-1623876083964").to_json());
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn clear_errors() {
    let dir = scratch("errors");
    // Codecs: a name that does not match the bytes, formats Spark does not write.
    for (name, bytes, wrong) in [
        ("app.lz4", &b"{\"Event\":\"x\"}\n"[..], true),
        ("app-lz4-frame", b"\x04\x22\x4D\x18\x64\x40", false),
        ("app.snappy", b"LZ4Block\x10\x00\x00\x00", true),
        ("app-snappy-framed", b"\xff\x06\x00\x00sNaPpY", false),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        let err = summarize(&path, &Options::default()).expect_err(name);
        if wrong {
            assert!(matches!(&err, EventLogError::WrongCodec { .. }), "{name}: {err}");
        } else {
            assert!(matches!(&err, EventLogError::UnsupportedCodec { .. }), "{name}: {err}");
            assert!(err.to_string().contains("is not a format Spark writes event logs in"), "{err}");
        }
    }
    let missing = summarize(&dir.join("no-such-log"), &Options::default()).expect_err("missing");
    assert!(matches!(missing, EventLogError::NotFound(_)));
    assert!(missing.to_string().contains("no such file"));
    std::fs::write(dir.join("empty"), b"\n\n").expect("write");
    assert!(matches!(summarize(&dir.join("empty"), &Options::default()), Err(EventLogError::Empty(_))));
    let many = scratch("many");
    std::fs::write(many.join("a"), b"{}\n").expect("write");
    std::fs::write(many.join("b"), b"{}\n").expect("write");
    assert!(matches!(summarize(&many, &Options::default()), Err(EventLogError::NotAnEventLog { .. })));
    std::fs::write(dir.join("broken.zstd"), [0x28, 0xB5, 0x2F, 0xFD, 0xFF, 0xFF, 0xFF]).expect("write");
    assert!(matches!(summarize(&dir.join("broken.zstd"), &Options::default()), Err(EventLogError::Corrupt { .. })));
    std::fs::remove_dir_all(&dir).expect("cleanup");
    std::fs::remove_dir_all(&many).expect("cleanup");
}

/// Feed `n` generated lines both line by line and as one stream cut in odd chunks.
fn fuzz_lines(seed: u64, n: usize) {
    let mut rng = fuzz::Rng::new(seed);
    let mut line = Vec::new();
    let mut by_line = Analyzer::new(Options::default());
    let mut streamed = Analyzer::new(Options::default());
    let mut chunk = Vec::new();
    for i in 0..n {
        fuzz::line(&mut rng, &mut line);
        by_line.feed_line(&line);
        chunk.extend_from_slice(&line);
        chunk.push(b'\n');
        if chunk.len() > 3000 || i + 1 == n {
            let cut = rng.below(chunk.len());
            streamed.feed(&chunk[..cut]);
            streamed.feed(&chunk[cut..]);
            chunk.clear();
        }
        if i % 50_000 == 0 {
            let _ = by_line.summary().to_text(); // snapshots along the way must not panic either
        }
    }
    let (a, b) = (by_line.finish(), streamed.finish());
    assert!(a.skipped_lines > 0 && a.skipped_lines < a.lines, "{} of {}", a.skipped_lines, a.lines);
    assert!(b.skipped_lines <= b.lines);
    let _ = (a.to_json(), a.to_text(), b.to_json());
}

#[test]
fn fuzzed_lines_never_panic() {
    fuzz_lines(1, 100_000);
}

/// The 1,000,000-line run (also timed by `cargo bench --bench eventlog`).
#[test]
#[ignore = "slow in debug builds; run with --release -- --ignored"]
fn fuzzed_lines_never_panic_1m() {
    fuzz_lines(2, 1_000_000);
}

#[test]
fn valid_seed_lines_all_parse() {
    let mut a = Analyzer::new(Options::default());
    for line in fuzz::SEEDS {
        a.feed_line(line.as_bytes());
    }
    let s = a.finish();
    assert_eq!((s.lines, s.skipped_lines), (fuzz::SEEDS.len() as u64, 0));
}
