//! The adaptive request rate of one service in one account and Region: every poller of the
//! context asks it before each attempt, so when AWS starts throttling they all slow down
//! together, and when the throttles stop they speed up again.
//!
//! Unlimited until the first throttle. A throttle halves the rate (from what was measured over
//! the last second, the first time), at most once a second and never below a floor; every
//! second without a throttle (after two quiet seconds) raises it by half, and past the ceiling
//! the limit is lifted again. Calls are spaced evenly at the current rate.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Never slower than this many calls per second (Glue and EMR Serverless quotas are higher).
pub const FLOOR: f64 = 5.0;
/// Above this many calls per second the limit is lifted.
pub const CEILING: f64 = 100.0;
const WINDOW: Duration = Duration::from_secs(1);
/// Quiet time after a throttle before the rate rises again.
const SETTLE: Duration = Duration::from_secs(2);

#[derive(Debug)]
struct State {
    /// Calls per second allowed; None: no limit.
    limit: Option<f64>,
    /// The earliest start of the next call while limited.
    next_slot: Instant,
    /// Starts within the last second (to measure the rate before the first throttle).
    starts: VecDeque<Instant>,
    last_cut: Option<Instant>,
    last_throttle: Option<Instant>,
    last_raise: Option<Instant>,
}

impl State {
    /// Drop the starts more than a second before `now`.
    fn forget_before(&mut self, now: Instant) {
        while self.starts.front().is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW) {
            self.starts.pop_front();
        }
    }
}

/// One adaptive limiter (see the module documentation).
#[derive(Debug)]
pub struct Rate {
    state: Mutex<State>,
}

impl Default for Rate {
    fn default() -> Self {
        Self::new()
    }
}

impl Rate {
    pub fn new() -> Self {
        let state = State {
            limit: None,
            next_slot: Instant::now(),
            starts: VecDeque::new(),
            last_cut: None,
            last_throttle: None,
            last_raise: None,
        };
        Self { state: Mutex::new(state) }
    }

    /// The current limit in calls per second (None: unlimited).
    pub fn limit(&self) -> Option<f64> {
        self.state.lock().ok().and_then(|s| s.limit)
    }

    /// Book a start for a call that is ready at `now`: how long it has to wait first.
    pub fn reserve(&self, now: Instant) -> Duration {
        let Ok(mut s) = self.state.lock() else { return Duration::ZERO };
        s.forget_before(now);
        let at = match s.limit {
            None => now,
            Some(limit) => {
                let at = s.next_slot.max(now);
                s.next_slot = at + Duration::from_secs_f64(1.0 / limit);
                at
            }
        };
        s.starts.push_back(at);
        at.saturating_duration_since(now)
    }

    /// AWS throttled an attempt at `now`: halve the rate (once per second at most).
    pub fn throttled(&self, now: Instant) {
        let Ok(mut s) = self.state.lock() else { return };
        s.last_throttle = Some(now);
        if s.last_cut.is_some_and(|t| now.saturating_duration_since(t) < WINDOW) {
            return;
        }
        s.forget_before(now);
        let from = s.limit.unwrap_or(s.starts.len() as f64);
        let limit = (from / 2.0).max(FLOOR);
        if s.limit.is_none() {
            s.next_slot = now;
        }
        s.limit = Some(limit);
        s.last_cut = Some(now);
        tracing::info!(limit, "throttled: slowing down");
    }

    /// An attempt answered at `now` without a throttle: after a quiet while, speed up.
    pub fn succeeded(&self, now: Instant) {
        let Ok(mut s) = self.state.lock() else { return };
        let Some(limit) = s.limit else { return };
        let quiet = s.last_throttle.is_none_or(|t| now.saturating_duration_since(t) >= SETTLE);
        let due = s.last_raise.is_none_or(|t| now.saturating_duration_since(t) >= WINDOW);
        if !(quiet && due) {
            return;
        }
        s.last_raise = Some(now);
        let raised = limit * 1.5;
        s.limit = if raised >= CEILING { None } else { Some(raised) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn unlimited_until_a_throttle_then_spaced_at_half_the_measured_rate() {
        let r = Rate::new();
        let t0 = Instant::now();
        for i in 0..40 {
            assert_eq!(r.reserve(t0 + ms(i * 10)), Duration::ZERO, "no limit before a throttle");
        }
        r.throttled(t0 + ms(400));
        // 40 calls in the last second: 20 a second now, one every 50 ms.
        assert_eq!(r.limit(), Some(20.0));
        let now = t0 + ms(401);
        let waits: Vec<Duration> = (0..4).map(|_| r.reserve(now)).collect();
        assert_eq!(waits[0], Duration::ZERO);
        assert!(waits[1] >= ms(49) && waits[1] <= ms(51), "{waits:?}");
        assert!(waits[3] >= ms(149) && waits[3] <= ms(151), "{waits:?}");
    }

    #[test]
    fn throttles_cut_once_a_second_down_to_the_floor() {
        let r = Rate::new();
        let t0 = Instant::now();
        for i in 0..64 {
            r.reserve(t0 + ms(i));
        }
        r.throttled(t0 + ms(100));
        r.throttled(t0 + ms(200));
        assert_eq!(r.limit(), Some(32.0), "one cut per second");
        r.throttled(t0 + ms(1200));
        assert_eq!(r.limit(), Some(16.0));
        for s in 3..10 {
            r.throttled(t0 + Duration::from_secs(s));
        }
        assert_eq!(r.limit(), Some(FLOOR));
    }

    #[test]
    fn quiet_seconds_raise_the_rate_until_the_limit_is_lifted() {
        let r = Rate::new();
        let t0 = Instant::now();
        r.throttled(t0);
        assert_eq!(r.limit(), Some(FLOOR));
        r.succeeded(t0 + ms(500));
        assert_eq!(r.limit(), Some(FLOOR), "not right after a throttle");
        let mut t = t0 + Duration::from_secs(2);
        let mut seconds = 0;
        while r.limit().is_some() {
            r.succeeded(t);
            r.succeeded(t + ms(10));
            t += Duration::from_secs(1);
            seconds += 1;
            assert!(seconds < 20, "the limit is lifted within seconds");
        }
        assert!(seconds >= 5, "it rises step by step ({seconds} s)");
        assert_eq!(r.reserve(t), Duration::ZERO);
    }
}
