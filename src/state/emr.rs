//! The EMR Serverless panes as data: why a run waits, and every field of a run.

use chrono::{DateTime, Utc};

use crate::duration::short;
use crate::model::{EmrAttempt, EmrData, EmrRun, EmrState, Utilization};
use crate::secrets::{mask_line, mask_words};

/// A run's detail, with its attempts once loaded.
#[derive(Debug, Clone, Default)]
pub struct EmrDetailPane {
    pub app_id: String,
    pub run_id: String,
    pub attempts: Option<Result<Vec<EmrAttempt>, String>>,
    pub scroll: usize,
}

impl EmrDetailPane {
    pub fn run<'a>(&self, data: &'a EmrData) -> Option<&'a EmrRun> {
        data.runs.iter().find(|r| r.app_id == self.app_id && r.id == self.run_id)
    }
}

/// vCPU a run asks for, from its sparkSubmitParameters (defaults: driver 4, executors 4
/// cores each, `spark.executor.instances` or 3 when dynamic allocation decides).
pub fn requested_vcpu(run: &EmrRun) -> f64 {
    let params = run.driver.as_ref().and_then(|d| d.spark_submit_parameters.clone()).unwrap_or_default();
    let conf = |key: &str| -> Option<f64> {
        params.split_whitespace().find_map(|w| w.strip_prefix(&format!("{key}="))).and_then(|v| v.parse().ok())
    };
    let driver = conf("spark.driver.cores").unwrap_or(4.0);
    let cores = conf("spark.executor.cores").unwrap_or(4.0);
    let executors = conf("spark.executor.instances").unwrap_or(3.0);
    driver + cores * executors
}

/// The number in a capacity string such as "400 vCPU".
fn amount(s: &str) -> Option<f64> {
    s.split_whitespace().next().and_then(|n| n.parse().ok())
}

/// Why a run that is not running yet waits, in words, from what the API tells.
pub fn why_waiting(run: &EmrRun, data: &EmrData, now: DateTime<Utc>) -> Vec<String> {
    let state = run.state();
    if !state.is_waiting() {
        return Vec::new();
    }
    let mut why = Vec::new();
    let app = data.app(&run.app_id);
    match app.map(|a| a.state.as_str()) {
        Some("STOPPED") | Some("CREATED") => {
            let auto = app.and_then(|a| a.auto_start).unwrap_or(true);
            why.push(if auto {
                "the application is stopped; auto-start is on, so it starts for this run (usually 1-3 minutes)".into()
            } else {
                "the application is stopped and auto-start is off: start it (:apps, then n) or the run waits for ever"
                    .into()
            });
        }
        Some("STARTING") => why.push("the application is starting: runs wait until it is STARTED".into()),
        Some("STOPPING") => {
            why.push("the application is stopping: the run waits for it to stop and start again".into())
        }
        _ => {}
    }
    if let Some(cap) = app.and_then(|a| a.max_capacity.as_ref()).and_then(|c| amount(&c.cpu)) {
        let running: Vec<&EmrRun> =
            data.runs.iter().filter(|r| r.app_id == run.app_id && r.state() == EmrState::Running).collect();
        let used: f64 = running.iter().map(|r| requested_vcpu(r)).sum();
        let want = requested_vcpu(run);
        if used + want > cap {
            why.push(format!(
                "maximum capacity: {} running run(s) ask for about {used:.0} vCPU of the application's {cap:.0}; this run needs about {want:.0} more (estimated from sparkSubmitParameters)",
                running.len()
            ));
        } else if state == EmrState::Scheduled {
            why.push(format!("capacity looks free ({used:.0} of {cap:.0} vCPU in use): workers are being provisioned"));
        }
    }
    if state == EmrState::Queued {
        let limit = app.and_then(|a| a.max_concurrent_runs);
        let active = data.runs.iter().filter(|r| r.app_id == run.app_id && r.state() == EmrState::Running).count();
        why.push(match limit {
            Some(l) => format!("queued: the application allows {l} concurrent run(s) and {active} are running"),
            None => "queued: the application's concurrent-run limit is reached".into(),
        });
    }
    match state {
        EmrState::Submitted => why.push("submitted: EMR Serverless has not picked the run up yet".into()),
        EmrState::Pending => why.push("pending: the run is being validated and prepared".into()),
        _ => {}
    }
    let waited = run
        .queued_duration_ms
        .filter(|ms| *ms > 0)
        .map(|ms| ms / 1000)
        .or_else(|| run.created_at.map(|c| (now - c).num_seconds()));
    if let Some(s) = waited {
        why.push(format!("waiting for {}", short(s)));
    }
    if let Some(d) = run.details_first_line() {
        why.push(format!("EMR says: {d}"));
    }
    why
}

fn util(u: Option<Utilization>) -> String {
    match u {
        Some(u) => format!(
            "{:.2} vCPU-h · {:.2} GB-h memory · {:.2} GB-h storage",
            u.vcpu_hours, u.memory_gb_hours, u.storage_gb_hours
        ),
        None => "-".into(),
    }
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_else(|| "-".into())
}

