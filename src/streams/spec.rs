//! A stream's expectations, resolved from the config: its landing prefix, partition layout,
//! curated tables, SLA and timezone; and the local-time arithmetic they need (today in the
//! stream's zone, its deadline, across midnight and DST changes).

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// `s3://bucket/prefix/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Prefix {
    pub bucket: String,
    /// Without a leading `/`, ending with `/` (or empty: the whole bucket).
    pub prefix: String,
}

impl S3Prefix {
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }
}

/// The freshness SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sla {
    None,
    /// The curated data may be at most this old.
    FreshWithin(Duration),
    /// Every day's data must be curated by this local time.
    ReadyBy(NaiveTime),
}

/// One part of a partition layout: `dt={yyyy-MM-dd}` is one key whose value has a date format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutPart {
    /// `dt`, or None for a path segment that is only a value (`2026/11/24`).
    pub key: Option<String>,
    /// A chrono format of the value (`%Y-%m-%d`).
    pub format: String,
}

/// A partition layout: path segments of `key=value` with date patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub parts: Vec<LayoutPart>,
}

impl Layout {
    /// `dt={yyyy-MM-dd}`, `year={yyyy}/month={MM}/day={dd}`, `{yyyy}/{MM}/{dd}`; the pattern
    /// must name the year, month and day.
    pub fn parse(text: &str) -> Result<Layout, String> {
        let mut parts = Vec::new();
        let mut seen = String::new();
        for seg in text.trim_matches('/').split('/') {
            let (key, value) = match seg.split_once('=') {
                Some((k, v)) if !k.is_empty() => (Some(k.to_string()), v),
                _ => (None, seg),
            };
            let inner = value.strip_prefix('{').and_then(|v| v.strip_suffix('}'));
            let Some(inner) = inner.filter(|i| !i.is_empty()) else {
                return Err(format!("`{seg}` is not key={{pattern}} (e.g. dt={{yyyy-MM-dd}})"));
            };
            let mut format = String::new();
            let mut rest = inner;
            while !rest.is_empty() {
                if let Some(r) = rest.strip_prefix("yyyy") {
                    format.push_str("%Y");
                    seen.push('y');
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("MM") {
                    format.push_str("%m");
                    seen.push('M');
                    rest = r;
                } else if let Some(r) = rest.strip_prefix("dd") {
                    format.push_str("%d");
                    seen.push('d');
                    rest = r;
                } else if let Some(c) = rest.chars().next().filter(|c| "-_.".contains(*c)) {
                    format.push(c);
                    rest = &rest[1..];
                } else {
                    return Err(format!("`{{{inner}}}`: use yyyy, MM, dd and - _ . only"));
                }
            }
            parts.push(LayoutPart { key, format });
        }
        if !(seen.contains('y') && seen.contains('M') && seen.contains('d')) {
            return Err(format!("`{text}` must name the year, month and day (yyyy, MM, dd)"));
        }
        Ok(Layout { parts })
    }

    /// The partition's path for `day`, ending with `/`: `dt=2026-11-24/`.
    pub fn path(&self, day: NaiveDate) -> String {
        let mut out = String::new();
        for p in &self.parts {
            if let Some(k) = &p.key {
                out.push_str(k);
                out.push('=');
            }
            out.push_str(&day.format(&p.format).to_string());
            out.push('/');
        }
        out
    }

    /// A GetPartitions expression for these days on a table partitioned by `keys`, when the
    /// layout's keys are among them: `(dt = '2026-11-24') OR (dt = '2026-11-23')`.
    pub fn expression(&self, keys: &[String], days: &[NaiveDate]) -> Option<String> {
        let named: Vec<(&str, &str)> =
            self.parts.iter().map(|p| Some((p.key.as_deref()?, p.format.as_str()))).collect::<Option<_>>()?;
        if named.is_empty() || !named.iter().all(|(k, _)| keys.iter().any(|x| x == k)) {
            return None;
        }
        let one = |d: &NaiveDate| {
            let terms: Vec<String> =
                named.iter().map(|(k, f)| format!("{k} = '{}'", d.format(f).to_string().replace('\'', ""))).collect();
            format!("({})", terms.join(" AND "))
        };
        Some(days.iter().map(one).collect::<Vec<_>>().join(" OR "))
    }

    /// `dt=2026-11-24` for a partition's values (in the table's key order), and its date.
    pub fn label(&self, keys: &[String], values: &[String]) -> (String, Option<NaiveDate>) {
        let pairs: Vec<String> = keys.iter().zip(values).map(|(k, v)| format!("{k}={v}")).collect();
        let mut text = String::new();
        let mut format = String::new();
        for p in &self.parts {
            let Some(k) = &p.key else { continue };
            if let Some(i) = keys.iter().position(|x| x == k) {
                text.push_str(values.get(i).map(String::as_str).unwrap_or(""));
                text.push('|');
                format.push_str(&p.format);
                format.push('|');
            }
        }
        (pairs.join("/"), NaiveDate::parse_from_str(&text, &format).ok())
    }
}

/// What a stream is expected to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub name: String,
    pub landing: Option<S3Prefix>,
    pub layout: Layout,
    /// (database, table pattern with `*`).
    pub catalog: Vec<(String, String)>,
    pub sla: Sla,
    pub tz: Tz,
    pub final_step: Option<String>,
}

