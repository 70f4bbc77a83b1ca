//! The demo's landing zone, Data Catalog and triggers (`s3://landing-zone-prod/{stream}/dt=…/`,
//! `curated.{stream}_publish` partitioned by `dt`, a nightly SCHEDULED trigger per stream),
//! generated around the epoch in the demo's zone (Europe/Berlin) with a generator of their own,
//! so the rest of the demo stays as it was:
//! - orders, payments and shipments landed today and yesterday, with `_SUCCESS` yesterday;
//! - inventory landed today, but its crawler failed: the catalog has yesterday's partition only;
//! - customers landed nothing today (yesterday's files only);
//! - `returns/` holds files no job or crawler reads (an undiscovered stream).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

use super::rng::Rng;
use super::{DemoAccount, not_found};
use crate::aws::{AwsResult, BoxFut, CatalogRead, LandingRead};
use crate::model::{CatalogPartition, CatalogTable, PartitionStats, Trigger, TriggerAction};

pub const BUCKET: &str = "landing-zone-prod";
const ZONE: chrono_tz::Tz = chrono_tz::Europe::Berlin;

/// The `[streams]` settings `--demo` runs with when the config sets no landing.
pub const STREAMS_CONFIG: &str = r#"
[streams]
name_regex = "^(?P<stream>[a-z]+)_"
landing = "s3://landing-zone-prod/{stream}/"
partition = "dt={yyyy-MM-dd}"
catalog = ["curated.{stream}_publish"]
final = "{stream}_publish"
timezone = "Europe/Berlin"
fresh_within = "6h"

[streams.stream.orders]
ready_by = "06:00"

[streams.stream.payments]
ready_by = "06:00"
"#;

/// What the demo's S3 and catalog hold.
#[derive(Debug, Clone, Default)]
pub struct LandingZone {
    /// key -> (bytes, last modified).
    pub objects: BTreeMap<String, (u64, DateTime<Utc>)>,
    /// (database, table) -> partitions.
    pub tables: BTreeMap<(String, String), (CatalogTable, Vec<CatalogPartition>)>,
    pub triggers: Vec<Trigger>,
}

fn put_day(
    zone: &mut LandingZone,
    rng: &mut Rng,
    stream: &str,
    day: chrono::NaiveDate,
    span: (DateTime<Utc>, DateTime<Utc>),
    marker: bool,
) {
    let (from, to) = span;
    let n = 6 + rng.range(0, 6);
    let width = (to - from).num_seconds().max(60);
    for i in 0..n {
        let at = from + Duration::seconds(width * (i + 1) / (n + 1));
        let key = format!("{stream}/dt={day}/part-{i:05}.parquet");
        zone.objects.insert(key, (rng.range(2_000_000, 60_000_000) as u64, at));
    }
    if marker {
        zone.objects.insert(format!("{stream}/dt={day}/_SUCCESS"), (0, to));
    }
}

/// Build it around `epoch`.
pub fn generate(seed: u64, epoch: DateTime<Utc>) -> LandingZone {
    let mut rng = Rng::new(seed ^ 0x1A9D_2011);
    let mut zone = LandingZone::default();
    let today = epoch.with_timezone(&ZONE).date_naive();
    let yesterday = today.pred_opt().unwrap_or(today);
    // Local midnight (Berlin has no DST change at midnight).
    let start = |d: chrono::NaiveDate| {
        ZONE.from_local_datetime(&d.and_time(NaiveTime::MIN)).earliest().map(|t| t.with_timezone(&Utc)).unwrap_or(epoch)
    };
    let (t0, y0) = (start(today), start(yesterday));
    let landed_by = (epoch - Duration::minutes(20)).max(t0);
    for stream in ["orders", "payments", "inventory", "customers", "shipments", "returns"] {
        // customers' last file is at least 7 hours old, whatever the time of day.
        let end = if stream == "customers" {
            (t0 - Duration::minutes(30)).min(epoch - Duration::hours(7))
        } else {
            t0 - Duration::minutes(30)
        };
        put_day(&mut zone, &mut rng, stream, yesterday, (y0.min(end - Duration::hours(1)), end), true);
        if stream != "customers" {
            put_day(&mut zone, &mut rng, stream, today, (t0, landed_by), false);
        }
        if stream == "returns" {
            continue;
        }
        let table = CatalogTable {
            database: "curated".into(),
            name: format!("{stream}_publish"),
            partition_keys: vec!["dt".into()],
            update_time: Some(y0 + Duration::hours(3)),
        };
        let mut parts =
            vec![CatalogPartition { values: vec![yesterday.to_string()], created: Some(y0 + Duration::hours(3)) }];
        if !matches!(stream, "inventory" | "customers") {
            parts.push(CatalogPartition { values: vec![today.to_string()], created: Some(t0 + Duration::hours(3)) });
        }
        zone.tables.insert(("curated".into(), table.name.clone()), (table, parts));
        zone.triggers.push(Trigger {
            ctx: 0,
            name: format!("{stream}_start"),
            kind: "SCHEDULED".into(),
            state: "ACTIVATED".into(),
            schedule: Some(format!("cron({} 2 * * ? *)", 15 * (zone.triggers.len() % 4))),
            workflow: Some(format!("{stream}_pipeline")),
            actions: vec![TriggerAction { job: Some(format!("{stream}_ingest_raw")), crawler: None }],
        });
    }
    zone
}

