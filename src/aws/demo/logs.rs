//! Demo CloudWatch Logs: every Glue run has a driver log (a real stack trace in the error
//! stream when it failed), executor logs and a progress bar; EMR Serverless runs have driver
//! and executor logs, and the running ones keep writing (a line every 3 s of demo time);
//! crawlers log their crawls. Lines are generated from the runs, so they follow the clock.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::seed::PlannedRun;
use super::{DemoAccount, Inner};
use crate::aws::{AwsResult, BoxFut, EventPage, LiveTail, LiveUpdate, LogEvent, LogQuery, LogStreamInfo, LogsRead};
use crate::logs::pattern::Pattern;

const GROUPS: [&str; 6] = [
    "/aws-glue/jobs/output",
    "/aws-glue/jobs/error",
    "/aws-glue/jobs/logs-v2",
    "/aws/emr-serverless",
    "/aws-glue/crawlers",
    "/aws-glue/data-quality/output",
];
const PAGE: usize = 500;
/// A running job writes a line this often.
const EVERY_S: i64 = 3;

fn trace_for(error: &str) -> Vec<String> {
    let mut t = vec![
        "Traceback (most recent call last):".to_string(),
        "  File \"/tmp/job.py\", line 88, in <module>".into(),
        "    glueContext.write_dynamic_frame.from_catalog(frame=curated, database=\"curated\", table_name=table)"
            .into(),
    ];
    if error.contains("Access Denied") {
        t.push("py4j.protocol.Py4JJavaError: An error occurred while calling o122.pyWriteDynamicFrame.".into());
        t.push(": com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)".into());
        t.push(
            "\tat com.amazonaws.http.AmazonHttpClient$RequestExecutor.handleErrorResponse(AmazonHttpClient.java:1879)"
                .into(),
        );
        t.push("\tat com.amazon.ws.emr.hadoop.fs.s3.lite.call.PutObjectCall.perform(PutObjectCall.java:35)".into());
        t.push("Caused by: com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied".into());
    } else if error.contains("No space left") {
        t.push("py4j.protocol.Py4JJavaError: An error occurred while calling o85.pyWriteDynamicFrame.".into());
        t.push(
            ": org.apache.spark.SparkException: Job aborted due to stage failure: Task 12 in stage 4.0 failed 4 times"
                .into(),
        );
        t.push("Caused by: java.io.IOException: No space left on device".into());
        t.push("\tat java.io.FileOutputStream.writeBytes(Native Method)".into());
    } else if error.contains("Exceeded maximum concurrent") {
        t = vec![format!("ERROR GlueJobRunner: {error}")];
    } else {
        t.push("py4j.protocol.Py4JJavaError: An error occurred while calling o64.getDynamicFrame.".into());
        t.push(": java.lang.OutOfMemoryError: Java heap space".into());
        t.push("\tat java.util.Arrays.copyOf(Arrays.java:3236)".into());
        t.push("\tat org.apache.spark.sql.execution.SparkPlan.executeCollect(SparkPlan.scala:390)".into());
        t.push("Caused by: java.lang.OutOfMemoryError: Java heap space".into());
    }
    t
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%y/%m/%d %H:%M:%S").to_string()
}

/// One stream of one run: its name and its lines as (time, text), oldest first, up to `now`.
struct DemoStream {
    group: &'static str,
    name: String,
    lines: Vec<(i64, String)>,
}

