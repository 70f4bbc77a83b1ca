//! The deadline of one poll: reads retry throttles and server errors until it, and a call
//! still waiting at it gives up. A poll sets it around its work (`within`); every read made
//! inside (in the same task, including the fan-out of `buffer_unordered`) sees it.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

tokio::task_local! {
    static DEADLINE: (Instant, u64);
}

/// Numbers the polls, so that the seam can tell one poll from the next (`aws::hold` lets
/// one read of each poll ask AWS while credentials are refused).
static POLLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// How long a read may keep retrying when no poll set a deadline (one-off reads: a view that
/// opens, the executor looking for the effect of a write).
pub const DEFAULT: Duration = Duration::from_secs(30);

/// Run `fut` as one poll: every read inside it gives up at `deadline`.
pub async fn within<F: Future>(deadline: Instant, fut: F) -> F::Output {
    let poll = POLLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    DEADLINE.scope((deadline, poll), fut).await
}

/// The deadline the current poll set, if any.
pub fn current() -> Option<Instant> {
    DEADLINE.try_with(|d| d.0).ok()
}

/// The number of the current poll, if the read is made inside one.
pub fn poll() -> Option<u64> {
    DEADLINE.try_with(|d| d.1).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_deadline_is_seen_inside_and_only_inside() {
        assert_eq!(current(), None);
        let at = Instant::now() + Duration::from_secs(5);
        let seen = within(at, async {
            let inner = futures_util::future::join_all((0..3).map(|_| async { current() })).await;
            (current(), inner)
        })
        .await;
        assert_eq!(seen.0, Some(at));
        assert!(seen.1.iter().all(|d| *d == Some(at)));
        assert_eq!(current(), None);
        let (a, b) = (within(at, async { poll() }).await, within(at, async { poll() }).await);
        assert!(a.is_some() && b.is_some() && a != b, "each poll has its own number");
        assert_eq!(poll(), None);
    }
}
