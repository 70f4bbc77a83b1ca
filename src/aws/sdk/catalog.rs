//! The Data Catalog and triggers through the SDK: GetTables with an Expression, GetPartitions
//! with an Expression (today's and yesterday's partitions only), GetTriggers.

use super::glue::{SdkGlue, time};
use crate::aws::{AwsResult, BoxFut, CatalogRead};
use crate::model::{CatalogPartition, CatalogTable, Trigger, TriggerAction};

impl SdkGlue {
    async fn get_tables(&self, database: &str, pattern: &str) -> AwsResult<Vec<CatalogTable>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .read("glue:GetTables", || {
                    let req = self.client().get_tables().database_name(database).expression(pattern);
                    req.set_next_token(token.clone()).send()
                })
                .await?;
            out.extend(page.table_list().iter().map(|t| CatalogTable {
                database: database.to_string(),
                name: t.name().to_string(),
                partition_keys: t.partition_keys().iter().map(|k| k.name().to_string()).collect(),
                update_time: time(t.update_time()),
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    async fn get_partitions(&self, database: &str, table: &str, expression: &str) -> AwsResult<Vec<CatalogPartition>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .read("glue:GetPartitions", || {
                    let req = self.client().get_partitions().database_name(database).table_name(table);
                    req.expression(expression).set_next_token(token.clone()).send()
                })
                .await?;
            out.extend(
                page.partitions()
                    .iter()
                    .map(|p| CatalogPartition { values: p.values().to_vec(), created: time(p.creation_time()) }),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }

    pub(super) async fn get_triggers(&self) -> AwsResult<Vec<Trigger>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .read("glue:GetTriggers", || {
                    self.client().get_triggers().max_results(200).set_next_token(token.clone()).send()
                })
                .await?;
            out.extend(page.triggers().iter().map(|t| {
                Trigger {
                    ctx: 0,
                    name: t.name().unwrap_or_default().to_string(),
                    kind: t.r#type().map(|k| k.as_str().to_string()).unwrap_or_default(),
                    state: t.state().map(|k| k.as_str().to_string()).unwrap_or_default(),
                    schedule: t.schedule().map(str::to_string),
                    workflow: t.workflow_name().map(str::to_string),
                    actions: t
                        .actions()
                        .iter()
                        .map(|a| TriggerAction {
                            job: a.job_name().map(str::to_string),
                            crawler: a.crawler_name().map(str::to_string),
                        })
                        .collect(),
                }
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}

impl CatalogRead for SdkGlue {
    fn tables<'a>(&'a self, database: &'a str, pattern: &'a str) -> BoxFut<'a, AwsResult<Vec<CatalogTable>>> {
        Box::pin(self.get_tables(database, pattern))
    }

    fn partitions<'a>(
        &'a self,
        database: &'a str,
        table: &'a str,
        expression: &'a str,
    ) -> BoxFut<'a, AwsResult<Vec<CatalogPartition>>> {
        Box::pin(self.get_partitions(database, table, expression))
    }

    fn triggers(&self) -> BoxFut<'_, AwsResult<Vec<Trigger>>> {
        Box::pin(self.get_triggers())
    }
}
