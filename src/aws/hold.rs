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
}

/// The credentials hold of one context (shared by all its read clients).
#[derive(Debug, Default)]
pub struct CredentialsHold {
    held: Mutex<Held>,
}

impl CredentialsHold {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a read of poll `poll` (None: outside a poll) may go to AWS at `now`: `Err`
    /// with the refusal while held, except for the probe: the first read of a poll, or one
    /// every `PROBE_EVERY` outside polls.
    pub fn admit(&self, now: Instant, poll: Option<u64>) -> Result<(), AwsError> {
        let Ok(mut h) = self.held.lock() else { return Ok(()) };
        let Some(error) = &h.error else { return Ok(()) };
        let probe = match poll {
            Some(p) => h.probed_poll != Some(p),
            None => h.last_probe.is_none_or(|t| now.saturating_duration_since(t) >= PROBE_EVERY),
        };
        if !probe {
            return Err(error.clone());
        }
        h.last_probe = Some(now);
        if poll.is_some() {
            h.probed_poll = poll;
        }
        Ok(())
    }

    /// What an attempt at `now` ended with: a credentials error holds the context; an answer
    /// from AWS (anything but a credentials or network failure) lifts the hold.
    pub fn observe(&self, result: Result<(), &AwsError>, now: Instant) {
        let Ok(mut h) = self.held.lock() else { return };
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

    #[test]
    fn outside_polls_a_refusal_holds_every_read_but_one_every_few_seconds() {
        let hold = CredentialsHold::new();
        let t0 = Instant::now();
        assert!(hold.admit(t0, None).is_ok());
        hold.observe(Err(&expired()), t0);
        let refused = hold.admit(t0 + Duration::from_secs(1), None).expect_err("held");
        assert!(refused.message.contains("aws sso login --profile prod"));
        assert!(hold.admit(t0 + Duration::from_secs(4), None).is_err());
        let probe = t0 + PROBE_EVERY;
        assert!(hold.admit(probe, None).is_ok(), "one probe goes");
        assert!(hold.admit(probe + Duration::from_millis(10), None).is_err());
        hold.observe(Err(&expired()), probe);
        let next = probe + PROBE_EVERY;
        assert!(hold.admit(next, None).is_ok());
        hold.observe(Ok(()), next);
        assert!(hold.refusal().is_none());
        assert!(hold.admit(next + Duration::from_millis(1), None).is_ok(), "every read goes again");
    }

    #[test]
    fn in_polls_the_first_read_of_each_poll_is_the_probe() {
        let hold = CredentialsHold::new();
        let t0 = Instant::now();
        hold.observe(Err(&expired()), t0);
        assert!(hold.admit(t0, Some(1)).is_ok(), "poll 1 probes");
        hold.observe(Err(&expired()), t0);
        assert!(hold.admit(t0, Some(1)).is_err(), "the rest of poll 1 does not ask AWS");
        assert!(hold.admit(t0, Some(2)).is_ok(), "poll 2 (another source) probes at once");
        hold.observe(Ok(()), t0);
        assert!(hold.admit(t0, Some(2)).is_ok(), "and goes on when the probe was answered");
    }

    #[test]
    fn network_failures_neither_hold_nor_lift() {
        let hold = CredentialsHold::new();
        let t0 = Instant::now();
        let net = AwsError { kind: ErrorKind::Network, operation: "glue:GetJobs".into(), message: "down".into() };
        hold.observe(Err(&net), t0);
        assert!(hold.admit(t0, None).is_ok());
        hold.observe(Err(&expired()), t0);
        hold.observe(Err(&net), t0 + PROBE_EVERY);
        assert!(hold.refusal().is_some(), "no answer from AWS says nothing about the credentials");
        let denied = AwsError { kind: ErrorKind::AccessDenied, operation: "glue:GetTags".into(), message: "no".into() };
        hold.observe(Err(&denied), t0 + PROBE_EVERY);
        assert!(hold.refusal().is_none(), "AWS took the credentials (and denied the call)");
    }
}
