//! A bounded ring of log lines. Fetchers push events in arrival order (overlapping pages
//! and live-tail updates are fine: events already held are dropped); the oldest lines go
//! when the ring is full. Memory is bounded by the capacity: one `String` per line, one
//! shared `Arc<str>` per stream, one 64-bit hash per held line.

use std::collections::{HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use super::{LogLine, classify};

/// Lines kept by default.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// Interned stream names beyond which names no held line uses are forgotten.
const STREAM_PRUNE_AT: usize = 4096;

#[derive(Debug, Clone)]
pub struct Ring {
    lines: VecDeque<LogLine>,
    capacity: usize,
    next_seq: u64,
    evicted: u64,
    /// Stream names, one `Arc` each, shared by every line of that stream.
    streams: HashSet<Arc<str>>,
    /// Hashes of (stream, timestamp, text) of the lines held, for de-duplication.
    seen: HashSet<u64>,
    last_ts: Option<i64>,
}

impl Default for Ring {
    fn default() -> Self {
        Ring::new(DEFAULT_CAPACITY)
    }
}

fn event_hash(stream: &str, ts_ms: i64, text: &str) -> u64 {
    // DefaultHasher::new() uses fixed keys: the same event always hashes the same.
    let mut h = DefaultHasher::new();
    stream.hash(&mut h);
    ts_ms.hash(&mut h);
    text.hash(&mut h);
    h.finish()
}

impl Ring {
    /// A ring keeping at most `capacity` lines (at least one).
    pub fn new(capacity: usize) -> Ring {
        Ring {
            lines: VecDeque::new(),
            capacity: capacity.max(1),
            next_seq: 0,
            evicted: 0,
            streams: HashSet::new(),
            seen: HashSet::new(),
            last_ts: None,
        }
    }

    /// Adds one event. Returns false (and keeps nothing) when the same event (same stream,
    /// timestamp and text) is already held. A full ring drops its oldest line first.
    pub fn push(&mut self, ts_ms: i64, stream: &str, text: String) -> bool {
        let hash = event_hash(stream, ts_ms, &text);
        if !self.seen.insert(hash) {
            return false;
        }
        if self.lines.len() >= self.capacity {
            self.evict_oldest();
        }
        let stream = self.intern(stream);
        let level = classify(&text);
        let seq = self.next_seq;
        self.next_seq += 1;
        self.last_ts = Some(self.last_ts.map_or(ts_ms, |t| t.max(ts_ms)));
        self.lines.push_back(LogLine { seq, ts_ms, stream, text, level });
        true
    }

    fn evict_oldest(&mut self) {
        if let Some(old) = self.lines.pop_front() {
            self.seen.remove(&event_hash(&old.stream, old.ts_ms, &old.text));
            self.evicted += 1;
        }
    }

    fn intern(&mut self, stream: &str) -> Arc<str> {
        if let Some(s) = self.streams.get(stream) {
            return Arc::clone(s);
        }
        if self.streams.len() >= STREAM_PRUNE_AT {
            // Names only the set still holds belong to evicted lines.
            self.streams.retain(|s| Arc::strong_count(s) > 1);
        }
        let s: Arc<str> = Arc::from(stream);
        self.streams.insert(Arc::clone(&s));
        s
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Lines dropped because the ring was full, since creation or `clear`.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The line at position `i` (0 = oldest held).
    pub fn get(&self, i: usize) -> Option<&LogLine> {
        self.lines.get(i)
    }

    pub fn iter(&self) -> std::collections::vec_deque::Iter<'_, LogLine> {
        self.lines.iter()
    }

    /// Sequence number of the oldest held line.
    pub fn first_seq(&self) -> Option<u64> {
        self.lines.front().map(|l| l.seq)
    }

    /// Where the line with this sequence number is now, if still held. Sequence numbers
    /// of held lines are contiguous, so this is a subtraction.
    pub fn index_of_seq(&self, seq: u64) -> Option<usize> {
        let first = self.first_seq()?;
        let i = usize::try_from(seq.checked_sub(first)?).ok()?;
        (i < self.lines.len()).then_some(i)
    }

    /// The latest event timestamp accepted since creation or `clear` (where to resume a
    /// poll from). Not lowered by eviction.
    pub fn last_ts(&self) -> Option<i64> {
        self.last_ts
    }

    /// Forgets every line, stream and hash, and the eviction count. Sequence numbers keep
    /// increasing, so a position remembered before `clear` never points at a new line.
    pub fn clear(&mut self) {
        self.lines.clear();
        self.streams.clear();
        self.seen.clear();
        self.evicted = 0;
        self.last_ts = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::Level;

    fn texts(r: &Ring) -> Vec<&str> {
        r.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn push_assigns_sequence_level_and_stream() {
        let mut r = Ring::new(10);
        assert!(r.is_empty());
        assert_eq!(r.first_seq(), None);
        assert_eq!(r.last_ts(), None);
        assert!(r.push(1_000, "jr_a", "24/11/24 10:01:02 INFO SparkContext: start".into()));
        assert!(r.push(2_000, "jr_a_1", "24/11/24 10:01:03 ERROR Executor: Exception in task 3.0".into()));
        assert_eq!(r.len(), 2);
        let a = r.get(0).expect("first");
        let b = r.get(1).expect("second");
        assert_eq!((a.seq, a.ts_ms, &*a.stream, a.level), (0, 1_000, "jr_a", Level::Plain));
        assert_eq!((b.seq, b.ts_ms, &*b.stream, b.level), (1, 2_000, "jr_a_1", Level::Error));
        assert_eq!(r.first_seq(), Some(0));
        assert_eq!(r.last_ts(), Some(2_000));
        assert!(r.get(2).is_none());
    }

    #[test]
    fn the_same_stream_name_shares_one_arc() {
        let mut r = Ring::new(10);
        r.push(1, "driver", "a".into());
        r.push(2, "executor", "b".into());
        r.push(3, "driver", "c".into());
        let first = &r.get(0).expect("0").stream;
        let third = &r.get(2).expect("2").stream;
        assert!(Arc::ptr_eq(first, third));
        assert!(!Arc::ptr_eq(first, &r.get(1).expect("1").stream));
    }

    #[test]
    fn duplicates_are_dropped_without_using_a_sequence_number() {
        let mut r = Ring::new(10);
        assert!(r.push(5, "s", "hello".into()));
        assert!(!r.push(5, "s", "hello".into()), "same stream, time and text");
        assert!(r.push(5, "t", "hello".into()), "another stream");
        assert!(r.push(6, "s", "hello".into()), "another time");
        assert!(r.push(5, "s", "hello!".into()), "another text");
        assert_eq!(r.len(), 4);
        let seqs: Vec<u64> = r.iter().map(|l| l.seq).collect();
        assert_eq!(seqs, vec![0, 1, 2, 3]);
    }

    #[test]
    fn a_full_ring_evicts_the_oldest_and_counts_them() {
        let mut r = Ring::new(3);
        for i in 0..5 {
            assert!(r.push(i * 10, "s", format!("line {i}")));
        }
        assert_eq!(r.len(), 3);
        assert_eq!(r.capacity(), 3);
        assert_eq!(r.evicted(), 2);
        assert_eq!(texts(&r), vec!["line 2", "line 3", "line 4"]);
        assert_eq!(r.first_seq(), Some(2));
        assert_eq!(r.last_ts(), Some(40));
    }

    #[test]
    fn evicted_events_leave_the_duplicate_set_too() {
        let mut r = Ring::new(2);
        r.push(1, "s", "a".into());
        r.push(2, "s", "b".into());
        r.push(3, "s", "c".into()); // evicts "a"
        assert_eq!(r.seen.len(), 2, "one hash per held line");
        assert!(!r.push(2, "s", "b".into()), "still held");
        assert!(r.push(1, "s", "a".into()), "forgotten with its line");
        assert_eq!(texts(&r), vec!["c", "a"]);
        assert_eq!(r.seen.len(), 2);
        assert_eq!(r.last_ts(), Some(3), "the latest time seen, not the last pushed");
    }

    #[test]
    fn index_of_seq_follows_eviction() {
        let mut r = Ring::new(3);
        for i in 0..5 {
            r.push(i, "s", i.to_string());
        }
        // held: seq 2, 3, 4
        assert_eq!(r.index_of_seq(0), None);
        assert_eq!(r.index_of_seq(1), None);
        assert_eq!(r.index_of_seq(2), Some(0));
        assert_eq!(r.index_of_seq(4), Some(2));
        assert_eq!(r.index_of_seq(5), None);
        assert_eq!(r.index_of_seq(u64::MAX), None);
    }

    #[test]
    fn a_multi_line_event_stays_one_line() {
        let mut r = Ring::new(10);
        let trace = "java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)";
        assert!(r.push(1, "jr_a", trace.into()));
        assert_eq!(r.len(), 1);
        assert_eq!(r.get(0).expect("0").level, Level::Exception);
    }

    #[test]
    fn clear_forgets_lines_but_not_the_sequence() {
        let mut r = Ring::new(2);
        r.push(1, "s", "a".into());
        r.push(2, "s", "b".into());
        r.push(3, "s", "c".into());
        r.clear();
        assert!(r.is_empty());
        assert_eq!((r.evicted(), r.last_ts(), r.first_seq()), (0, None, None));
        assert!(r.push(1, "s", "a".into()), "no longer a duplicate");
        assert_eq!(r.get(0).expect("0").seq, 3);
        assert_eq!(r.index_of_seq(3), Some(0));
    }

    #[test]
    fn stream_names_of_evicted_lines_are_pruned() {
        let mut r = Ring::new(2);
        for i in 0..STREAM_PRUNE_AT + 10 {
            r.push(1, &format!("s{i}"), "x".into());
        }
        assert!(r.streams.len() < STREAM_PRUNE_AT, "pruned once the set filled up");
        assert!(r.iter().all(|l| r.streams.contains(&*l.stream)), "held lines keep theirs");
    }

    #[test]
    fn default_and_zero_capacity() {
        assert_eq!(Ring::default().capacity(), 100_000);
        let mut r = Ring::new(0);
        assert_eq!(r.capacity(), 1);
        r.push(1, "s", "a".into());
        r.push(2, "s", "b".into());
        assert_eq!(texts(&r), vec!["b"]);
    }
}
