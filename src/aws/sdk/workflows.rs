//! Glue workflows through the SDK: ListWorkflows + BatchGetWorkflows, GetWorkflowRuns with graphs.

use std::collections::BTreeMap;

use super::glue::{SdkGlue, map_run, time};
use crate::aws::{AwsResult, BoxFut, WorkflowRead};
use crate::model::{Graph, Node, NodeKind, NodeState, Workflow, WorkflowRun, WorkflowStats, WorkflowStatus};

/// BatchGetWorkflows takes at most 25 names; ListWorkflows pages at most 25.
const BATCH: usize = 25;

impl SdkGlue {
    async fn all_workflows(&self) -> AwsResult<Vec<Workflow>> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .read("glue:ListWorkflows", || {
                    self.client().list_workflows().max_results(BATCH as i32).set_next_token(token.clone()).send()
                })
                .await?;
            names.extend(out.workflows().iter().cloned());
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut workflows = Vec::with_capacity(names.len());
        for chunk in names.chunks(BATCH) {
            let out = self
                .read("glue:BatchGetWorkflows", || {
                    self.client().batch_get_workflows().set_names(Some(chunk.to_vec())).include_graph(true).send()
                })
                .await?;
            workflows.extend(out.workflows().iter().map(map_workflow));
        }
        workflows.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(workflows)
    }

    async fn runs_of(&self, name: &str, max: usize) -> AwsResult<Vec<WorkflowRun>> {
        let mut runs = Vec::new();
        let mut token: Option<String> = None;
        while runs.len() < max {
            let out = self
                .read("glue:GetWorkflowRuns", || {
                    self.client()
                        .get_workflow_runs()
                        .name(name)
                        .include_graph(true)
                        .max_results(max.clamp(1, 1000) as i32)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            runs.extend(out.runs().iter().map(|r| map_workflow_run(name, r)));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        runs.truncate(max);
        runs.sort_by_key(|r| std::cmp::Reverse(r.started_on));
        Ok(runs)
    }
}

impl WorkflowRead for SdkGlue {
    fn workflows(&self) -> BoxFut<'_, AwsResult<Vec<Workflow>>> {
        Box::pin(self.all_workflows())
    }
    fn workflow_runs<'a>(&'a self, name: &'a str, max: usize) -> BoxFut<'a, AwsResult<Vec<WorkflowRun>>> {
        Box::pin(self.runs_of(name, max))
    }
}

fn props(m: Option<&std::collections::HashMap<String, String>>) -> BTreeMap<String, String> {
    m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

fn map_workflow(w: &aws_sdk_glue::types::Workflow) -> Workflow {
    let name = w.name().unwrap_or_default().to_string();
    Workflow {
        ctx: 0,
        description: w.description().map(str::to_string),
        default_properties: props(w.default_run_properties()),
        last_run: w.last_run().map(|r| map_workflow_run(&name, r)),
        tags: BTreeMap::new(),
        name,
    }
}

fn map_workflow_run(workflow: &str, r: &aws_sdk_glue::types::WorkflowRun) -> WorkflowRun {
    let s = r.statistics();
    WorkflowRun {
        workflow: r.name().unwrap_or(workflow).to_string(),
        id: r.workflow_run_id().unwrap_or_default().to_string(),
        previous_run_id: r.previous_run_id().map(str::to_string),
        status: r.status().map(|s| WorkflowStatus::parse(s.as_str())).unwrap_or(WorkflowStatus::Unknown),
        started_on: time(r.started_on()),
        completed_on: time(r.completed_on()),
        error_message: r.error_message().map(str::to_string),
        statistics: s
            .map(|s| WorkflowStats {
                total: s.total_actions(),
                succeeded: s.succeeded_actions(),
                failed: s.failed_actions(),
                running: s.running_actions(),
                stopped: s.stopped_actions(),
                timeout: s.timeout_actions(),
                errored: s.errored_actions(),
                waiting: s.waiting_actions(),
            })
            .unwrap_or_default(),
        properties: props(r.workflow_run_properties()),
        graph: r.graph().map(map_graph),
    }
}

fn map_graph(g: &aws_sdk_glue::types::WorkflowGraph) -> Graph {
    let mut graph = Graph {
        nodes: g.nodes().iter().map(map_node).collect(),
        edges: g
            .edges()
            .iter()
            .filter_map(|e| Some((e.source_id()?.to_string(), e.destination_id()?.to_string())))
            .collect(),
    };
    graph.mark_fired();
    graph
}

fn map_node(n: &aws_sdk_glue::types::Node) -> Node {
    let name = n.name().unwrap_or_default().to_string();
    let kind = n.r#type().and_then(|t| match t.as_str() {
        "TRIGGER" => Some(NodeKind::Trigger),
        "JOB" => Some(NodeKind::Job),
        "CRAWLER" => Some(NodeKind::Crawler),
        _ => None,
    });
    let newest_job = n
        .job_details()
        .and_then(|d| d.job_runs().iter().max_by_key(|r| r.started_on().map(|t| t.secs())))
        .map(|r| map_run(&name, r));
    let newest_crawl =
        n.crawler_details().and_then(|d| d.crawls().iter().max_by_key(|c| c.started_on().map(|t| t.secs())));
    let trigger = n.trigger_details().and_then(|d| d.trigger());
    let state = match kind {
        Some(NodeKind::Job) => newest_job.as_ref().map(|r| NodeState::Job(r.state())).unwrap_or_default(),
        Some(NodeKind::Crawler) => {
            newest_crawl.and_then(|c| c.state()).map(|s| NodeState::Crawl(s.as_str().to_string())).unwrap_or_default()
        }
        Some(NodeKind::Trigger) => NodeState::NotRun,
        None => NodeState::NotRun,
    };
    let error = newest_job
        .as_ref()
        .and_then(|r| r.error_message.as_deref().map(str::to_string))
        .or_else(|| newest_crawl.and_then(|c| c.error_message()).map(str::to_string));
    Node {
        id: n.unique_id().unwrap_or_default().to_string(),
        name,
        kind,
        state,
        job_run: newest_job,
        trigger_type: trigger.and_then(|t| t.r#type()).map(|t| t.as_str().to_string()),
        error,
    }
}