/// One (label, value) row of a run's detail.
type Row = (String, String);

/// (label, value) rows of a run's detail; secrets in arguments and parameters masked.
pub fn fields(
    run: &EmrRun,
    data: &EmrData,
    attempts: Option<&Result<Vec<EmrAttempt>, String>>,
    now: DateTime<Utc>,
    prices: &crate::cost::estimate::Prices,
) -> Vec<Row> {
    let mut f = state_rows(run, data, now);
    f.extend(timing_and_usage_rows(run, now, prices));
    f.extend(driver_rows(run));
    f.extend(settings_rows(run));
    f.extend(attempt_rows(attempts));
    f
}

/// Name, ids, state, why it waits and the state details (one row a line).
fn state_rows(run: &EmrRun, data: &EmrData, now: DateTime<Utc>) -> Vec<Row> {
    let app = data.app(&run.app_id);
    let mut f: Vec<Row> = vec![
        ("Name".into(), run.name.clone().unwrap_or_else(|| "-".into())),
        ("Run ID".into(), run.id.clone()),
        ("Application".into(), format!("{} ({})", app.map(|a| a.name.as_str()).unwrap_or("?"), run.app_id)),
        ("State".into(), run.state().as_str().into()),
    ];
    for (i, line) in why_waiting(run, data, now).into_iter().enumerate() {
        f.push((if i == 0 { "Why waiting".into() } else { String::new() }, line));
    }
    if let Some(d) = &run.state_details {
        let mut lines = d.lines();
        f.push(("State details".into(), lines.next().unwrap_or("").into()));
        f.extend(lines.map(|l| (String::new(), l.to_string())));
    }
    f
}

/// When it ran, for how long, what it used and cost, and as whom.
fn timing_and_usage_rows(run: &EmrRun, now: DateTime<Utc>, prices: &crate::cost::estimate::Prices) -> [Row; 11] {
    [
        ("Created".into(), time(run.created_at)),
        ("Started".into(), time(run.started_at)),
        ("Ended".into(), time(run.ended_at)),
        ("Duration".into(), run.duration_s(now).map(short).unwrap_or_else(|| "-".into())),
        ("Queued for".into(), run.queued_duration_ms.map(|ms| short(ms / 1000)).unwrap_or_else(|| "-".into())),
        ("Attempt".into(), run.attempt.map(|a| a.to_string()).unwrap_or_else(|| "-".into())),
        ("Release".into(), run.release_label.clone().unwrap_or_else(|| "-".into())),
        ("Total usage".into(), util(run.total)),
        ("Billed usage".into(), util(run.billed)),
        (
            "Est. cost".into(),
            match crate::cost::estimate::emr_run(run, prices) {
                Some(c) => {
                    format!("{} (estimate: billed usage x configured prices)", crate::cost::estimate::label(Some(c)))
                }
                None => "-".into(),
            },
        ),
        ("Execution role".into(), run.execution_role.clone().unwrap_or_else(|| "-".into())),
    ]
}

/// The job driver (secrets masked) and the application configuration.
fn driver_rows(run: &EmrRun) -> Vec<Row> {
    let mut f = Vec::new();
    match &run.driver {
        Some(d) => {
            f.push(("Entry point".into(), d.entry_point.clone()));
            f.push((
                "Arguments".into(),
                if d.arguments.is_empty() { "-".into() } else { mask_words(&d.arguments).join(" ") },
            ));
            f.push((
                "Spark params".into(),
                d.spark_submit_parameters.as_deref().map(mask_line).unwrap_or_else(|| "-".into()),
            ));
        }
        None => f.push(("Job driver".into(), "not loaded yet (GetJobRun)".into())),
    }
    for (k, v) in &run.app_config {
        f.push(("Config".into(), format!("{k} = {}", crate::secrets::shown_value(k, v))));
    }
    f
}

/// Logging, retry policy, network, timeout and tags.
fn settings_rows(run: &EmrRun) -> [Row; 6] {
    let m = &run.monitoring;
    [
        ("S3 logs".into(), m.s3_log_uri.clone().unwrap_or_else(|| "- (managed storage only)".into())),
        (
            "CloudWatch".into(),
            match m.cloudwatch_enabled {
                Some(true) => format!(
                    "group {} · prefix {}",
                    m.cloudwatch_group.as_deref().unwrap_or("/aws/emr-serverless"),
                    m.cloudwatch_prefix
                        .clone()
                        .unwrap_or_else(|| format!("/applications/{}/jobs/{}", run.app_id, run.id))
                ),
                _ => "off".into(),
            },
        ),
        (
            "Retry policy".into(),
            match run.retry_policy {
                Some((a, h)) => format!(
                    "max attempts {} · max failed attempts per hour {}",
                    a.map(|x| x.to_string()).unwrap_or_else(|| "-".into()),
                    h.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
                ),
                None => "-".into(),
            },
        ),
        (
            "Network".into(),
            match &run.network {
                Some((subnets, sgs)) => format!("subnets {} · security groups {}", subnets.join(","), sgs.join(",")),
                None => "-".into(),
            },
        ),
        ("Timeout".into(), run.execution_timeout_min.map(|m| format!("{m} min")).unwrap_or_else(|| "-".into())),
        (
            "Tags".into(),
            if run.tags.is_empty() {
                "-".into()
            } else {
                run.tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(" ")
            },
        ),
    ]
}

