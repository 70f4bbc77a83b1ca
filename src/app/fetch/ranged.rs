//! Reading S3 objects by ranged GETs: each object is cut into parts of `part_size`, up to
//! `parallelism` parts are fetched at once, and the parts are handed on in order (a
//! [`PieceReader`] reads them as one byte stream per object on the decoding thread).
//!
//! Memory is bounded: a part holds one of `parallelism` permits from before its GET starts
//! until the decoder has read it, so at most `parallelism × part_size` bytes are buffered.
//! Dropping [`fetch_in_order`] (the load task was aborted) drops every GET in flight and starts
//! no other.

use std::collections::VecDeque;
use std::io::Read;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};

use crate::aws::ObjectRead;
pub use crate::eventlog::{Reading, Seen};

/// How far the current read is, shared with whoever shows it.
#[derive(Debug, Default)]
pub struct Progress {
    read: AtomicU64,
    total: AtomicU64,
    active: AtomicBool,
    started: Mutex<Option<Instant>>,
}

impl Progress {
    fn begin(&self, total: u64) {
        self.read.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        *self.started.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        self.active.store(true, Ordering::Release);
    }

    fn end(&self) {
        self.active.store(false, Ordering::Release);
    }

    /// Bytes arrived so far (counted as they come off the network).
    pub fn arrived(&self) -> &AtomicU64 {
        &self.read
    }

    /// Where the read is, while one is under way.
    pub fn seen(&self) -> Option<Seen> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let started = (*self.started.lock().unwrap_or_else(|e| e.into_inner()))?;
        let total = self.total.load(Ordering::Relaxed);
        Some(Seen { read: self.read.load(Ordering::Relaxed).min(total), total, elapsed: started.elapsed() })
    }
}

/// Ends the progress when the read ends, however it ends.
pub(crate) struct Reporting<'p>(&'p Progress);

impl<'p> Reporting<'p> {
    pub(crate) fn begin(progress: &'p Progress, total: u64) -> Self {
        progress.begin(total);
        Reporting(progress)
    }
}

impl Drop for Reporting<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// Bytes of one object to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    pub key: String,
    pub range: Range<u64>,
}

/// What the decoding side receives, in order.
pub(crate) enum Piece {
    /// The next bytes of the current object, holding their share of the buffer budget.
    Data(Vec<u8>, OwnedSemaphorePermit),
    /// The current object's bytes are all there.
    End,
    /// A GET failed for good: one line naming the object and the offset.
    Failed(String),
}

/// The GETs to make: each segment cut into parts, the last one of each flagged.
fn parts(segments: &[Segment], part_size: u64) -> VecDeque<(String, Range<u64>, bool)> {
    let step = part_size.max(1);
    let mut out = VecDeque::new();
    for seg in segments {
        let mut at = seg.range.start;
        loop {
            let end = seg.range.end.min(at.saturating_add(step));
            let last = end >= seg.range.end;
            out.push_back((seg.key.clone(), at..end, last));
            if last {
                break;
            }
            at = end;
        }
    }
    out
}

/// Fetch `segments` of `bucket` part by part, `reading.parallelism` at a time, and send the
/// parts to `tx` in order (an `End` after each segment). Stops at the first failure (after
/// the retries of `ObjectRead::get_range`) or when the receiver is gone.
pub(crate) async fn fetch_in_order(
    objects: Arc<dyn ObjectRead>,
    bucket: String,
    segments: Vec<Segment>,
    reading: Reading,
    progress: Arc<Progress>,
    tx: mpsc::Sender<Piece>,
) {
    let budget = Arc::new(Semaphore::new(reading.parallelism.max(1)));
    let mut todo = parts(&segments, reading.part_size);
    let mut inflight = FuturesOrdered::new();
    loop {
        tokio::select! {
            biased;
            Some((done, last)) = inflight.next(), if !inflight.is_empty() => {
                let pieces = match done {
                    Ok(piece) if last => vec![piece, Piece::End],
                    Ok(piece) => vec![piece],
                    Err(message) => vec![Piece::Failed(message)],
                };
                let failed = matches!(pieces[0], Piece::Failed(_));
                for piece in pieces {
                    if tx.send(piece).await.is_err() {
                        return;
                    }
                }
                if failed {
                    return;
                }
            }
            permit = budget.clone().acquire_owned(), if !todo.is_empty() => {
                let Ok(permit) = permit else { return };
                let Some((key, range, last)) = todo.pop_front() else { continue };
                let (objects, bucket, progress) = (objects.clone(), bucket.clone(), progress.clone());
                inflight.push_back(async move {
                    let got = if range.is_empty() {
                        Ok(Vec::new())
                    } else {
                        objects.get_range(&bucket, &key, range, progress.arrived()).await
                    };
                    (got.map(|bytes| Piece::Data(bytes, permit)).map_err(|e| e.message), last)
                });
            }
            else => return,
        }
    }
}

/// One object's bytes as a reader, on the decoding thread: reads the pieces as they come and
/// gives each one's buffer back once read. A failed GET becomes a read error, and its message
/// is kept in `failed` so that it is not taken for damaged data.
pub(crate) struct PieceReader<'r> {
    rx: &'r mut mpsc::Receiver<Piece>,
    failed: &'r mut Option<String>,
    current: Vec<u8>,
    pos: usize,
    permit: Option<OwnedSemaphorePermit>,
    done: bool,
}

impl<'r> PieceReader<'r> {
    pub(crate) fn new(rx: &'r mut mpsc::Receiver<Piece>, failed: &'r mut Option<String>) -> Self {
        PieceReader { rx, failed, current: Vec::new(), pos: 0, permit: None, done: false }
    }
}

impl Read for PieceReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.pos < self.current.len() {
                let n = buf.len().min(self.current.len() - self.pos);
                buf[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
                self.pos += n;
                return Ok(n);
            }
            // This piece is read: its buffer goes back to the budget.
            (self.current, self.pos, self.permit) = (Vec::new(), 0, None);
            if self.done {
                return Ok(0);
            }
            match self.rx.blocking_recv() {
                Some(Piece::Data(bytes, permit)) => (self.current, self.permit) = (bytes, Some(permit)),
                Some(Piece::End) => self.done = true,
                Some(Piece::Failed(message)) => {
                    self.done = true;
                    *self.failed = Some(message.clone());
                    return Err(std::io::Error::other(message));
                }
                None => {
                    self.done = true;
                    let message = "the read was stopped".to_string();
                    *self.failed = Some(message.clone());
                    return Err(std::io::Error::other(message));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_cut_into_parts_with_the_last_marked() {
        let segs = [
            Segment { key: "a".into(), range: 0..10 },
            Segment { key: "b".into(), range: 4..4 },
            Segment { key: "c".into(), range: 2..6 },
        ];
        let got: Vec<_> = parts(&segs, 4).into_iter().collect();
        let want = [("a", 0..4, false), ("a", 4..8, false), ("a", 8..10, true), ("b", 4..4, true), ("c", 2..6, true)];
        assert_eq!(got.len(), want.len());
        for ((k, r, l), (wk, wr, wl)) in got.iter().zip(want) {
            assert_eq!((k.as_str(), r.clone(), *l), (wk, wr, wl));
        }
    }
}
