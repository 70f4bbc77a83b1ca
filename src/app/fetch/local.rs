//! A local event log (a file, compressed or not, or a rolling folder) read on a blocking thread
//! and reported like a read from S3: [`Progress`] counts the bytes of its files on disk read so
//! far, of their total size on disk. Dropping the future (`esc` aborts its task) stops the
//! blocking read at its next read from disk, so no thread goes on reading a large log for
//! nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::SummarySender;
use super::ranged::Progress;
use crate::eventlog::{self, Options, Summary, Watch};

/// What the blocking read reports to: the shared progress, and whether to stop.
#[derive(Debug)]
struct Meter {
    progress: Arc<Progress>,
    stop: AtomicBool,
    /// Something was read from disk since this was last cleared.
    began: AtomicBool,
}

impl Watch for Meter {
    fn begin(&self, total: u64) {
        self.began.store(true, Ordering::Relaxed);
        self.progress.begin(total);
    }
    fn read(&self, bytes: u64) {
        self.progress.arrived().fetch_add(bytes, Ordering::Relaxed);
    }
    fn end(&self) {
        self.progress.end();
    }
    fn stop(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }
}

/// Holds the meter while a read is awaited; dropped with the future, it stops the read.
struct StopOnDrop(Arc<Meter>);

impl StopOnDrop {
    fn new(progress: &Arc<Progress>) -> Self {
        let meter = Meter { progress: progress.clone(), stop: AtomicBool::new(false), began: AtomicBool::new(false) };
        StopOnDrop(Arc::new(meter))
    }
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop.store(true, Ordering::Relaxed);
    }
}

/// Read the whole log at `path` and summarise it, its progress in `progress`.
pub(super) async fn summarize(path: PathBuf, opts: Options, progress: &Arc<Progress>) -> Result<Summary, String> {
    let guard = StopOnDrop::new(progress);
    let meter = guard.0.clone();
    tokio::task::spawn_blocking(move || eventlog::summarize_watched(&path, &opts, &*meter).map_err(|e| e.to_string()))
        .await
        .map_err(|e| format!("reading the event log stopped: {e}"))?
}

/// Follow the log at `path`: each round feeds what it gained to the analyser and sends the
/// updated summary (always on the first round), until `tx` is closed.
pub(super) async fn follow(
    path: &Path,
    opts: &Options,
    every: std::time::Duration,
    progress: &Arc<Progress>,
    tx: &SummarySender,
) {
    let guard = StopOnDrop::new(progress);
    let mut tail: Option<eventlog::Tail> = None;
    let mut first = true;
    loop {
        if !read_new(&mut tail, path, opts, first, &guard.0, tx).await {
            return;
        }
        first = false;
        tokio::time::sleep(every).await;
        if tx.is_closed() {
            return;
        }
    }
}

/// One round of [`follow`] on a blocking thread; false when following stops. A round that
/// read from disk sends the summary even when it gained nothing, so that the progress shown
/// ends with it.
async fn read_new(
    tail: &mut Option<eventlog::Tail>,
    path: &Path,
    opts: &Options,
    first: bool,
    meter: &Arc<Meter>,
    tx: &SummarySender,
) -> bool {
    let mut t = tail.take().unwrap_or_else(|| eventlog::Tail::new(path, opts));
    let m = meter.clone();
    let polled = tokio::task::spawn_blocking(move || {
        m.began.store(false, Ordering::Relaxed);
        let r = t.poll_watched(&*m).map_err(|e| e.to_string());
        let read = m.began.load(Ordering::Relaxed);
        let summary = r.as_ref().ok().filter(|n| **n > 0 || read || first).map(|_| t.summary());
        (t, r, summary)
    })
    .await;
    match polled {
        Ok((t, Ok(_), summary)) => {
            *tail = Some(t);
            match summary {
                Some(s) => tx.send(Ok(s)).await.is_ok(),
                None => true,
            }
        }
        // A bad first read ends following; a later one is reported and the next round tries again.
        Ok((_, Err(e), _)) => tx.send(Err(e)).await.is_ok() && !first,
        Err(e) => {
            let _ = tx.send(Err(format!("reading the event log stopped: {e}"))).await;
            false
        }
    }
}
