//! Live Tail sessions of a tail: one per log group, restarted after the service's 3-hour
//! limit, replaced by polling when refused, failed or ended early.

use tokio::sync::mpsc;

use super::{Tail, TailEvent, TailMode};
use crate::aws::{AwsError, LiveUpdate, LogEvent};

/// What a session sends: the group's index and the session's next update.
pub(super) type LiveMsg = (usize, Result<Option<LiveUpdate>, AwsError>);
pub(super) type LiveSender = mpsc::Sender<LiveMsg>;
pub(super) type LiveReceiver = mpsc::Receiver<LiveMsg>;

/// A session that lasted this long and ended (Live Tail's 3-hour limit) is started again;
/// one that ended sooner is replaced by polling.
const RESTART_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

impl Tail {
    /// Start the sessions, then read once what was written between the backlog read and the
    /// session start; false when the receiver is gone.
    pub(super) async fn go_live(&mut self, live_tx: &LiveSender) -> bool {
        self.start_live(live_tx).await;
        let mut events = Vec::new();
        for i in 0..self.groups.len() {
            let from = self.since(i);
            if !self.groups[i].polling && !self.collect_group(i, from, &mut events).await {
                return false;
            }
        }
        self.send_sorted(events).await
    }

    /// Start one Live Tail session per group (stream prefixes need a single group). The
    /// updates of every session arrive on `live_tx` tagged with the group's index.
    async fn start_live(&mut self, live_tx: &LiveSender) {
        for i in 0..self.groups.len() {
            self.start_group(i, live_tx).await;
        }
    }

    /// One Live Tail session for group `i`; on failure the group is polled instead.
    async fn start_group(&mut self, i: usize, live_tx: &LiveSender) -> bool {
        let g = &self.groups[i];
        let arn = match self.logs.group_arn(&g.group).await {
            Ok(Some(arn)) => arn,
            Ok(None) => {
                self.groups[i].polling = true;
                return false;
            }
            Err(e) => {
                self.groups[i].polling = true;
                let reason = format!("Live Tail unavailable: {}", e.message);
                let _ = self.tx.send(TailEvent::Mode(TailMode::Polling { reason })).await;
                return false;
            }
        };
        let prefixes: Vec<String> = Some(g.prefix.clone()).filter(|p| !p.is_empty()).into_iter().collect();
        match self.logs.live_tail(&[arn], &prefixes, self.opts.pattern.as_deref()).await {
            Ok(mut session) => {
                self.groups[i].polling = false;
                self.groups[i].live_since = Some(std::time::Instant::now());
                let tx = live_tx.clone();
                tokio::spawn(async move {
                    loop {
                        let r = session.next().await;
                        let end = !matches!(r, Ok(Some(_)));
                        if tx.send((i, r)).await.is_err() || end {
                            return;
                        }
                    }
                });
                true
            }
            Err(e) => {
                self.groups[i].polling = true;
                let reason = format!("Live Tail refused: {}", e.message);
                let _ = self.tx.send(TailEvent::Mode(TailMode::Polling { reason })).await;
                false
            }
        }
    }

    /// One message of group `i`'s session; false when the receiver is gone.
    pub(super) async fn on_live(
        &mut self,
        i: usize,
        r: Result<Option<LiveUpdate>, AwsError>,
        live_tx: &LiveSender,
    ) -> bool {
        match r {
            Ok(Some(update)) => self.on_live_update(i, update).await,
            Ok(None)
                if self.groups[i].live_since.is_some_and(|s| s.elapsed() >= RESTART_AFTER)
                    && self.start_group(i, live_tx).await =>
            {
                // A long session ended (the 3-hour limit): a new one follows; read what
                // came in between.
                let from = self.since(i);
                self.read_group(i, from).await
            }
            other => {
                // The session ended or failed: poll this group from where it was.
                self.groups[i].polling = true;
                let reason = match other {
                    Err(e) => format!("Live Tail failed: {}", e.message),
                    _ => "Live Tail session ended".to_string(),
                };
                if !self.send(TailEvent::Mode(TailMode::Polling { reason })).await {
                    return false;
                }
                let from = self.since(i);
                self.read_group(i, from).await
            }
        }
    }

    /// New events of group `i` (and whether Live Tail now samples); false when the receiver is gone.
    async fn on_live_update(&mut self, i: usize, update: LiveUpdate) -> bool {
        if update.sampled != self.sampled {
            self.sampled = update.sampled;
            if !self.send(TailEvent::Mode(TailMode::LiveTail { sampled: self.sampled })).await {
                return false;
            }
        }
        if let Some(ts) = update.events.iter().map(|e| e.ts_ms).max() {
            let last = &mut self.groups[i].last_ts;
            *last = Some(last.map_or(ts, |l| l.max(ts)));
        }
        let events: Vec<LogEvent> =
            update.events.into_iter().map(|e| LogEvent { group: self.groups[i].group.clone(), ..e }).collect();
        events.is_empty() || self.send(TailEvent::Events(events)).await
    }
}