impl Spec {
    /// A stream nothing is configured for.
    pub fn none(name: &str) -> Spec {
        let layout = Layout { parts: vec![LayoutPart { key: Some("dt".into()), format: "%Y-%m-%d".into() }] };
        Spec {
            name: name.into(),
            landing: None,
            layout,
            catalog: Vec::new(),
            sla: Sla::None,
            tz: Tz::UTC,
            final_step: None,
        }
    }

    /// Today and yesterday in the stream's zone, at `now`.
    pub fn days(&self, now: DateTime<Utc>) -> (NaiveDate, NaiveDate) {
        let today = now.with_timezone(&self.tz).date_naive();
        (today, today.pred_opt().unwrap_or(today))
    }

    /// `s3://bucket/prefix/dt=2026-11-24/` split into bucket and key prefix.
    pub fn partition_prefix(&self, day: NaiveDate) -> Option<(String, String)> {
        let l = self.landing.as_ref()?;
        Some((l.bucket.clone(), format!("{}{}", l.prefix, self.layout.path(day))))
    }
}

/// The instant a local wall time happens in `tz`: the first one when it happens twice (DST
/// ends), the end of the gap when it does not happen (DST starts).
pub fn local_instant(tz: Tz, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = day.and_time(time);
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            // In a gap: the first minute after it.
            let mut probe = naive;
            for _ in 0..(4 * 60) {
                probe += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            Utc.from_utc_datetime(&naive)
        }
    }
}

/// `s3://bucket/prefix/` (a trailing `/` is added).
pub fn parse_landing(text: &str) -> Result<S3Prefix, String> {
    let rest = text.strip_prefix("s3://").ok_or_else(|| format!("`{text}` is not an s3://bucket/prefix/ URI"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() || bucket.contains('{') {
        return Err(format!("`{text}` has no bucket"));
    }
    if prefix.contains('{') {
        return Err(format!("`{text}`: only {{stream}} may be templated"));
    }
    let mut prefix = prefix.trim_start_matches('/').to_string();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    Ok(S3Prefix { bucket: bucket.to_string(), prefix })
}

/// `06:00` or `6:30`.
pub fn parse_ready_by(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| format!("`{text}` is not a time of day like 06:00"))
}

/// `Europe/Berlin`, `UTC`.
pub fn parse_tz(text: &str) -> Result<Tz, String> {
    text.trim().parse::<Tz>().map_err(|_| format!("`{text}` is not an IANA time zone like Europe/Berlin"))
}

/// The landing root to discover streams under: the default `landing` up to a whole
/// `{stream}` path segment (`s3://landing/raw/{stream}/` -> `s3://landing/raw/`).
pub fn discovery_root(landing_template: &str) -> Option<S3Prefix> {
    let (before, _) = landing_template.split_once("{stream}")?;
    if !(before.ends_with('/') && before.matches('/').count() >= 3) {
        return None;
    }
    parse_landing(before).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn layouts_make_paths_expressions_and_labels() {
        let dt = Layout::parse("dt={yyyy-MM-dd}").expect("dt");
        assert_eq!(dt.path(day("2026-03-09")), "dt=2026-03-09/");
        let keys = vec!["dt".to_string()];
        assert_eq!(
            dt.expression(&keys, &[day("2026-03-09"), day("2026-03-08")]).as_deref(),
            Some("(dt = '2026-03-09') OR (dt = '2026-03-08')")
        );
        assert_eq!(dt.label(&keys, &["2026-03-09".into()]), ("dt=2026-03-09".into(), Some(day("2026-03-09"))));
        let ymd = Layout::parse("year={yyyy}/month={MM}/day={dd}").expect("ymd");
        assert_eq!(ymd.path(day("2026-03-09")), "year=2026/month=03/day=09/");
        let keys: Vec<String> = ["year", "month", "day"].map(String::from).to_vec();
        assert_eq!(
            ymd.expression(&keys, &[day("2026-03-09")]).as_deref(),
            Some("(year = '2026' AND month = '03' AND day = '09')")
        );
        let (label, date) = ymd.label(&keys, &["2026".into(), "03".into(), "09".into()]);
        assert_eq!((label.as_str(), date), ("year=2026/month=03/day=09", Some(day("2026-03-09"))));
        // A table partitioned by other keys gets no expression (never a listing of all its partitions).
        assert_eq!(dt.expression(&["ingest_date".to_string()], &[day("2026-03-09")]), None);
        let bare = Layout::parse("{yyyy}/{MM}/{dd}").expect("bare");
        assert_eq!(bare.path(day("2026-03-09")), "2026/03/09/");
        assert_eq!(bare.expression(&keys, &[day("2026-03-09")]), None);
    }

    #[test]
    fn landing_uris_and_the_discovery_root() {
        assert_eq!(parse_landing("s3://lz/raw/orders").map(|p| p.uri()), Ok("s3://lz/raw/orders/".to_string()));
        assert!(parse_landing("s3:///x").is_err() && parse_landing("lz/raw").is_err());
        assert_eq!(discovery_root("s3://lz/raw/{stream}/").map(|p| p.uri()), Some("s3://lz/raw/".to_string()));
        assert_eq!(
            discovery_root("s3://lz/{stream}/").map(|p| (p.bucket, p.prefix)),
            Some(("lz".into(), String::new()))
        );
        assert_eq!(discovery_root("s3://lz/raw-{stream}/"), None);
        assert_eq!(discovery_root("s3://lz-{stream}/raw/"), None);
    }
}
