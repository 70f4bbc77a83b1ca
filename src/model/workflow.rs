//! Glue workflows: runs, their statistics and their graph of triggers, jobs and crawlers.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::glue::{JobRun, RunState};

/// WorkflowRunStatus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkflowStatus {
    Running,
    Completed,
    Stopping,
    Stopped,
    Error,
    Unknown,
}

impl WorkflowStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "RUNNING" => Self::Running,
            "COMPLETED" => Self::Completed,
            "STOPPING" => Self::Stopping,
            "STOPPED" => Self::Stopped,
            "ERROR" => Self::Error,
            _ => Self::Unknown,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "RUNNING",
            Self::Completed => "COMPLETED",
            Self::Stopping => "STOPPING",
            Self::Stopped => "STOPPED",
            Self::Error => "ERROR",
            Self::Unknown => "UNKNOWN",
        }
    }
    pub fn is_active(self) -> bool {
        matches!(self, Self::Running | Self::Stopping)
    }
}

/// WorkflowRunStatistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WorkflowStats {
    pub total: i32,
    pub succeeded: i32,
    pub failed: i32,
    pub running: i32,
    pub stopped: i32,
    pub timeout: i32,
    pub errored: i32,
    pub waiting: i32,
}

impl WorkflowStats {
    /// Nodes that ended badly: what a resume would restart.
    pub fn bad(&self) -> i32 {
        self.failed + self.timeout + self.errored + self.stopped
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Trigger,
    Job,
    Crawler,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trigger => "TRIGGER",
            Self::Job => "JOB",
            Self::Crawler => "CRAWLER",
        }
    }
}

/// The state of a node in one run, reduced to what colours it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum NodeState {
    /// Not reached in this run.
    #[default]
    NotRun,
    /// A trigger that fired.
    Fired,
    Job(RunState),
    /// A crawl's state string (RUNNING, SUCCEEDED, FAILED, CANCELLED ...).
    Crawl(String),
}

impl NodeState {
    pub fn label(&self) -> &str {
        match self {
            NodeState::NotRun => "not run",
            NodeState::Fired => "fired",
            NodeState::Job(s) => s.as_str(),
            NodeState::Crawl(s) => s.as_str(),
        }
    }

    /// Failed, timed out, errored or stopped: a node a resume can restart.
    pub fn is_failure(&self) -> bool {
        match self {
            NodeState::Job(s) => s.is_failure() || *s == RunState::Stopped,
            NodeState::Crawl(s) => matches!(s.as_str(), "FAILED" | "CANCELLED" | "ERROR"),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Node {
    pub id: String,
    pub name: String,
    pub kind: Option<NodeKind>,
    pub state: NodeState,
    /// The job run of this node in this run (its newest one), for the jump to its detail.
    pub job_run: Option<JobRun>,
    /// Trigger type (ON_DEMAND, CONDITIONAL, SCHEDULED, EVENT) for trigger nodes.
    pub trigger_type: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<Node>,
    /// (source id, destination id).
    pub edges: Vec<(String, String)>,
}

impl Graph {
    /// Triggers carry no state in a run's graph: a trigger fired when a node after it ran.
    pub fn mark_fired(&mut self) {
        let ran: std::collections::HashSet<&str> =
            self.nodes.iter().filter(|n| n.state != NodeState::NotRun).map(|n| n.id.as_str()).collect();
        let fired: std::collections::HashSet<String> =
            self.edges.iter().filter(|(_, d)| ran.contains(d.as_str())).map(|(s, _)| s.clone()).collect();
        for n in &mut self.nodes {
            if n.kind == Some(NodeKind::Trigger) && fired.contains(&n.id) {
                n.state = NodeState::Fired;
            }
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowRun {
    pub workflow: String,
    pub id: String,
    pub previous_run_id: Option<String>,
    pub status: WorkflowStatus,
    pub started_on: Option<DateTime<Utc>>,
    pub completed_on: Option<DateTime<Utc>>,
    pub error_message: Option<String>,
    pub statistics: WorkflowStats,
    pub properties: BTreeMap<String, String>,
    pub graph: Option<Graph>,
}

impl WorkflowRun {
    pub fn duration_s(&self, now: DateTime<Utc>) -> Option<i64> {
        let start = self.started_on?;
        let end = self.completed_on.unwrap_or(now);
        Some((end - start).num_seconds().max(0))
    }

    /// Node ids that ended badly in this run: what ResumeWorkflowRun is given.
    pub fn failed_nodes(&self) -> Vec<String> {
        self.graph
            .as_ref()
            .map(|g| g.nodes.iter().filter(|n| n.state.is_failure()).map(|n| n.id.clone()).collect())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workflow {
    /// The context (profile × Region) it was read from: an index into the app's contexts.
    pub ctx: usize,
    pub name: String,
    pub description: Option<String>,
    pub default_properties: BTreeMap<String, String>,
    pub last_run: Option<WorkflowRun>,
    /// Its tags (tag:GetResources, or GetTags on its ARN); the stream tag names its stream.
    pub tags: BTreeMap<String, String>,
}

/// The jobs in the graphs of workflow runs still going: a workflow run that started says its
/// jobs are about to run (the Glue poller keeps them at the fast cadence).
pub fn jobs_of_running(workflows: &[Workflow]) -> std::collections::BTreeSet<String> {
    workflows
        .iter()
        .filter_map(|w| w.last_run.as_ref())
        .filter(|r| r.status.is_active())
        .filter_map(|r| r.graph.as_ref())
        .flat_map(|g| &g.nodes)
        .filter(|n| n.kind == Some(NodeKind::Job))
        .map(|n| n.name.clone())
        .collect()
}

/// A workflow and the runs read for it (newest first).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowEntry {
    pub workflow: Workflow,
    pub runs: Vec<WorkflowRun>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workflow(name: &str, status: WorkflowStatus, jobs: &[&str]) -> Workflow {
        let mut nodes: Vec<Node> = jobs
            .iter()
            .map(|j| Node {
                id: format!("n_{j}"),
                name: j.to_string(),
                kind: Some(NodeKind::Job),
                ..Default::default()
            })
            .collect();
        nodes.push(Node { id: "t".into(), name: "start".into(), kind: Some(NodeKind::Trigger), ..Default::default() });
        let run = WorkflowRun {
            workflow: name.into(),
            id: format!("wr_{name}"),
            previous_run_id: None,
            status,
            started_on: None,
            completed_on: None,
            error_message: None,
            statistics: WorkflowStats::default(),
            properties: BTreeMap::new(),
            graph: Some(Graph { nodes, edges: Vec::new() }),
        };
        Workflow {
            ctx: 0,
            name: name.into(),
            description: None,
            default_properties: BTreeMap::new(),
            last_run: Some(run),
            tags: Default::default(),
        }
    }

    #[test]
    fn the_jobs_of_running_workflow_runs_and_no_others() {
        let wfs = [
            workflow("nightly", WorkflowStatus::Running, &["extract", "load"]),
            workflow("done", WorkflowStatus::Completed, &["report"]),
            Workflow { last_run: None, ..workflow("never", WorkflowStatus::Running, &["x"]) },
        ];
        let jobs: Vec<String> = jobs_of_running(&wfs).into_iter().collect();
        assert_eq!(jobs, ["extract", "load"]);
        assert!(jobs_of_running(&wfs[1..]).is_empty());
    }
}
