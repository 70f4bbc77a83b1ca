//! A root pane as plain text, from the same column declarations the TUI draws: what
//! `snapshot --format table` prints for each registered pane.

use super::columns::to_text;
use super::{AppState, Pane, crawlers, dq_columns, emr_columns, job_columns, wf_columns};

/// Every row of `pane` with every column (a snapshot is not cut to a terminal); `None` for
/// a pane whose body is not one column table (cost prints its own report).
pub fn pane_text(state: &AppState, pane: Pane) -> Option<String> {
    Some(match pane {
        Pane::Jobs => to_text(job_columns::COLUMNS, &state.data.jobs, state),
        Pane::Workflows => to_text(wf_columns::COLUMNS, &state.workflows, state),
        Pane::Crawlers => to_text(crawlers::COLUMNS, &state.crawlers, state),
        Pane::Apps => to_text(emr_columns::APP_COLUMNS, &state.emr.apps, state),
        Pane::Emr => to_text(emr_columns::RUN_COLUMNS, &state.emr.runs, state),
        Pane::Dq => to_text(dq_columns::COLUMNS, &state.dq.results, state),
        Pane::Cost => return None,
    })
}
