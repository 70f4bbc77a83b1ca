//! Demo Data Quality results and Cost Explorer answers.
//!
//! DQ: the `curate` and `publish` steps evaluate a ruleset on their curated table after each
//! successful run. The newest successful run of `orders_curate` loaded rows with missing
//! customer ids: its completeness rule fails although the run succeeded. One evaluation run
//! failed on a permission error.
//!
//! Cost: two weeks of daily cost per stream (tagged team and stream), some untagged spend, and
//! the payments stream doubling on the last day.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::rng::Rng;
use super::seed::{PlannedRun, STREAMS};
use super::{DemoAccount, Inner};
use crate::aws::{AwsResult, BoxFut, CostRead, DataQualityRead};
use crate::model::cost::{CostQuery, RawDay, RawGroup};
use crate::model::{DqData, DqEvalRun, DqFilter, DqResult, DqRule, RuleOutcome, RunState};

const CHECKED_STEPS: [&str; 2] = ["curate", "publish"];
/// The job whose newest successful run loaded incomplete data.
pub const BAD_DATA_JOB: &str = "orders_curate";

fn rule(name: &str, outcome: RuleOutcome, message: Option<String>, metric: (&str, f64)) -> DqRule {
    DqRule {
        name: name.to_string(),
        description: Some(name.to_string()),
        outcome,
        message,
        evaluated_rule: Some(name.to_string()),
        metrics: BTreeMap::from([(metric.0.to_string(), metric.1)]),
    }
}

fn result_for(run: &PlannedRun, bad: bool) -> DqResult {
    let table = run.job_name.clone();
    let stream = run.job_name.split('_').next().unwrap_or("data").to_string();
    let key = if stream == "orders" { "customer_id".to_string() } else { format!("{stream}_id") };
    let completeness = if bad { 0.9412 } else { 1.0 };
    let mut rules = vec![
        rule(
            &format!("IsComplete \"{key}\""),
            if bad { RuleOutcome::Fail } else { RuleOutcome::Pass },
            bad.then(|| format!("Value: {completeness} does not meet the constraint requirement!")),
            (&format!("Column.{key}.Completeness"), completeness),
        ),
        rule("RowCount > 1000", RuleOutcome::Pass, None, ("Dataset.*.RowCount", 48_213.0)),
        rule(
            &format!("Uniqueness \"{key}\" > 0.99"),
            RuleOutcome::Pass,
            None,
            (&format!("Column.{key}.Uniqueness"), 1.0),
        ),
        rule("ColumnValues \"amount\" >= 0", RuleOutcome::Pass, None, ("Column.amount.Minimum", 0.0)),
    ];
    if bad {
        rules.push(rule(
            "Completeness \"shipping_address\" > 0.95",
            RuleOutcome::Fail,
            Some("Value: 0.8874 does not meet the constraint requirement!".into()),
            ("Column.shipping_address.Completeness", 0.8874),
        ));
    }
    let passed = rules.iter().filter(|r| r.outcome == RuleOutcome::Pass).count();
    let id_tail: String = run.id.chars().rev().take(16).collect();
    DqResult {
        ctx: 0,
        id: format!("dqresult-{id_tail}"),
        database: Some("curated".into()),
        table: Some(table.clone()),
        catalog: None,
        ruleset: Some(format!("{table}_rules")),
        score: Some(passed as f64 / rules.len() as f64),
        evaluation_context: Some("EvaluateDataQuality_node1".into()),
        job_name: Some(run.job_name.clone()),
        job_run_id: Some(run.id.clone()),
        ruleset_evaluation_run_id: None,
        started_on: Some(run.end - Duration::seconds(40)),
        completed_on: Some(run.end - Duration::seconds(5)),
        rules,
        ruleset_tags: BTreeMap::new(),
    }
}

fn results(inner: &Inner, now: DateTime<Utc>) -> Vec<DqResult> {
    let mut out = Vec::new();
    for (job, runs) in &inner.runs {
        if !CHECKED_STEPS.iter().any(|s| job.ends_with(s)) {
            continue;
        }
        let done: Vec<&PlannedRun> =
            runs.iter().filter(|r| r.end <= now && r.final_state == RunState::Succeeded).collect();
        let newest = done.iter().map(|r| r.start).max();
        for r in done {
            out.push(result_for(r, job == BAD_DATA_JOB && Some(r.start) == newest));
        }
    }
    out.sort_by(|a, b| b.started_on.cmp(&a.started_on).then_with(|| a.id.cmp(&b.id)));
    out
}

