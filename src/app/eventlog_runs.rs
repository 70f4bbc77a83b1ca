//! Where a run's Spark event log is.

use crate::model::{EmrRun, JobRun};
use crate::state::eventlog::{EventLogSource, LogRef};
use crate::state::{Active, AppState, Pane, View};

/// The log of the run in front; Err: why it has none.
pub(super) fn for_run(state: &AppState) -> Result<LogRef, String> {
    match state.active() {
        Active::View(View::Runs(r)) => glue(r.selected(&state.data).ok_or("no run selected")?),
        Active::View(View::Detail(d)) => glue(d.run(&state.data).ok_or("no run selected")?),
        Active::Pane(Pane::Emr) => {
            emr(state.emr_pane.selected().and_then(|i| state.emr.runs.get(i)).ok_or("no run selected")?)
        }
        Active::View(View::EmrDetail(d)) => emr(d.run(&state.emr).ok_or("no run selected")?),
        _ => Err("select a Glue run (enter on a job) or an EMR Serverless run (:emr) first".into()),
    }
}

/// A Glue run's log: its `--spark-event-logs-path` prefix, its start picking its application.
pub(super) fn glue(run: &JobRun) -> Result<LogRef, String> {
    if run.arguments.is_dropped() {
        return Err("the arguments of older runs are not kept: open the run (enter), then E".into());
    }
    let path = run.arguments.get("--spark-event-logs-path").ok_or(
        "this run wrote no Spark event logs: its job needs --enable-spark-ui true and --spark-event-logs-path s3://…",
    )?;
    let prefix = if path.ends_with('/') { path.clone() } else { format!("{path}/") };
    Ok(LogRef::new(EventLogSource::S3(prefix), run.started_on.map(|t| t.timestamp_millis())))
}

/// An EMR Serverless run's log: its own `sparklogs/` folder under the application's log URI.
pub(super) fn emr(run: &EmrRun) -> Result<LogRef, String> {
    let uri =
        run.monitoring.s3_log_uri.as_deref().ok_or(
            "this run sends its logs to managed storage only: open its Spark UI with the dashboard action (d)",
        )?;
    let base = uri.trim_end_matches('/');
    let folder = format!("{base}/applications/{}/jobs/{}/sparklogs/", run.app_id, run.id);
    Ok(LogRef::new(EventLogSource::S3(folder), None))
}