impl LandingRead for DemoAccount {
    fn partition<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<PartitionStats>> {
        let r = self.read(|i, now| {
            if bucket != BUCKET {
                return Err(not_found("s3:ListObjectsV2", format!("bucket {bucket}")));
            }
            let mut s = PartitionStats { uri: format!("s3://{bucket}/{prefix}"), ..Default::default() };
            for (key, (bytes, at)) in i.landing.objects.range(prefix.to_string()..) {
                if !key.starts_with(prefix) {
                    break;
                }
                if *at > now {
                    continue;
                }
                s.objects += 1;
                s.bytes += bytes;
                s.newest = s.newest.max(Some(*at));
                s.success_marker |= key.ends_with("/_SUCCESS");
            }
            Ok(s)
        });
        Box::pin(async move { r })
    }

    fn children<'a>(&'a self, bucket: &'a str, prefix: &'a str) -> BoxFut<'a, AwsResult<Vec<String>>> {
        let r = self.read(|i, _| {
            if bucket != BUCKET {
                return Err(not_found("s3:ListObjectsV2", format!("bucket {bucket}")));
            }
            let mut names: Vec<String> = i
                .landing
                .objects
                .keys()
                .filter_map(|k| k.strip_prefix(prefix)?.split_once('/').map(|(n, _)| n.to_string()))
                .collect();
            names.dedup();
            Ok(names)
        });
        Box::pin(async move { r })
    }
}

impl CatalogRead for DemoAccount {
    fn tables<'a>(&'a self, database: &'a str, pattern: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogTable>>> {
        let r = self.read(|i, _| {
            let re = regex::Regex::new(&format!("^(?:{pattern})$"))
                .map_err(|e| not_found("glue:GetTables", e.to_string()))?;
            Ok(i.landing
                .tables
                .values()
                .filter(|(t, _)| t.database == database && re.is_match(&t.name))
                .map(|(t, _)| t.clone())
                .collect())
        });
        Box::pin(async move { r })
    }

    fn partitions<'a>(
        &'a self,
        database: &'a str,
        table: &'a str,
        expression: &'a str,
    ) -> BoxFut<'a, AwsResult<Vec<CatalogPartition>>> {
        let r = self.read(|i, now| {
            let (_, parts) = i
                .landing
                .tables
                .get(&(database.to_string(), table.to_string()))
                .ok_or_else(|| not_found("glue:GetPartitions", format!("table {database}.{table}")))?;
            // The demo reads `dt = '…'` terms only, as batchtop writes them.
            let wanted = |p: &&CatalogPartition| p.values.iter().all(|v| expression.contains(&format!("'{v}'")));
            Ok(parts.iter().filter(wanted).filter(|p| p.created.is_none_or(|c| c <= now)).cloned().collect())
        });
        Box::pin(async move { r })
    }

    fn triggers(&self) -> BoxFut<'_, AwsResult<Vec<Trigger>>> {
        let r = self.read(|i, _| Ok(i.landing.triggers.clone()));
        Box::pin(async move { r })
    }
}
