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
    pub(super) fn begin(&self, total: u64) {
        self.read.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        *self.started.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        self.active.store(true, Ordering::Release);
    }

    pub(super) fn end(&self) {
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
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    use super::*;
    use crate::aws::{AwsResult, BoxFut};

    /// Objects whose byte `i` is `i % 251`, answering after a pause that varies, and counting
    /// the GETs started and in flight.
    #[derive(Default)]
    struct Slow {
        started: AtomicUsize,
        inflight: AtomicUsize,
        most_inflight: AtomicUsize,
        consumed: Arc<AtomicU64>,
        most_ahead: AtomicU64,
    }

    impl ObjectRead for Slow {
        fn list<'a>(&'a self, _: &'a str, _: &'a str) -> BoxFut<'a, AwsResult<Vec<(String, i64)>>> {
            Box::pin(async { Ok(Vec::new()) })
        }
        fn get<'a>(&'a self, _: &'a str, _: &'a str, _: u64) -> BoxFut<'a, AwsResult<Vec<u8>>> {
            Box::pin(async { Ok(Vec::new()) })
        }
        fn get_range<'a>(
            &'a self,
            _: &'a str,
            _: &'a str,
            range: Range<u64>,
            arrived: &'a AtomicU64,
        ) -> BoxFut<'a, AwsResult<Vec<u8>>> {
            Box::pin(async move {
                let n = self.started.fetch_add(1, Ordering::SeqCst);
                // Bytes fetched or being fetched that the reader has not read yet.
                let ahead = (n as u64 + 1) * 1000 - self.consumed.load(Ordering::SeqCst).min((n as u64 + 1) * 1000);
                self.most_ahead.fetch_max(ahead, Ordering::SeqCst);
                let now = self.inflight.fetch_add(1, Ordering::SeqCst) + 1;
                self.most_inflight.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis((n as u64 * 7) % 5)).await;
                self.inflight.fetch_sub(1, Ordering::SeqCst);
                arrived.fetch_add(range.end - range.start, Ordering::Relaxed);
                Ok(range.map(|i| (i % 251) as u8).collect())
            })
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn parts_arrive_in_order_with_at_most_parallelism_buffered() {
        let slow = Arc::new(Slow::default());
        let consumed = slow.consumed.clone();
        let segments =
            vec![Segment { key: "a".into(), range: 0..20_000 }, Segment { key: "b".into(), range: 0..9_000 }];
        let (tx, mut rx) = mpsc::channel(8);
        let reading = Reading { part_size: 1000, parallelism: 3 };
        let progress = Arc::new(Progress::default());
        let reader = tokio::task::spawn_blocking(move || {
            let mut objects = Vec::new();
            for _ in 0..2 {
                let mut failed = None;
                let mut r = PieceReader::new(&mut rx, &mut failed);
                let mut out = Vec::new();
                let mut buf = [0u8; 700];
                loop {
                    let n = r.read(&mut buf).expect("no failure");
                    if n == 0 {
                        break;
                    }
                    out.extend_from_slice(&buf[..n]);
                    consumed.fetch_add(n as u64, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_micros(200));
                }
                objects.push(out);
            }
            objects
        });
        fetch_in_order(slow.clone(), "b".into(), segments, reading, progress.clone(), tx).await;
        let objects = reader.await.expect("reader");
        assert_eq!(objects[0], (0..20_000u64).map(|i| (i % 251) as u8).collect::<Vec<_>>());
        assert_eq!(objects[1], (0..9_000u64).map(|i| (i % 251) as u8).collect::<Vec<_>>());
        assert_eq!(slow.started.load(Ordering::SeqCst), 29);
        assert!(slow.most_inflight.load(Ordering::SeqCst) <= 3);
        assert!(slow.most_ahead.load(Ordering::SeqCst) <= 3 * 1000, "{}", slow.most_ahead.load(Ordering::SeqCst));
        assert_eq!(progress.arrived().load(Ordering::Relaxed), 29_000);
    }

    #[tokio::test]
    async fn a_dropped_reader_stops_the_gets() {
        let slow = Arc::new(Slow::default());
        let (tx, rx) = mpsc::channel(2);
        drop(rx);
        let segments = vec![Segment { key: "a".into(), range: 0..100_000 }];
        let reading = Reading { part_size: 1000, parallelism: 2 };
        fetch_in_order(slow.clone(), "b".into(), segments, reading, Arc::default(), tx).await;
        assert!(slow.started.load(Ordering::SeqCst) <= 3, "{}", slow.started.load(Ordering::SeqCst));
    }

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
