//! Where a run's Spark event log is, and its reference: the log of the same job's last
//! successful run before it, which `C` in the event log view compares with at once.

use chrono::{DateTime, Utc};

use crate::model::{EmrRun, JobRun};
use crate::state::changes::{last_good, last_good_emr};
use crate::state::eventlog::{EventLogSource, LogRef, Reference};
use crate::state::{Active, AppState, Pane, View};

/// The log of the run in front and its reference (Err: why there is none); Err: no log.
pub(super) fn for_run(state: &AppState) -> Result<(LogRef, Result<Reference, String>), String> {
    let glue_runs = |ctx: usize, job: &str| {
        state.data.jobs.iter().find(|j| j.ctx == ctx && j.job.name == job).map(|j| j.runs.as_slice()).unwrap_or(&[])
    };
    let emr_run = |run: Option<&EmrRun>| {
        let run = run.ok_or("no run selected")?;
        Ok((emr(run)?, emr_reference(&state.emr.runs, run)))
    };
    match state.active() {
        Active::View(View::Runs(r)) => glue_run(glue_runs(r.ctx, &r.job), r.selected(&state.data)),
        Active::View(View::Detail(d)) => glue_run(glue_runs(d.ctx, &d.job), d.run(&state.data)),
        Active::Pane(Pane::Emr) => emr_run(state.emr_pane.selected().and_then(|i| state.emr.runs.get(i))),
        Active::View(View::EmrDetail(d)) => emr_run(d.run(&state.emr)),
        _ => Err("select a Glue run (enter on a job) or an EMR Serverless run (:emr) first".into()),
    }
}

fn glue_run(runs: &[JobRun], run: Option<&JobRun>) -> Result<(LogRef, Result<Reference, String>), String> {
    let run = run.ok_or("no run selected")?;
    let log = glue(run)?;
    let reference = glue_reference(runs, run, &log);
    Ok((log, reference))
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

/// `runs` (the job's, newest first): the last successful run before `run`, whose log `open`
/// (the run's own) says where to look. A job's runs share one `--spark-event-logs-path`
/// prefix: when the good run's arguments do not name one (older runs keep none, and a run's
/// arguments need not repeat the job's defaults), its start picks its log under `open`'s.
fn glue_reference(runs: &[JobRun], run: &JobRun, open: &LogRef) -> Result<Reference, String> {
    let good = last_good(runs, run).ok_or("no earlier successful run of this job in the loaded history")?;
    let started =
        good.started_on.ok_or_else(|| format!("the start of its last successful run {} is not known", good.id))?;
    let log = match glue(good) {
        Ok(log) => log,
        Err(_) => LogRef::new(open.source.clone(), Some(started.timestamp_millis())),
    };
    Ok(Reference { log, label: label(&good.id, Some(started)), summary: None })
}

fn emr_reference(runs: &[EmrRun], run: &EmrRun) -> Result<Reference, String> {
    let good = last_good_emr(runs, run).ok_or("no earlier successful run of this job in the loaded history")?;
    let log = emr(good).map_err(|why| format!("its last successful run {}: {why}", good.id))?;
    Ok(Reference { log, label: label(&good.id, good.started_at.or(good.created_at)), summary: None })
}

/// `jr_0123abcd… (last successful run, 2026-12-06 03:10 UTC)`: its id and start.
fn label(id: &str, started: Option<DateTime<Utc>>) -> String {
    let short: String = id.chars().take(11).collect();
    let id = if short.len() < id.len() { format!("{short}…") } else { short };
    let at = started.map(|t| t.format(", %Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
    format!("{id} (last successful run{at})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunState;

    fn run(id: &str, state: RunState, hour: u32, path: Option<&str>) -> JobRun {
        let args = path.map(|p| ("--spark-event-logs-path".to_string(), p.to_string())).into_iter().collect();
        let started_on = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 6, hour, 10, 0).single();
        JobRun { id: id.into(), state: Some(state), started_on, arguments: args, ..Default::default() }
    }

    #[test]
    fn the_reference_is_the_last_good_run_under_its_own_path_or_the_open_one() {
        let failed = run("jr_failed", RunState::Failed, 5, Some("s3://b/logs"));
        let good = run("jr_0123456789abcdef", RunState::Succeeded, 3, None);
        let older = run("jr_older", RunState::Succeeded, 1, Some("s3://b/old"));
        let runs = [failed.clone(), good.clone(), older.clone()];
        let open = glue(&failed).expect("open log");
        assert_eq!(open.source, EventLogSource::S3("s3://b/logs/".into()));
        let r = glue_reference(&runs, &failed, &open).expect("a reference");
        assert_eq!(r.log, LogRef::new(open.source.clone(), good.started_on.map(|t| t.timestamp_millis())));
        assert_eq!(r.label, "jr_01234567… (last successful run, 2026-12-06 03:10 UTC)");
        // A good run that names its own path is read there.
        let r = glue_reference(&runs[2..], &failed, &open).expect("a reference");
        assert_eq!(r.log.source, EventLogSource::S3("s3://b/old/".into()));
        // None before the oldest.
        let why = glue_reference(&runs, &older, &open).expect_err("no reference");
        assert!(why.contains("no earlier successful run"), "{why}");
    }
}
