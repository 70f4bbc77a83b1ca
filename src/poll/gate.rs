//! The global cap on calls in flight: every context's fan-out passes the same gate, so ten
//! contexts of three hundred jobs each never mean three thousand calls at once.

use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit};

/// A shared limit on calls in flight (none: unlimited beyond each poller's own bound).
#[derive(Debug, Clone, Default)]
pub struct Gate(Option<Arc<Semaphore>>);

impl Gate {
    /// At most `n` calls in flight over everyone holding a clone of this gate.
    pub fn new(n: usize) -> Self {
        Gate(Some(Arc::new(Semaphore::new(n.max(1)))))
    }

    /// Wait for a place; the call holds it until the permit is dropped.
    pub async fn pass(&self) -> Option<SemaphorePermit<'_>> {
        match &self.0 {
            Some(s) => s.acquire().await.ok(),
            None => None,
        }
    }

    /// Places free now (tests and benches).
    pub fn available(&self) -> Option<usize> {
        self.0.as_ref().map(|s| s.available_permits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_gate_lets_n_through_at_once() {
        let g = Gate::new(2);
        let a = g.pass().await;
        let b = g.pass().await;
        assert_eq!(g.available(), Some(0));
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(20), g.pass()).await;
        assert!(waiting.is_err(), "a third call waits");
        drop((a, b));
        assert_eq!(g.available(), Some(2));
        assert_eq!(Gate::default().available(), None);
    }
}
