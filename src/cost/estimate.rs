//! What a run cost, estimated now from its own figures (Cost Explorer lags a day).

use crate::config::CostSection;
use crate::model::{EmrRun, JobRun};

/// Prices used for estimates (USD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    pub glue_dpu_hour: f64,
    pub emr_vcpu_hour: f64,
    pub emr_gb_hour: f64,
    pub emr_storage_gb_hour: f64,
}

impl Prices {
    pub fn from_config(c: &CostSection) -> Self {
        Self {
            glue_dpu_hour: c.glue_dpu_hour,
            emr_vcpu_hour: c.emr_vcpu_hour,
            emr_gb_hour: c.emr_gb_hour,
            emr_storage_gb_hour: c.emr_storage_gb_hour,
        }
    }
}

impl Default for Prices {
    fn default() -> Self {
        Self::from_config(&CostSection::default())
    }
}

/// A Glue run: DPU-hours (DPUSeconds, or ExecutionTime x capacity) x the DPU-hour price.
pub fn glue_run(run: &JobRun, prices: &Prices) -> Option<f64> {
    run.dpu_hours().map(|h| h * prices.glue_dpu_hour)
}

/// An EMR Serverless run: billedResourceUtilization x the vCPU-, GB- and storage-hour prices.
pub fn emr_run(run: &EmrRun, prices: &Prices) -> Option<f64> {
    let u = run.billed?;
    Some(
        u.vcpu_hours * prices.emr_vcpu_hour
            + u.memory_gb_hours * prices.emr_gb_hour
            + u.storage_gb_hours * prices.emr_storage_gb_hour,
    )
}

/// `~$1.23` (always marked as an estimate), or `-` when unknown.
pub fn label(cost: Option<f64>) -> String {
    match cost {
        Some(c) if c < 0.005 => "~$0.00".into(),
        Some(c) if c < 100.0 => format!("~${c:.2}"),
        Some(c) => format!("~${c:.0}"),
        None => "-".into(),
    }
}

/// Estimated cost of the runs of one group of tag values.
#[derive(Debug, Clone, PartialEq)]
pub struct EstimateRow {
    /// Tag values (empty: untagged).
    pub keys: std::collections::BTreeMap<String, String>,
    pub runs: usize,
    /// Runs without the figures an estimate needs.
    pub unknown: usize,
    pub cost: f64,
}

impl EstimateRow {
    pub fn label(&self, order: &[String]) -> String {
        super::label_of(&self.keys, order)
    }
}

/// Runs counted, runs without the figures an estimate needs, and the estimated cost.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub runs: usize,
    pub unknown: usize,
    pub cost: f64,
}

impl Tally {
    /// Count one run with its estimate (`None`: no figures).
    pub fn add(&mut self, cost: Option<f64>) {
        self.runs += 1;
        match cost {
            Some(c) => self.cost += c,
            None => self.unknown += 1,
        }
    }

    fn merge(&mut self, other: Tally) {
        self.runs += other.runs;
        self.unknown += other.unknown;
        self.cost += other.cost;
    }
}

/// Sum run estimates by the values of tag `keys`, most expensive first.
pub fn sum_by<'a>(
    items: impl IntoIterator<Item = (&'a std::collections::BTreeMap<String, String>, Option<f64>)>,
    keys: &[String],
) -> Vec<EstimateRow> {
    let tallies = items.into_iter().map(|(tags, cost)| {
        let mut t = Tally::default();
        t.add(cost);
        (tags, t)
    });
    sum_tallies(tallies, keys)
}

/// As `sum_by`, for runs already tallied per tag set (e.g. per job: its runs share its tags).
pub fn sum_tallies<'a>(
    items: impl IntoIterator<Item = (&'a std::collections::BTreeMap<String, String>, Tally)>,
    keys: &[String],
) -> Vec<EstimateRow> {
    // Keyed by borrowed tag values: no allocation per item but the small key vector.
    let mut groups: std::collections::BTreeMap<Vec<&'a str>, Tally> = Default::default();
    for (tags, tally) in items {
        let k: Vec<&str> = keys.iter().map(|key| tags.get(key).map(String::as_str).unwrap_or("")).collect();
        groups.entry(k).or_default().merge(tally);
    }
    let mut rows: Vec<EstimateRow> = groups
        .into_iter()
        .map(|(values, t)| EstimateRow {
            keys: keys.iter().cloned().zip(values.into_iter().map(str::to_string)).collect(),
            runs: t.runs,
            unknown: t.unknown,
            cost: t.cost,
        })
        .collect();
    rows.sort_by(|a, b| b.cost.total_cmp(&a.cost).then_with(|| a.keys.cmp(&b.keys)));
    rows
}
