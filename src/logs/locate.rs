//! Where a run's logs are: CloudWatch groups with a stream-name prefix, or S3 prefixes,
//! and a time window. Layouts that come from third-party code only (docs/AWS-FACTS.md
//! marks them [3p]) are in `Layouts`, which a config section can override.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::model::crawler::Crawler;
use crate::model::emr::EmrRun;
use crate::model::glue::JobRun;

/// Split `s3://bucket/key/prefix` into (bucket, prefix).
pub fn parse_s3_uri(uri: &str) -> Option<(String, String)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then(|| (bucket.to_string(), prefix.to_string()))
}

/// One place to look.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// A CloudWatch Logs group and the prefix of the run's stream names ("" = every stream).
    Group { group: String, prefix: String },
    /// An S3 bucket and the key prefix of the run's log objects.
    S3 { bucket: String, prefix: String },
}

/// Everything the viewer needs to fetch one run's logs.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub title: String,
    pub run_id: String,
    /// In the order to try them.
    pub places: Vec<Place>,
    pub start_ms: Option<i64>,
    /// `None` while the run is still going: follow.
    pub end_ms: Option<i64>,
}

/// Log layouts. Placeholders: `{app_id}`, `{run_id}`, `{attempt}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Layouts {
    /// Glue classic stdout group when a run has no LogGroupName; its last path segment
    /// ("output") is appended to a run's LogGroupName.
    pub glue_output_group: String,
    /// Glue classic stderr group, likewise ("error").
    pub glue_error_group: String,
    /// Glue continuous-logging group; `-<SecurityConfiguration>` is appended when the run has one.
    pub glue_continuous_group: String,
    pub crawler_group: String,
    /// EMR Serverless default CloudWatch group.
    pub emr_group: String,
    /// EMR Serverless CloudWatch stream prefix of a job run [3p].
    pub emr_stream_prefix: String,
    /// Appended to the EMR prefixes for attempts after the first [3p].
    pub emr_attempt_segment: String,
    /// EMR Serverless job prefix under the S3 log URI.
    pub emr_s3_prefix: String,
}

impl Default for Layouts {
    fn default() -> Self {
        Layouts {
            glue_output_group: "/aws-glue/jobs/output".into(),
            glue_error_group: "/aws-glue/jobs/error".into(),
            glue_continuous_group: "/aws-glue/jobs/logs-v2".into(),
            crawler_group: "/aws-glue/crawlers".into(),
            emr_group: "/aws/emr-serverless".into(),
            emr_stream_prefix: "/applications/{app_id}/jobs/{run_id}/".into(),
            emr_attempt_segment: "attempts/{attempt}/".into(),
            emr_s3_prefix: "applications/{app_id}/jobs/{run_id}/".into(),
        }
    }
}

/// Logs start a little before the run (clock skew) ...
const BEFORE_MS: i64 = 60_000;
/// ... and keep arriving after it ends (buffered executors, the final flush).
const AFTER_MS: i64 = 5 * 60_000;

fn start_ms(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis() - BEFORE_MS)
}

fn end_ms(t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| t.timestamp_millis() + AFTER_MS)
}

fn fill(template: &str, app_id: &str, run_id: &str, attempt: i32) -> String {
    template.replace("{app_id}", app_id).replace("{run_id}", run_id).replace("{attempt}", &attempt.to_string())
}

/// `a` then `b`, with exactly one `/` between them when both are non-empty.
fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{}/{}", a.trim_end_matches('/'), b.trim_start_matches('/')),
    }
}

fn leaf(group: &str) -> &str {
    group.trim_end_matches('/').rsplit('/').next().unwrap_or(group)
}

fn arg<'a>(run: &'a JobRun, key: &str) -> Option<&'a str> {
    run.arguments.get(key).map(String::as_str).filter(|v| !v.trim().is_empty())
}

