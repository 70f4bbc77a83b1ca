//! Cost: Cost Explorer daily cost by tag (cached, never polled) and per-run estimates.
//! Nothing in here knows about the SDK or the terminal.

pub mod cache;
pub mod estimate;
pub mod payer;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::CostSection;
pub use crate::model::cost::{CostQuery, RawDay, RawGroup};

/// What Cost Explorer charges per GetCostAndUsage request (USD).
pub const PRICE_PER_REQUEST: f64 = 0.01;

// The Cost Explorer question lives in `model` (the AWS seam takes it); this is how the
// configuration asks it.
impl CostQuery {
    /// The `days` days before `today` (so the last day is yesterday). Through a payer
    /// account only the first tag key: Cost Explorer groups by two keys at most, and the
    /// payer's question spends one on LINKED_ACCOUNT.
    pub fn last_days(today: NaiveDate, cfg: &CostSection) -> Self {
        let days = i64::from(cfg.days.max(1));
        let keys = if cfg.payer_profile.is_some() { 1 } else { 2 };
        Self {
            start: today - Duration::days(days),
            end: today,
            services: cfg.services.clone(),
            group_by: cfg.group_by.iter().take(keys).cloned().collect(),
            metric: cfg.metric.clone(),
            by_linked_account: false,
        }
    }
}

/// One group's cost: its tag values (empty value = untagged) and a figure per day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostGroup {
    pub keys: BTreeMap<String, String>,
    pub daily: Vec<f64>,
    pub total: f64,
}

impl CostGroup {
    /// Untagged: one of its tag values is empty (`team$`).
    pub fn untagged(&self) -> bool {
        self.keys.values().any(String::is_empty)
    }

    /// `team=finance stream=payments`, keys in `order` (the query's group-by order) first.
    pub fn label(&self, order: &[String]) -> String {
        label_of(&self.keys, order)
    }
}

/// `team=finance stream=payments`; an empty value reads `(untagged)`.
pub fn label_of(keys: &BTreeMap<String, String>, order: &[String]) -> String {
    if keys.is_empty() {
        return "(all)".into();
    }
    let mut names: Vec<&String> = order.iter().filter(|k| keys.contains_key(*k)).collect();
    names.extend(keys.keys().filter(|k| !order.contains(k)));
    let parts: Vec<String> = names
        .into_iter()
        .map(|k| match keys[k].as_str() {
            "" => format!("{k}=(untagged)"),
            v => format!("{k}={v}"),
        })
        .collect();
    parts.join(" ")
}

/// The answer to a `CostQuery`, as batchtop keeps and caches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    pub currency: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub group_by: Vec<String>,
    pub days: Vec<NaiveDate>,
    /// Days Cost Explorer still marks as estimated.
    pub estimated: Vec<bool>,
    pub groups: Vec<CostGroup>,
    pub fetched_at: DateTime<Utc>,
    /// Set when the report came from the disk cache rather than a request.
    #[serde(default)]
    pub from_cache: bool,
    /// GetCostAndUsage requests this report took (pages).
    pub requests: u32,
}

/// `team$commerce` -> (`team`, `commerce`); `team$` -> (`team`, ``). Keys without `$`
/// (a dimension group) keep their text as the value.
fn split_key(raw: &str, fallback_key: &str) -> (String, String) {
    match raw.split_once('$') {
        Some((k, v)) => (k.to_string(), v.to_string()),
        None => (fallback_key.to_string(), raw.to_string()),
    }
}

impl CostReport {
    /// The cost of day `day` of the groups whose tag `key` is `value` (None: the report
    /// does not group by `key`, has no such day, or no such group).
    pub fn day_total(&self, key: &str, value: &str, day: NaiveDate) -> Option<f64> {
        if !self.group_by.iter().any(|k| k == key) {
            return None;
        }
        let i = self.days.iter().position(|d| *d == day)?;
        let mine: Vec<f64> = self
            .groups
            .iter()
            .filter(|g| g.keys.get(key).map(String::as_str) == Some(value))
            .filter_map(|g| g.daily.get(i).copied())
            .collect();
        (!mine.is_empty()).then(|| mine.iter().sum())
    }

