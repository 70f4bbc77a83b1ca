//! The Data Quality pane (results and evaluation runs) and the cost pane.

use chrono::{DateTime, Utc};

use super::cursor::Cursor;
use crate::cost::{CostReport, CostRow};
use crate::model::{DqData, DqResult};

/// One result's rules, opened with Enter.
#[derive(Debug, Clone, Default)]
pub struct DqDetailPane {
    pub result_id: String,
    pub scroll: usize,
}

impl DqDetailPane {
    pub fn result<'a>(&self, dq: &'a DqData) -> Option<&'a DqResult> {
        dq.results.iter().find(|r| r.id == self.result_id)
    }
}

/// The cost pane: Cost Explorer by tag (cached), and what it cost the session.
#[derive(Debug, Clone, Default)]
pub struct CostState {
    pub report: Option<CostReport>,
    /// Rows of `report`, biggest movers first.
    pub rows: Vec<CostRow>,
    pub cursor: Cursor,
    /// GetCostAndUsage requests made by this session.
    pub requests: u32,
    /// A load is in flight.
    pub loading: bool,
    /// When a load (not a cache hit) was last started: automatic loads wait a TTL after it.
    pub last_attempt: Option<DateTime<Utc>>,
    /// The account (cache key) the report is for: contexts of one account share it.
    pub key: Option<String>,
}

impl CostState {
    pub fn set(&mut self, report: CostReport) {
        self.rows = report.rows();
        self.report = Some(report);
    }
}

/// A line of a result's detail.
#[derive(Debug, Clone, PartialEq)]
pub enum DqLine {
    Field(&'static str, String),
    Heading(String),
    Rule(crate::model::RuleOutcome, String),
    Message(String),
    Metric(String),
}

/// The detail of one result: its fields, then each rule (failed first) with its evaluation
/// message and evaluated metrics. Shared by the view and its scrolling.
pub fn dq_lines(r: &DqResult) -> Vec<DqLine> {
    let when =
        |t: Option<DateTime<Utc>>| t.map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or("-".into());
    let mut out = vec![
        DqLine::Field("result", r.id.clone()),
        DqLine::Field("data source", r.data_source()),
        DqLine::Field("ruleset", r.ruleset.clone().unwrap_or_else(|| "-".into())),
        DqLine::Field("score", r.score.map(|s| format!("{:.0} %", s * 100.0)).unwrap_or_else(|| "-".into())),
        DqLine::Field(
            "rules",
            format!("{} passed, {} failed, {} errored ({})", r.passed(), r.failed(), r.errored(), r.verdict()),
        ),
        DqLine::Field(
            "job run",
            match (&r.job_name, &r.job_run_id) {
                (Some(j), Some(id)) => format!("{j} {id}"),
                (None, Some(id)) => id.clone(),
                _ => "- (not produced by a job)".into(),
            },
        ),
        DqLine::Field("context", r.evaluation_context.clone().unwrap_or_else(|| "-".into())),
        DqLine::Field("started", when(r.started_on)),
        DqLine::Field("completed", when(r.completed_on)),
        DqLine::Heading(format!("rule results ({})", r.rules.len())),
    ];
    for rule in r.rules_worst_first() {
        out.push(DqLine::Rule(rule.outcome.clone(), rule.name.clone()));
        if let Some(m) = &rule.message {
            out.push(DqLine::Message(m.clone()));
        }
        for (k, v) in &rule.metrics {
            out.push(DqLine::Metric(format!("{k} = {v}")));
        }
    }
    out
}
