//! The oracle of `tests/eventlog.rs`: what a plain text search over a log's lines finds,
//! without the code under test (zstd through the zstd crate, rolling parts in numeric order).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The decompressed text of a fixture, read without the code under test: zstd files through the
/// zstd crate, rolling directories as their `events_<n>_*` parts concatenated in numeric order.
pub fn raw_text(path: &Path) -> Vec<u8> {
    if path.is_dir() {
        let mut parts: Vec<(u64, PathBuf)> = std::fs::read_dir(path)
            .expect("read dir")
            .map(|e| e.expect("dir entry").path())
            .filter_map(|p| {
                let name = p.file_name()?.to_str()?.to_string();
                let n = name.strip_prefix("events_")?.split('_').next()?.parse().ok()?;
                Some((n, p))
            })
            .collect();
        parts.sort();
        return parts.iter().flat_map(|(_, p)| raw_text(p)).collect();
    }
    let bytes = std::fs::read(path).expect("read fixture");
    if path.extension().is_some_and(|e| e == "zstd") {
        zstd::stream::decode_all(&bytes[..]).expect("zstd")
    } else {
        bytes
    }
}

/// What a plain text search over the lines finds.
#[derive(Debug, Default)]
pub struct Counts {
    pub lines: u64,
    pub task_ends: BTreeMap<(i64, i64), i64>,
    pub stage_attempts: BTreeSet<(i64, i64)>,
    pub jobs: BTreeSet<i64>,
    pub executors: BTreeSet<String>,
    pub removed: usize,
    pub failed: u64,
    pub killed: u64,
    pub sql: BTreeSet<i64>,
    pub unfinished: usize,
    pub app_end: bool,
}

fn number_after(line: &str, key: &str) -> Option<i64> {
    let rest = &line[line.find(key)? + key.len()..];
    let end = rest.find(|c: char| !c.is_ascii_digit() && c != '-').unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn string_after<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = &line[line.find(key)? + key.len()..];
    Some(&rest[..rest.find('"')?])
}

/// Every `"Stage ID":N[,"Stage Attempt ID":M]` in a line.
fn stage_keys(line: &str) -> Vec<(i64, i64)> {
    line.match_indices("\"Stage ID\":")
        .filter_map(|(at, _)| {
            let rest = &line[at..];
            let id = number_after(rest, "\"Stage ID\":")?;
            let after_id = &rest[rest.find(',')?..];
            let attempt = if after_id.starts_with(",\"Stage Attempt ID\":") {
                number_after(after_id, "\"Stage Attempt ID\":")?
            } else {
                0
            };
            Some((id, attempt))
        })
        .collect()
}

pub fn count(text: &[u8]) -> Counts {
    let mut c = Counts::default();
    let (mut started, mut ended) = (BTreeSet::new(), BTreeSet::new());
    for line in String::from_utf8_lossy(text).lines().filter(|l| !l.trim().is_empty()) {
        c.lines += 1;
        let is = |event: &str| line.starts_with(&format!("{{\"Event\":\"{event}\""));
        if is("SparkListenerTaskEnd") {
            let key = stage_keys(line)[0];
            *c.task_ends.entry(key).or_default() += 1;
            match string_after(line, "\"Task End Reason\":{\"Reason\":\"") {
                Some("Success") => {}
                Some("TaskKilled" | "TaskCommitDenied") => c.killed += 1,
                _ => c.failed += 1,
            }
            ended.insert(number_after(line, "\"Task ID\":").expect("task id"));
        } else if is("SparkListenerTaskStart") {
            started.insert(number_after(line, "\"Task ID\":").expect("task id"));
        } else if is("SparkListenerStageSubmitted") || is("SparkListenerJobStart") {
            c.stage_attempts.extend(stage_keys(line));
            if is("SparkListenerJobStart") {
                c.jobs.insert(number_after(line, "\"Job ID\":").expect("job id"));
            }
        } else if is("SparkListenerExecutorAdded") || is("SparkListenerBlockManagerAdded") {
            c.executors.insert(string_after(line, "\"Executor ID\":\"").expect("executor id").to_string());
        } else if is("SparkListenerExecutorRemoved") {
            c.removed += 1;
        } else if is("org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart") {
            c.sql.insert(number_after(line, "\"executionId\":").expect("execution id"));
        } else if is("SparkListenerApplicationEnd") {
            c.app_end = true;
        }
    }
    c.unfinished = started.difference(&ended).count();
    c
}
