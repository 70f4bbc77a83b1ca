//! What a cell needs from another source, indexed when data arrives: the Data Quality
//! mark of a Glue run, and the run cost estimates summed by tag. The render path only
//! looks these up.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::cost::estimate::{EstimateRow, Prices, Tally, emr_run, glue_run, sum_tallies};
use crate::model::{DqData, DqResult, EmrData, GlueData};

/// How a run's Data Quality results look in a table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DqMark {
    /// `FAIL`, `ok` or empty (no result).
    pub mark: &'static str,
    pub bad: bool,
    /// For the error column of a run without an error: the first failed rule.
    pub note: String,
}

/// The cross-source indexes.
#[derive(Debug, Clone, Default)]
pub struct Joins {
    /// By Glue job run id.
    dq: HashMap<String, DqMark>,
    /// Run estimates of the last 24 hours, summed by the cost pane's tags.
    pub estimates: Vec<EstimateRow>,
}

/// The window of the run estimates in `:cost`.
pub const ESTIMATE_WINDOW_HOURS: i64 = 24;

impl Joins {
    /// Index again from the data as it is now.
    pub fn rebuild(&mut self, glue: &GlueData, emr: &EmrData, dq: &DqData, settings: &Settings, now: DateTime<Utc>) {
        self.dq = dq_marks(glue, dq);
        self.estimates = estimates(glue, emr, settings, now - chrono::Duration::hours(ESTIMATE_WINDOW_HOURS));
    }

    /// Move the estimates' window to `now` (the clock ticked; the data did not change).
    pub fn slide(&mut self, glue: &GlueData, emr: &EmrData, settings: &Settings, now: DateTime<Utc>) {
        self.estimates = estimates(glue, emr, settings, now - chrono::Duration::hours(ESTIMATE_WINDOW_HOURS));
    }

    /// The DQ mark of a Glue run (empty when it produced no result).
    pub fn dq_mark(&self, run_id: &str) -> DqMark {
        self.dq.get(run_id).cloned().unwrap_or_default()
    }
}

fn dq_marks(glue: &GlueData, dq: &DqData) -> HashMap<String, DqMark> {
    let mut out = HashMap::new();
    // Results by the run that produced them: one lookup per run, not a scan.
    let mut by_run: HashMap<&str, Vec<&DqResult>> = HashMap::new();
    for r in &dq.results {
        if let Some(id) = r.job_run_id.as_deref() {
            by_run.entry(id).or_default().push(r);
        }
    }
    if by_run.is_empty() {
        return out;
    }
    for run in glue.jobs.iter().flat_map(|j| j.runs.iter()) {
        let Some(results) = by_run.get(run.id.as_str()) else { continue };
        let mine = results.iter().filter(|r| r.job_name.as_deref().is_none_or(|j| j == &*run.job_name));
        let mut any = false;
        let mut mark = None;
        for r in mine {
            any = true;
            if r.is_bad() {
                mark = Some(fail_mark(r));
                break;
            }
        }
        if any {
            out.insert(run.id.clone(), mark.unwrap_or(DqMark { mark: "ok", bad: false, note: String::new() }));
        }
    }
    out
}

fn fail_mark(r: &DqResult) -> DqMark {
    let rule = r.rules_worst_first().first().map(|x| x.name.clone()).unwrap_or_default();
    let n = r.failed() + r.errored();
    DqMark { mark: "FAIL", bad: true, note: format!("data quality: {n} rule(s) failed on {}: {rule}", r.data_source()) }
}

fn estimates(glue: &GlueData, emr: &EmrData, settings: &Settings, since: DateTime<Utc>) -> Vec<EstimateRow> {
    let prices = Prices::from_config(&settings.config.cost);
    let mut items: Vec<(&std::collections::BTreeMap<String, String>, Tally)> = Vec::new();
    // A job's runs share its tags: one tally per job. Runs are newest first (`last_run` is the
    // first): stop at the first one started before the window, not at the end of the history.
    for entry in &glue.jobs {
        let mut t = Tally::default();
        for run in entry.runs.iter().take_while(|r| r.started_on.is_none_or(|s| s >= since)) {
            if run.started_on.is_some() {
                t.add(glue_run(run, &prices));
            }
        }
        if t.runs > 0 {
            items.push((&entry.job.tags, t));
        }
    }
    for run in emr.runs.iter().filter(|r| r.created_at.is_some_and(|s| s >= since)) {
        let tags = if run.tags.is_empty() {
            emr.apps.iter().find(|a| a.id == run.app_id).map(|a| &a.tags).unwrap_or(&run.tags)
        } else {
            &run.tags
        };
        let mut t = Tally::default();
        t.add(emr_run(run, &prices));
        items.push((tags, t));
    }
    sum_tallies(items, &settings.config.cost.group_by)
}