/// Progress lines of a running or finished job, one every EVERY_S up to `until`.
fn progress(start: DateTime<Utc>, until: DateTime<Utc>, what: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    // Line n is written at start + 2 s + n x EVERY_S; only the newest 400 are kept.
    let written = ((until - start).num_seconds() - 2).max(-1) / EVERY_S + 1;
    let mut n = (written - 400).max(0);
    let mut t = start + Duration::seconds(2 + n * EVERY_S);
    while t <= until {
        let line = match n % 5 {
            0 => format!(
                "{} INFO TaskSetManager: Finished task {n}.0 in stage {}.0 (TID {}) in 2841 ms on 10.0.{}.17 (executor {}) ({n}/400)",
                stamp(t),
                n / 50,
                n + 7,
                n % 4,
                n % 3 + 1
            ),
            1 => format!("{} INFO {what}: processed {} records", stamp(t), 48_213 * (n + 1)),
            2 => format!(
                "{} INFO BlockManagerInfo: Added rdd_{}_{} in memory on 10.0.1.17:39145",
                stamp(t),
                n / 3,
                n % 7
            ),
            3 => format!(
                "{} WARN TaskSetManager: Lost task {}.0 in stage {}.0: ExecutorLostFailure (executor {} exited, reason: Container preempted)",
                stamp(t),
                n,
                n / 50,
                n % 3 + 1
            ),
            _ => format!(
                "{} INFO DAGScheduler: ShuffleMapStage {} (mapPartitions at {what}.py:{}) finished",
                stamp(t),
                n / 5,
                40 + n % 30
            ),
        };
        out.push((t.timestamp_millis(), line));
        n += 1;
        t += Duration::seconds(EVERY_S);
    }
    out
}

fn glue_streams(p: &PlannedRun, now: DateTime<Utc>) -> Vec<DemoStream> {
    if p.start > now {
        return Vec::new();
    }
    let until = p.end.min(now);
    let done = p.end <= now;
    let ms = |t: DateTime<Utc>| t.timestamp_millis();
    let mut driver = vec![
        (ms(p.start), format!("{} INFO GlueContext: starting job {} run {}", stamp(p.start), p.job_name, p.id)),
        (ms(p.start) + 500, format!("{} INFO SparkContext: Running Spark version 3.3.0-amzn-1", stamp(p.start))),
    ];
    driver.extend(progress(p.start, until, &p.job_name));
    let mut error = vec![(
        ms(p.start) + 800,
        format!("{} WARN ResourceProfile: no executor cores given, using defaults", stamp(p.start)),
    )];
    if done && let Some(e) = &p.error {
        driver.push((
            ms(p.end) - 1000,
            format!("{} ERROR GlueExceptionAnalysisListener: [Glue Exception Analysis] {e}", stamp(p.end)),
        ));
        for (i, l) in trace_for(e).into_iter().enumerate() {
            error.push((ms(p.end) - 900 + i as i64, l));
        }
    } else if done {
        driver.push((ms(p.end) - 100, format!("{} INFO GlueContext: job {} finished", stamp(p.end), p.job_name)));
    }
    let executor = |n: i64| -> Vec<(i64, String)> {
        progress(p.start + Duration::seconds(n), until, "executor").into_iter().step_by(2).collect()
    };
    vec![
        DemoStream { group: "/aws-glue/jobs/logs-v2", name: format!("{}-driver", p.id), lines: driver.clone() },
        DemoStream { group: "/aws-glue/jobs/logs-v2", name: format!("{}-1", p.id), lines: executor(1) },
        DemoStream { group: "/aws-glue/jobs/logs-v2", name: format!("{}-2", p.id), lines: executor(2) },
        DemoStream { group: "/aws-glue/jobs/output", name: p.id.clone(), lines: driver },
        DemoStream { group: "/aws-glue/jobs/error", name: p.id.clone(), lines: error },
    ]
}