/// A Glue job run: the classic output/error groups (streams `<runId>`, `<runId>_<n>`) and
/// the continuous-logging group (streams `<prefix>-driver`, `<prefix>-<executor>`,
/// `<prefix>-progress-bar`), continuous first when the run's arguments turn it on and
/// left out when they turn it off.
pub fn glue_run(run: &JobRun, l: &Layouts) -> Plan {
    let (out_leaf, err_leaf) = (leaf(&l.glue_output_group), leaf(&l.glue_error_group));
    let (output, error) = match run.log_group_name.as_deref().map(|g| g.trim_end_matches('/')) {
        Some(base) if !base.is_empty() => {
            // Tolerate a LogGroupName that already names the output or error group.
            let base = match base.rsplit_once('/') {
                Some((parent, last)) if last == out_leaf || last == err_leaf => parent,
                _ => base,
            };
            (join(base, out_leaf), join(base, err_leaf))
        }
        _ => (l.glue_output_group.clone(), l.glue_error_group.clone()),
    };
    let classic = [output, error].map(|group| Place::Group { group, prefix: run.id.clone() });
    let continuous_group = match (arg(run, "--continuous-log-logGroup"), run.security_configuration.as_deref()) {
        (Some(g), _) => g.to_string(),
        (None, Some(sc)) if !sc.is_empty() => format!("{}-{sc}", l.glue_continuous_group),
        _ => l.glue_continuous_group.clone(),
    };
    let continuous = Place::Group {
        group: continuous_group,
        prefix: arg(run, "--continuous-log-logStreamPrefix").unwrap_or(&run.id).to_string(),
    };
    let places = match arg(run, "--enable-continuous-cloudwatch-log").map(|v| v.trim().eq_ignore_ascii_case("true")) {
        Some(true) => std::iter::once(continuous).chain(classic).collect(),
        Some(false) => classic.to_vec(),
        None => classic.into_iter().chain(std::iter::once(continuous)).collect(),
    };
    Plan {
        title: format!("{} / {}", run.job_name, run.id),
        run_id: run.id.clone(),
        places,
        start_ms: start_ms(run.started_on),
        end_ms: end_ms(run.completed_on),
    }
}

/// An EMR Serverless job run: CloudWatch when the run enables it, S3 when it has a log URI.
/// Managed storage is not readable through these APIs (the Spark UI shows it).
pub fn emr_run(run: &EmrRun, l: &Layouts) -> Plan {
    let attempt = run.attempt.unwrap_or(1);
    let filled = |t: &str| fill(t, &run.app_id, &run.id, attempt);
    let attempt_seg = if attempt > 1 { filled(&l.emr_attempt_segment) } else { String::new() };
    let m = &run.monitoring;
    let mut places = Vec::new();
    if m.cloudwatch_enabled == Some(true) {
        let group = m.cloudwatch_group.as_deref().filter(|g| !g.is_empty()).unwrap_or(&l.emr_group).to_string();
        let job = filled(&l.emr_stream_prefix);
        let job = match m.cloudwatch_prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(custom) => join(custom, &job),
            None => job,
        };
        places.push(Place::Group { group, prefix: join(&job, &attempt_seg) });
    }
    if let Some((bucket, path)) = m.s3_log_uri.as_deref().and_then(parse_s3_uri) {
        let job = join(&path, &filled(&l.emr_s3_prefix));
        places.push(Place::S3 { bucket, prefix: join(&job, &attempt_seg) });
    }
    let name = run.name.as_deref().filter(|n| !n.is_empty()).unwrap_or(&run.app_id);
    let title = match attempt {
        a if a > 1 => format!("{name} / {} (attempt {a})", run.id),
        _ => format!("{name} / {}", run.id),
    };
    Plan {
        title,
        run_id: run.id.clone(),
        places,
        start_ms: start_ms(run.created_at.or(run.started_at)),
        end_ms: end_ms(run.ended_at),
    }
}

/// A crawler's last crawl: one stream named after the crawler (or the group and stream the
/// crawler reports). While a crawl runs the window is open from the end of the last one.
pub fn crawler(c: &Crawler, l: &Layouts) -> Plan {
    let last = c.last_crawl.as_ref();
    let group = last.and_then(|lc| lc.log_group.clone()).filter(|g| !g.is_empty());
    let stream = last.and_then(|lc| lc.log_stream.clone()).filter(|s| !s.is_empty());
    let running = matches!(c.state.as_str(), "RUNNING" | "STOPPING");
    let (start, end) = match running {
        true => (c.last_crawl_end().map(|t| t.timestamp_millis()), None),
        false => (start_ms(last.and_then(|lc| lc.started_on)), end_ms(c.last_crawl_end())),
    };
    Plan {
        title: format!("crawler {}", c.name),
        run_id: c.name.clone(),
        places: vec![Place::Group {
            group: group.unwrap_or_else(|| l.crawler_group.clone()),
            prefix: stream.unwrap_or_else(|| c.name.clone()),
        }],
        start_ms: start,
        end_ms: end,
    }
}

