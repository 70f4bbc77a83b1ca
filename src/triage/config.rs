//! `[triage]` in config.toml: rules of one's own, tried before the built-in table.
//!
//! ```toml
//! [[triage.rules]]
//! pattern = "(?i)vendor api quota"          # a regex; add (?i) to ignore case
//! category = "throttled"                    # one of the category names, exactly
//! advice = "the vendor API is rate limited: stagger the nightly jobs"
//! retry_helps = true                        # optional; the category's default when absent
//! ```

use serde::Deserialize;

use super::Category;

/// One user rule. Unknown keys and unknown category names are errors.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// A regex matched against each line of the error message and of the logs.
    pub pattern: String,
    pub category: Category,
    /// One line an on-call engineer can act on.
    pub advice: String,
    /// Whether a rerun helps; when absent, the category's default (`Category::retry_helps`).
    #[serde(default)]
    pub retry_helps: Option<bool>,
}

/// The `[triage]` section.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TriageSection {
    pub rules: Vec<RuleConfig>,
    /// Severity per inbox source (`glue_job = "warning"`, `crawler = "critical"`).
    pub severity: std::collections::BTreeMap<super::inbox::ItemSource, super::inbox::Severity>,
    /// An EMR Serverless run waiting longer than this is an inbox item (default 30m).
    pub emr_waiting_after: Option<String>,
    /// A Glue run RUNNING longer than this many times its job's median is one (default 3).
    pub long_running_factor: Option<f64>,
}

impl TriageSection {
    /// The inbox thresholds, or what is wrong with them (one line).
    pub fn limits(&self, crawler_stale_after: std::time::Duration) -> Result<super::inbox::Limits, String> {
        let mut limits = super::inbox::Limits::default();
        if let Some(w) = &self.emr_waiting_after {
            let d = crate::duration::parse(w).map_err(|e| format!("triage.emr_waiting_after: {e}"))?;
            limits.emr_waiting_after =
                chrono::Duration::from_std(d).map_err(|e| format!("triage.emr_waiting_after: {e}"))?;
        }
        if let Some(f) = self.long_running_factor {
            if !f.is_finite() || f < 1.0 {
                return Err("triage.long_running_factor: must be a number of at least 1".into());
            }
            limits.long_running_factor = f;
        }
        limits.crawler_stale_after =
            chrono::Duration::from_std(crawler_stale_after).unwrap_or(limits.crawler_stale_after);
        limits.severity = self.severity.iter().map(|(k, v)| (*k, *v)).collect();
        Ok(limits)
    }
}
