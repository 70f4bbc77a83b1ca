//! The streams the demo tells about, shaped on the planned runs after they are generated
//! (deterministically, without drawing from the generator, so every other run stays as it
//! was):
//! - payments: failed (its curate job ran out of memory; its workflow failed too);
//! - orders: degraded (Data Quality of orders_curate failed), running;
//! - inventory: late: its crawler failed and inventory_publish has not run for 8 hours;
//! - customers: no data landed today;
//! - shipments: on time.
//!
//! Outside payments, a failure someone already reran is followed by its successful retry
//! (`_attempt_1`), so only payments has open critical failures; customers and shipments have
//! nothing in flight at the epoch.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::seed::PlannedRun;
use crate::model::RunState;

/// Streams whose failures were rerun successfully.
const HEALED: [&str; 4] = ["orders", "inventory", "customers", "shipments"];
/// Streams with nothing in flight at the epoch.
const QUIET: [&str; 2] = ["customers", "shipments"];
/// The late stream's final job, and how long it has not run.
const STALLED: (&str, i64) = ("inventory_publish", 8);

pub fn shape(runs: &mut BTreeMap<String, Vec<PlannedRun>>, epoch: DateTime<Utc>) {
    if let Some(list) = runs.get_mut(STALLED.0) {
        list.retain(|r| r.start <= epoch - Duration::hours(STALLED.1) || r.start > epoch);
    }
    for (job, list) in runs.iter_mut() {
        let stream = job.split('_').next().unwrap_or_default();
        if QUIET.contains(&stream) {
            list.retain(|r| !(r.start <= epoch && r.end > epoch));
        }
        if HEALED.contains(&stream) {
            heal(list, epoch);
        }
    }
}

/// A job whose newest failure before `epoch` has no success after it gets its retry.
fn heal(list: &mut Vec<PlannedRun>, epoch: DateTime<Utc>) {
    let done = |r: &PlannedRun| r.end <= epoch;
    let Some(pos) = list.iter().rposition(|r| done(r) && r.final_state.is_failure()) else { return };
    if list[pos + 1..].iter().any(|r| done(r) && r.final_state == RunState::Succeeded) {
        return;
    }
    let failed = &list[pos];
    let start = failed.end + Duration::seconds(45);
    let end = (start + Duration::minutes(10)).min(epoch - Duration::minutes(1));
    if end <= start {
        // No time left before the epoch for a retry: the run succeeded after all.
        let r = &mut list[pos];
        r.final_state = RunState::Succeeded;
        r.error = None;
        return;
    }
    let mut retry = failed.clone();
    retry.id = format!("{}_attempt_1", failed.id);
    retry.attempt = 1;
    retry.previous_run_id = Some(failed.id.clone());
    retry.trigger_name = None;
    retry.start = start;
    retry.end = end;
    retry.final_state = RunState::Succeeded;
    retry.error = None;
    list.insert(pos + 1, retry);
    list.retain(|r| !(r.start > start && r.start < end));
    list.sort_by_key(|r| r.start);
}
