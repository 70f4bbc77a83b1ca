//! Refused credentials pause a whole context: once AWS (or the credential chain) said the
//! credentials are expired, invalid or missing, every read of that context fails at once with
//! the same advice, except one probe that asks AWS again: the first read of each poll (reads
//! outside a poll: one every few seconds). When a probe is answered the hold is lifted and
//! the poll that made it goes on: polling resumes by itself within one poll of the
//! credentials being valid again (after `aws sso login`, the SDK's credential chain re-reads
//! the SSO token cache once the old credentials have expired).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{AwsError, ErrorKind};

/// At most one probe per context this often while its credentials are refused.
pub const PROBE_EVERY: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
struct Held {
    error: Option<AwsError>,
    last_probe: Option<Instant>,
    /// The poll whose first read was the last probe.
    probed_poll: Option<u64>,
    /// A probe is waiting for its answer (since then).
    probing: Option<Instant>,
}

/// What a read may do now.
#[derive(Debug)]
enum Turn {
    Go,
    Refused(AwsError),
    /// A probe is out: its answer decides.
    WaitForProbe,
}

/// The credentials hold of one context (shared by all its read clients).
#[derive(Debug, Default)]
pub struct CredentialsHold {
    held: Mutex<Held>,
    answered: tokio::sync::Notify,
}

/// A probe still unanswered after this long is taken as lost.
const PROBE_LOST: Duration = Duration::from_secs(30);

impl CredentialsHold {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a read of poll `poll` (None: outside a poll) may go to AWS: `Err` with the
    /// refusal while held, except for the probe (the first read of a poll, or one every
    /// `PROBE_EVERY` outside polls). While a probe is out, reads wait for its answer: the
    /// poll that heals the context reads everything.
    pub async fn admit(&self, poll: Option<u64>) -> Result<(), AwsError> {
        loop {
            let answered = self.answered.notified();
            match self.turn(Instant::now(), poll) {
                Turn::Go => return Ok(()),
                Turn::Refused(e) => return Err(e),
                Turn::WaitForProbe => {
                    let _ = tokio::time::timeout(Duration::from_secs(1), answered).await;
                }
            }
        }
    }

    fn turn(&self, now: Instant, poll: Option<u64>) -> Turn {
        let Ok(mut h) = self.held.lock() else { return Turn::Go };
        let Some(error) = h.error.clone() else { return Turn::Go };
        if h.probing.is_some_and(|t| now.saturating_duration_since(t) < PROBE_LOST) {
            return Turn::WaitForProbe;
        }
        let probe = match poll {
            Some(p) => h.probed_poll != Some(p),
            None => h.last_probe.is_none_or(|t| now.saturating_duration_since(t) >= PROBE_EVERY),
        };
        if !probe {
            return Turn::Refused(error);
        }
        h.last_probe = Some(now);
        h.probing = Some(now);
        if poll.is_some() {
            h.probed_poll = poll;
        }
        Turn::Go
    }

    /// What an attempt at `now` ended with: a credentials error holds the context; an answer
    /// from AWS (anything but a credentials or network failure) lifts the hold.
    pub fn observe(&self, result: Result<(), &AwsError>, now: Instant) {
        let Ok(mut h) = self.held.lock() else { return };
        if h.probing.take().is_some() {
            self.answered.notify_waiters();
        }
        match result {
            Err(e) if e.kind.is_credentials() => {
                if h.error.is_none() {
                    tracing::warn!(error = %e, "credentials refused: holding this context's reads");
                    h.last_probe = Some(now);
                }
                h.error = Some(e.clone());
            }
            Err(e) if e.kind == ErrorKind::Network => {}
            _ => {
                if h.error.take().is_some() {
                    tracing::info!("credentials accepted again: reads resume");
                }
            }
        }
    }

