//! The demo account's contents: 5 streams x 6 jobs, 48 hours of runs, generated from a seed.
//!
//! Runs are planned once (start, end, final state); what a caller sees depends on the
//! simulated clock, so RUNNING runs finish and new runs start while you watch.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::rng::Rng;
use crate::model::{Job, RunState};

pub const STREAMS: [&str; 5] = ["orders", "payments", "inventory", "customers", "shipments"];
const STEPS: [&str; 6] = ["ingest_raw", "validate", "curate", "dedupe", "enrich", "publish"];
const TEAMS: [&str; 3] = ["commerce", "finance", "logistics"];

/// Real Glue failure strings (../shared/fixtures/aws-error-samples.json and AWS docs).
const GLUE_ERRORS: [&str; 5] = [
    "An error occurred while calling o122.pyWriteDynamicFrame. Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 021AAB703DB20A2D; S3 Extended Request ID: teZk24Y09TkXzBvMPG502L5VJBhe9DJuWA9/TXtuGOqfByajkfL/Tlqt5JBGdEGpigAqzdMDM/U=)",
    "Command Failed with Exit Code 1",
    "An error occurred while calling o85.pyWriteDynamicFrame. error while calling spill() on org.apache.spark.util.collection.unsafe.sort.UnsafeExternalSorter@5f4bb34a : No space left on device",
    "Container killed by YARN for exceeding memory limits. 5.5 GB of 5.5 GB physical memory used. Consider boosting spark.yarn.executor.memoryOverhead.",
    "Exceeded maximum concurrent compute capacity for your account: 50.",
];
const TIMEOUT_MESSAGE: &str = "Job run timed out after 60 minutes";

/// A run as planned by the seed; its visible state depends on the clock.
#[derive(Debug, Clone)]
pub struct PlannedRun {
    pub id: String,
    pub job_name: String,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub final_state: RunState,
    pub error: Option<String>,
    pub attempt: i32,
    pub previous_run_id: Option<String>,
    pub trigger_name: Option<String>,
    pub arguments: BTreeMap<String, String>,
    pub workers: i32,
    pub worker_type: &'static str,
    pub timeout_min: i32,
}

pub struct Seeded {
    pub jobs: Vec<Job>,
    /// Per job, oldest first.
    pub runs: BTreeMap<String, Vec<PlannedRun>>,
}

/// Build the account around `epoch` (the clock's start).
pub fn generate(seed: u64, epoch: DateTime<Utc>) -> Seeded {
    let mut rng = Rng::new(seed);
    let mut jobs = Vec::new();
    let mut runs = BTreeMap::new();
    for (si, stream) in STREAMS.iter().enumerate() {
        for (pi, step) in STEPS.iter().enumerate() {
            let name = format!("{stream}_{step}");
            let workers = *rng.pick(&[2, 5, 10, 20]);
            let worker_type = if pi == 2 || pi == 4 { "G.2X" } else { "G.1X" };
            let mut tags = BTreeMap::new();
            tags.insert("stream".to_string(), (*stream).to_string());
            tags.insert("team".to_string(), TEAMS[si % TEAMS.len()].to_string());
            tags.insert("domain".to_string(), if si < 2 { "sales" } else { "operations" }.to_string());
            jobs.push(Job {
                name: name.clone(),
                description: Some(format!("{step} step of the {stream} stream")),
                glue_version: Some("4.0".into()),
                worker_type: Some(worker_type.into()),
                number_of_workers: Some(workers),
                max_capacity: None,
                tags,
            });
            let plan = plan_job(&mut rng, &name, stream, pi, workers, worker_type, epoch);
            runs.insert(name, plan);
        }
    }
    add_specials(&mut rng, &mut runs, epoch);
    add_incidents(&mut runs, epoch);
    super::scenario::shape(&mut runs, epoch);
    Seeded { jobs, runs }
}

fn arguments(stream: &str, step: &str) -> BTreeMap<String, String> {
    let mut a = BTreeMap::new();
    a.insert("--job-bookmark-option".into(), "job-bookmark-enable".into());
    a.insert("--source_path".into(), format!("s3://landing-zone-prod/{stream}/"));
    a.insert("--target_table".into(), format!("curated.{stream}_{step}"));
    a.insert("--enable-continuous-cloudwatch-log".into(), "true".into());
    a.insert("--db_password".into(), "hunter2-demo-only".into());
    a
}

