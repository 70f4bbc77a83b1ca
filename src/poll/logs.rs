//! Following a run's logs: find its streams, read what is there, then follow new events
//! with Live Tail, or FilterLogEvents polling when Live Tail is refused or fails, and S3
//! objects re-read by byte range as they grow (gzip decompressed as it arrives).
//!
//! Every CloudWatch call goes through the account's API budget (in the `LogsRead`).
//! Switching from Live Tail to polling re-reads from a little before the last event seen;
//! the ring the events land in drops what it already holds, so there is no gap and no
//! duplicate.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

mod live;

use self::live::{LiveReceiver, LiveSender};
use super::logs_s3::{S3File, is_log_key};
use crate::aws::{AwsError, LogEvent, LogQuery, LogsRead, ObjectRead};
use crate::logs::locate::{Place, Plan, describe};

#[derive(Debug, Clone)]
pub struct TailOptions {
    /// Keep following after reading what is there.
    pub follow: bool,
    /// Try Live Tail first (else poll).
    pub live: bool,
    /// A CloudWatch filter pattern evaluated by the service.
    pub pattern: Option<String>,
    /// Read from here (default: the plan's start).
    pub start_ms: Option<i64>,
    pub poll_every: Duration,
    pub s3_every: Duration,
    /// Re-read this much before the last event when polling (late ingestion, the switch).
    pub overlap_ms: i64,
    /// FilterLogEvents pages read for the backlog at most.
    pub max_pages: usize,
}

impl Default for TailOptions {
    fn default() -> Self {
        Self {
            follow: true,
            live: true,
            pattern: None,
            start_ms: None,
            poll_every: Duration::from_secs(1),
            s3_every: Duration::from_secs(5),
            overlap_ms: 30_000,
            max_pages: 200,
        }
    }
}

/// How new lines arrive now.
#[derive(Debug, Clone, PartialEq)]
pub enum TailMode {
    Reading,
    LiveTail { sampled: bool },
    Polling { reason: String },
    Done,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TailEvent {
    /// The streams found so far (`group › stream` or an S3 key), and where batchtop looked.
    Found {
        streams: Vec<String>,
        looked: String,
    },
    /// New events. S3 lines have no timestamp: their `ts_ms` is their line number.
    Events(Vec<LogEvent>),
    Mode(TailMode),
    /// A call failed; the tail goes on where it can.
    Error(AwsError),
}

struct Group {
    group: String,
    prefix: String,
    streams: Vec<String>,
    last_ts: Option<i64>,
    /// Followed by polling (Live Tail off, refused or failed).
    polling: bool,
    /// When its Live Tail session started.
    live_since: Option<std::time::Instant>,
}

struct Tail {
    logs: Arc<dyn LogsRead>,
    objects: Arc<dyn ObjectRead>,
    opts: TailOptions,
    tx: mpsc::Sender<TailEvent>,
    groups: Vec<Group>,
    files: BTreeMap<String, S3File>,
    s3_places: Vec<(String, String)>,
    start_ms: Option<i64>,
    /// Whether Live Tail said last that it samples.
    sampled: bool,
}

impl Tail {
    /// A tail of `plan`'s log groups and S3 places; nothing read yet.
    fn new(
        logs: Arc<dyn LogsRead>,
        objects: Arc<dyn ObjectRead>,
        plan: &Plan,
        opts: TailOptions,
        tx: mpsc::Sender<TailEvent>,
    ) -> Self {
        let mut groups = Vec::new();
        let mut s3_places = Vec::new();
        for p in &plan.places {
            match p {
                Place::Group { group, prefix } => groups.push(Group {
                    group: group.clone(),
                    prefix: prefix.clone(),
                    streams: Vec::new(),
                    last_ts: None,
                    polling: !opts.live,
                    live_since: None,
                }),
                Place::S3 { bucket, prefix } => s3_places.push((bucket.clone(), prefix.clone())),
            }
        }
        let start_ms = opts.start_ms.or(plan.start_ms);
        Self { logs, objects, opts, tx, groups, files: BTreeMap::new(), s3_places, start_ms, sampled: false }
    }

    async fn send(&self, ev: TailEvent) -> bool {
        self.tx.send(ev).await.is_ok()
    }

