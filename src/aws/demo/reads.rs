//! Workflow and crawler reads of the demo account.

use super::DemoAccount;
use crate::aws::{AwsResult, BoxFut, CrawlerRead, WorkflowRead};
use crate::model::{Crawler, Workflow, WorkflowRun};

impl WorkflowRead for DemoAccount {
    fn workflows(&self) -> BoxFut<'_, AwsResult<Vec<Workflow>>> {
        let r = self.read(|i, _| {
            Ok(i.catalog
                .workflows
                .iter()
                .map(|(w, runs)| Workflow { last_run: runs.first().cloned(), ..w.clone() })
                .collect::<Vec<_>>())
            .map(|mut v| {
                v.sort_by(|a, b| a.name.cmp(&b.name));
                v
            })
        });
        Box::pin(async move { r })
    }

    fn workflow_runs<'a>(&'a self, name: &'a str, max: usize) -> BoxFut<'a, AwsResult<Vec<WorkflowRun>>> {
        let r = self.read(|i, _| {
            i.catalog
                .workflows
                .iter()
                .find(|(w, _)| w.name == name)
                .map(|(_, runs)| runs.iter().take(max).cloned().collect())
                .ok_or_else(|| super::not_found("glue:GetWorkflowRuns", format!("workflow {name}")))
        });
        Box::pin(async move { r })
    }
}

impl CrawlerRead for DemoAccount {
    fn crawlers(&self) -> BoxFut<'_, AwsResult<Vec<Crawler>>> {
        let r = self.read(|i, now| {
            Ok(i.catalog
                .crawlers
                .iter()
                .map(|c| {
                    let mut c = c.clone();
                    if i.crawling_until.get(&c.name).is_some_and(|until| *until > now) {
                        c.state = "RUNNING".into();
                    }
                    c
                })
                .collect::<Vec<_>>())
            .map(|mut v| {
                v.sort_by(|a, b| a.name.cmp(&b.name));
                v
            })
        });
        Box::pin(async move { r })
    }
}
