//! Glue SCHEDULED triggers. Glue writes AWS's cron: six fields
//! `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, in UTC, with `?`, `L`, `W` and
//! `#`, and day-of-week 1-7 = SUN-SAT. The `croner` crate parses that with Quartz weekdays
//! and a year field; seconds are set to 0.

use chrono::{DateTime, Timelike, Utc};
use croner::parser::{CronParser, Seconds, Year};

/// A job that a SCHEDULED trigger starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledTrigger {
    pub name: String,
    /// `cron(...)` as AWS gives it.
    pub schedule: String,
    pub jobs: Vec<String>,
}

/// A parsed AWS cron schedule.
#[derive(Debug, Clone)]
pub struct Cron(croner::Cron);

impl Cron {
    /// `cron(0 2 * * ? *)` (or the bare six fields) as a schedule, or what is wrong with it.
    pub fn parse(expression: &str) -> Result<Cron, String> {
        let inner = expression.trim();
        let inner = inner.strip_prefix("cron(").and_then(|s| s.strip_suffix(')')).unwrap_or(inner).trim();
        if inner.split_whitespace().count() != 6 {
            return Err(format!("`{expression}` is not an AWS cron expression (six fields)"));
        }
        let parser =
            CronParser::builder().seconds(Seconds::Required).year(Year::Required).alternative_weekdays(true).build();
        parser.parse(&format!("0 {inner}")).map(Cron).map_err(|e| format!("`{expression}`: {e}"))
    }

    /// The first time after `now` it fires (None: it never fires again).
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Whole seconds: the crate keeps the start's fraction of a second.
        let now = now.with_nanosecond(0)?;
        self.0.find_next_occurrence(&now, false).ok()
    }

    /// Whether it fires at some time in `(from, to]`.
    pub fn fires_within(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.next_after(from).is_some_and(|t| t <= to)
    }
}

/// The first time after `now` the schedule fires (None: it never fires again, or cannot be read).
pub fn next_fire(expression: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    Cron::parse(expression).ok()?.next_after(now)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().expect("time")
    }

    #[test]
    fn aws_cron_next_fire_times() {
        // 2026-11-24 is a Tuesday.
        let now = utc(2026, 11, 24, 12, 0);
        let cases = [
            ("cron(0 2 * * ? *)", Some(utc(2026, 11, 25, 2, 0))),
            ("cron(15 12 * * ? *)", Some(utc(2026, 11, 24, 12, 15))),
            ("cron(0/15 * * * ? *)", Some(utc(2026, 11, 24, 12, 15))),
            // MON-FRI at 18:00; 2 = MON in AWS's numbering, so 2-6 is MON-FRI too.
            ("cron(0 18 ? * MON-FRI *)", Some(utc(2026, 11, 24, 18, 0))),
            ("cron(0 18 ? * 7 *)", Some(utc(2026, 11, 28, 18, 0))),
            ("cron(0 8 1 * ? *)", Some(utc(2026, 12, 1, 8, 0))),
            ("cron(0 10 L * ? *)", Some(utc(2026, 11, 30, 10, 0))),
            ("cron(0 9 ? * 2#1 *)", Some(utc(2026, 12, 7, 9, 0))),
            ("cron(0 2 * * ? 2025)", None),
            ("0 2 * * ? *", Some(utc(2026, 11, 25, 2, 0))),
        ];
        for (expr, want) in cases {
            assert_eq!(next_fire(expr, now), want, "{expr}");
        }
    }

    #[test]
    fn fractions_of_a_second_are_dropped() {
        let now = utc(2026, 11, 24, 12, 0) + chrono::Duration::milliseconds(986);
        assert_eq!(next_fire("cron(0 2 * * ? *)", now), Some(utc(2026, 11, 25, 2, 0)));
    }

    #[test]
    fn bad_expressions_are_one_line() {
        for bad in ["cron(0 2 * *)", "rate(5 minutes)", "cron(61 2 * * ? *)"] {
            let e = Cron::parse(bad).expect_err(bad);
            assert!(!e.contains('\n') && e.contains(bad), "{e}");
        }
    }

    #[test]
    fn fires_within_a_window() {
        // 2026-12-07 is a Monday.
        let noon = Cron::parse("cron(0 12 * * ? *)").expect("parses");
        assert!(noon.fires_within(utc(2026, 12, 7, 11, 55), utc(2026, 12, 7, 12, 5)));
        assert!(!noon.fires_within(utc(2026, 12, 7, 12, 0), utc(2026, 12, 7, 12, 30)), "starts after noon");
        assert!(!noon.fires_within(utc(2026, 12, 7, 12, 1), utc(2026, 12, 7, 23, 59)));
        let weekdays = Cron::parse("cron(0/15 8-18 ? * MON-FRI *)").expect("parses");
        assert!(weekdays.fires_within(utc(2026, 12, 7, 8, 31), utc(2026, 12, 7, 8, 45)));
        assert!(!weekdays.fires_within(utc(2026, 12, 6, 8, 0), utc(2026, 12, 6, 18, 0)), "Sunday");
    }
}