fn eval_runs(now: DateTime<Utc>) -> Vec<DqEvalRun> {
    let failed = DqEvalRun {
        ctx: 0,
        id: "dqrun-6f1c9a0e2b7d4c3a".into(),
        status: "FAILED".into(),
        error: Some(
            "AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/GlueDQRole is not authorized to perform: glue:GetTable on resource: arn:aws:glue:eu-west-1:000000000000:table/curated/payments_publish".into(),
        ),
        database: Some("curated".into()),
        table: Some("payments_publish".into()),
        rulesets: vec!["payments_publish_rules".into()],
        started_on: Some(now - Duration::hours(3)),
        completed_on: Some(now - Duration::hours(3) + Duration::seconds(74)),
        execution_time_s: Some(74),
        result_ids: Vec::new(),
    };
    let ok = DqEvalRun {
        id: "dqrun-0a9b8c7d6e5f4a3b".into(),
        status: "SUCCEEDED".into(),
        database: Some("curated".into()),
        table: Some("customers_curate".into()),
        rulesets: vec!["customers_curate_rules".into()],
        started_on: Some(now - Duration::hours(7)),
        completed_on: Some(now - Duration::hours(7) + Duration::seconds(212)),
        execution_time_s: Some(212),
        ..Default::default()
    };
    vec![failed, ok]
}

fn matches(r: &DqResult, f: &DqFilter) -> bool {
    f.job_name.as_ref().is_none_or(|j| r.job_name.as_ref() == Some(j))
        && f.job_run_id.as_ref().is_none_or(|j| r.job_run_id.as_ref() == Some(j))
        && f.table.as_ref().is_none_or(|(d, t)| r.database.as_ref() == Some(d) && r.table.as_ref() == Some(t))
        && f.started_after.is_none_or(|a| r.started_on.is_some_and(|s| s > a))
        && f.started_before.is_none_or(|b| r.started_on.is_some_and(|s| s < b))
}

impl DataQualityRead for DemoAccount {
    fn dq_results<'a>(&'a self, filter: &'a DqFilter) -> BoxFut<'a, AwsResult<Vec<DqResult>>> {
        let r = self.read(|i, now| Ok(results(i, now).into_iter().filter(|r| matches(r, filter)).collect()));
        Box::pin(async move { r })
    }

    fn dq_overview(&self, since: Option<DateTime<Utc>>) -> BoxFut<'_, AwsResult<DqData>> {
        let filter = DqFilter { started_after: since, ..Default::default() };
        let r = self.read(|i, now| {
            let results = results(i, now).into_iter().filter(|r| matches(r, &filter)).collect();
            Ok(DqData { results, runs: eval_runs(now) })
        });
        Box::pin(async move { r })
    }
}

/// The teams of the demo streams (as their jobs are tagged).
fn team_of(inner: &Inner, stream: &str) -> String {
    inner
        .jobs
        .iter()
        .find(|j| j.tags.get("stream").map(String::as_str) == Some(stream))
        .and_then(|j| j.tags.get("team").cloned())
        .unwrap_or_default()
}

fn demo_cost(inner: &Inner, query: &CostQuery, now: DateTime<Utc>) -> Vec<RawDay> {
    let yesterday = (now - Duration::days(1)).date_naive();
    // (tags, base daily cost): each stream, plus untagged spend (dev endpoints, ad-hoc runs).
    let mut sources: Vec<(BTreeMap<&str, String>, f64)> = STREAMS
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let tags = BTreeMap::from([("stream", s.to_string()), ("team", team_of(inner, s))]);
            (tags, 18.0 + 9.0 * i as f64)
        })
        .collect();
    sources.push((BTreeMap::new(), 6.5));
    query
        .days()
        .into_iter()
        .map(|day| {
            let mut rng =
                Rng::new(day.to_string().bytes().fold(super::DEMO_SEED, |h, b| h.rotate_left(5) ^ u64::from(b)));
            let mut groups: BTreeMap<Vec<String>, f64> = BTreeMap::new();
            for (tags, base) in &sources {
                let mut amount = base * (0.9 + rng.range(0, 200) as f64 / 1000.0);
                if day == yesterday && tags.get("stream").map(String::as_str) == Some("payments") {
                    amount *= 2.0;
                }
                let keys = query
                    .group_by
                    .iter()
                    .map(|k| format!("{k}${}", tags.get(k.as_str()).cloned().unwrap_or_default()))
                    .collect();
                *groups.entry(keys).or_default() += amount;
            }
            let total: f64 = groups.values().sum();
            RawDay {
                start: day,
                estimated: day >= yesterday,
                groups: if query.group_by.is_empty() {
                    Vec::new()
                } else {
                    groups
                        .into_iter()
                        .map(|(keys, amount)| RawGroup {
                            keys,
                            amount: (amount * 100.0).round() / 100.0,
                            unit: "USD".into(),
                        })
                        .collect()
                },
                total: Some((total, "USD".into())),
            }
        })
        .collect()
}

impl CostRead for DemoAccount {
    fn cost_and_usage<'a>(
        &'a self,
        query: &'a CostQuery,
        _account: &'a str,
    ) -> BoxFut<'a, AwsResult<(Vec<RawDay>, u32)>> {
        let r = self.read(|i, now| Ok((demo_cost(i, query, now), 1)));
        Box::pin(async move { r })
    }
}
