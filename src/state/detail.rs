//! The run detail as labelled fields: every JobRun field, secrets masked.

use chrono::{DateTime, Utc};

use crate::duration::short;
use crate::model::JobRun;

pub use crate::secrets::{MASK, is_secret_key, shown_value};

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_else(|| "-".into())
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

/// (label, value) rows; an empty label continues the previous value.
pub fn fields(run: &JobRun, now: DateTime<Utc>) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = vec![
        ("Job".into(), run.job_name.to_string()),
        ("Run ID".into(), run.id.clone()),
        ("State".into(), run.state().to_string()),
        ("Attempt".into(), run.attempt.to_string()),
        ("Previous run".into(), opt(run.previous_run_id.as_deref())),
        ("Trigger".into(), opt(run.trigger_name.as_deref())),
        ("Started".into(), time(run.started_on)),
        ("Completed".into(), time(run.completed_on)),
        ("Last modified".into(), time(run.last_modified_on)),
        ("Duration".into(), run.duration_s(now).map(short).unwrap_or_else(|| "-".into())),
        ("Execution time".into(), format!("{} s", run.execution_time_s)),
        (
            "DPU-hours".into(),
            match run.dpu_hours() {
                Some(h) if run.dpu_hours_reported() => format!("{h:.2} (DPUSeconds from Glue)"),
                Some(h) => format!("{h:.2} (estimate: execution time x capacity)"),
                None => "-".into(),
            },
        ),
        ("Worker type".into(), opt(run.worker_type.as_deref())),
        ("Workers".into(), opt(run.number_of_workers)),
        ("Max capacity".into(), opt(run.max_capacity)),
        ("Timeout".into(), run.timeout_min.map(|m| format!("{m} min")).unwrap_or_else(|| "-".into())),
        ("Glue version".into(), opt(run.glue_version.as_deref())),
        ("Execution class".into(), opt(run.execution_class.as_deref())),
        ("Log group".into(), opt(run.log_group_name.as_deref())),
        ("Security config".into(), opt(run.security_configuration.as_deref())),
    ];
    match &run.error_message {
        Some(m) => {
            let mut lines = m.lines();
            f.push(("Error".into(), lines.next().unwrap_or("").to_string()));
            f.extend(lines.map(|l| (String::new(), l.to_string())));
        }
        None => f.push(("Error".into(), "-".into())),
    }
    match run.arguments.kept() {
        None => f.push(("Arguments".into(), "(not kept for older runs: reading them with GetJobRun)".into())),
        Some(args) if args.is_empty() => f.push(("Arguments".into(), "-".into())),
        Some(args) => {
            f.push(("Arguments".into(), String::new()));
            for (k, v) in args {
                f.push((String::new(), format!("{k} = {}", shown_value(k, v))));
            }
        }
    }
    f
}

/// `fields` plus what other sources know of the run: its Data Quality results (beside the
/// state, failed rules named) and its estimated cost.
pub fn fields_in(state: &super::AppState, run: &JobRun) -> Vec<(String, String)> {
    let mut f = fields(run, state.now);
    if let Some(c) = state.cause_of(run) {
        for (i, row) in super::inbox::cause_rows(&c).into_iter().enumerate() {
            f.insert(i, row);
        }
    }
    let prices = crate::cost::estimate::Prices::from_config(&state.settings.config.cost);
    let cost = crate::cost::estimate::glue_run(run, &prices);
    let at = f.iter().position(|(l, _)| l == "DPU-hours").map(|i| i + 1).unwrap_or(f.len());
    f.insert(
        at,
        (
            "Est. cost".into(),
            match cost {
                Some(_) => format!(
                    "{} (estimate: DPU-hours x ${}/DPU-hour)",
                    crate::cost::estimate::label(cost),
                    prices.glue_dpu_hour
                ),
                None => "-".into(),
            },
        ),
    );
    let mut dq: Vec<(String, String)> = Vec::new();
    for r in state.dq.for_job_run(&run.job_name, &run.id) {
        dq.push((
            if dq.is_empty() { "Data quality".into() } else { String::new() },
            format!(
                "{} {} on {}: {} passed, {} failed, {} errored (score {})",
                r.verdict(),
                r.ruleset.as_deref().unwrap_or("ruleset"),
                r.data_source(),
                r.passed(),
                r.failed(),
                r.errored(),
                r.score.map(|s| format!("{:.0} %", s * 100.0)).unwrap_or_else(|| "-".into())
            ),
        ));
        for rule in r.rules_worst_first().into_iter().filter(|x| x.outcome != crate::model::RuleOutcome::Pass) {
            let msg = rule.message.as_deref().unwrap_or("");
            dq.push((String::new(), format!("  {} {}: {msg}", rule.outcome.as_str(), rule.name)));
        }
    }
    let at = f.iter().position(|(l, _)| l == "State").map(|i| i + 1).unwrap_or(0);
    for (i, row) in dq.into_iter().enumerate() {
        f.insert(at + i, row);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_others_shown() {
        let args =
            [("--db_password", "hunter2"), ("--API_TOKEN", "abc"), ("--aws_secret", "s"), ("--source_path", "s3://b/")];
        let arguments = args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let run = JobRun { id: "jr_1".into(), arguments, ..Default::default() };
        let text: Vec<String> = fields(&run, Utc::now()).into_iter().map(|(_, v)| v).collect();
        let all = text.join("\n");
        assert!(!all.contains("hunter2") && !all.contains("abc\n") && !all.contains("= s\n"), "{all}");
        assert!(all.contains("--db_password = ********"));
        assert!(all.contains("--source_path = s3://b/"));
    }

    #[test]
    fn secret_words() {
        assert!(is_secret_key("--Credentials-File"));
        assert!(is_secret_key("--s3-key"));
        assert!(!is_secret_key("--job-bookmark-option"));
    }
}
