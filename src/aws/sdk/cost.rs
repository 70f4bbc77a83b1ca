//! Cost Explorer GetCostAndUsage through the SDK. Each call is billed: only `cost::load`
//! calls this, after the cache said no.

use std::sync::Arc;

use aws_sdk_costexplorer::types::{
    DateInterval, Dimension, DimensionValues, Expression, Granularity, GroupDefinition, GroupDefinitionType,
};
use chrono::NaiveDate;

use super::error::classify;
use super::throttle::CountThrottles;
use crate::aws::error::ErrorContext;
use crate::aws::{ApiStats, AwsError, AwsResult, BoxFut, CostRead, ErrorKind};
use crate::model::cost::{CostQuery, RawDay, RawGroup};

/// At most this many pages are read for one report (each is a billed request).
const MAX_PAGES: u32 = 20;

pub struct SdkCost {
    client: aws_sdk_costexplorer::Client,
    ctx: ErrorContext,
    stats: Arc<ApiStats>,
}

impl SdkCost {
    pub fn new(client: aws_sdk_costexplorer::Client, ctx: ErrorContext, stats: Arc<ApiStats>) -> Self {
        Self { client: client.counting_throttles(&stats), ctx, stats }
    }

    async fn fetch(&self, query: &CostQuery) -> AwsResult<(Vec<RawDay>, u32)> {
        let op = "ce:GetCostAndUsage";
        let invalid = |m: String| AwsError { kind: ErrorKind::Other, operation: op.into(), message: m };
        let period = DateInterval::builder()
            .start(query.start.format("%Y-%m-%d").to_string())
            .end(query.end.format("%Y-%m-%d").to_string())
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        let filter = (!query.services.is_empty()).then(|| {
            Expression::builder()
                .dimensions(
                    DimensionValues::builder().key(Dimension::Service).set_values(Some(query.services.clone())).build(),
                )
                .build()
        });
        let linked = query
            .by_linked_account
            .then(|| GroupDefinition::builder().r#type(GroupDefinitionType::Dimension).key("LINKED_ACCOUNT").build());
        let tags =
            query.group_by.iter().map(|k| GroupDefinition::builder().r#type(GroupDefinitionType::Tag).key(k).build());
        let groups: Vec<GroupDefinition> = linked.into_iter().chain(tags).take(2).collect();
        let mut days = Vec::new();
        let mut requests = 0;
        let mut token: Option<String> = None;
        loop {
            self.stats.record_call();
            requests += 1;
            let out = self
                .client
                .get_cost_and_usage()
                .time_period(period.clone())
                .granularity(Granularity::Daily)
                .metrics(&query.metric)
                .set_filter(filter.clone())
                .set_group_by((!groups.is_empty()).then(|| groups.clone()))
                .set_next_page_token(token.take())
                .send()
                .await
                .map_err(|e| classify(&self.ctx, op, &e))?;
            for r in out.results_by_time() {
                let Some(start) = r.time_period().and_then(|p| NaiveDate::parse_from_str(p.start(), "%Y-%m-%d").ok())
                else {
                    continue;
                };
                let metric =
                    |m: Option<&std::collections::HashMap<String, aws_sdk_costexplorer::types::MetricValue>>| {
                        let v = m?.get(&query.metric)?;
                        let amount = v.amount()?.trim().parse::<f64>().ok()?;
                        Some((amount, v.unit().unwrap_or("USD").to_string()))
                    };
                let groups = r
                    .groups()
                    .iter()
                    .filter_map(|g| {
                        let (amount, unit) = metric(g.metrics())?;
                        Some(RawGroup { keys: g.keys().to_vec(), amount, unit })
                    })
                    .collect();
                days.push(RawDay { start, estimated: r.estimated(), groups, total: metric(r.total()) });
            }
            match out.next_page_token() {
                Some(t) if !t.is_empty() && requests < MAX_PAGES => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok((days, requests))
    }
}

impl CostRead for SdkCost {
    fn cost_and_usage<'a>(
        &'a self,
        query: &'a CostQuery,
        _account: &'a str,
    ) -> BoxFut<'a, AwsResult<(Vec<RawDay>, u32)>> {
        Box::pin(self.fetch(query))
    }
}
