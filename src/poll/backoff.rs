//! Exponential backoff with jitter for a failing source.

use std::time::Duration;

use crate::aws::ErrorKind;

#[derive(Debug, Clone)]
pub struct Backoff {
    failures: u32,
    max: Duration,
    seed: u64,
}

impl Backoff {
    pub fn new(max: Duration, seed: u64) -> Self {
        Self { failures: 0, max, seed }
    }

    pub fn reset(&mut self) {
        self.failures = 0;
    }

    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The wait before the next try after a failure of `kind`: base x 2^n, capped,
    /// then a random point in its upper half ("equal jitter") so many clients spread out.
    pub fn next_delay(&mut self, kind: ErrorKind) -> Duration {
        let base = match kind {
            ErrorKind::Throttled => Duration::from_secs(2),
            k if k.is_credentials() => Duration::from_secs(30),
            ErrorKind::AccessDenied => Duration::from_secs(30),
            _ => Duration::from_secs(1),
        };
        let exp = base.saturating_mul(1u32 << self.failures.min(16));
        self.failures = self.failures.saturating_add(1);
        let capped = exp.min(self.max).max(Duration::from_millis(10));
        let half = capped / 2;
        self.seed = self.seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let frac = (self.seed >> 33) as f64 / (1u64 << 31) as f64;
        half + half.mul_f64(frac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_caps_and_resets() {
        let mut b = Backoff::new(Duration::from_secs(60), 42);
        let d: Vec<Duration> = (0..8).map(|_| b.next_delay(ErrorKind::Throttled)).collect();
        assert!(d[0] >= Duration::from_secs(1) && d[0] <= Duration::from_secs(2), "{d:?}");
        assert!(d[3] >= Duration::from_secs(8), "{d:?}");
        assert!(d.iter().all(|x| *x <= Duration::from_secs(60)), "{d:?}");
        assert!(d[7] >= Duration::from_secs(30), "{d:?}");
        b.reset();
        assert!(b.next_delay(ErrorKind::Network) <= Duration::from_secs(1));
    }

    #[test]
    fn jitter_differs_between_clients() {
        let mut a = Backoff::new(Duration::from_secs(60), 1);
        let mut b = Backoff::new(Duration::from_secs(60), 2);
        let da: Vec<_> = (0..5).map(|_| a.next_delay(ErrorKind::Throttled)).collect();
        let db: Vec<_> = (0..5).map(|_| b.next_delay(ErrorKind::Throttled)).collect();
        assert_ne!(da, db);
    }
}