fn plan_job(
    rng: &mut Rng,
    name: &str,
    stream: &str,
    step_index: usize,
    workers: i32,
    worker_type: &'static str,
    epoch: DateTime<Utc>,
) -> Vec<PlannedRun> {
    let period_min = *rng.pick(&[120, 180, 240, 360]);
    let base_duration = rng.range(4 * 60, 25 * 60);
    let mut t = epoch - Duration::hours(48) + Duration::minutes(rng.range(0, period_min) + step_index as i64 * 7);
    let mut out = Vec::new();
    // Plan until 2 hours past the epoch, so new runs keep appearing in a live demo.
    while t < epoch + Duration::hours(2) {
        let dur = (base_duration as f64 * (0.7 + rng.range(0, 60) as f64 / 100.0)) as i64;
        let failed = rng.chance(0.15);
        let (final_state, error) = if failed {
            (RunState::Failed, Some((*rng.pick(&GLUE_ERRORS)).to_string()))
        } else {
            (RunState::Succeeded, None)
        };
        out.push(PlannedRun {
            id: format!("jr_{}", rng.hex64()),
            job_name: name.to_string(),
            start: t,
            end: t + Duration::seconds(if failed { dur / 2 } else { dur }),
            final_state,
            error,
            attempt: 0,
            previous_run_id: None,
            trigger_name: Some(format!("{stream}_nightly")),
            arguments: arguments(stream, STEPS[step_index]),
            workers,
            worker_type,
            timeout_min: 60,
        });
        t += Duration::minutes(period_min + rng.range(-10, 10));
    }
    out
}

/// Open incidents the inbox must show on the first screen, one per root cause: the newest run
/// that ended before the epoch failed with the message. The generic "exit code 1" one has an
/// OutOfMemoryError in its driver log (see `logs.rs`).
const INCIDENTS: [(&str, &str); 5] = [
    ("payments_curate", "Command Failed with Exit Code 1"),
    (
        "customers_enrich",
        "AnalysisException: cannot resolve 'order_ts' given input columns: [order_id, amount, ts, customer_id]",
    ),
    (
        "inventory_publish",
        "An error occurred while calling o99.getDynamicFrame. java.io.FileNotFoundException: No such file or directory 's3://landing-zone-prod/inventory/dt=today/'",
    ),
    ("shipments_curate", GLUE_ERRORS[0]),
    ("payments_enrich", TIMEOUT_MESSAGE),
];

fn add_incidents(runs: &mut BTreeMap<String, Vec<PlannedRun>>, epoch: DateTime<Utc>) {
    for (job, message) in INCIDENTS {
        let Some(list) = runs.get_mut(job) else { continue };
        let Some(r) = list.iter_mut().rev().find(|r| r.end < epoch) else { continue };
        r.final_state = if message == TIMEOUT_MESSAGE { RunState::Timeout } else { RunState::Failed };
        r.error = Some(message.to_string());
        if r.final_state == RunState::Timeout {
            r.end = r.start + Duration::minutes(i64::from(r.timeout_min));
        }
    }
}

/// The cases every demo must show: a TIMEOUT, a retried run, runs RUNNING at the epoch.
fn add_specials(rng: &mut Rng, runs: &mut BTreeMap<String, Vec<PlannedRun>>, epoch: DateTime<Utc>) {
    // A timeout 5 hours ago on payments_curate.
    if let Some(list) = runs.get_mut("payments_curate")
        && let Some(r) = list.iter_mut().rev().find(|r| r.end < epoch - Duration::hours(5))
    {
        r.final_state = RunState::Timeout;
        r.end = r.start + Duration::minutes(i64::from(r.timeout_min));
        r.error = Some(TIMEOUT_MESSAGE.to_string());
    }
    // A failed run retried once (`_attempt_1`) on orders_curate.
    if let Some(list) = runs.get_mut("orders_curate")
        && let Some(pos) = list.iter().rposition(|r| r.end < epoch - Duration::hours(3))
    {
        let first = &mut list[pos];
        first.final_state = RunState::Failed;
        first.error = Some(GLUE_ERRORS[3].to_string());
        let mut retry = first.clone();
        retry.id = format!("{}_attempt_1", first.id);
        retry.attempt = 1;
        retry.previous_run_id = Some(first.id.clone());
        retry.trigger_name = None;
        retry.start = first.end + Duration::seconds(45);
        retry.end = retry.start + Duration::minutes(14);
        retry.final_state = RunState::Succeeded;
        retry.error = None;
        list.insert(pos + 1, retry);
    }
    // Runs in flight at the epoch, finishing 1 to 6 minutes later.
    for (i, job) in ["orders_ingest_raw", "inventory_enrich", "payments_publish", "orders_validate"].iter().enumerate()
    {
        let Some(list) = runs.get_mut(*job) else { continue };
        let start = epoch - Duration::minutes(rng.range(3, 20));
        let end = epoch + Duration::seconds(60 + 75 * i as i64);
        list.retain(|r| r.end < start || r.start > end);
        let template = list.first().cloned();
        if let Some(mut r) = template {
            r.id = format!("jr_{}", rng.hex64());
            r.start = start;
            r.end = end;
            r.final_state = if i == 2 { RunState::Failed } else { RunState::Succeeded };
            r.error = (i == 2).then(|| GLUE_ERRORS[1].to_string());
            r.attempt = 0;
            r.previous_run_id = None;
            list.push(r);
            list.sort_by_key(|r| r.start);
        }
    }
}
