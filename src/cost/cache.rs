//! Cost Explorer answers cached on disk: every request costs $0.01, and the data changes
//! once a day, so a fresh answer is never asked for twice.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{CostQuery, CostReport};

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    report: CostReport,
}

/// The cache directory (`$XDG_CACHE_HOME/batchtop/cost`).
pub fn default_dir() -> PathBuf {
    crate::paths::cache_dir().join("cost")
}

/// FNV-1a: a stable file name for a key (not a security measure).
fn file_name(key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}.json")
}

/// On-disk cache of cost reports, one file per (account, query).
#[derive(Debug, Clone)]
pub struct CostCache {
    dir: PathBuf,
    ttl: Duration,
}

impl CostCache {
    pub fn new(dir: impl Into<PathBuf>, ttl: std::time::Duration) -> Self {
        Self { dir: dir.into(), ttl: Duration::from_std(ttl).unwrap_or(Duration::hours(6)) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn path(&self, account: &str, query: &CostQuery) -> PathBuf {
        self.dir.join(file_name(&query.cache_key(account)))
    }

    /// The cached report for this question, fresh or not (an unreadable file counts as none).
    pub fn load_any(&self, account: &str, query: &CostQuery) -> Option<CostReport> {
        let text = std::fs::read_to_string(self.path(account, query)).ok()?;
        let entry: Entry = match serde_json::from_str(&text) {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!("ignoring unreadable cost cache: {e}");
                return None;
            }
        };
        (entry.key == query.cache_key(account)).then_some(CostReport { from_cache: true, ..entry.report })
    }

    /// The cached report if it is younger than the TTL.
    pub fn load_fresh(&self, account: &str, query: &CostQuery, now: DateTime<Utc>) -> Option<CostReport> {
        self.load_any(account, query).filter(|r| self.is_fresh(r, now))
    }

    pub fn is_fresh(&self, report: &CostReport, now: DateTime<Utc>) -> bool {
        report.age(now) < self.ttl && report.fetched_at <= now + Duration::minutes(5)
    }

    /// Keep a report (written to a temporary file and renamed, mode 0600 on Unix).
    pub fn store(&self, account: &str, query: &CostQuery, report: &CostReport) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(account, query);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let entry = Entry { key: query.cache_key(account), report: CostReport { from_cache: false, ..report.clone() } };
        let body = serde_json::to_vec(&entry).map_err(std::io::Error::other)?;
        {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp)?;
            f.write_all(&body)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, &path)?;
        Ok(path)
    }
}
