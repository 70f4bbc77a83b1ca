//! Spark event logs: reading (plain, zstd, lz4, snappy, lzf and gzip; rolling and Databricks
//! directories; in-progress files) and analysis. No TUI types in here.
//!
//! [`summarize`] reads a whole log; [`Analyzer`] is the streaming core it uses (feed bytes cut
//! anywhere, get the same [`Summary`]); [`Tail`] follows a log that is still being written;
//! [`compare`] sets two summaries side by side (run versus run, see [`mod@compare`]).
//! Per-stage numbers follow the rules of Spark's history server (see
//! `docs/SPARK-EVENTLOG.md`): quantiles are not interpolated, task duration quantiles sort all
//! finished attempts but index by the successful ones, stage sums include failed attempts, and
//! every end reason but Success, TaskKilled and TaskCommitDenied counts as a failure.

mod analyzer;
pub mod compare;
mod decode;
mod detect;
mod events;
mod failures;
mod findings;
mod framing;
mod lz4block;
mod lzf;
mod model;
mod plan;
mod reading;
mod replay;
mod report;
mod scan;
mod snappy;
mod source;
mod stream;
mod tail;
mod task;
mod template;
mod usage;
mod words;

use std::path::{Path, PathBuf};

pub use analyzer::Analyzer;
pub use compare::{Comparison, compare};
pub use model::{
    Broadcast, ExecutorSummary, FailureGroup, Finding, HostTasks, JobSummary, Quantiles, Severity, SqlExecution,
    StageSummary, Summary,
};
pub use reading::{Reading, Seen, Unwatched, Watch};
pub use stream::{Fed, Start, feed_part, is_marker, named_compressed, note_cut, order_names};
pub use tail::Tail;

/// Thresholds of the findings.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Skew: the slowest task must also take longer than this (ms).
    pub skew_floor_ms: u64,
    /// Skew: the slowest task must take more than this times the p75 duration.
    pub skew_ratio: f64,
    /// GC: flag stages whose GC time exceeds this share of executor run time.
    pub gc_ratio: f64,
    /// Fetch wait: flag stages whose shuffle fetch wait exceeds this share of executor run time.
    pub fetch_wait_ratio: f64,
    /// GC and fetch-wait findings ignore stages with less executor run time than this (ms).
    pub min_run_time_ms: u64,
    /// Idle slots: flag a stage whose tasks fill less than this share of the executor cores ...
    pub min_slot_use: f64,
    /// ... and that ran at least this long (ms).
    pub idle_slots_min_stage_ms: u64,
    /// Small files: flag a stage reading less than this per task on average ...
    pub small_partition_bytes: u64,
    /// ... over at least this many tasks.
    pub small_partition_min_tasks: u64,
    /// Flag a broadcast larger than this.
    pub large_broadcast_bytes: u64,
    /// Shuffle partitions left at 200: flag a 200-task stage reading less than this per task.
    pub small_shuffle_partition_bytes: u64,
    /// Failing host: at least this many failed tasks ...
    pub host_failures_min: u64,
    /// ... with at least this share of them on one host.
    pub host_failure_share: f64,
    /// Speculation waste: attempts killed because another succeeded took this share of task time ...
    pub speculation_waste_share: f64,
    /// ... and at least this long (ms).
    pub speculation_waste_min_ms: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            skew_floor_ms: 5_000,
            skew_ratio: 1.5,
            gc_ratio: 0.10,
            fetch_wait_ratio: 0.20,
            min_run_time_ms: 1_000,
            min_slot_use: 0.5,
            idle_slots_min_stage_ms: 30_000,
            small_partition_bytes: 8 << 20,
            small_partition_min_tasks: 100,
            large_broadcast_bytes: 128 << 20,
            small_shuffle_partition_bytes: 4 << 20,
            host_failures_min: 3,
            host_failure_share: 0.75,
            speculation_waste_share: 0.1,
            speculation_waste_min_ms: 60_000,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EventLogError {
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    #[error("{}: {}", .path.display(), unsupported_message(.codec))]
    UnsupportedCodec { path: PathBuf, codec: &'static str },
    #[error("{}: the event log is empty", .0.display())]
    Empty(PathBuf),
    #[error("{}: {message}", .path.display())]
    NotAnEventLog { path: PathBuf, message: String },
    #[error("{}: {message}", .path.display())]
    WrongCodec { path: PathBuf, message: String },
    #[error(
        "{}: cannot decompress ({message}); the file is damaged or cut short: copy it again from where Spark wrote it",
        .path.display()
    )]
    Corrupt { path: PathBuf, message: String },
    /// The [`Watch`] of the read said stop.
    #[error("{}: the read was stopped", .0.display())]
    Stopped(PathBuf),
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn unsupported_message(codec: &str) -> String {
    let (what, tool) = match codec {
        "lz4-frame" => ("lz4 frame format (the lz4 command's, not Spark's LZ4Block stream)", "lz4 -d"),
        "snappy-framed" => {
            ("snappy framing format (not snappy-java's stream, which Spark writes)", "the tool that wrote it")
        }
        _ => ("this compression", "the tool that wrote it"),
    };
    format!("{what} is not a format Spark writes event logs in; decompress it first ({tool})")
}

/// The decoded text of one event log file, whatever its codec (checked as [`summarize`] checks
/// it); a damaged or cut stream shows as a read error naming the offset.
pub fn decoded(path: &Path) -> Result<Box<dyn std::io::Read + Send>, EventLogError> {
    source::open(path)
}

/// Read the whole event log at `path` (file or directory) and analyse it.
pub fn summarize(path: &Path, opts: &Options) -> Result<Summary, EventLogError> {
    summarize_watched(path, opts, &Unwatched)
}

/// [`summarize`], telling `watch` the size on disk of the log's files, then each read from
/// them; it ends early with [`EventLogError::Stopped`] once `watch` says stop.
pub fn summarize_watched(path: &Path, opts: &Options, watch: &dyn Watch) -> Result<Summary, EventLogError> {
    let parts = source::parts(path)?;
    let total = parts.iter().map(|p| source::disk_size(&p.path)).sum();
    let _ending = reading::Ending::begin(watch, total);
    let mut analyzer = Analyzer::new(opts.clone());
    for (i, part) in parts.iter().enumerate() {
        let out = source::read_part(part, 0, &mut analyzer, watch)?;
        if let Some(why) = out.cut {
            note_cut(&mut analyzer, &part.path, &why);
        }
        if i + 1 < parts.len() {
            analyzer.end_part();
        }
    }
    if !analyzer.has_input() {
        return Err(EventLogError::Empty(path.to_path_buf()));
    }
    Ok(analyzer.finish())
}

/// A fresh scratch directory for this module's unit tests.
#[cfg(test)]
pub(crate) fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("batchtop-eventlog-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
