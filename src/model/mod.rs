//! batchtop's own types. Nothing in here knows about the AWS SDK or the terminal.

pub mod arguments;
pub mod cost;
pub mod crawler;
pub mod dq;
pub mod emr;
pub mod glue;
pub mod intern;
pub mod schedule;
pub mod streams;
pub mod workflow;

pub use crawler::{Crawler, CrawlerMetrics, LastCrawl};
pub use dq::{DqData, DqEvalRun, DqFilter, DqResult, DqRule, RuleOutcome};
pub use emr::{EmrApp, EmrAttempt, EmrData, EmrRun, EmrState, Utilization};
pub use glue::{Arguments, Bookmark, GlueData, Job, JobEntry, JobRun, Loading, RunState};
pub use schedule::ScheduledTrigger;
pub use streams::{
    CatalogPartition, CatalogTable, Landing, PartitionStats, StreamReads, TableState, Trigger, TriggerAction,
};
pub use workflow::{
    Graph, Node, NodeKind, NodeState, Workflow, WorkflowEntry, WorkflowRun, WorkflowStats, WorkflowStatus,
};
