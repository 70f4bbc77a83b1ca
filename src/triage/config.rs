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
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TriageSection {
    pub rules: Vec<RuleConfig>,
}
