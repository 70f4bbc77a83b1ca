//! The adaptive request rate of one service in one account and Region: every poller of the
//! context asks it before each attempt, so when AWS starts throttling they all slow down
//! together, and when the throttles stop they speed up again.
//!
//! Unlimited until the first throttle. Attempts are judged a second at a time (ten answers at
//! least): after a second with throttles the rate is set just below what AWS accepted in it
//! (never below a floor); a second without throttles raises it by half, and past the ceiling
//! the limit is lifted. When a cut cost accepted calls (AWS accepted a fifth fewer at the lower
//! rate), the throttling does not follow this client's rate (another client, a fault): the cut
//! is undone and the rate held for a while, so reads still finish. Calls are spaced evenly at
//! the current rate.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Never slower than this many calls per second (Glue and EMR Serverless quotas are higher).
pub const FLOOR: f64 = 5.0;
/// Above this many calls per second the limit is lifted.
pub const CEILING: f64 = 100.0;
const WINDOW: Duration = Duration::from_secs(1);
/// A second is judged once it holds this many answers (or after `LONGEST`).
const SAMPLES: u32 = 10;
const LONGEST: Duration = Duration::from_secs(5);
/// How long a rate is held after a cut that did not help.
const HOLD: Duration = Duration::from_secs(30);

#[derive(Debug)]
struct State {
    /// Calls per second allowed; None: no limit.
    limit: Option<f64>,
    /// The earliest start of the next call while limited.
    next_slot: Instant,
    /// The second being judged: since when, attempts answered, throttled among them.
    window: Instant,
    answered: u32,
    throttled: u32,
    /// The last answer of that second (a quiet spell after it does not count as sending slowly).
    last: Instant,
    /// The last cut: the limit before it, and the calls a second AWS accepted before it.
    cut: Option<(Option<f64>, f64)>,
    /// Throttles are not judged until then (a cut did not help).
    hold_until: Option<Instant>,
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
        let now = Instant::now();
        let state = State {
            limit: None,
            next_slot: now,
            window: now,
            answered: 0,
            throttled: 0,
            last: now,
            cut: None,
            hold_until: None,
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
        let Some(limit) = s.limit else { return Duration::ZERO };
        let at = s.next_slot.max(now);
        s.next_slot = at + Duration::from_secs_f64(1.0 / limit);
        at.saturating_duration_since(now)
    }

    /// An attempt was answered at `now`, throttled or not.
    pub fn answered(&self, now: Instant, throttled: bool) {
        let Ok(mut s) = self.state.lock() else { return };
        let elapsed = now.saturating_duration_since(s.window);
        if (elapsed >= WINDOW && s.answered >= SAMPLES) || elapsed >= LONGEST {
            s.judge(now);
        }
        s.answered += 1;
        s.throttled += u32::from(throttled);
        s.last = now;
    }
}

impl State {
    /// The second since `window` is over: cut, undo, hold or raise the rate; start the next.
    fn judge(&mut self, now: Instant) {
        let seconds = self.last.saturating_duration_since(self.window).as_secs_f64().max(1.0);
        let accepted = f64::from(self.answered - self.throttled) / seconds;
        let holding = self.hold_until.is_some_and(|t| now < t);
        if self.throttled == 0 {
            if let Some(limit) = self.limit {
                let raised = limit * 1.5;
                self.limit = (raised < CEILING).then_some(raised);
            }
            self.cut = None;
            self.hold_until = None;
        } else if holding {
        } else if let Some((before, accepted_before)) = self.cut.filter(|(_, a)| accepted < a * 0.8) {
            // The cut cost accepted calls: the throttling does not follow our rate.
            self.limit = before;
            self.cut = None;
            self.hold_until = Some(now + HOLD);
            tracing::info!(limit = ?before, accepted, accepted_before, "throttling ignores the rate: holding it");
        } else {
            self.slow_down(now, accepted);
        }
        self.window = now;
        self.answered = 0;
        self.throttled = 0;
    }