    /// Look for streams and S3 files; true when something new was found.
    async fn discover(&mut self, plan: &Plan) -> bool {
        let mut new = false;
        for g in &mut self.groups {
            match self.logs.streams(&g.group, &g.prefix).await {
                Ok(found) => {
                    for s in found {
                        if !g.streams.contains(&s.name) {
                            g.streams.push(s.name);
                            new = true;
                        }
                    }
                }
                Err(e) => {
                    let _ = self.tx.send(TailEvent::Error(e)).await;
                }
            }
        }
        for (bucket, prefix) in &self.s3_places {
            match self.objects.list(bucket, prefix).await {
                Ok(keys) => {
                    for (key, size) in keys.into_iter().filter(|(k, _)| is_log_key(k)) {
                        let id = format!("s3://{bucket}/{key}");
                        let f = self.files.entry(id).or_insert_with(|| {
                            new = true;
                            S3File::new(bucket, &key)
                        });
                        f.size = u64::try_from(size).unwrap_or(0);
                    }
                }
                Err(e) => {
                    let _ = self.tx.send(TailEvent::Error(e)).await;
                }
            }
        }
        if new {
            let mut streams: Vec<String> =
                self.groups.iter().flat_map(|g| g.streams.iter().map(move |s| format!("{} › {s}", g.group))).collect();
            streams.extend(self.files.keys().cloned());
            let _ = self.tx.send(TailEvent::Found { streams, looked: describe(plan) }).await;
        }
        new
    }

    /// FilterLogEvents on group `i` from `from_ms`, every page, sent in time order; false when
    /// the receiver is gone.
    async fn read_group(&mut self, i: usize, from_ms: Option<i64>) -> bool {
        let mut events = Vec::new();
        if !self.collect_group(i, from_ms, &mut events).await {
            return false;
        }
        self.send_sorted(events).await
    }

    async fn send_sorted(&self, mut events: Vec<LogEvent>) -> bool {
        if events.is_empty() {
            return true;
        }
        // Stable: events of one stream keep their order when timestamps tie.
        events.sort_by_key(|e| e.ts_ms);
        for chunk in events.chunks(2000) {
            if !self.send(TailEvent::Events(chunk.to_vec())).await {
                return false;
            }
        }
        true
    }

    /// FilterLogEvents on group `i` from `from_ms`, every page, into `out`.
    async fn collect_group(&mut self, i: usize, from_ms: Option<i64>, out: &mut Vec<LogEvent>) -> bool {
        let g = &self.groups[i];
        if g.streams.is_empty() {
            return true;
        }
        let query = LogQuery {
            group: g.group.clone(),
            streams: Vec::new(),
            stream_prefix: Some(g.prefix.clone()).filter(|p| !p.is_empty()),
            pattern: self.opts.pattern.clone(),
            start_ms: from_ms,
            end_ms: None,
        };
        let mut token = None;
        for _ in 0..self.opts.max_pages.max(1) {
            match self.logs.filter(&query, token.take()).await {
                Ok(page) => {
                    if let Some(ts) = page.events.iter().map(|e| e.ts_ms).max() {
                        let last = &mut self.groups[i].last_ts;
                        *last = Some(last.map_or(ts, |l| l.max(ts)));
                    }
                    out.extend(page.events);
                    match page.next {
                        Some(t) => token = Some(t),
                        None => break,
                    }
                }
                Err(e) => return self.send(TailEvent::Error(e)).await,
            }
        }
        true
    }

    /// Every group from where it is, merged in time order.
    async fn read_all(&mut self, only_polling: bool) -> bool {
        let mut events = Vec::new();
        for i in 0..self.groups.len() {
            if only_polling && !self.groups[i].polling {
                continue;
            }
            let from = self.since(i);
            if !self.collect_group(i, from, &mut events).await {
                return false;
            }
        }
        self.send_sorted(events).await
    }

    fn since(&self, i: usize) -> Option<i64> {
        match self.groups[i].last_ts {
            Some(t) => Some(t - self.opts.overlap_ms),
            None => self.start_ms,
        }
    }

