//! The API budget: one limiter per account and Region, shared by every log tail and pane,
//! so no combination of them can go past CloudWatch Logs' quotas (FilterLogEvents 5/s,
//! GetLogEvents 10/s). A call waits for its turn instead of being throttled by AWS.
//!
//! The limit holds over any sliding second (not only on average): at most `rate` calls of an
//! operation start within any window of one second plus a small margin for network jitter.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::ApiStats;

/// Added to the one-second window: calls leave a little later than they were allowed and
/// arrive with jitter; the service must never see more than `rate` in a second.
const MARGIN: Duration = Duration::from_millis(150);
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Window {
    rate: u32,
    starts: VecDeque<Instant>,
}

#[derive(Debug)]
pub struct Budget {
    windows: Mutex<BTreeMap<&'static str, Window>>,
    stats: Arc<ApiStats>,
}

impl Budget {
    /// `rates`: (operation, calls per second). Operations not listed are not limited.
    pub fn new(rates: &[(&'static str, u32)], stats: Arc<ApiStats>) -> Self {
        let windows =
            rates.iter().map(|(op, rate)| (*op, Window { rate: (*rate).max(1), starts: VecDeque::new() })).collect();
        Self { windows: Mutex::new(windows), stats }
    }

    /// The CloudWatch Logs defaults: FilterLogEvents 5/s, GetLogEvents 10/s, DescribeLogStreams
    /// 5/s (of 25), DescribeLogGroups 5/s, StartLiveTail 1/s.
    pub fn logs(filter: u32, get: u32, stats: Arc<ApiStats>) -> Self {
        Self::new(
            &[
                ("FilterLogEvents", filter),
                ("GetLogEvents", get),
                ("DescribeLogStreams", 5),
                ("DescribeLogGroups", 5),
                ("StartLiveTail", 1),
            ],
            stats,
        )
    }

    /// How long a call of `op` starting at `now` has to wait (zero: go), and book it when zero.
    fn try_take(&self, op: &str, now: Instant) -> Duration {
        let Ok(mut windows) = self.windows.lock() else { return Duration::ZERO };
        let Some(w) = windows.get_mut(op) else { return Duration::ZERO };
        let span = WINDOW + MARGIN;
        while w.starts.front().is_some_and(|t| now.duration_since(*t) >= span) {
            w.starts.pop_front();
        }
        if (w.starts.len() as u32) < w.rate {
            w.starts.push_back(now);
            return Duration::ZERO;
        }
        let oldest = w.starts.front().copied().unwrap_or(now);
        (oldest + span).saturating_duration_since(now).max(Duration::from_millis(1))
    }

    /// Wait until a call of `op` fits in the budget, then book it.
    pub async fn acquire(&self, op: &'static str) {
        let mut waited = false;
        loop {
            let wait = self.try_take(op, Instant::now());
            if wait.is_zero() {
                if waited {
                    self.stats.leave_hold();
                }
                return;
            }
            if !waited {
                waited = true;
                self.stats.enter_hold();
            }
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_rate_calls_start_in_any_window() {
        let b = Budget::new(&[("FilterLogEvents", 5)], Arc::new(ApiStats::new()));
        let t0 = Instant::now();
        for i in 0..5 {
            assert!(b.try_take("FilterLogEvents", t0 + Duration::from_millis(i)).is_zero());
        }
        let wait = b.try_take("FilterLogEvents", t0 + Duration::from_millis(10));
        assert!(wait >= Duration::from_millis(1000), "{wait:?}");
        assert!(b.try_take("FilterLogEvents", t0 + Duration::from_millis(1000)).as_millis() > 0);
        assert!(b.try_take("FilterLogEvents", t0 + WINDOW + MARGIN).is_zero());
        // Another operation has its own window; unknown operations are not limited.
        assert!(b.try_take("Other", t0).is_zero());
    }

    #[tokio::test]
    async fn acquire_waits_and_says_it_is_holding_back() {
        let stats = Arc::new(ApiStats::new());
        let b = Arc::new(Budget::new(&[("GetLogEvents", 2)], stats.clone()));
        let start = Instant::now();
        b.acquire("GetLogEvents").await;
        b.acquire("GetLogEvents").await;
        let b2 = b.clone();
        let third = tokio::spawn(async move { b2.acquire("GetLogEvents").await });
        tokio::task::yield_now().await;
        assert!(stats.snapshot().holding_back, "a call is waiting");
        third.await.expect("join");
        assert!(start.elapsed() >= Duration::from_millis(1000));
        let snap = stats.snapshot();
        assert!(!snap.holding_back);
        assert_eq!(snap.held_calls, 1);
    }
}
