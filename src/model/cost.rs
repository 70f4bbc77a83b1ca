//! The Cost Explorer question and its raw answer, as the AWS seam takes and returns them.
//! What batchtop makes of the answer (reports, cache, estimates) lives in `cost`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One GetCostAndUsage question: daily cost of some services, grouped by up to two tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostQuery {
    /// First day (inclusive).
    pub start: NaiveDate,
    /// Day after the last (exclusive), as Cost Explorer takes it.
    pub end: NaiveDate,
    pub services: Vec<String>,
    pub group_by: Vec<String>,
    pub metric: String,
    /// Grouped by the LINKED_ACCOUNT dimension first, then `group_by` (at most one tag then):
    /// the question a payer account answers for all its member accounts at once.
    #[serde(default)]
    pub by_linked_account: bool,
}

impl CostQuery {
    /// Every day asked for, oldest first.
    pub fn days(&self) -> Vec<NaiveDate> {
        self.start.iter_days().take_while(|d| *d < self.end).collect()
    }

    /// The identity of the question in the cache: the account and everything but the dates,
    /// so a new day does not bypass the TTL.
    pub fn cache_key(&self, account: &str) -> String {
        let days = (self.end - self.start).num_days();
        let linked = if self.by_linked_account { "|LINKED_ACCOUNT" } else { "" };
        format!("{account}|{days}|{}|{}|{}{linked}", self.services.join(","), self.group_by.join(","), self.metric)
    }
}

/// One group of one day as Cost Explorer answers it (`Keys` like `team$commerce`).
#[derive(Debug, Clone, PartialEq)]
pub struct RawGroup {
    pub keys: Vec<String>,
    pub amount: f64,
    pub unit: String,
}

/// One `ResultsByTime` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDay {
    pub start: NaiveDate,
    pub estimated: bool,
    pub groups: Vec<RawGroup>,
    /// `Total` (present when the request has no GroupBy).
    pub total: Option<(f64, String)>,
}
