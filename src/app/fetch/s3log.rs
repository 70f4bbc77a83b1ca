//! An event log on S3, read straight from the objects: the first round reads every part by
//! ranged GETs (`ranged`), decoding and parsing as the bytes arrive; later rounds (a running
//! application) read only what the last plain part gained and the parts added after it. A
//! part that shrank, vanished or is compressed and grew is read again from the start, with the
//! whole log.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::ranged::{self, Piece, PieceReader, Progress, Reading, Reporting, Segment};
use crate::aws::ObjectRead;
use crate::eventlog::{self, Analyzer, Options, Start, Summary};

/// One part as read so far.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Known {
    key: String,
    size: u64,
}

/// What the decoding thread does with one segment.
struct Step {
    key: String,
    start: Start,
    first: bool,
}

pub(crate) struct S3Log {
    uri: String,
    bucket: String,
    prefix: String,
    after_ms: Option<i64>,
    opts: Options,
    known: Vec<Known>,
    analyzer: Option<Analyzer>,
}

impl S3Log {
    pub(crate) fn new(uri: &str, after_ms: Option<i64>, opts: Options) -> Result<S3Log, String> {
        let (bucket, prefix) =
            super::parse_s3(uri).ok_or_else(|| format!("`{uri}` is not an s3://bucket/prefix URI"))?;
        Ok(S3Log { uri: uri.to_string(), bucket, prefix, after_ms, opts, known: Vec::new(), analyzer: None })
    }

    /// The parts of the log as listed now, in reading order.
    fn parts_now(&self, listed: &[(String, i64)]) -> Result<Vec<Known>, String> {
        let base = |k: &str| k.rsplit_once('/').map_or(k, |(_, n)| n).to_string();
        let keys: Vec<String> = super::choose(listed, &self.prefix, self.after_ms)
            .into_iter()
            .filter(|k| !k.ends_with('/') && !eventlog::is_marker(&base(k)))
            .collect();
        let folder = |k: &str| k.rsplit_once('/').map_or("", |(d, _)| d).to_string();
        if let Some(first) = keys.first()
            && keys.iter().any(|k| folder(k) != folder(first))
        {
            return Err(format!("{} holds event logs in several folders: name one of them", self.uri));
        }
        let names: Vec<String> = keys.iter().map(|k| base(k)).collect();
        let ordered = eventlog::order_names(names).map_err(|why| match why {
            None => super::no_log_under(&self.uri),
            Some(why) => format!("{}: {why}", self.uri),
        })?;
        let dir = keys.first().map(|k| folder(k)).unwrap_or_default();
        let size = |key: &str| listed.iter().find(|(k, _)| k == key).map_or(0, |(_, s)| u64::try_from(*s).unwrap_or(0));
        Ok(ordered
            .into_iter()
            .map(|n| if dir.is_empty() { n } else { format!("{dir}/{n}") })
            .map(|key| Known { size: size(&key), key })
            .collect())
    }

    /// What to read to catch up with `now`; None: read the whole log again.
    fn plan(&self, now: &[Known]) -> Option<Vec<(Segment, Step)>> {
        self.analyzer.as_ref()?;
        let last = self.known.len().checked_sub(1)?;
        let mut out = Vec::new();
        for (i, was) in self.known.iter().enumerate() {
            let is = now.get(i).filter(|k| k.key == was.key)?;
            if is.size == was.size {
                continue;
            }
            // Only the last part grows; a plain one goes on where it stopped.
            if is.size < was.size || i != last || eventlog::named_compressed(&is.key) {
                return None;
            }
            let seg = Segment { key: is.key.clone(), range: was.size..is.size };
            out.push((seg, Step { key: is.key.clone(), start: Start::Continued, first: false }));
        }
        for k in &now[self.known.len()..] {
            let seg = Segment { key: k.key.clone(), range: 0..k.size };
            out.push((seg, Step { key: k.key.clone(), start: Start::Fresh, first: false }));
        }
        Some(out)
    }

    /// List the objects and read what is new; the decoded bytes fed.
    pub(crate) async fn round(
        &mut self,
        objects: &Arc<dyn ObjectRead>,
        reading: Reading,
        progress: &Arc<Progress>,
    ) -> Result<u64, String> {
        let listed = objects.list(&self.bucket, &self.prefix).await.map_err(|e| e.message)?;
        let now = self.parts_now(&listed)?;
        let plan = self.plan(&now).unwrap_or_else(|| {
            self.analyzer = None;
            let all = now.iter().enumerate().map(|(i, k)| {
                let step = Step { key: k.key.clone(), start: Start::Fresh, first: i == 0 };
                (Segment { key: k.key.clone(), range: 0..k.size }, step)
            });
            all.collect()
        });
        if plan.is_empty() {
            return Ok(0);
        }
        let total = plan.iter().map(|(s, _)| s.range.end - s.range.start).sum();
        let _reporting = Reporting::begin(progress, total);
        let (segments, steps): (Vec<Segment>, Vec<Step>) = plan.into_iter().unzip();
        let (tx, rx) = mpsc::channel(reading.parallelism.max(1) * 2 + 2);
        let analyzer = self.analyzer.take().unwrap_or_else(|| Analyzer::new(self.opts.clone()));
        let bucket = self.bucket.clone();
        let decode = tokio::task::spawn_blocking(move || decode(analyzer, rx, steps, &bucket));
        let fetch =
            ranged::fetch_in_order(objects.clone(), self.bucket.clone(), segments, reading, progress.clone(), tx);
        let ((), decoded) = tokio::join!(fetch, decode);
        let (analyzer, result) = decoded.map_err(|e| format!("reading the event log stopped: {e}"))?;
        if result.is_ok() {
            (self.analyzer, self.known) = (Some(analyzer), now);
        } else {
            self.known.clear();
        }
        result
    }

    /// The summary so far (a line still being written left out).
    pub(crate) fn summary(&mut self) -> Summary {
        self.analyzer.as_mut().map(Analyzer::summary).unwrap_or_default()
    }

    /// The final summary; an error when the log holds nothing.
    pub(crate) fn finish(self) -> Result<Summary, String> {
        match self.analyzer {
            Some(a) if a.has_input() => Ok(a.finish()),
            _ => Err(format!("{}: the event log is empty", self.uri)),
        }
    }
}

/// The decoding thread: feed each segment's bytes, in order, to the analyser.
fn decode(
    mut analyzer: Analyzer,
    mut rx: mpsc::Receiver<Piece>,
    steps: Vec<Step>,
    bucket: &str,
) -> (Analyzer, Result<u64, String>) {
    let mut fed = 0;
    for step in steps {
        let name = PathBuf::from(format!("s3://{bucket}/{}", step.key));
        let mut failed = None;
        let mut reader = PieceReader::new(&mut rx, &mut failed);
        let out = eventlog::feed_part(&mut analyzer, &name, &mut reader, step.start, step.first);
        // A decoder may stop before the end: the rest of this part is not the next one's.
        let _ = std::io::copy(&mut reader, &mut std::io::sink());
        drop(reader);
        let out = match (failed, out) {
            (Some(transport), _) => Err(transport),
            (None, out) => out.map_err(|e| e.to_string()),
        };
        match out {
            Ok(part) => {
                fed += part.bytes;
                if let Some(why) = part.cut {
                    eventlog::note_cut(&mut analyzer, &name, &why);
                }
            }
            Err(e) => return (analyzer, Err(e)),
        }
    }
    (analyzer, Ok(fed))
}
