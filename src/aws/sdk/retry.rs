//! How reads finish under throttling: every read attempt waits for its turn at the service's
//! adaptive rate (`aws::rate`), and a throttled or failed-on-AWS's-side (5xx) attempt is tried
//! again after a jittered, growing pause, until the poll's deadline (`aws::deadline`). Network
//! failures are tried a few times only. The SDK's own retries are off for these clients, so
//! each attempt passes here (and is counted once).
//!
//! Writes never come here: their clients keep the SDK's retry settings (and the token-less
//! starts get one attempt, `glue_write.rs`).

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::aws::hold::CredentialsHold;
use crate::aws::rate::Rate;
use crate::aws::{ApiStats, AwsError, AwsResult, ErrorKind, deadline};

/// Attempts of a call that fails on the network (no answer, connection refused).
const NETWORK_ATTEMPTS: u32 = 3;

/// How reads retry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Attempts at most (1: no retry).
    pub attempts: u32,
    /// The first pause; each next one doubles, up to `cap`.
    pub base: Duration,
    pub cap: Duration,
    /// Whether the service's calls adapt their rate to throttling (`aws::rate`).
    pub adaptive: bool,
    /// Whether refused credentials hold the context's reads (`aws::hold`).
    pub hold: bool,
}

impl RetryPolicy {
    /// One attempt, no rate adaptation (tests that count faults one by one).
    pub fn none() -> Self {
        Self { attempts: 1, base: Duration::ZERO, cap: Duration::ZERO, adaptive: false, hold: false }
    }

    /// Retry until the deadline, pauses from `base` up to 20 s, adaptive rate, credentials hold.
    pub fn until_deadline(base: Duration) -> Self {
        Self { attempts: u32::MAX, base, cap: Duration::from_secs(20), adaptive: true, hold: true }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::until_deadline(Duration::from_millis(500))
    }
}

/// The read side of one service in one context: its policy, its adaptive rate, its counters.
#[derive(Debug)]
pub struct Reads {
    policy: RetryPolicy,
    rate: Option<Rate>,
    /// The context's credentials hold (shared by its services), when the policy holds.
    hold: Option<Arc<CredentialsHold>>,
    stats: Arc<ApiStats>,
    seed: AtomicU64,
}

impl Reads {
    pub fn new(policy: RetryPolicy, stats: Arc<ApiStats>) -> Self {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x5eed);
        let rate = policy.adaptive.then(Rate::new);
        let hold = policy.hold.then(|| Arc::new(CredentialsHold::new()));
        Self { policy, rate, hold, stats, seed: AtomicU64::new(seed | 1) }
    }

    /// Share `hold` (one per context) instead of an own one, when the policy holds.
    pub fn with_hold(mut self, hold: &Arc<CredentialsHold>) -> Self {
        if self.hold.is_some() {
            self.hold = Some(hold.clone());
        }
        self
    }

    /// The current rate limit in calls per second (None: unlimited or not adaptive).
    pub fn limit(&self) -> Option<f64> {
        self.rate.as_ref().and_then(Rate::limit)
    }

    pub fn stats(&self) -> &ApiStats {
        &self.stats
    }

    /// Make the read `call` (named `op`) until it answers, fails for good, or the deadline.
    pub async fn call<T, F, Fut>(&self, op: &str, mut call: F) -> AwsResult<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = AwsResult<T>>,
    {
        let deadline = deadline::current().unwrap_or_else(|| Instant::now() + deadline::DEFAULT);
        let mut attempt = 1u32;
        let mut last: Option<AwsError> = None;
        loop {
            if let Some(hold) = &self.hold {
                hold.admit(deadline::poll()).await?;
            }
            if !self.wait_turn(deadline).await {
                return Err(last.map(|e| gave_up(e, attempt - 1)).unwrap_or_else(|| past_deadline(op)));
            }
            self.stats.record_call();
            let err = match tokio::time::timeout_at(deadline, call()).await {
                Err(_) => return Err(past_deadline(op)),
                Ok(Ok(v)) => {
                    self.answered(Ok(()));
                    return Ok(v);
                }
                Ok(Err(e)) => e,
            };
            self.answered(Err(&err));
            if !self.retries(err.kind, attempt) {
                return Err(err);
            }
            let pause = self.pause(attempt);
            if Instant::now() + pause >= deadline {
                return Err(gave_up(err, attempt));
            }
            tokio::time::sleep(pause).await;
            last = Some(err);
            attempt += 1;
        }
    }

    /// Wait for this attempt's turn at the adaptive rate; false when it comes after `deadline`.
    async fn wait_turn(&self, deadline: Instant) -> bool {
        let Some(rate) = &self.rate else { return true };
        let wait = rate.reserve(std::time::Instant::now());
        if wait.is_zero() {
            return true;
        }
        if Instant::now() + wait > deadline {
            return false;
        }
        self.stats.enter_hold();
        tokio::time::sleep(wait).await;
        self.stats.leave_hold();
        true
    }

    /// Tell the rate and the credentials hold how an attempt ended.
    fn answered(&self, result: Result<(), &AwsError>) {
        let now = std::time::Instant::now();
        if let Some(rate) = &self.rate {
            match result {
                Err(e) if e.kind == ErrorKind::Network => {}
                Err(e) => rate.answered(now, e.kind == ErrorKind::Throttled),
                Ok(()) => rate.answered(now, false),
            }
        }
        if let Some(hold) = &self.hold {
            hold.observe(result, now);
        }
    }

    fn retries(&self, kind: ErrorKind, attempt: u32) -> bool {
        match kind {
            ErrorKind::Throttled | ErrorKind::Service => attempt < self.policy.attempts,
            ErrorKind::Network => attempt < self.policy.attempts.min(NETWORK_ATTEMPTS),
            _ => false,
        }
    }

    /// base × 2^(attempt-1), capped, then a random point in its upper half.
    fn pause(&self, attempt: u32) -> Duration {
        let grown = self.policy.base.saturating_mul(1u32 << (attempt - 1).min(16));
        let capped = grown.min(self.policy.cap.max(self.policy.base));
        let x = self
            .seed
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
                Some(s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407))
            })
            .unwrap_or(1);
        let frac = (x >> 33) as f64 / (1u64 << 31) as f64;
        capped / 2 + (capped / 2).mul_f64(frac)
    }
}

