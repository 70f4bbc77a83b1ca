use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::streams::spec::{Spec, parse_ready_by, parse_tz};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("valid time")
}

fn spec(tz: &str, sla: Sla) -> Spec {
    let mut s = Spec::none("orders");
    s.tz = parse_tz(tz).expect("zone");
    s.sla = sla;
    s
}

fn ready(at: &str) -> Sla {
    Sla::ReadyBy(parse_ready_by(at).expect("time"))
}

fn within(h: i64) -> Sla {
    Sla::FreshWithin(chrono::Duration::hours(h))
}

fn landed(today: u64, yesterday: u64, newest: Option<DateTime<Utc>>) -> Landed {
    Landed { today: Some(today), yesterday: Some(yesterday), newest }
}

const NO_LANDING: Landed = Landed { today: None, yesterday: None, newest: None };

/// (what, zone, SLA, now, successes, landed, expected late_by_s, delivered_late_s, no_data)
type Case =
    (&'static str, &'static str, Sla, DateTime<Utc>, Vec<DateTime<Utc>>, Landed, Option<i64>, Option<i64>, bool);

fn check(cases: Vec<Case>) {
    for (what, tz, sla, now, successes, landed, late, delivered_late, no_data) in cases {
        let f = freshness(&spec(tz, sla), now, &successes, landed);
        assert_eq!((f.late_by_s, f.delivered_late_s, f.no_data), (late, delivered_late, no_data), "{what}: {f:?}");
    }
}

#[test]
fn ready_by_around_the_deadline() {
    check(vec![
        // Berlin in winter is UTC+1: 06:00 there is 05:00 UTC.
        (
            "before today's deadline, yesterday's was delivered",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 4, 59),
            vec![utc(2026, 11, 23, 4, 0)],
            landed(3, 9, None),
            None,
            None,
            false,
        ),
        (
            "one minute past the deadline, nothing today",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 5, 1),
            vec![utc(2026, 11, 23, 4, 0)],
            landed(3, 9, None),
            Some(60),
            None,
            false,
        ),
        (
            "past the deadline with an empty partition: no data, not late",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 5, 1),
            vec![utc(2026, 11, 23, 4, 0)],
            landed(0, 9, None),
            None,
            None,
            true,
        ),
        (
            "an empty partition before the deadline is not no_data yet",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 4, 59),
            vec![utc(2026, 11, 23, 4, 0)],
            landed(0, 9, None),
            None,
            None,
            false,
        ),
        (
            "delivered after the deadline: done, late by 2h10m",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 9, 0),
            vec![utc(2026, 11, 24, 7, 10)],
            landed(3, 9, None),
            None,
            Some(7800),
            false,
        ),
        (
            "no landing configured: late counts without it",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 7, 0),
            vec![],
            NO_LANDING,
            Some(7200),
            None,
            false,
        ),
        // Across midnight: 23:30 UTC is already the 25th in Berlin, whose deadline is ahead;
        // the 24th's deadline (05:00 UTC) was met by a success at 23:50 Berlin on the 24th.
    ]);
}

#[test]
fn ready_by_across_local_midnight() {
    check(vec![
        (
            "after local midnight, yesterday's delivery counts",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 23, 30),
            vec![utc(2026, 11, 24, 22, 50)],
            landed(0, 5, None),
            None,
            Some(64200),
            false,
        ),
        // 23:30 UTC on the 23rd is 00:30 on the 24th in Berlin: on time there...
        (
            "a success after local midnight is today's (Berlin)",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 11, 24, 5, 1),
            vec![utc(2026, 11, 23, 23, 30)],
            landed(3, 9, None),
            None,
            None,
            false,
        ),
        // ...and yesterday's in UTC, with the same deadline instant.
        (
            "the same success is yesterday's in UTC",
            "UTC",
            ready("05:00"),
            utc(2026, 11, 24, 5, 1),
            vec![utc(2026, 11, 23, 23, 30)],
            landed(3, 9, None),
            Some(60),
            None,
            false,
        ),
        // DST starts in Berlin on 2026-03-29 (02:00 -> 03:00): 06:00 is 04:00 UTC that day.
    ]);
}

#[test]
fn ready_by_across_dst_changes() {
    check(vec![
        (
            "deadline moves with DST (spring)",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 3, 29, 4, 30),
            vec![utc(2026, 3, 28, 4, 0)],
            landed(2, 2, None),
            Some(1800),
            None,
            false,
        ),
        (
            "the day before DST, 06:00 is 05:00 UTC",
            "Europe/Berlin",
            ready("06:00"),
            utc(2026, 3, 28, 4, 30),
            vec![utc(2026, 3, 27, 4, 0)],
            landed(2, 2, None),
            None,
            None,
            false,
        ),
        (
            "a deadline in the DST gap falls at its end (03:00 CEST)",
            "Europe/Berlin",
            ready("02:30"),
            utc(2026, 3, 29, 1, 10),
            vec![utc(2026, 3, 28, 0, 0)],
            landed(1, 1, None),
            Some(600),
            None,
            false,
        ),
        // DST ends on 2026-10-25 (03:00 -> 02:00): 02:30 happens twice; the first counts.
        (
            "a deadline that happens twice counts the first time (autumn)",
            "Europe/Berlin",
            ready("02:30"),
            utc(2026, 10, 25, 0, 40),
            vec![utc(2026, 10, 24, 0, 0)],
            landed(1, 1, None),
            Some(600),
            None,
            false,
        ),
    ]);
}

