//! Getting a Spark event log to read: a local path as it is, or the objects under an S3
//! prefix copied into a private temp folder (a rolling folder stays a folder), then read
//! by `eventlog` on a blocking thread.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::aws::ObjectRead;
use crate::eventlog::{self, Options, Summary};
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

/// Read the log named by `source` and summarise it.
pub async fn load(
    source: &EventLogSource,
    objects: Arc<dyn ObjectRead>,
    opts: Options,
    after_ms: Option<i64>,
) -> Result<Summary, String> {
    let path = match source {
        EventLogSource::Local(p) => p.clone(),
        EventLogSource::S3(uri) => download(uri, objects, after_ms).await?,
    };
    let cleanup = matches!(source, EventLogSource::S3(_)).then(|| path.clone());
    let result = tokio::task::spawn_blocking(move || eventlog::summarize(&path, &opts).map_err(|e| e.to_string()))
        .await
        .map_err(|e| format!("reading the event log stopped: {e}"))?;
    if let Some(dir) = cleanup.and_then(|p| {
        p.ancestors()
            .find(|a| a.file_name().is_some_and(|n| n.to_string_lossy().starts_with("batchtop-eventlog-")))
            .map(Path::to_path_buf)
    }) {
        let _ = std::fs::remove_dir_all(dir);
    }
    result
}