/// One row an attempt (ListJobRunAttempts), or what stands in for them.
fn attempt_rows(attempts: Option<&Result<Vec<EmrAttempt>, String>>) -> Vec<Row> {
    match attempts {
        None => vec![("Attempts".into(), "loading ListJobRunAttempts…".into())],
        Some(Err(e)) => vec![("Attempts".into(), e.clone())],
        Some(Ok(list)) if list.is_empty() => vec![("Attempts".into(), "-".into())],
        Some(Ok(list)) => list
            .iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    if i == 0 { "Attempts".into() } else { String::new() },
                    format!(
                        "#{} {} {} {}",
                        a.attempt,
                        a.state.map(|s| s.as_str()).unwrap_or("?"),
                        time(a.created_at),
                        a.state_details.as_deref().and_then(|d| d.lines().next()).unwrap_or("")
                    ),
                )
            })
            .collect(),
    }
}

/// `fields` of a run as the detail shows it: its root cause first when it failed.
pub fn detail_rows(
    state: &super::AppState,
    run: &EmrRun,
    attempts: Option<&Result<Vec<EmrAttempt>, String>>,
) -> Vec<Row> {
    let prices = crate::cost::estimate::Prices::from_config(&state.settings.config.cost);
    let mut rows = Vec::new();
    if run.state() == crate::model::EmrState::Failed {
        let c = state.settings.triage.0.classify("FAILED", run.state_details.as_deref(), &[]);
        rows.extend(super::inbox::cause_rows(&c));
    }
    rows.extend(fields(run, &state.emr, attempts, state.now, &prices));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::EmrRead;
    use crate::aws::demo::DemoAccount;

    #[tokio::test]
    async fn the_scheduled_demo_run_waits_for_capacity() {
        let d = DemoAccount::fixed();
        let apps = d.applications().await.expect("apps");
        let mut runs = Vec::new();
        for a in &apps {
            for s in d.job_runs(&a.id, None, &[]).await.expect("runs") {
                runs.push(d.job_run(&a.id, &s.id).await.expect("run"));
            }
        }
        let data = EmrData { apps, runs };
        let waiting = data.runs.iter().find(|r| r.state() == EmrState::Scheduled).expect("a scheduled run");
        let why = why_waiting(waiting, &data, d.now());
        assert!(
            why.iter()
                .any(|w| w
                    .starts_with("maximum capacity: 2 running run(s) ask for about 48 vCPU of the application's 48")),
            "{why:?}"
        );
        assert!(why.iter().any(|w| w == "waiting for 25m00s"), "{why:?}");
        let done = data.runs.iter().find(|r| r.state() == EmrState::Success).expect("a finished run");
        assert!(why_waiting(done, &data, d.now()).is_empty());
    }

    #[test]
    fn a_stopped_application_without_auto_start_is_named() {
        let mut data = EmrData::default();
        data.apps.push(crate::model::EmrApp {
            id: "a".into(),
            state: "STOPPED".into(),
            auto_start: Some(false),
            ..Default::default()
        });
        let run = EmrRun { app_id: "a".into(), id: "r".into(), state: Some(EmrState::Pending), ..Default::default() };
        data.runs.push(run.clone());
        let why = why_waiting(&run, &data, Utc::now());
        assert!(why[0].contains("auto-start is off"), "{why:?}");
        assert!(why.iter().any(|w| w.starts_with("pending")), "{why:?}");
        let queued = EmrRun { state: Some(EmrState::Queued), ..run };
        data.apps[0].state = "STARTED".into();
        data.apps[0].max_concurrent_runs = Some(2);
        let why = why_waiting(&queued, &data, Utc::now());
        assert!(why.iter().any(|w| w.contains("allows 2 concurrent run(s)")), "{why:?}");
        let submitted = EmrRun { state: Some(EmrState::Submitted), queued_duration_ms: Some(90_000), ..queued };
        let why = why_waiting(&submitted, &data, Utc::now());
        assert!(
            why.iter().any(|w| w.starts_with("submitted:")) && why.iter().any(|w| w == "waiting for 1m30s"),
            "{why:?}"
        );
        data.apps[0].state = "STARTING".into();
        let why = why_waiting(&submitted, &data, Utc::now());
        assert!(why[0].contains("application is starting"), "{why:?}");
    }
}