#[test]
fn fresh_within_and_no_sla() {
    check(vec![
        (
            "fresh within 26h",
            "UTC",
            within(26),
            utc(2026, 11, 24, 12, 0),
            vec![utc(2026, 11, 23, 11, 0)],
            landed(4, 4, Some(utc(2026, 11, 24, 11, 0))),
            None,
            None,
            false,
        ),
        (
            "older than 26h with newer data: late by 1h",
            "UTC",
            within(26),
            utc(2026, 11, 24, 12, 0),
            vec![utc(2026, 11, 23, 9, 0)],
            landed(4, 4, Some(utc(2026, 11, 24, 11, 0))),
            Some(3600),
            None,
            false,
        ),
        (
            "older than 26h but nothing new landed: no data, not late",
            "UTC",
            within(26),
            utc(2026, 11, 24, 12, 0),
            vec![utc(2026, 11, 23, 9, 0)],
            landed(0, 0, None),
            None,
            None,
            true,
        ),
        (
            "fresh_within without a landing",
            "UTC",
            within(26),
            utc(2026, 11, 24, 12, 0),
            vec![utc(2026, 11, 23, 9, 0)],
            NO_LANDING,
            Some(3600),
            None,
            false,
        ),
        // 2026-03-28 12:00 UTC to 2026-03-29 13:00 UTC is 25 hours, 26 on Berlin's clocks.
        (
            "fresh_within counts real hours across DST",
            "Europe/Berlin",
            within(26),
            utc(2026, 3, 29, 13, 0),
            vec![utc(2026, 3, 28, 12, 0)],
            landed(1, 1, Some(utc(2026, 3, 29, 12, 0))),
            None,
            None,
            false,
        ),
        (
            "no SLA, no verdict",
            "UTC",
            Sla::None,
            utc(2026, 11, 24, 12, 0),
            vec![],
            landed(0, 0, None),
            None,
            None,
            false,
        ),
    ]);
}

#[test]
fn today_is_the_stream_zones_date() {
    let s = spec("Europe/Berlin", Sla::None);
    let (today, yesterday) = s.days(utc(2026, 11, 24, 23, 30));
    assert_eq!((today.to_string(), yesterday.to_string()), ("2026-11-25".into(), "2026-11-24".into()));
    let s = spec("America/Los_Angeles", Sla::None);
    assert_eq!(s.days(utc(2026, 11, 24, 5, 0)).0.to_string(), "2026-11-23");
}

#[test]
fn fresh_within_with_no_success_at_all_is_late_unmeasured() {
    let f =
        freshness(&spec("UTC", within(6)), utc(2026, 11, 24, 12, 0), &[], landed(2, 0, Some(utc(2026, 11, 24, 9, 0))));
    assert!(f.is_late() && f.late_by_s.is_none(), "{f:?}");
    assert_eq!(f.text(within(6)), "late (no success)");
}

#[test]
fn the_status_rules_in_order() {
    let all = Facts { critical_open: true, dq_failed: true, late: true, running: true, no_data: true };
    let cases = [
        (all, Status::Failed),
        (Facts { critical_open: false, ..all }, Status::Degraded),
        (Facts { critical_open: false, dq_failed: false, ..all }, Status::Late),
        (Facts { late: false, ..Facts { running: true, no_data: true, ..Default::default() } }, Status::Running),
        (Facts { no_data: true, ..Default::default() }, Status::NoData),
        (Facts::default(), Status::Ok),
        (Facts { critical_open: true, ..Default::default() }, Status::Failed),
        (Facts { dq_failed: true, running: true, ..Default::default() }, Status::Degraded),
        (Facts { late: true, no_data: true, ..Default::default() }, Status::Late),
    ];
    for (facts, want) in cases {
        assert_eq!(status(facts), want, "{facts:?}");
    }
    assert_eq!(RULES.map(|(s, _)| s), ["failed", "degraded", "late", "running", "no_data", "ok"]);
}

#[test]
fn texts() {
    let late = Freshness { late_by_s: Some(7800), ..Default::default() };
    assert_eq!(late.text(ready("06:00")), "late by 2h10m");
    assert_eq!(Freshness::default().text(ready("06:00")), "on time");
    assert_eq!(Freshness::default().text(Sla::None), "-");
}