async fn download(uri: &str, objects: Arc<dyn ObjectRead>, after_ms: Option<i64>) -> Result<PathBuf, String> {
    let (bucket, prefix) = parse_s3(uri).ok_or_else(|| format!("`{uri}` is not an s3://bucket/prefix URI"))?;
    let listed = objects.list(&bucket, &prefix).await.map_err(|e| e.message)?;
    let keys = choose(&listed, &prefix, after_ms);
    let keys: Vec<String> = keys.into_iter().filter(|k| !k.ends_with('/') && !k.ends_with(".crc")).collect();
    if keys.is_empty() {
        return Err(format!(
            "no Spark event log under {uri} (looked for spark-application-* files and eventlog_v2_* folders)"
        ));
    }
    let dir = std::env::temp_dir().join(format!(
        "batchtop-eventlog-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
    ));
    for key in &keys {
        let rel = key.strip_prefix(&prefix).unwrap_or(key).trim_start_matches('/');
        let rel = if rel.is_empty() { key.rsplit('/').next().unwrap_or("eventlog") } else { rel };
        let target = dir.join(rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let bytes = objects.get(&bucket, key, 0).await.map_err(|e| e.message)?;
        std::fs::write(&target, bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    // One file, or one folder (rolling log) directly under the temp folder.
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(&dir).map_err(|e| e.to_string())?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    Ok(if entries.len() == 1 { entries.remove(0) } else { dir })
}

/// A private temp folder mirroring event log objects, removed when dropped (also when the
/// follow task is aborted).
struct Mirror {
    dir: PathBuf,
    bucket: String,
    prefix: String,
    /// Bytes of each object copied so far.
    got: std::collections::BTreeMap<String, u64>,
}

impl Drop for Mirror {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Mirror {
    fn target(&self, key: &str) -> PathBuf {
        let rel = key.strip_prefix(&self.prefix).unwrap_or(key).trim_start_matches('/');
        let rel = if rel.is_empty() { key.rsplit('/').next().unwrap_or("eventlog") } else { rel };
        self.dir.join(rel)
    }

    /// Copy what objects added since the last sync (a GetObject Range per grown object);
    /// returns the bytes copied.
    async fn sync(&mut self, objects: &dyn ObjectRead, after_ms: Option<i64>) -> Result<u64, String> {
        let listed = objects.list(&self.bucket, &self.prefix).await.map_err(|e| e.message)?;
        let sizes: std::collections::BTreeMap<&str, i64> = listed.iter().map(|(k, s)| (k.as_str(), *s)).collect();
        let keys = choose(&listed, &self.prefix, after_ms);
        let mut copied = 0;
        for key in keys.into_iter().filter(|k| !k.ends_with('/') && !k.ends_with(".crc")) {
            let size = u64::try_from(sizes.get(key.as_str()).copied().unwrap_or(0)).unwrap_or(0);
            let have = self.got.get(&key).copied().unwrap_or(0);
            if size <= have && self.got.contains_key(&key) {
                continue;
            }
            // An object that shrank was replaced: copy it again from the start.
            let from = if size < have { 0 } else { have };
            let bytes = objects.get(&self.bucket, &key, from).await.map_err(|e| e.message)?;
            let target = self.target(&key);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(from > 0)
                .truncate(from == 0)
                .open(&target)
                .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            std::io::Write::write_all(&mut f, &bytes).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
            copied += bytes.len() as u64;
            self.got.insert(key, from + bytes.len() as u64);
        }
        Ok(copied)
    }

    /// The log to read: the one file, or the one (rolling) folder, or the folder itself.
    fn path(&self) -> Option<PathBuf> {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(&self.dir).ok()?.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        match entries.len() {
            0 => None,
            1 => Some(entries.remove(0)),
            _ => Some(self.dir.clone()),
        }
    }
}

/// The private mirror of an S3 source (None for a local file), or why the URI is not one.
fn mirror_of(source: &EventLogSource) -> Result<Option<Mirror>, String> {
    match source {
        EventLogSource::Local(_) => Ok(None),
        EventLogSource::S3(uri) => match parse_s3(uri) {
            Some((bucket, prefix)) => Ok(Some(Mirror {
                dir: std::env::temp_dir().join(format!(
                    "batchtop-eventlog-follow-{}-{}",
                    std::process::id(),
                    chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0)
                )),
                bucket,
                prefix,
                got: Default::default(),
            })),
            None => Err(format!("`{uri}` is not an s3://bucket/prefix URI")),
        },
    }
}

/// There is no event log (yet) where `source` points.
fn no_log_under(source: &EventLogSource) -> String {
    let uri = match source {
        EventLogSource::S3(u) => u.clone(),
        EventLogSource::Local(p) => p.display().to_string(),
    };
    format!("no Spark event log under {uri} (looked for spark-application-* files and eventlog_v2_* folders)")
}

type SummarySender = tokio::sync::mpsc::Sender<Result<Summary, String>>;

/// Feed what the log at `path` gained to the analyser (on a blocking thread) and send the
/// updated summary, always on the `first` round; false when following stops.
async fn read_new(
    tail: &mut Option<eventlog::Tail>,
    path: &Path,
    opts: &Options,
    first: bool,
    tx: &SummarySender,
) -> bool {
    let mut t = tail.take().unwrap_or_else(|| eventlog::Tail::new(path, opts));
    let polled = tokio::task::spawn_blocking(move || {
        let r = t.poll().map_err(|e| e.to_string());
        let summary = r.as_ref().ok().filter(|n| **n > 0).map(|_| t.summary());
        (t, r, summary)
    })
    .await;
    match polled {
        Ok((t, Ok(n), summary)) => {
            *tail = Some(t);
            !((n > 0 || first)
                && tx
                    .send(Ok(summary.unwrap_or_else(|| tail.as_mut().map(|t| t.summary()).unwrap_or_default())))
                    .await
                    .is_err())
        }
        // A bad first read ends following; a later one is reported and the next round tries again.
        Ok((_, Err(e), _)) => tx.send(Err(e)).await.is_ok() && !first,
        Err(e) => {
            let _ = tx.send(Err(format!("reading the event log stopped: {e}"))).await;
            false
        }
    }
}

/// Follow a growing event log: each round copies only what S3 objects gained (by byte range)
/// or reads what a local file gained, feeds only the new bytes to the analyser, and sends the
/// updated summary. Runs until `tx` is closed (the view was closed).
pub async fn follow(
    source: EventLogSource,
    objects: Arc<dyn ObjectRead>,
    opts: Options,
    after_ms: Option<i64>,
    every: std::time::Duration,
    tx: SummarySender,
) {
    let mut mirror = match mirror_of(&source) {
        Ok(m) => m,
        Err(e) => {
            let _ = tx.send(Err(e)).await;
            return;
        }
    };
    let mut tail: Option<eventlog::Tail> = None;
    let mut first = true;
    loop {
        let mut grew = false;
        if let Some(m) = mirror.as_mut() {
            match m.sync(objects.as_ref(), after_ms).await {
                Ok(n) => grew = n > 0,
                Err(e) if first => {
                    let _ = tx.send(Err(e)).await;
                    return;
                }
                Err(e) => tracing::warn!("event log follow: {e}"),
            }
        }
        let path = match (&source, &mirror) {
            (EventLogSource::Local(p), _) => Some(p.clone()),
            (_, Some(m)) => m.path(),
            _ => None,
        };
        let Some(path) = path else {
            if first {
                let _ = tx.send(Err(no_log_under(&source))).await;
                return;
            }
            tokio::time::sleep(every).await;
            continue;
        };
        if (first || grew || mirror.is_none()) && !read_new(&mut tail, &path, &opts, first, &tx).await {
            return;
        }
        first = false;
        tokio::time::sleep(every).await;
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
