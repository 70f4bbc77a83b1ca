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

pub use crate::state::columns::when;

/// DPU-hours with one decimal; `~` marks an estimate.
pub fn dpu(run: &crate::model::JobRun) -> String {
    match run.dpu_hours() {
        Some(h) if run.dpu_hours_reported() => format!("{h:.1}"),
        Some(h) => format!("~{h:.1}"),
        None => "-".into(),
    }
}

pub use crate::state::joins::DqMark;

/// The run's DQ mark, indexed when the data arrived.
pub fn dq_mark(state: &crate::state::AppState, run: &crate::model::JobRun) -> DqMark {
    state.joins.dq_mark(&run.id)
}