fn past_deadline(op: &str) -> AwsError {
    AwsError {
        kind: ErrorKind::Network,
        operation: op.to_string(),
        message: format!("{op}: no answer before the deadline (--timeout); what was read is kept"),
    }
}

fn gave_up(mut err: AwsError, attempts: u32) -> AwsError {
    err.message = format!("{} (gave up at the deadline after {attempts} attempts)", err.message);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ErrorKind) -> AwsError {
        AwsError { kind, operation: "glue:GetJobRuns".into(), message: kind.as_str().into() }
    }

    fn quick() -> RetryPolicy {
        RetryPolicy { base: Duration::from_millis(1), cap: Duration::from_millis(4), ..RetryPolicy::default() }
    }

    /// A call that answers with the errors of `script` first, then Ok.
    async fn run(reads: &Reads, script: &[ErrorKind]) -> (AwsResult<u32>, usize) {
        let tries = std::sync::atomic::AtomicUsize::new(0);
        let r = reads
            .call("glue:GetJobRuns", || {
                let n = tries.fetch_add(1, Ordering::SeqCst);
                let answer = script.get(n).map(|k| Err(err(*k))).unwrap_or(Ok(7));
                async move { answer }
            })
            .await;
        (r, tries.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn throttles_and_server_errors_are_retried_until_an_answer() {
        let reads = Reads::new(quick(), Arc::new(ApiStats::new()));
        let script = [ErrorKind::Throttled, ErrorKind::Service, ErrorKind::Throttled, ErrorKind::Throttled];
        let (r, tries) = run(&reads, &script).await;
        assert_eq!(r, Ok(7));
        assert_eq!(tries, 5);
        assert_eq!(reads.stats().snapshot().total_calls, 5, "every attempt is a call");
    }

    #[tokio::test]
    async fn network_failures_stop_after_three_and_others_at_once() {
        let reads = Reads::new(quick(), Arc::new(ApiStats::new()));
        let (r, tries) = run(&reads, &[ErrorKind::Network; 5]).await;
        assert_eq!(r.map_err(|e| e.kind), Err(ErrorKind::Network));
        assert_eq!(tries, 3);
        let (r, tries) = run(&reads, &[ErrorKind::CredentialsExpired, ErrorKind::Throttled]).await;
        assert_eq!(r.map_err(|e| e.kind), Err(ErrorKind::CredentialsExpired));
        assert_eq!(tries, 1);
        let none = Reads::new(RetryPolicy::none(), Arc::new(ApiStats::new()));
        let (r, tries) = run(&none, &[ErrorKind::Throttled]).await;
        assert_eq!((r.map_err(|e| e.kind), tries), (Err(ErrorKind::Throttled), 1));
        assert_eq!(none.limit(), None, "no rate adaptation without the policy");
    }

    #[tokio::test]
    async fn a_read_gives_up_at_the_deadline_with_its_last_error() {
        let reads = Reads::new(RetryPolicy { adaptive: false, ..quick() }, Arc::new(ApiStats::new()));
        let at = Instant::now() + Duration::from_millis(60);
        let (r, tries) = deadline::within(at, run(&reads, &[ErrorKind::Throttled; 100_000])).await;
        let e = r.expect_err("never answers");
        assert_eq!(e.kind, ErrorKind::Throttled);
        assert!(e.message.contains("gave up at the deadline"), "{}", e.message);
        assert!(tries > 1 && tries < 100_000, "{tries}");
        // A call that hangs is cut at the deadline.
        let at = Instant::now() + Duration::from_millis(20);
        let hung = deadline::within(at, reads.call("glue:GetJobs", std::future::pending::<AwsResult<()>>)).await;
        assert!(hung.is_err_and(|e| e.message.contains("no answer before the deadline")));
    }
}
