//! Getting a Spark event log to read: a local path read by `eventlog` on a blocking thread
//! (`local`), or the objects under an S3 prefix read by parallel ranged GETs and parsed as the
//! bytes arrive (`s3log`, `ranged`). Either way `Progress` says how far a read is.

mod local;
mod ranged;
mod s3log;

use std::sync::Arc;

pub use ranged::{Progress, Reading, Seen};
use s3log::S3Log;

use crate::aws::ObjectRead;
use crate::eventlog::{Options, Summary};
use crate::state::eventlog::EventLogSource;

pub use crate::logs::locate::parse_s3_uri as parse_s3;

/// Which objects under a prefix make one event log: for Glue's `--spark-event-logs-path`
/// the `spark-application-<ms>` file (or rolling folder) started closest after the run
/// (`after_ms`); otherwise everything under the prefix.
pub fn choose(objects: &[(String, i64)], prefix: &str, after_ms: Option<i64>) -> Vec<String> {
    let Some(after) = after_ms else {
        return objects.iter().map(|(k, _)| k.clone()).collect();
    };
    // The application id is the first path component below the prefix.
    let app_of = |key: &str| -> Option<(String, i64)> {
        let rel = key.strip_prefix(prefix).unwrap_or(key).trim_start_matches('/');
        let first = rel.split('/').next()?;
        let id = first.trim_start_matches("eventlog_v2_");
        let ms = id.strip_prefix("spark-application-")?.split('.').next()?.parse().ok()?;
        Some((first.to_string(), ms))
    };
    let best = objects
        .iter()
        .filter_map(|(k, _)| app_of(k))
        .filter(|(_, ms)| *ms >= after - 5 * 60 * 1000)
        .min_by_key(|(_, ms)| (*ms - after).abs());
    match best {
        Some((first, _)) => {
            objects.iter().filter(|(k, _)| app_of(k).is_some_and(|(f, _)| f == first)).map(|(k, _)| k.clone()).collect()
        }
        None => Vec::new(),
    }
}

/// Read the log named by `source` and summarise it (S3: parts of the default size).
pub async fn load(
    source: &EventLogSource,
    objects: Arc<dyn ObjectRead>,
    opts: Options,
    after_ms: Option<i64>,
) -> Result<Summary, String> {
    load_with(source, objects, opts, after_ms, Reading::default(), Arc::default()).await
}

/// Read the log named by `source` and summarise it: a local path on a blocking thread, an S3
/// one by ranged GETs as `reading` says; its progress in `progress` (bytes on disk for a local
/// log, bytes arrived for S3). Dropping the future stops the read.
pub async fn load_with(
    source: &EventLogSource,
    objects: Arc<dyn ObjectRead>,
    opts: Options,
    after_ms: Option<i64>,
    reading: Reading,
    progress: Arc<Progress>,
) -> Result<Summary, String> {
    match source {
        EventLogSource::Local(p) => local::summarize(p.clone(), opts, &progress).await,
        EventLogSource::S3(uri) => {
            let mut log = S3Log::new(uri, after_ms, opts)?;
            log.round(&objects, reading, &progress).await?;
            log.finish()
        }
    }
}

/// There is no event log (yet) under `uri`.
fn no_log_under(uri: &str) -> String {
    format!("no Spark event log under {uri} (looked for spark-application-* files and eventlog_v2_* folders)")
}

type SummarySender = tokio::sync::mpsc::Sender<Result<Summary, String>>;

/// How a followed log is read: S3 parts and the progress of each read (local or S3).
#[derive(Debug, Clone, Default)]
pub struct Following {
    pub reading: Reading,
    pub progress: Arc<Progress>,
    /// How long to wait between rounds.
    pub every: std::time::Duration,
}

/// Follow a growing event log: each round reads only what S3 objects gained (by byte range)
/// or what a local file gained, feeds only the new bytes to the analyser, and sends the
/// updated summary. Runs until `tx` is closed (the view was closed).
pub async fn follow(
    source: EventLogSource,
    objects: Arc<dyn ObjectRead>,
    opts: Options,
    after_ms: Option<i64>,
    how: Following,
    tx: SummarySender,
) {
    match &source {
        EventLogSource::Local(path) => local::follow(path, &opts, how.every, &how.progress, &tx).await,
        EventLogSource::S3(uri) => match S3Log::new(uri, after_ms, opts) {
            Ok(log) => follow_s3(log, objects, how, &tx).await,
            Err(e) => {
                let _ = tx.send(Err(e)).await;
            }
        },
    }
}

async fn follow_s3(mut log: S3Log, objects: Arc<dyn ObjectRead>, how: Following, tx: &SummarySender) {
    let mut first = true;
    loop {
        match log.round(&objects, how.reading, &how.progress).await {
            Ok(n) if n > 0 || first => {
                if tx.send(Ok(log.summary())).await.is_err() {
                    return;
                }
            }
            Ok(_) => {}
            Err(e) if first => {
                let _ = tx.send(Err(e)).await;
                return;
            }
            // The summary shown stays; the next round reads the log again.
            Err(e) => tracing::warn!("event log follow: {e}"),
        }
        first = false;
        tokio::time::sleep(how.every).await;
        if tx.is_closed() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_uris_split() {
        assert_eq!(parse_s3("s3://b/a/b/"), Some(("b".into(), "a/b/".into())));
        assert_eq!(parse_s3("s3://b"), Some(("b".into(), "".into())));
        assert_eq!(parse_s3("/local"), None);
    }

    #[test]
    fn glue_picks_the_application_started_with_the_run() {
        let objs: Vec<(String, i64)> = [
            "logs/spark-application-1000000",
            "logs/spark-application-2000000",
            "logs/eventlog_v2_spark-application-3000000/events_1_spark-application-3000000",
            "logs/eventlog_v2_spark-application-3000000/appstatus_spark-application-3000000",
        ]
        .iter()
        .map(|k| (k.to_string(), 10))
        .collect();
        assert_eq!(choose(&objs, "logs/", Some(1_990_000)), vec!["logs/spark-application-2000000".to_string()]);
        assert_eq!(choose(&objs, "logs/", Some(2_999_000)).len(), 2, "the whole rolling folder");
        assert!(choose(&objs, "logs/", Some(9_000_000)).is_empty());
        assert_eq!(choose(&objs, "logs/", None).len(), 4);
    }
}