    /// The refusal holding the context, if any.
    pub fn refusal(&self) -> Option<AwsError> {
        self.held.lock().ok().and_then(|h| h.error.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expired() -> AwsError {
        AwsError {
            kind: ErrorKind::CredentialsExpired,
            operation: "glue:GetJobs".into(),
            message: "credentials for profile prod expired: run aws sso login --profile prod".into(),
        }
    }

    fn goes(t: Turn) -> bool {
        matches!(t, Turn::Go)
    }

    fn refused(t: Turn) -> Option<AwsError> {
        match t {
            Turn::Refused(e) => Some(e),
            _ => None,
        }
    }

    #[test]
    fn outside_polls_a_refusal_holds_every_read_but_one_every_few_seconds() {
        let hold = CredentialsHold::new();
        let t0 = Instant::now();
        assert!(goes(hold.turn(t0, None)));
        hold.observe(Err(&expired()), t0);
        let e = refused(hold.turn(t0 + Duration::from_secs(1), None)).expect("held");
        assert!(e.message.contains("aws sso login --profile prod"));
        assert!(refused(hold.turn(t0 + Duration::from_secs(4), None)).is_some());
        let probe = t0 + PROBE_EVERY;
        assert!(goes(hold.turn(probe, None)), "one probe goes");
        assert!(matches!(hold.turn(probe, None), Turn::WaitForProbe), "the others wait for its answer");
        hold.observe(Err(&expired()), probe);
        assert!(refused(hold.turn(probe + Duration::from_millis(10), None)).is_some(), "and are refused with it");
        let next = probe + PROBE_EVERY;
        assert!(goes(hold.turn(next, None)));
        hold.observe(Ok(()), next);
        assert!(hold.refusal().is_none());
        assert!(goes(hold.turn(next + Duration::from_millis(1), None)), "every read goes again");
    }

    #[test]
    fn in_polls_the_first_read_of_each_poll_is_the_probe() {
        let hold = CredentialsHold::new();
        let t0 = Instant::now();
        hold.observe(Err(&expired()), t0);
        assert!(goes(hold.turn(t0, Some(1))), "poll 1 probes");
        hold.observe(Err(&expired()), t0);
        assert!(refused(hold.turn(t0, Some(1))).is_some(), "the rest of poll 1 does not ask AWS");
        assert!(goes(hold.turn(t0, Some(2))), "poll 2 (another source) probes at once");
        hold.observe(Ok(()), t0);
        assert!(goes(hold.turn(t0, Some(2))), "and goes on when the probe was answered");
    }

    #[tokio::test]
    async fn reads_wait_for_the_probe_and_go_when_it_heals() {
        let hold = std::sync::Arc::new(CredentialsHold::new());
        hold.observe(Err(&expired()), Instant::now());
        hold.admit(Some(7)).await.expect("the probe of poll 7");
        let h = hold.clone();
        let waiting = tokio::spawn(async move { h.admit(Some(7)).await });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished(), "waits for the probe's answer");
        hold.observe(Ok(()), Instant::now());
        assert!(waiting.await.expect("join").is_ok(), "the rest of the healing poll goes");
    }

    #[test]
    fn network_failures_neither_hold_nor_lift() {
        let hold = CredentialsHold::new();
        let t0 = Instant::now();
        let net = AwsError { kind: ErrorKind::Network, operation: "glue:GetJobs".into(), message: "down".into() };
        hold.observe(Err(&net), t0);
        assert!(goes(hold.turn(t0, None)));
        hold.observe(Err(&expired()), t0);
        hold.observe(Err(&net), t0 + PROBE_EVERY);
        assert!(hold.refusal().is_some(), "no answer from AWS says nothing about the credentials");
        let denied = AwsError { kind: ErrorKind::AccessDenied, operation: "glue:GetTags".into(), message: "no".into() };
        hold.observe(Err(&denied), t0 + PROBE_EVERY);
        assert!(hold.refusal().is_none(), "AWS took the credentials (and denied the call)");
    }
}
