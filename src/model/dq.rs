//! Glue Data Quality: results of rulesets evaluated on tables, and evaluation runs.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// The outcome of one rule (DataQualityRuleResultStatus).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RuleOutcome {
    Fail,
    Error,
    Pass,
    Other(String),
}

impl RuleOutcome {
    pub fn parse(s: &str) -> Self {
        match s {
            "PASS" => RuleOutcome::Pass,
            "FAIL" => RuleOutcome::Fail,
            "ERROR" => RuleOutcome::Error,
            other => RuleOutcome::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            RuleOutcome::Pass => "PASS",
            RuleOutcome::Fail => "FAIL",
            RuleOutcome::Error => "ERROR",
            RuleOutcome::Other(s) => s,
        }
    }
}

/// One rule's result inside a DQ result.
#[derive(Debug, Clone, PartialEq)]
pub struct DqRule {
    pub name: String,
    pub description: Option<String>,
    pub outcome: RuleOutcome,
    pub message: Option<String>,
    pub evaluated_rule: Option<String>,
    pub metrics: BTreeMap<String, f64>,
}

/// A Data Quality result (GetDataQualityResult).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DqResult {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    pub id: String,
    pub database: Option<String>,
    pub table: Option<String>,
    pub catalog: Option<String>,
    pub ruleset: Option<String>,
    pub score: Option<f64>,
    pub evaluation_context: Option<String>,
    pub job_name: Option<String>,
    pub job_run_id: Option<String>,
    pub ruleset_evaluation_run_id: Option<String>,
    pub started_on: Option<DateTime<Utc>>,
    pub completed_on: Option<DateTime<Utc>>,
    pub rules: Vec<DqRule>,
    /// The tags of its ruleset (tag:GetResources, or GetTags on the ruleset's ARN); the
    /// stream tag names its stream.
    pub ruleset_tags: BTreeMap<String, String>,
}

impl DqResult {
    /// `database.table`, or what is known of it.
    pub fn data_source(&self) -> String {
        match (&self.database, &self.table) {
            (Some(d), Some(t)) => format!("{d}.{t}"),
            (None, Some(t)) => t.clone(),
            (Some(d), None) => format!("{d}.?"),
            (None, None) => "?".into(),
        }
    }

    fn count(&self, outcome: &RuleOutcome) -> usize {
        self.rules.iter().filter(|r| &r.outcome == outcome).count()
    }

    pub fn passed(&self) -> usize {
        self.count(&RuleOutcome::Pass)
    }

    pub fn failed(&self) -> usize {
        self.count(&RuleOutcome::Fail)
    }

    pub fn errored(&self) -> usize {
        self.count(&RuleOutcome::Error)
    }

    /// FAILED when a rule failed, ERROR when one errored, else PASSED.
    pub fn verdict(&self) -> &'static str {
        if self.failed() > 0 {
            "FAILED"
        } else if self.errored() > 0 {
            "ERROR"
        } else {
            "PASSED"
        }
    }

    pub fn is_bad(&self) -> bool {
        self.failed() > 0 || self.errored() > 0
    }

    /// Rules with failed rules first, then errored, then passed; by name within each.
    pub fn rules_worst_first(&self) -> Vec<&DqRule> {
        let mut rules: Vec<&DqRule> = self.rules.iter().collect();
        rules.sort_by(|a, b| a.outcome.cmp(&b.outcome).then_with(|| a.name.cmp(&b.name)));
        rules
    }

    pub fn duration_s(&self) -> Option<i64> {
        Some((self.completed_on? - self.started_on?).num_seconds().max(0))
    }
}

/// A ruleset evaluation run (GetDataQualityRulesetEvaluationRun).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DqEvalRun {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    pub id: String,
    pub status: String,
    pub error: Option<String>,
    pub database: Option<String>,
    pub table: Option<String>,
    pub rulesets: Vec<String>,
    pub started_on: Option<DateTime<Utc>>,
    pub completed_on: Option<DateTime<Utc>>,
    pub execution_time_s: Option<i64>,
    pub result_ids: Vec<String>,
}

impl DqEvalRun {
    pub fn data_source(&self) -> String {
        match (&self.database, &self.table) {
            (Some(d), Some(t)) => format!("{d}.{t}"),
            (_, Some(t)) => t.clone(),
            _ => "?".into(),
        }
    }

    pub fn is_failure(&self) -> bool {
        matches!(self.status.as_str(), "FAILED" | "TIMEOUT" | "STOPPED")
    }
}

/// What a Data Quality poll brings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DqData {
    /// Newest first.
    pub results: Vec<DqResult>,
    /// Newest first.
    pub runs: Vec<DqEvalRun>,
}

impl DqData {
    /// Results produced by a job run.
    pub fn for_job_run<'a>(&'a self, job: &'a str, run_id: &'a str) -> impl Iterator<Item = &'a DqResult> + 'a {
        self.results
            .iter()
            .filter(move |r| r.job_run_id.as_deref() == Some(run_id) && r.job_name.as_deref().is_none_or(|j| j == job))
    }

    /// Whether a job run's data failed a rule (or a rule errored).
    pub fn run_failed(&self, job: &str, run_id: &str) -> bool {
        self.for_job_run(job, run_id).any(DqResult::is_bad)
    }
}

/// What to list (ListDataQualityResults filter).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DqFilter {
    pub job_name: Option<String>,
    pub job_run_id: Option<String>,
    /// (database, table).
    pub table: Option<(String, String)>,
    pub started_after: Option<DateTime<Utc>>,
    pub started_before: Option<DateTime<Utc>>,
}
