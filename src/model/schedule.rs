//! Glue SCHEDULED triggers: `cron(Minutes Hours Day-of-month Month Day-of-week Year)` in UTC,
//! as AWS writes them, and whether one fires within a time window.
//!
//! Fields take `*`, `?`, lists (`1,15`), ranges (`MON-FRI`), steps (`0/15`, `*/5`, `10-50/10`),
//! month names (`JAN`) and day names (`SUN`=1 ... `SAT`=7). `L`, `W` and `#` are read as "any"
//! in their field: such a trigger counts as firing more often than it does, never less (a job
//! read a little more often is the safe side).

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

/// A job that a SCHEDULED trigger starts.
#[derive(Debug, Clone, PartialEq)]
pub struct ScheduledTrigger {
    pub name: String,
    /// `cron(...)` as AWS gives it.
    pub schedule: String,
    pub jobs: Vec<String>,
}

/// A parsed schedule: the allowed values of each field (minute, hour, day of month, month,
/// day of week 1-7 from Sunday, year).
#[derive(Debug, Clone, PartialEq)]
pub struct Cron {
    fields: [Vec<bool>; 6],
}

const RANGES: [(u32, u32); 6] = [(0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199)];
const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Cron {
    /// `cron(0 12 * * ? *)` (or the bare six fields); None when it is no such expression.
    pub fn parse(text: &str) -> Option<Cron> {
        let t = text.trim();
        let inner = t.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')).unwrap_or(t);
        let parts: Vec<&str> = inner.split_whitespace().collect();
        if parts.len() != 6 {
            return None;
        }
        let mut fields: [Vec<bool>; 6] = Default::default();
        for (i, part) in parts.iter().enumerate() {
            fields[i] = field(part, i)?;
        }
        Some(Cron { fields })
    }

    fn allows(&self, i: usize, v: u32) -> bool {
        let (lo, _) = RANGES[i];
        v.checked_sub(lo).and_then(|k| self.fields[i].get(k as usize)).copied().unwrap_or(false)
    }

    /// Whether it fires at the minute of `t`.
    pub fn fires_at(&self, t: DateTime<Utc>) -> bool {
        let dow = t.weekday().number_from_sunday();
        self.allows(0, t.minute())
            && self.allows(1, t.hour())
            && self.allows(2, t.day())
            && self.allows(3, t.month())
            && self.allows(4, dow)
            && t.year() >= 0
            && self.allows(5, t.year() as u32)
    }

    /// Whether it fires at some whole minute in `(from, to]` (looked at minute by minute, at
    /// most a day ahead).
    pub fn fires_within(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        let to = to.min(from + Duration::days(1));
        let Some(mut t) = from.with_second(0).and_then(|t| t.with_nanosecond(0)) else { return false };
        t += Duration::minutes(1);
        while t <= to {
            if self.fires_at(t) {
                return true;
            }
            t += Duration::minutes(1);
        }
        false
    }
}

/// The allowed values of field `i` written as `part`.
fn field(part: &str, i: usize) -> Option<Vec<bool>> {
    let (lo, hi) = RANGES[i];
    let mut allowed = vec![false; (hi - lo + 1) as usize];
    for item in part.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (item, 1),
        };
        let (from, to) = match range {
            "*" | "?" => (lo, hi),
            r if r.contains(['L', 'W', '#']) && !is_name(r) => (lo, hi),
            r => match r.split_once('-') {
                Some((a, b)) => (value(a, i)?, value(b, i)?),
                None if item.contains('/') => (value(r, i)?, hi),
                None => (value(r, i)?, value(r, i)?),
            },
        };
        if from < lo || to > hi || from > to {
            return None;
        }
        (from..=to).step_by(step as usize).for_each(|v| allowed[(v - lo) as usize] = true);
    }
    Some(allowed)
}

fn is_name(r: &str) -> bool {
    r.split('-').all(|p| MONTHS.contains(&p) || DAYS.contains(&p))
}

fn value(text: &str, i: usize) -> Option<u32> {
    let upper = text.to_ascii_uppercase();
    let named = match i {
        3 => MONTHS.iter().position(|m| *m == upper).map(|p| p as u32 + 1),
        4 => DAYS.iter().position(|d| *d == upper).map(|p| p as u32 + 1),
        _ => None,
    };
    named.or_else(|| text.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        // 2026-12-07 is a Monday.
        Utc.with_ymd_and_hms(2026, 12, d, h, m, 0).single().expect("valid")
    }

    #[test]
    fn daily_at_noon() {
        let c = Cron::parse("cron(0 12 * * ? *)").expect("parses");
        assert!(c.fires_at(at(7, 12, 0)));
        assert!(!c.fires_at(at(7, 12, 1)));
        assert!(c.fires_within(at(7, 11, 55), at(7, 12, 5)));
        assert!(!c.fires_within(at(7, 12, 0), at(7, 12, 30)), "the window starts after noon");
        assert!(!c.fires_within(at(7, 12, 1), at(7, 23, 59)));
    }

    #[test]
    fn steps_ranges_names_and_lists() {
        let c = Cron::parse("cron(0/15 8-18 ? * MON-FRI *)").expect("parses");
        assert!(c.fires_at(at(7, 8, 45)));
        assert!(!c.fires_at(at(7, 8, 50)));
        assert!(!c.fires_at(at(6, 9, 0)), "Sunday");
        assert!(!c.fires_at(at(7, 19, 0)));
        let c = Cron::parse("cron(30 1,13 1 JAN,DEC ? 2026)").expect("parses");
        assert!(c.fires_at(Utc.with_ymd_and_hms(2026, 12, 1, 13, 30, 0).single().expect("valid")));
        assert!(!c.fires_at(Utc.with_ymd_and_hms(2027, 1, 1, 13, 30, 0).single().expect("valid")));
        let last = Cron::parse("cron(0 10 L * ? *)").expect("L reads as any day");
        assert!(last.fires_at(at(7, 10, 0)));
    }

    #[test]
    fn bad_expressions_are_none() {
        for bad in
            ["rate(5 minutes)", "cron(0 12 * *)", "cron(61 * * * ? *)", "cron(0 12 * FOO ? *)", "cron(*/0 * * * ? *)"]
        {
            assert_eq!(Cron::parse(bad), None, "{bad}");
        }
    }
}
