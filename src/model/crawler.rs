//! Glue crawlers: state, last crawl and metrics.

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LastCrawl {
    /// SUCCEEDED, CANCELLED or FAILED.
    pub status: String,
    pub started_on: Option<DateTime<Utc>>,
    pub error_message: Option<String>,
    pub log_group: Option<String>,
    pub log_stream: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CrawlerMetrics {
    pub last_runtime_s: f64,
    pub median_runtime_s: f64,
    pub tables_created: i32,
    pub tables_updated: i32,
    pub tables_deleted: i32,
    pub time_left_s: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Crawler {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    pub name: String,
    /// READY, RUNNING or STOPPING.
    pub state: String,
    pub schedule: Option<String>,
    pub database: Option<String>,
    pub last_crawl: Option<LastCrawl>,
    pub metrics: Option<CrawlerMetrics>,
    /// Its tags (tag:GetResources, or GetTags on its ARN); the stream tag names its stream.
    pub tags: std::collections::BTreeMap<String, String>,
}

impl Crawler {
    /// When the last crawl ended: its start plus the last runtime.
    pub fn last_crawl_end(&self) -> Option<DateTime<Utc>> {
        let start = self.last_crawl.as_ref()?.started_on?;
        let runtime = self.metrics.map(|m| m.last_runtime_s).unwrap_or(0.0);
        Some(start + chrono::Duration::milliseconds((runtime * 1000.0) as i64))
    }

    /// Age of the catalog as this crawler last refreshed it: time since the end of the
    /// last crawl if it succeeded; `None` when the last crawl did not succeed (unknown).
    pub fn freshness_s(&self, now: DateTime<Utc>) -> Option<i64> {
        let lc = self.last_crawl.as_ref()?;
        if lc.status != "SUCCEEDED" {
            return None;
        }
        Some((now - self.last_crawl_end()?).num_seconds().max(0))
    }
}