fn emr_streams(r: &crate::model::EmrRun, now: DateTime<Utc>) -> Vec<DemoStream> {
    let Some(start) = r.started_at.filter(|s| *s <= now) else { return Vec::new() };
    let until = r.ended_at.unwrap_or(now).min(now);
    let base = format!("/applications/{}/jobs/{}", r.app_id, r.id);
    let mut stderr = progress(start, until, r.name.as_deref().unwrap_or("job"));
    if let (Some(end), Some(d)) = (r.ended_at, r.state_details.as_deref())
        && end <= now
        && r.state().as_str() == "FAILED"
    {
        let cause = d.split("Caused by:").nth(1).unwrap_or(d).trim();
        stderr.push((end.timestamp_millis() - 500, format!("{} ERROR SparkContext: Error running job", stamp(end))));
        stderr.push((
            end.timestamp_millis() - 400,
            "org.apache.spark.SparkException: Job aborted due to stage failure".into(),
        ));
        stderr.push((end.timestamp_millis() - 300, format!("Caused by: {cause}")));
    }
    let stdout = vec![(start.timestamp_millis(), format!("starting {}", r.name.as_deref().unwrap_or("job")))];
    let exec: Vec<(i64, String)> =
        progress(start + Duration::seconds(1), until, "executor").into_iter().step_by(3).collect();
    vec![
        DemoStream { group: "/aws/emr-serverless", name: format!("{base}/SPARK_DRIVER/stderr"), lines: stderr },
        DemoStream { group: "/aws/emr-serverless", name: format!("{base}/SPARK_DRIVER/stdout"), lines: stdout },
        DemoStream { group: "/aws/emr-serverless", name: format!("{base}/SPARK_EXECUTOR/1/stderr"), lines: exec },
    ]
}

/// The streams of `group` whose names start with `prefix`.
fn streams(inner: &Inner, now: DateTime<Utc>, group: &str, prefix: &str) -> Vec<DemoStream> {
    let mut out = Vec::new();
    if group.starts_with("/aws-glue/jobs") {
        for p in inner.runs.values().flatten() {
            if p.id.starts_with(prefix) || prefix.starts_with(&p.id) {
                out.extend(glue_streams(p, now).into_iter().filter(|s| s.group == group && s.name.starts_with(prefix)));
            }
        }
    } else if group == "/aws/emr-serverless" {
        for r in &inner.emr.runs {
            out.extend(emr_streams(r, now).into_iter().filter(|s| s.name.starts_with(prefix)));
        }
    } else if group == "/aws-glue/crawlers" {
        for c in inner.catalog.crawlers.iter().filter(|c| c.name.starts_with(prefix)) {
            let Some(l) = &c.last_crawl else { continue };
            let t = l.started_on.unwrap_or(now);
            let mut lines = vec![
                (
                    t.timestamp_millis(),
                    format!("[{}] BENCHMARK : Running Start Crawl for Crawler {}", t.format("%H:%M:%S"), c.name),
                ),
                (
                    t.timestamp_millis() + 5000,
                    format!("[{}] INFO : Crawler configured with SchemaChangePolicy", t.format("%H:%M:%S")),
                ),
            ];
            if let Some(e) = &l.error_message {
                lines.push((t.timestamp_millis() + 9000, format!("[{}] ERROR : {e}", t.format("%H:%M:%S"))));
            }
            out.push(DemoStream { group: "/aws-glue/crawlers", name: c.name.clone(), lines });
        }
    }
    out
}

fn events(inner: &Inner, now: DateTime<Utc>, q: &LogQuery, pattern: Option<&Pattern>) -> Vec<LogEvent> {
    let prefix = q.stream_prefix.as_deref().unwrap_or("");
    let mut all: Vec<LogEvent> = streams(inner, now, &q.group, prefix)
        .into_iter()
        .filter(|s| q.streams.is_empty() || q.streams.contains(&s.name))
        .flat_map(|s| {
            let (group, name) = (s.group, s.name);
            s.lines.into_iter().enumerate().map(move |(i, (ts, message))| LogEvent {
                id: Some(format!("{ts:020}{i:06}{}", name.len())),
                ts_ms: ts,
                ingestion_ms: Some(ts + 400),
                group: group.to_string(),
                stream: name.clone(),
                message,
            })
        })
        .filter(|e| q.start_ms.is_none_or(|s| e.ts_ms >= s) && q.end_ms.is_none_or(|x| e.ts_ms <= x))
        .filter(|e| pattern.is_none_or(|p| p.matches(&e.message)))
        .collect();
    all.sort_by(|a, b| a.ts_ms.cmp(&b.ts_ms).then_with(|| a.stream.cmp(&b.stream)));
    all
}

