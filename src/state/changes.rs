//! What changed between a failed run and the last successful run of the same job: every
//! setting side by side, arguments key by key (secrets masked), the changed ones marked.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::duration::short;
use crate::model::{EmrRun, JobRun};
use crate::secrets::{mask_line, shown_value};

/// One compared field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub field: String,
    pub failed: String,
    pub good: String,
}

impl ChangeRow {
    pub fn changed(&self) -> bool {
        self.failed != self.good
    }
}

/// The comparison view: which runs, and the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesPane {
    pub ctx: usize,
    pub what: String,
    pub failed_id: String,
    pub good_id: String,
    pub rows: Vec<ChangeRow>,
    pub scroll: usize,
    /// The two runs' Spark event logs: what they add, or why they are not there.
    pub spark: Spark,
}

/// Whether the Spark event logs of both runs are part of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Spark {
    /// One of the runs wrote none (or it is not known where).
    #[default]
    None,
    Loading,
    Loaded,
    Failed(String),
}

/// What the two runs' Spark event logs say: input and output bytes, shuffle, and the slowest
/// stage of each.
pub fn spark_rows(failed: &crate::eventlog::Summary, good: &crate::eventlog::Summary) -> Vec<ChangeRow> {
    use crate::eventlog::StageSummary;
    let sum = |s: &crate::eventlog::Summary, f: fn(&StageSummary) -> i64| s.stages.iter().map(f).sum::<i64>();
    let bytes = super::stage_columns::bytes;
    let slowest = |s: &crate::eventlog::Summary| {
        s.stages
            .iter()
            .filter_map(|st| Some((st.duration_ms()?, st)))
            .max_by_key(|(d, _)| *d)
            .map(|(d, st)| format!("{} ({})", short(d / 1000), st.name.lines().next().unwrap_or("")))
            .unwrap_or_else(|| "-".into())
    };
    let dur = |s: &crate::eventlog::Summary| match (s.start_ms, s.end_ms) {
        (Some(a), Some(b)) => short((b - a) / 1000),
        _ => "-".into(),
    };
    vec![
        row("Spark duration", dur(failed), dur(good)),
        row("Spark input", bytes(sum(failed, |s| s.input_bytes)), bytes(sum(good, |s| s.input_bytes))),
        row("Spark output", bytes(sum(failed, |s| s.output_bytes)), bytes(sum(good, |s| s.output_bytes))),
        row("Shuffle read", bytes(sum(failed, |s| s.shuffle_read_bytes)), bytes(sum(good, |s| s.shuffle_read_bytes))),
        row("Slowest stage", slowest(failed), slowest(good)),
    ]
}

impl ChangesPane {
    pub fn changed(&self) -> usize {
        self.rows.iter().filter(|r| r.changed()).count()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// A side whose arguments the poller did not keep (older runs): said, not shown as absent.
fn not_kept(r: &JobRun) -> String {
    if r.arguments.is_dropped() { "(not kept for older runs: open the run)".into() } else { "(kept)".into() }
}

fn row(field: &str, failed: String, good: String) -> ChangeRow {
    ChangeRow { field: field.into(), failed, good }
}

/// The newest successful run of `runs` (newest first) started before `failed`.
pub fn last_good<'a>(runs: &'a [JobRun], failed: &JobRun) -> Option<&'a JobRun> {
    runs.iter().find(|r| r.state() == crate::model::RunState::Succeeded && r.started_on < failed.started_on)
}

