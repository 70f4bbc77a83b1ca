//! Arguments read on demand: the poller keeps the arguments of each job's newest runs only
//! (`model::Arguments::Dropped` for the others). Opening such a run, or rerunning it, reads it
//! with GetJobRun first; the detail view then shows the run as read, and the rerun overlay
//! opens with that run's exact arguments.

use super::msg::{AfterFetch, Effect};
use crate::aws::AwsError;
use crate::model::JobRun;
use crate::state::{AppState, View};

/// The effect that reads run `run` of `job` in context `ctx` when its arguments were dropped.
pub fn fetch_if_dropped(ctx: usize, job: &str, run: &JobRun, then: AfterFetch) -> Option<Effect> {
    run.arguments.is_dropped().then(|| Effect::FetchRun { ctx, job: job.to_string(), run_id: run.id.clone(), then })
}

/// After a run was pushed on the stack: read it when it is a detail whose arguments were dropped.
pub fn on_open(state: &AppState) -> Option<Effect> {
    let Some(View::Detail(d)) = state.stack.last() else { return None };
    let run = d.run(&state.data)?;
    fetch_if_dropped(d.ctx, &d.job, run, AfterFetch::Detail)
}

/// GetJobRun answered: the detail view shows the run as read; a rerun opens its overlay.
pub fn fetched(
    state: &mut AppState,
    (ctx, job, run_id): (usize, String, String),
    then: AfterFetch,
    result: Result<Box<JobRun>, AwsError>,
) -> Vec<Effect> {
    let run = match result {
        Ok(run) => run,
        Err(e) => {
            state.flash = Some(format!("cannot read the arguments of {run_id}: {}", e.message));
            return vec![Effect::Redraw];
        }
    };
    match then {
        AfterFetch::Detail => {
            for v in &mut state.stack {
                if let View::Detail(d) = v
                    && d.ctx == ctx
                    && d.run_id == run_id
                {
                    d.full = Some(run.clone());
                }
            }
            vec![Effect::Redraw]
        }
        AfterFetch::Rerun => {
            state.flash = None;
            super::actions::open_rerun(state, ctx, job, Some(&run))
        }
        AfterFetch::Logs => super::logs::open_run(state, ctx, &run),
    }
}