struct DemoTail {
    demo: DemoAccount,
    queries: Vec<LogQuery>,
    pattern: Option<Pattern>,
    last: DateTime<Utc>,
}

impl LiveTail for DemoTail {
    fn next(&mut self) -> BoxFut<'_, AwsResult<Option<LiveUpdate>>> {
        Box::pin(async move {
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let now = self.demo.now();
            let from = self.last.timestamp_millis() + 1;
            self.last = now;
            let pattern = self.pattern.clone();
            let queries = self.queries.clone();
            let events = self.demo.read(|i, now| {
                Ok(queries
                    .iter()
                    .flat_map(|q| events(i, now, &LogQuery { start_ms: Some(from), ..q.clone() }, pattern.as_ref()))
                    .collect::<Vec<_>>())
            })?;
            Ok(Some(LiveUpdate { events, sampled: false }))
        })
    }
}

fn arn_group(arn: &str) -> String {
    arn.split(":log-group:").nth(1).unwrap_or(arn).trim_end_matches(":*").to_string()
}

impl LogsRead for DemoAccount {
    fn group_arn<'a>(&'a self, group: &'a str) -> BoxFut<'a, AwsResult<Option<String>>> {
        let r = self.read(|_, _| {
            Ok(GROUPS
                .contains(&group)
                .then(|| format!("arn:aws:logs:{}:{}:log-group:{group}", super::DEMO_REGION, super::DEMO_ACCOUNT_ID)))
        });
        Box::pin(async move { r })
    }

    fn streams<'a>(&'a self, group: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<LogStreamInfo>>> {
        let r = self.read(|i, now| {
            Ok(streams(i, now, group, prefix)
                .into_iter()
                .map(|s| LogStreamInfo {
                    group: group.to_string(),
                    first_event_ms: s.lines.first().map(|l| l.0),
                    last_event_ms: s.lines.last().map(|l| l.0),
                    name: s.name,
                })
                .collect())
        });
        Box::pin(async move { r })
    }

    fn filter<'a>(&'a self, query: &'a LogQuery, token: Option<String>) -> BoxFut<'a, AwsResult<EventPage>> {
        let pattern = query.pattern.as_deref().and_then(|p| Pattern::parse(p).ok());
        let r = self.read(|i, now| {
            let all = events(i, now, query, pattern.as_ref());
            let from: usize = token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
            let next = (from + PAGE < all.len()).then(|| (from + PAGE).to_string());
            Ok(EventPage { events: all.into_iter().skip(from).take(PAGE).collect(), next })
        });
        Box::pin(async move { r })
    }

    fn live_tail<'a>(
        &'a self,
        group_arns: &'a [String],
        stream_prefixes: &'a [String],
        pattern: Option<&'a str>,
    ) -> BoxFut<'a, AwsResult<Box<dyn LiveTail>>> {
        let queries = group_arns
            .iter()
            .map(|a| LogQuery {
                group: arn_group(a),
                stream_prefix: stream_prefixes.first().cloned(),
                ..Default::default()
            })
            .collect();
        let tail = DemoTail {
            demo: self.clone(),
            queries,
            pattern: pattern.and_then(|p| Pattern::parse(p).ok()),
            last: self.now(),
        };
        Box::pin(async move { Ok(Box::new(tail) as Box<dyn LiveTail>) })
    }
}

/// The demo has no S3 objects: log and event log prefixes are simply empty.
impl crate::aws::ObjectRead for DemoAccount {
    fn list<'a>(&'a self, _bucket: &'a str, _prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>> {
        let r = self.read(|_, _| Ok(Vec::new()));
        Box::pin(async move { r })
    }
    fn get<'a>(&'a self, bucket: &'a str, key: &'a str, _offset: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
        let e = super::not_found("s3:GetObject", format!("object s3://{bucket}/{key}"));
        Box::pin(async move { Err(e) })
    }
}

/// So `Arc<DemoAccount>` can stand for the logs reader.
pub fn reader(demo: &DemoAccount) -> Arc<dyn LogsRead> {
    Arc::new(demo.clone())
}