    /// Just below what AWS accepted (`accepted` calls a second), never faster than now.
    fn slow_down(&mut self, now: Instant, accepted: f64) {
        let target = (accepted * 0.9).max(FLOOR);
        let limit = self.limit.map_or(target, |l| l.min(target));
        if self.limit.is_none() {
            self.next_slot = now;
        }
        self.cut = Some((self.limit, accepted));
        self.limit = Some(limit);
        tracing::info!(limit, "throttled: slowing down");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// A client that sends as fast as the limiter lets it (at most `offered` a second) for
    /// `seconds`, answered by `server(second, attempt)`: the limit at the end of each second.
    fn simulate(offered: f64, seconds: u64, mut throttles: impl FnMut(u64, u64) -> bool) -> Vec<Option<f64>> {
        let r = Rate::new();
        let t0 = Instant::now();
        let mut t = t0;
        let mut limits = Vec::new();
        let mut sent_in_second = 0;
        let gap = Duration::from_secs_f64(1.0 / offered);
        while t < t0 + Duration::from_secs(seconds) {
            let start = t + r.reserve(t);
            let second = start.duration_since(t0).as_secs();
            if second as usize > limits.len() {
                limits.push(r.limit());
                sent_in_second = 0;
            }
            sent_in_second += 1;
            r.answered(start, throttles(second, sent_in_second));
            t = start + gap;
        }
        limits
    }

    #[test]
    fn unlimited_until_a_throttled_second_then_spaced_just_below_what_was_accepted() {
        let r = Rate::new();
        let t0 = Instant::now();
        for i in 0..40 {
            assert_eq!(r.reserve(t0 + ms(i * 20)), Duration::ZERO, "no limit before a throttle");
            r.answered(t0 + ms(i * 20), i % 4 == 0);
        }
        // 30 accepted of 40 in the second.
        assert_eq!(r.limit(), None, "judged once the second is over");
        r.answered(t0 + ms(1000), false);
        let limit = r.limit().expect("limited");
        assert!((26.0..=28.0).contains(&limit), "30 accepted in a second, 90 %: {limit}");
        let now = t0 + ms(1001);
        let waits: Vec<Duration> = (0..3).map(|_| r.reserve(now)).collect();
        assert_eq!(waits[0], Duration::ZERO);
        assert!(waits[2] >= ms(72) && waits[2] <= ms(76), "{waits:?}");
    }

    #[test]
    fn a_quota_is_found_and_kept_near() {
        // AWS accepts 10 calls a second and throttles the rest; the client could send 80.
        let limits = simulate(80.0, 30, |_, n| n > 10);
        let tail: Vec<f64> = limits[10..].iter().map(|l| l.unwrap_or(CEILING)).collect();
        assert!(tail.iter().all(|l| *l <= 25.0), "stays near the quota: {limits:?}");
        assert!(tail.iter().any(|l| *l >= 7.0), "and does not sink to nothing: {limits:?}");
    }

    #[test]
    fn throttling_that_ignores_the_rate_does_not_hold_it_down() {
        // 30 % of attempts throttled whatever the rate (a fault, another client).
        let mut seed = 7u64;
        let limits = simulate(80.0, 20, |_, _| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % 10 < 3
        });
        let slow = limits[5..].iter().filter(|l| l.is_some_and(|l| l < 40.0)).count();
        assert!(slow <= 2, "not held down for it: {limits:?}");
    }

    #[test]
    fn quiet_seconds_raise_the_rate_until_the_limit_is_lifted() {
        let limits = simulate(80.0, 20, |second, _| second == 0);
        assert!(limits[0].is_some() || limits[1].is_some(), "{limits:?}");
        assert_eq!(limits.last().copied().flatten(), None, "lifted once the throttles stopped: {limits:?}");
    }
}
