//! Freshness against the SLA, and a stream's status from what is known of it.
//!
//! The status rules, first match wins ([`RULES`]; the README and the `:streams` help say the
//! same): `failed` when any resource of the stream has an open inbox item of severity critical;
//! `degraded` when the newest DQ result of any of its tables failed and nothing is critical;
//! `late` when the freshness SLA is missed and nothing is failed; `running` when a run of the
//! stream is in flight and none of the above; `no_data` when today's landing partition is empty
//! past `ready_by` (or `fresh_within` since the last object); else `ok`.
//!
//! The SLA is missed (`late`) when data to curate is there and the curated result is not:
//! with `ready_by`, no success of the final step since the local midnight of the latest
//! deadline that passed (while that day's partition holds data); with `fresh_within`, the
//! last success is older than that (while newer data landed). An empty landing zone is
//! `no_data`, not `late`: nothing could have been curated. Curated after the deadline, the
//! SLA of that day was still missed: `late` (shown `2h10m late (done)`) until the next deadline.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use serde::Serialize;

use super::spec::{Sla, Spec, local_instant};

/// A stream's status (the first rule that holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Failed,
    Degraded,
    Late,
    Running,
    NoData,
    Ok,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Failed => "failed",
            Status::Degraded => "degraded",
            Status::Late => "late",
            Status::Running => "running",
            Status::NoData => "no_data",
            Status::Ok => "ok",
        }
    }
}

/// The status rules as the issue words them, for the help and the README (first match wins).
pub const RULES: [(&str, &str); 6] = [
    ("failed", "when any resource of the stream has an open inbox item of severity critical"),
    ("degraded", "when the newest DQ result of any of its tables failed and nothing is critical"),
    ("late", "when the freshness SLA is missed and nothing is failed"),
    ("running", "when a run of the stream is in flight and none of the above"),
    ("no_data", "when today's landing partition is empty past ready_by (or fresh_within since the last object)"),
    ("ok", "else"),
];

/// What the status rules look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub critical_open: bool,
    pub dq_failed: bool,
    pub late: bool,
    pub running: bool,
    pub no_data: bool,
}

/// The status rules, in order.
pub fn status(f: Facts) -> Status {
    if f.critical_open {
        Status::Failed
    } else if f.dq_failed {
        Status::Degraded
    } else if f.late {
        Status::Late
    } else if f.running {
        Status::Running
    } else if f.no_data {
        Status::NoData
    } else {
        Status::Ok
    }
}

/// What was landed, as far as it was read (None fields: not configured or not readable).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Landed {
    /// Objects in today's partition.
    pub today: Option<u64>,
    /// Objects in yesterday's partition.
    pub yesterday: Option<u64>,
    /// The newest object of both.
    pub newest: Option<DateTime<Utc>>,
}

/// Freshness against the SLA at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Freshness {
    /// The SLA is missed now: by this many seconds (None: not missed, or no SLA).
    pub late_by_s: Option<i64>,
    /// Missed, with no success at all to measure from.
    pub late_unmeasured: bool,
    /// Delivered, but after the deadline: by this many seconds.
    pub delivered_late_s: Option<i64>,
    pub no_data: bool,
}

impl Freshness {
    /// Late now: the curated result is still missing past the SLA.
    pub fn is_late(&self) -> bool {
        self.late_by_s.is_some() || self.late_unmeasured
    }

    /// The SLA was missed: late now, or delivered after today's deadline (`late (done)`).
    /// This is what the `late` status rule reads.
    pub fn missed(&self) -> bool {
        self.is_late() || self.delivered_late_s.is_some()
    }

    /// How late, in seconds: by now while still missing, else by how much it was delivered late.
    pub fn late_s(&self) -> Option<i64> {
        self.late_by_s.or(self.delivered_late_s)
    }

    /// `on time`, `late by 2h10m`, `2h10m late (done)`, `-` without an SLA.
    pub fn text(&self, sla: Sla) -> String {
        let short = crate::duration::short;
        if let Some(s) = self.late_by_s {
            return format!("late by {}", short(s));
        }
        if self.late_unmeasured {
            return "late (no success)".into();
        }
        if let Some(s) = self.delivered_late_s {
            return format!("{} late (done)", short(s));
        }
        if self.no_data {
            return "no data".into();
        }
        if sla == Sla::None { "-".into() } else { "on time".into() }
    }
}

/// The latest `ready_by` deadline at or before `now`, and the local midnight that starts its day.
pub fn latest_deadline(spec: &Spec, at: NaiveTime, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let (today, yesterday) = spec.days(now);
    let day = if local_instant(spec.tz, today, at) <= now { today } else { yesterday };
    (local_instant(spec.tz, day, at), local_instant(spec.tz, day, NaiveTime::MIN))
}

/// Freshness at `now`: `successes` are the end times of the final step's successful runs.
pub fn freshness(spec: &Spec, now: DateTime<Utc>, successes: &[DateTime<Utc>], landed: Landed) -> Freshness {
    let last = successes.iter().filter(|t| **t <= now).max().copied();
    match spec.sla {
        Sla::None => Freshness::default(),
        Sla::ReadyBy(at) => ready_by(spec, at, now, successes, last, landed),
        Sla::FreshWithin(within) => fresh_within(spec, within, now, last, landed),
    }
}

fn ready_by(
    spec: &Spec,
    at: NaiveTime,
    now: DateTime<Utc>,
    successes: &[DateTime<Utc>],
    last: Option<DateTime<Utc>>,
    landed: Landed,
) -> Freshness {
    let (deadline, day_start) = latest_deadline(spec, at, now);
    let (today, _) = spec.days(now);
    let today_deadline = local_instant(spec.tz, today, at);
    let mut f = Freshness { no_data: now >= today_deadline && landed.today == Some(0), ..Default::default() };
    // The partition of the deadline's day: today's, or yesterday's before today's deadline.
    let day_objects = if deadline == today_deadline { landed.today } else { landed.yesterday };
    let delivered = last.is_some_and(|t| t >= day_start);
    if delivered {
        let first = successes.iter().filter(|t| **t >= day_start && **t <= now).min().copied();
        f.delivered_late_s = first.filter(|t| *t > deadline).map(|t| (t - deadline).num_seconds());
    } else if day_objects != Some(0) {
        f.late_by_s = Some((now - deadline).num_seconds());
    }
    f
}

fn fresh_within(
    spec: &Spec,
    within: Duration,
    now: DateTime<Utc>,
    last: Option<DateTime<Utc>>,
    landed: Landed,
) -> Freshness {
    let mut f = Freshness::default();
    let configured = landed.today.is_some() || landed.yesterday.is_some();
    if configured {
        f.no_data = match landed.newest {
            Some(newest) => now - newest > within,
            // Nothing in today's or yesterday's partition: the last object is older than
            // yesterday's start.
            None => {
                let (_, yesterday) = spec.days(now);
                now - local_instant(spec.tz, yesterday, NaiveTime::MIN) > within
            }
        };
    }
    // Data waiting to be curated: no landing to tell, or an object newer than the last success.
    let waiting = !configured || landed.newest.is_some_and(|n| last.is_none_or(|l| n > l));
    match last {
        Some(l) if now - l > within && waiting => f.late_by_s = Some((now - l - within).num_seconds()),
        None if waiting => f.late_unmeasured = true,
        _ => {}
    }
    f
}

#[cfg(test)]
mod tests;
