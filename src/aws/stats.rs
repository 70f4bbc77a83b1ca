//! API call accounting shared by every client: calls per minute and throttles seen.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct ApiStats {
    total: AtomicU64,
    throttles: AtomicU64,
    /// Calls waiting for the API budget now, and calls that ever waited.
    holding: AtomicU64,
    held: AtomicU64,
    recent: Mutex<VecDeque<Instant>>,
    /// When the throttles of the last minute happened.
    recent_throttles: Mutex<VecDeque<Instant>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    pub total_calls: u64,
    pub calls_last_minute: u64,
    /// Throttled attempts since start, including those the SDK retried successfully.
    pub throttles: u64,
    pub throttles_last_minute: u64,
    /// Some call is waiting for the API budget (batchtop is holding back).
    pub holding_back: bool,
    pub held_calls: u64,
}

impl StatsSnapshot {
    /// The counters of several accounts together.
    pub fn sum(all: &[StatsSnapshot]) -> StatsSnapshot {
        all.iter().fold(StatsSnapshot::default(), |a, s| StatsSnapshot {
            total_calls: a.total_calls + s.total_calls,
            calls_last_minute: a.calls_last_minute + s.calls_last_minute,
            throttles: a.throttles + s.throttles,
            throttles_last_minute: a.throttles_last_minute + s.throttles_last_minute,
            holding_back: a.holding_back || s.holding_back,
            held_calls: a.held_calls + s.held_calls,
        })
    }
}

const WINDOW: Duration = Duration::from_secs(60);

impl ApiStats {
    pub fn new() -> Self {
        Self::default()
    }

    /// One API call went out.
    pub fn record_call(&self) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        if let Ok(mut q) = self.recent.lock() {
            q.push_back(now);
            prune(&mut q, now);
        }
    }

    /// AWS answered one attempt with throttling.
    pub fn record_throttle(&self) {
        self.throttles.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        if let Ok(mut q) = self.recent_throttles.lock() {
            q.push_back(now);
            prune(&mut q, now);
        }
    }

    /// A call started waiting for the API budget.
    pub fn enter_hold(&self) {
        self.holding.fetch_add(1, Ordering::Relaxed);
        self.held.fetch_add(1, Ordering::Relaxed);
    }

    /// A call that waited got its turn.
    pub fn leave_hold(&self) {
        let _ = self.holding.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| Some(v.saturating_sub(1)));
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let now = Instant::now();
        StatsSnapshot {
            total_calls: self.total.load(Ordering::Relaxed),
            calls_last_minute: in_window(&self.recent, now),
            throttles: self.throttles.load(Ordering::Relaxed),
            throttles_last_minute: in_window(&self.recent_throttles, now),
            holding_back: self.holding.load(Ordering::Relaxed) > 0,
            held_calls: self.held.load(Ordering::Relaxed),
        }
    }
}

/// How many of the instants in `q` are within the last minute.
fn in_window(q: &Mutex<VecDeque<Instant>>, now: Instant) -> u64 {
    match q.lock() {
        Ok(mut q) => {
            prune(&mut q, now);
            q.len() as u64
        }
        Err(_) => 0,
    }
}

fn prune(q: &mut VecDeque<Instant>, now: Instant) {
    while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_and_throttles() {
        let s = ApiStats::new();
        s.record_call();
        s.record_call();
        s.record_throttle();
        let snap = s.snapshot();
        assert_eq!(snap.total_calls, 2);
        assert_eq!(snap.calls_last_minute, 2);
        assert_eq!(snap.throttles, 1);
        assert_eq!(snap.throttles_last_minute, 1);
    }

    #[test]
    fn throttles_leave_the_minute_window() {
        let s = ApiStats::new();
        s.record_throttle();
        s.record_throttle();
        // Age the recorded throttles past the window (Instant cannot be faked otherwise).
        if let Ok(mut q) = s.recent_throttles.lock() {
            for t in q.iter_mut() {
                *t = t.checked_sub(WINDOW + Duration::from_secs(1)).unwrap_or(*t);
            }
        }
        s.record_throttle();
        let snap = s.snapshot();
        assert_eq!(snap.throttles, 3);
        assert_eq!(snap.throttles_last_minute, 1);
    }
}