/// A Glue run against its job's last good run.
pub fn glue_rows(failed: &JobRun, good: &JobRun, now: DateTime<Utc>) -> Vec<ChangeRow> {
    let dur = |r: &JobRun| r.duration_s(now).map(short).unwrap_or_else(|| "-".into());
    let dpu = |r: &JobRun| r.dpu_hours().map(|h| format!("{h:.2}")).unwrap_or_else(|| "-".into());
    let mut rows = vec![
        row("Worker type", opt(failed.worker_type.as_deref()), opt(good.worker_type.as_deref())),
        row("Workers", opt(failed.number_of_workers), opt(good.number_of_workers)),
        row("Max capacity", opt(failed.max_capacity), opt(good.max_capacity)),
        row("Glue version", opt(failed.glue_version.as_deref()), opt(good.glue_version.as_deref())),
        row("Timeout (min)", opt(failed.timeout_min), opt(good.timeout_min)),
        row("Execution class", opt(failed.execution_class.as_deref()), opt(good.execution_class.as_deref())),
        row("Trigger", opt(failed.trigger_name.as_deref()), opt(good.trigger_name.as_deref())),
        row(
            "Security config",
            opt(failed.security_configuration.as_deref()),
            opt(good.security_configuration.as_deref()),
        ),
        row("Duration", dur(failed), dur(good)),
        row("DPU-hours", dpu(failed), dpu(good)),
    ];
    if failed.arguments.is_dropped() || good.arguments.is_dropped() {
        rows.push(row("arguments", not_kept(failed), not_kept(good)));
        return rows;
    }
    let keys: BTreeSet<&String> = failed.arguments.iter().chain(good.arguments.iter()).map(|(k, _)| k).collect();
    for k in keys {
        let shown =
            |r: &JobRun| r.arguments.get(k).map(|v| shown_value(k, v).to_string()).unwrap_or_else(|| "(absent)".into());
        rows.push(row(k, shown(failed), shown(good)));
    }
    rows
}

/// The newest successful run of the same application and name created before `failed`.
pub fn last_good_emr<'a>(runs: &'a [EmrRun], failed: &EmrRun) -> Option<&'a EmrRun> {
    runs.iter()
        .filter(|r| r.ctx == failed.ctx && r.app_id == failed.app_id && r.name == failed.name)
        .filter(|r| r.state() == crate::model::EmrState::Success && r.created_at < failed.created_at)
        .max_by_key(|r| r.created_at)
}

/// An EMR Serverless run against the last good run of the same job.
pub fn emr_rows(failed: &EmrRun, good: &EmrRun, now: DateTime<Utc>) -> Vec<ChangeRow> {
    let entry = |r: &EmrRun| opt(r.driver.as_ref().map(|d| d.entry_point.clone()));
    let args = |r: &EmrRun| opt(r.driver.as_ref().map(|d| crate::secrets::mask_words(&d.arguments).join(" ")));
    let submit = |r: &EmrRun| opt(r.driver.as_ref().and_then(|d| d.spark_submit_parameters.as_deref()).map(mask_line));
    let dur = |r: &EmrRun| r.duration_s(now).map(short).unwrap_or_else(|| "-".into());
    let mut rows = vec![
        row("Release label", opt(failed.release_label.as_deref()), opt(good.release_label.as_deref())),
        row("Execution role", opt(failed.execution_role.as_deref()), opt(good.execution_role.as_deref())),
        row("Entry point", entry(failed), entry(good)),
        row("Arguments", args(failed), args(good)),
        row("Spark submit", submit(failed), submit(good)),
        row("Timeout (min)", opt(failed.execution_timeout_min), opt(good.execution_timeout_min)),
        row("Duration", dur(failed), dur(good)),
    ];
    let keys: BTreeSet<&String> = failed.app_config.keys().chain(good.app_config.keys()).collect();
    for k in keys {
        let shown = |r: &EmrRun| {
            r.app_config.get(k).map(|v| shown_value(k, v).to_string()).unwrap_or_else(|| "(absent)".into())
        };
        rows.push(row(k, shown(failed), shown(good)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunState;

    fn run(id: &str, state: RunState, workers: i32, args: &[(&str, &str)]) -> JobRun {
        JobRun {
            id: id.into(),
            state: Some(state),
            number_of_workers: Some(workers),
            arguments: args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn changed_settings_and_arguments_are_marked_and_secrets_masked() {
        let bad = run("b", RunState::Failed, 2, &[("--input", "s3://x/2026-12-07"), ("--db_password", "hunter2")]);
        let good = run("g", RunState::Succeeded, 10, &[("--input", "s3://x/2026-12-06"), ("--db_password", "hunter2")]);
        let rows = glue_rows(&bad, &good, Utc::now());
        let changed: Vec<&str> = rows.iter().filter(|r| r.changed()).map(|r| r.field.as_str()).collect();
        assert_eq!(changed, ["Workers", "--input"]);
        let pw = rows.iter().find(|r| r.field == "--db_password").expect("row");
        assert!(!pw.failed.contains("hunter2"));
    }
}