/// What a stream (or S3 key) holds, relative to a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamKind {
    Driver,
    /// The executor id as it appears in the name ("" when the name has none).
    Executor(String),
    /// Glue's continuous-logging progress bar.
    Progress,
    /// Anything else, including another run's streams under the same prefix
    /// (Glue's `<runId>_attempt_1` retries share the original run's prefix).
    Other,
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Classifies Glue streams (`<run>`, `<run>_<n>`, `<prefix>-driver`, `<prefix>-<n>`,
/// `<prefix>-progress-bar`) and EMR Serverless streams and S3 keys
/// (`.../jobs/<run>/SPARK_DRIVER/stderr`, `.../SPARK_EXECUTOR/<n>/stdout.gz`).
pub fn classify_stream(stream: &str, run_id: &str) -> StreamKind {
    let parts: Vec<&str> = stream.split('/').collect();
    if let Some(i) = parts.iter().position(|p| *p == "SPARK_DRIVER" || *p == "SPARK_EXECUTOR") {
        let jobs: Vec<&str> = parts.windows(2).filter(|w| w[0] == "jobs").map(|w| w[1]).collect();
        if !run_id.is_empty() && !jobs.is_empty() && !jobs.contains(&run_id) {
            return StreamKind::Other;
        }
        if parts[i] == "SPARK_DRIVER" {
            return StreamKind::Driver;
        }
        let id = parts.get(i + 1).copied().filter(|p| channel(p).is_none() && !p.is_empty()).unwrap_or("");
        return StreamKind::Executor(id.to_string());
    }
    if let Some(rest) = stream.strip_prefix(run_id).filter(|_| !run_id.is_empty()) {
        return match rest {
            "" | "-driver" => StreamKind::Driver,
            "-progress-bar" => StreamKind::Progress,
            _ => match rest.strip_prefix('_').or_else(|| rest.strip_prefix('-')) {
                Some(n) if digits(n) => StreamKind::Executor(n.to_string()),
                _ => StreamKind::Other,
            },
        };
    }
    // A custom continuous-logging prefix that does not contain the run id.
    if stream.ends_with("-driver") {
        return StreamKind::Driver;
    }
    if stream.ends_with("-progress-bar") {
        return StreamKind::Progress;
    }
    match stream.rsplit_once('-') {
        Some((head, n)) if !head.is_empty() && digits(n) => StreamKind::Executor(n.to_string()),
        _ => StreamKind::Other,
    }
}

/// `stdout` / `stderr` from an EMR leaf (`stderr`, `stdout.gz`).
fn channel(part: &str) -> Option<&'static str> {
    match part.strip_suffix(".gz").unwrap_or(part) {
        "stdout" => Some("stdout"),
        "stderr" => Some("stderr"),
        _ => None,
    }
}

/// A short name for a stream in the viewer: "driver (output)", "executor 3 (error)",
/// "driver stderr", "executor 2 stdout (attempt 2)", "progress bar"; else the stream name.
pub fn label(group: &str, stream: &str, run_id: &str) -> String {
    let kind = classify_stream(stream, run_id);
    let who = match &kind {
        // Only Glue's classic groups name a stream after the bare run id (a crawler's
        // stream is named after the crawler, which is its "run id").
        StreamKind::Driver if stream == run_id && !matches!(leaf(group), "output" | "error" | "errors") => {
            return stream.to_string();
        }
        StreamKind::Driver => "driver".to_string(),
        StreamKind::Executor(id) if id.is_empty() => "executor".to_string(),
        StreamKind::Executor(id) => format!("executor {id}"),
        StreamKind::Progress => return "progress bar".into(),
        StreamKind::Other => return stream.to_string(),
    };
    let parts: Vec<&str> = stream.split('/').collect();
    if parts.iter().any(|p| *p == "SPARK_DRIVER" || *p == "SPARK_EXECUTOR") {
        let mut out = who;
        if let Some(ch) = parts.last().and_then(|p| channel(p)) {
            out = format!("{out} {ch}");
        }
        if let Some(w) = parts.windows(2).find(|w| w[0] == "attempts" && digits(w[1])) {
            out = format!("{out} (attempt {})", w[1]);
        }
        return out;
    }
    match leaf(group) {
        "output" => format!("{who} (output)"),
        "error" | "errors" => format!("{who} (error)"),
        _ => who,
    }
}

/// Where the viewer looked, for the "no stream yet" message.
pub fn describe(plan: &Plan) -> String {
    if plan.places.is_empty() {
        return "no CloudWatch or S3 log destination is known for this run".into();
    }
    let places: Vec<String> = plan
        .places
        .iter()
        .map(|p| match p {
            Place::Group { group, prefix } if prefix.is_empty() => group.clone(),
            Place::Group { group, prefix } => format!("{group} (streams {prefix}*)"),
            Place::S3 { bucket, prefix } => format!("s3://{bucket}/{prefix}"),
        })
        .collect();
    format!("looked in {}", places.join(", "))
}

#[cfg(test)]
#[path = "locate_tests.rs"]
mod tests;