    /// Read what S3 files added since the last read; false when the receiver is gone.
    async fn read_files(&mut self) -> bool {
        let ids: Vec<String> = self.files.iter().filter(|(_, f)| f.size > f.offset).map(|(k, _)| k.clone()).collect();
        for id in ids {
            let Some(f) = self.files.get(&id) else { continue };
            let (bucket, key, offset) = (f.bucket.clone(), f.key.clone(), f.offset);
            match self.objects.get(&bucket, &key, offset).await {
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => {
                    let Some(f) = self.files.get_mut(&id) else { continue };
                    match f.feed(&bytes) {
                        Ok(events) if events.is_empty() => {}
                        Ok(events) => {
                            if !self.send(TailEvent::Events(events)).await {
                                return false;
                            }
                        }
                        Err(message) => {
                            let e = AwsError {
                                kind: crate::aws::ErrorKind::Other,
                                operation: "s3:GetObject".into(),
                                message,
                            };
                            if !self.send(TailEvent::Error(e)).await {
                                return false;
                            }
                        }
                    }
                }
                Err(e) => {
                    if !self.send(TailEvent::Error(e)).await {
                        return false;
                    }
                }
            }
        }
        true
    }

    /// Look for new streams and files, then what they already hold; false when the receiver is gone.
    async fn read_backlog(&mut self, plan: &Plan) -> bool {
        if !self.send(TailEvent::Mode(TailMode::Reading)).await {
            return false;
        }
        self.discover(plan).await;
        self.read_all(false).await && self.read_files().await
    }

    /// How new lines arrive once the backlog is read.
    fn follow_mode(&self) -> TailMode {
        if self.groups.is_empty() {
            TailMode::Polling { reason: "S3 objects re-read as they grow".into() }
        } else if self.groups.iter().all(|g| g.polling) {
            TailMode::Polling {
                reason: if self.opts.live { "Live Tail unavailable".into() } else { "Live Tail off".into() },
            }
        } else {
            TailMode::LiveTail { sampled: false }
        }
    }

    /// Follow until the receiver is gone: Live Tail updates as they come, polled groups and S3
    /// objects on their ticks, and a look for new streams every 15 s.
    async fn follow(&mut self, plan: &Plan, live_tx: &LiveSender, mut live_rx: LiveReceiver) {
        let mut poll = delaying_interval(self.opts.poll_every);
        let mut s3 = delaying_interval(self.opts.s3_every);
        let mut rediscover = delaying_interval(Duration::from_secs(15));
        loop {
            let go_on = tokio::select! {
                Some((i, r)) = live_rx.recv() => self.on_live(i, r, live_tx).await,
                _ = poll.tick() => self.on_poll_tick().await,
                _ = s3.tick(), if !self.s3_places.is_empty() => self.on_s3_tick(plan).await,
                _ = rediscover.tick() => self.on_rediscover_tick(plan).await,
            };
            if !go_on {
                return;
            }
        }
    }

    /// Read the polled groups; false when the receiver is gone.
    async fn on_poll_tick(&mut self) -> bool {
        if self.groups.iter().any(|g| g.polling) && !self.read_all(true).await {
            return false;
        }
        !self.tx.is_closed()
    }

    /// A listing tells which objects grew (and which appeared): read what they added.
    async fn on_s3_tick(&mut self, plan: &Plan) -> bool {
        self.discover(plan).await;
        self.read_files().await
    }

    /// New streams (an executor started): read their backlog.
    async fn on_rediscover_tick(&mut self, plan: &Plan) -> bool {
        if self.discover(plan).await && !(self.read_all(false).await && self.read_files().await) {
            return false;
        }
        !self.tx.is_closed()
    }
}

/// An interval whose missed ticks are delayed, not burst.
fn delaying_interval(every: Duration) -> tokio::time::Interval {
    let mut i = tokio::time::interval(every);
    i.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    i
}

/// Follow `plan` until the receiver of `tx` is dropped (or, without `follow`, until what is
/// there has been read).
pub async fn run_tail(
    logs: Arc<dyn LogsRead>,
    objects: Arc<dyn ObjectRead>,
    plan: Plan,
    opts: TailOptions,
    tx: mpsc::Sender<TailEvent>,
) {
    let mut t = Tail::new(logs, objects, &plan, opts, tx);
    if !t.read_backlog(&plan).await {
        return;
    }
    if !t.opts.follow {
        let _ = t.send(TailEvent::Mode(TailMode::Done)).await;
        return;
    }
    let (live_tx, live_rx) = mpsc::channel(64);
    if t.opts.live && !t.go_live(&live_tx).await {
        return;
    }
    if !t.send(TailEvent::Mode(t.follow_mode())).await {
        return;
    }
    t.follow(&plan, &live_tx, live_rx).await;
}
