//! Glue Data Quality through the SDK: ListDataQualityResults, BatchGetDataQualityResult,
//! ListDataQualityRulesetEvaluationRuns and GetDataQualityRulesetEvaluationRun.

use std::collections::BTreeMap;

use aws_sdk_glue::primitives::DateTime as SdkTime;
use aws_sdk_glue::types::{DataQualityResultFilterCriteria, DataSource, GlueTable};
use chrono::{DateTime, Utc};

use super::glue::{SdkGlue, time};
use crate::aws::{AwsResult, BoxFut, DataQualityRead};
use crate::model::{DqData, DqEvalRun, DqFilter, DqResult, DqRule, RuleOutcome};

/// BatchGetDataQualityResult takes at most 100 ids.
const BATCH: usize = 100;
/// Evaluation runs listed per poll (newest first), and failed ones described.
const RUNS_LISTED: usize = 200;
const RUNS_DESCRIBED: usize = 20;

fn sdk_time(t: DateTime<Utc>) -> SdkTime {
    SdkTime::from_millis(t.timestamp_millis())
}

fn table_of(ds: Option<&DataSource>) -> (Option<String>, Option<String>, Option<String>) {
    let Some(ds) = ds else { return (None, None, None) };
    if let Some(t) = ds.glue_table() {
        return (
            Some(t.database_name().to_string()),
            Some(t.table_name().to_string()),
            t.catalog_id().map(str::to_string),
        );
    }
    if let Some(t) = ds.data_quality_glue_table() {
        return (
            Some(t.database_name().to_string()),
            Some(t.table_name().to_string()),
            t.catalog_id().map(str::to_string),
        );
    }
    (None, None, None)
}

impl SdkGlue {
    async fn list_result_ids(&self, filter: &DqFilter) -> AwsResult<Vec<String>> {
        let mut criteria = DataQualityResultFilterCriteria::builder()
            .set_job_name(filter.job_name.clone())
            .set_job_run_id(filter.job_run_id.clone())
            .set_started_after(filter.started_after.map(sdk_time))
            .set_started_before(filter.started_before.map(sdk_time));
        if let Some((db, table)) = &filter.table {
            let t =
                GlueTable::builder().database_name(db).table_name(table).build().map_err(|e| crate::aws::AwsError {
                    kind: crate::aws::ErrorKind::Other,
                    operation: "glue:ListDataQualityResults".into(),
                    message: e.to_string(),
                })?;
            criteria = criteria.data_source(DataSource::builder().glue_table(t).build());
        }
        let criteria = criteria.build();
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("glue:ListDataQualityResults", || {
                    self.client()
                        .list_data_quality_results()
                        .filter(criteria.clone())
                        .max_results(self.page_size_dq())
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            ids.extend(out.results().iter().filter_map(|r| r.result_id().map(str::to_string)));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(ids)
    }

    async fn results(&self, filter: &DqFilter) -> AwsResult<Vec<DqResult>> {
        let ids = self.list_result_ids(filter).await?;
        let mut results = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            let out = self
                .read("glue:BatchGetDataQualityResult", || {
                    self.client().batch_get_data_quality_result().set_result_ids(Some(chunk.to_vec())).send()
                })
                .await?;
            results.extend(out.results().iter().map(map_result));
        }
        results.sort_by(|a, b| b.started_on.cmp(&a.started_on).then_with(|| a.id.cmp(&b.id)));
        Ok(results)
    }

    async fn eval_runs(&self) -> AwsResult<Vec<DqEvalRun>> {
        let mut runs = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("glue:ListDataQualityRulesetEvaluationRuns", || {
                    self.client()
                        .list_data_quality_ruleset_evaluation_runs()
                        .max_results(self.page_size_dq())
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            for r in out.runs() {
                let (database, table, _) = table_of(r.data_source());
                runs.push(DqEvalRun {
                    id: r.run_id().unwrap_or_default().to_string(),
                    status: r.status().map(|s| s.as_str().to_string()).unwrap_or_else(|| "UNKNOWN".into()),
                    database,
                    table,
                    started_on: time(r.started_on()),
                    ..Default::default()
                });
            }
            match out.next_token() {
                Some(t) if !t.is_empty() && runs.len() < RUNS_LISTED => token = Some(t.to_string()),
                _ => break,
            }
        }
        runs.sort_by(|a, b| b.started_on.cmp(&a.started_on).then_with(|| a.id.cmp(&b.id)));
        runs.truncate(RUNS_LISTED);
        // The list carries no error, duration or rulesets: describe the failed ones and the
        // ones in flight (bounded), which is what a triage needs.
        let wanted: Vec<usize> = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| r.status != "SUCCEEDED")
            .map(|(i, _)| i)
            .take(RUNS_DESCRIBED)
            .collect();
        for i in wanted {
            let out = self
                .read("glue:GetDataQualityRulesetEvaluationRun", || {
                    self.client().get_data_quality_ruleset_evaluation_run().run_id(&runs[i].id).send()
                })
                .await?;
            let r = &mut runs[i];
            r.error = out.error_string().map(str::to_string);
            r.completed_on = time(out.completed_on());
            r.execution_time_s = (out.execution_time() > 0).then(|| i64::from(out.execution_time()));
            r.rulesets = out.ruleset_names().to_vec();
            r.result_ids = out.result_ids().to_vec();
        }
        Ok(runs)
    }

    fn page_size_dq(&self) -> i32 {
        self.pages().dq
    }
}

impl DataQualityRead for SdkGlue {
    fn dq_results<'a>(&'a self, filter: &'a DqFilter) -> BoxFut<'a, AwsResult<Vec<DqResult>>> {
        Box::pin(self.results(filter))
    }

    fn dq_overview(&self, since: Option<DateTime<Utc>>) -> BoxFut<'_, AwsResult<DqData>> {
        Box::pin(async move {
            let filter = DqFilter { started_after: since, ..Default::default() };
            let results = self.results(&filter).await?;
            let runs = self.eval_runs().await?;
            Ok(DqData { results, runs })
        })
    }
}

fn map_result(r: &aws_sdk_glue::types::DataQualityResult) -> DqResult {
    let (database, table, catalog) = table_of(r.data_source());
    DqResult {
        ctx: 0,
        id: r.result_id().unwrap_or_default().to_string(),
        database,
        table,
        catalog,
        ruleset: r.ruleset_name().map(str::to_string),
        score: r.score(),
        evaluation_context: r.evaluation_context().map(str::to_string),
        job_name: r.job_name().map(str::to_string),
        job_run_id: r.job_run_id().map(str::to_string),
        ruleset_evaluation_run_id: r.ruleset_evaluation_run_id().map(str::to_string),
        started_on: time(r.started_on()),
        completed_on: time(r.completed_on()),
        rules: r
            .rule_results()
            .iter()
            .map(|rr| DqRule {
                name: rr.name().unwrap_or_default().to_string(),
                description: rr.description().map(str::to_string),
                outcome: rr.result().map(|s| RuleOutcome::parse(s.as_str())).unwrap_or(RuleOutcome::Other("-".into())),
                message: rr.evaluation_message().map(str::to_string),
                evaluated_rule: rr.evaluated_rule().map(str::to_string),
                metrics: rr
                    .evaluated_metrics()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
                    .unwrap_or_else(BTreeMap::new),
            })
            .collect(),
        ruleset_tags: BTreeMap::new(),
    }
}
