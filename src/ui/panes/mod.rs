//! One module per pane. A new pane goes here, plus its state in `state/` and its command in `app::update`.

pub mod cost;
pub mod crawlers;
pub mod detail;
pub mod emr;
pub mod eventlog;
pub mod graph;
pub mod jobs;
pub mod logs;
pub mod quality;
pub mod runs;
pub mod workflows;

use chrono::{DateTime, Utc};

/// `MM-DD HH:MM` in UTC, or `-`.
pub fn when(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%m-%d %H:%M").to_string()).unwrap_or_else(|| "-".into())
}

/// DPU-hours with one decimal; `~` marks an estimate.
pub fn dpu(run: &crate::model::JobRun) -> String {
    match run.dpu_hours() {
        Some(h) if run.dpu_hours_reported() => format!("{h:.1}"),
        Some(h) => format!("~{h:.1}"),
        None => "-".into(),
    }
}

/// How a run's Data Quality results look in a table.
#[derive(Debug, Default)]
pub struct DqMark {
    /// `FAIL`, `ok` or empty (no result).
    pub mark: &'static str,
    pub bad: bool,
    /// For the error column of a run without an error: the first failed rule.
    pub note: String,
}

pub fn dq_mark(state: &crate::state::AppState, run: &crate::model::JobRun) -> DqMark {
    let mut any = false;
    for r in state.dq.for_job_run(&run.job_name, &run.id) {
        any = true;
        if r.is_bad() {
            let rule = r.rules_worst_first().first().map(|x| x.name.clone()).unwrap_or_default();
            let n = r.failed() + r.errored();
            return DqMark {
                mark: "FAIL",
                bad: true,
                note: format!("data quality: {n} rule(s) failed on {}: {rule}", r.data_source()),
            };
        }
    }
    DqMark { mark: if any { "ok" } else { "" }, bad: false, note: String::new() }
}