    /// Fold the pages Cost Explorer returned into one table of groups x days.
    pub fn assemble(query: &CostQuery, days_in: &[RawDay], fetched_at: DateTime<Utc>, requests: u32) -> Self {
        let days = query.days();
        let index: BTreeMap<NaiveDate, usize> = days.iter().enumerate().map(|(i, d)| (*d, i)).collect();
        let mut estimated = vec![false; days.len()];
        let mut groups: BTreeMap<Vec<(String, String)>, Vec<f64>> = BTreeMap::new();
        let mut currency: Option<String> = None;
        for day in days_in {
            let Some(&i) = index.get(&day.start) else { continue };
            estimated[i] |= day.estimated;
            if day.groups.is_empty() {
                if let Some((amount, unit)) = &day.total {
                    currency.get_or_insert_with(|| unit.clone());
                    groups.entry(Vec::new()).or_insert_with(|| vec![0.0; days.len()])[i] += amount;
                }
                continue;
            }
            for g in &day.groups {
                currency.get_or_insert_with(|| g.unit.clone());
                let keys: Vec<(String, String)> = g
                    .keys
                    .iter()
                    .enumerate()
                    .map(|(n, raw)| split_key(raw, query.group_by.get(n).map(String::as_str).unwrap_or("key")))
                    .collect();
                groups.entry(keys).or_insert_with(|| vec![0.0; days.len()])[i] += g.amount;
            }
        }
        let groups = groups
            .into_iter()
            .map(|(keys, daily)| CostGroup { keys: keys.into_iter().collect(), total: daily.iter().sum(), daily })
            .collect();
        CostReport {
            currency: currency.unwrap_or_else(|| "USD".into()),
            start: query.start,
            end: query.end,
            group_by: query.group_by.clone(),
            days,
            estimated,
            groups,
            fetched_at,
            from_cache: false,
            requests,
        }
    }

    pub fn total(&self) -> f64 {
        self.groups.iter().map(|g| g.total).sum()
    }

    /// Cost of the untagged groups and its share of the total (0 when nothing was spent).
    pub fn untagged(&self) -> (f64, f64) {
        let untagged: f64 = self.groups.iter().filter(|g| g.untagged()).map(|g| g.total).sum();
        let total = self.total();
        (untagged, if total > 0.0 { untagged / total } else { 0.0 })
    }

    /// The rows of the cost table, biggest movers first.
    pub fn rows(&self) -> Vec<CostRow> {
        let mut rows: Vec<CostRow> =
            self.groups.iter().map(|g| CostRow::of(g, self.days.len(), &self.group_by)).collect();
        rows.sort_by(|a, b| {
            b.change.abs().total_cmp(&a.change.abs()).then(b.total.total_cmp(&a.total)).then(a.label.cmp(&b.label))
        });
        rows
    }

    /// Age of the data, for the pane.
    pub fn age(&self, now: DateTime<Utc>) -> Duration {
        now - self.fetched_at
    }
}

/// One row of the cost table.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub label: String,
    pub keys: BTreeMap<String, String>,
    pub total: f64,
    /// The last day of the period.
    pub yesterday: f64,
    /// The period's daily mean.
    pub mean: f64,
    /// yesterday - mean.
    pub change: f64,
    /// change / mean (None when the mean is 0).
    pub change_ratio: Option<f64>,
    pub daily: Vec<f64>,
    pub untagged: bool,
}

impl CostRow {
    fn of(g: &CostGroup, days: usize, order: &[String]) -> Self {
        let yesterday = g.daily.last().copied().unwrap_or(0.0);
        let mean = if days > 0 { g.total / days as f64 } else { 0.0 };
        let change = yesterday - mean;
        CostRow {
            label: g.label(order),
            keys: g.keys.clone(),
            total: g.total,
            yesterday,
            mean,
            change,
            change_ratio: (mean > 0.0).then(|| change / mean),
            daily: g.daily.clone(),
            untagged: g.untagged(),
        }
    }
}

/// The report for `query`: the cached one while it is younger than the TTL (unless `force`),
/// else one (paginated) GetCostAndUsage, which is then cached.
pub async fn load(
    reader: &dyn crate::aws::CostRead,
    cache: &cache::CostCache,
    account: &str,
    query: &CostQuery,
    now: DateTime<Utc>,
    force: bool,
) -> crate::aws::AwsResult<CostReport> {
    if !force && let Some(r) = cache.load_fresh(account, query, now) {
        return Ok(r);
    }
    if force {
        reader.forget().await;
    }
    let (days, requests) = reader.cost_and_usage(query, account).await?;
    let report = CostReport::assemble(query, &days, now, requests);
    if let Err(e) = cache.store(account, query, &report) {
        tracing::warn!("cannot cache the cost report in {}: {e}", cache.dir().display());
    }
    Ok(report)
}

#[cfg(test)]
mod tests;
