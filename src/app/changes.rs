//! `c`: the failed run in front against the last successful run of the same job.

use super::msg::Effect;
use crate::state::changes::{self, ChangesPane};
use crate::state::eventlog::LogRef;
use crate::state::{Active, AppState, Pane, View};
use crate::triage::inbox::ItemSource;

/// The Glue (context, job, run id) or EMR Serverless run (its id) in front.
enum Target {
    Glue(usize, String, String),
    Emr(String),
}

fn target(state: &AppState) -> Option<Target> {
    match state.active() {
        Active::View(View::Runs(r)) => {
            r.selected(&state.data).map(|run| Target::Glue(r.ctx, r.job.clone(), run.id.clone()))
        }
        Active::View(View::Detail(d)) => Some(Target::Glue(d.ctx, d.job.clone(), d.run_id.clone())),
        Active::View(View::EmrDetail(d)) => d.run(&state.emr).map(|r| Target::Emr(r.id.clone())),
        Active::Pane(Pane::Emr) => {
            state.emr_pane.selected().and_then(|i| state.emr.runs.get(i)).map(|r| Target::Emr(r.id.clone()))
        }
        Active::Pane(Pane::Jobs) => state.jobs.selected(&state.data).and_then(|j| {
            let run = j.runs.iter().find(|r| r.state().is_failure())?;
            Some(Target::Glue(j.ctx, j.job.name.clone(), run.id.clone()))
        }),
        Active::Pane(Pane::Inbox) => {
            let it = state.inbox_pane.selected().and_then(|i| state.inbox.items.get(i))?;
            let run = it.run_id.clone()?;
            match it.source {
                ItemSource::GlueJob | ItemSource::LongRunning => Some(Target::Glue(it.ctx, it.resource.clone(), run)),
                ItemSource::EmrJob | ItemSource::EmrWaiting => Some(Target::Emr(run)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn glue(state: &AppState, ctx: usize, job: &str, run_id: &str) -> Result<ChangesPane, String> {
    let entry = state.data.jobs.iter().find(|j| j.ctx == ctx && j.job.name == job).ok_or("the job is not loaded")?;
    let failed = entry.runs.iter().find(|r| r.id == run_id).ok_or("the run is no longer in the loaded history")?;
    let good = changes::last_good(&entry.runs, failed)
        .ok_or_else(|| format!("{job} has no successful run before {run_id} in the loaded history"))?;
    Ok(ChangesPane {
        ctx,
        what: format!("job {job}"),
        failed_id: failed.id.clone(),
        good_id: good.id.clone(),
        rows: changes::glue_rows(failed, good, state.now),
        scroll: 0,
        spark: changes::Spark::None,
    })
}

fn emr(state: &AppState, run_id: &str) -> Result<ChangesPane, String> {
    let failed = state.emr.runs.iter().find(|r| r.id == run_id).ok_or("the run is no longer loaded")?;
    let good = changes::last_good_emr(&state.emr.runs, failed)
        .ok_or("no successful run of the same job before this one in the loaded history")?;
    Ok(ChangesPane {
        ctx: failed.ctx,
        what: format!("{}/{}", failed.app_id, failed.name.as_deref().unwrap_or("(unnamed)")),
        failed_id: failed.id.clone(),
        good_id: good.id.clone(),
        rows: changes::emr_rows(failed, good, state.now),
        scroll: 0,
        spark: changes::Spark::None,
    })
}

/// Where both runs' Spark event logs are, when both wrote one.
fn spark_logs(state: &AppState, p: &ChangesPane) -> Option<(LogRef, LogRef)> {
    let glue_run =
        |id: &str| state.data.jobs.iter().filter(|j| j.ctx == p.ctx).flat_map(|j| j.runs.iter()).find(|r| r.id == id);
    let emr_run = |id: &str| state.emr.runs.iter().find(|r| r.ctx == p.ctx && r.id == id);
    let one = |id: &str| match glue_run(id) {
        Some(r) => super::eventlog_runs::glue(r).ok(),
        None => super::eventlog_runs::emr(emr_run(id)?).ok(),
    };
    let failed = one(&p.failed_id)?;
    // A job's runs share one log prefix: a good run whose arguments name none (older runs keep
    // none) is found under the failed run's by its start.
    let under_failed = || {
        let started = glue_run(&p.good_id)?.started_on?;
        Some(LogRef::new(failed.source.clone(), Some(started.timestamp_millis())))
    };
    let good = one(&p.good_id).or_else(under_failed)?;
    Some((failed, good))
}

fn state_failed_id(state: &AppState) -> String {
    match state.stack.last() {
        Some(View::Changes(c)) => c.failed_id.clone(),
        _ => String::new(),
    }
}

/// Both runs' Spark event logs were read (or not): add what they say.
pub fn logs_loaded(
    state: &mut AppState,
    failed_id: &str,
    result: Result<(Box<crate::eventlog::Summary>, Box<crate::eventlog::Summary>), String>,
) -> Vec<Effect> {
    for v in &mut state.stack {
        let View::Changes(c) = v else { continue };
        if c.failed_id != failed_id || c.spark != changes::Spark::Loading {
            continue;
        }
        match &result {
            // Picked by its start, the good run's log was the failed run's own: it left none.
            Ok((a, b)) if a.app_id.is_some() && a.app_id == b.app_id => {
                c.spark = changes::Spark::Failed("the last good run left no Spark event log of its own".into());
            }
            Ok((a, b)) => {
                let mut rows = changes::spark_rows(a, b);
                rows.sort_by_key(|r| !r.changed());
                let at = c.rows.iter().position(|r| !r.changed()).unwrap_or(c.rows.len());
                let (changed, same): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.changed());
                c.rows.splice(at..at, changed);
                c.rows.extend(same);
                c.spark = changes::Spark::Loaded;
            }
            Err(e) => c.spark = changes::Spark::Failed(e.clone()),
        }
    }
    vec![Effect::Redraw]
}

pub fn open(state: &mut AppState) -> Vec<Effect> {
    let pane = match target(state) {
        Some(Target::Glue(ctx, job, run)) => glue(state, ctx, &job, &run),
        Some(Target::Emr(run)) => emr(state, &run),
        None => Err("select a failed run (or an inbox item) to compare with the last successful run".into()),
    };
    match pane {
        Ok(mut p) => {
            // What differs first; the rest for reference.
            p.rows.sort_by_key(|r| !r.changed());
            let logs = spark_logs(state, &p);
            if logs.is_some() {
                p.spark = changes::Spark::Loading;
            }
            state.stack.push(View::Changes(Box::new(p)));
            if let Some((a, b)) = logs {
                let (ctx, failed_id) = (state.focus_ctx(), state_failed_id(state));
                return vec![Effect::LoadChangesLogs { ctx, failed_id, failed: a, good: b }, Effect::Redraw];
            }
        }
        Err(why) => state.flash = Some(why),
    }
    vec![Effect::Redraw]
}
