//! The failure inbox: one item per problem resource (a Glue job whose runs failed, a
//! workflow with failed nodes, a Data Quality ruleset that failed, a crawler that failed or is
//! stale, an EMR Serverless job that failed or waits too long, a run far past its usual
//! duration, a source batchtop cannot read), each with its root cause in words.
//!
//! Pure: built from what the pollers loaded, the clock the caller passes, the user's
//! acknowledgements and mutes, and the driver log excerpts read so far.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Classification, LogExcerpt, Rules};

/// What kind of resource an item is about (the `source` of the snapshot JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemSource {
    GlueJob,
    Workflow,
    Dq,
    Crawler,
    EmrJob,
    EmrWaiting,
    LongRunning,
    SourceError,
}

impl ItemSource {
    pub const ALL: [ItemSource; 8] = [
        ItemSource::GlueJob,
        ItemSource::Workflow,
        ItemSource::Dq,
        ItemSource::Crawler,
        ItemSource::EmrJob,
        ItemSource::EmrWaiting,
        ItemSource::LongRunning,
        ItemSource::SourceError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemSource::GlueJob => "glue_job",
            ItemSource::Workflow => "workflow",
            ItemSource::Dq => "dq",
            ItemSource::Crawler => "crawler",
            ItemSource::EmrJob => "emr_job",
            ItemSource::EmrWaiting => "emr_waiting",
            ItemSource::LongRunning => "long_running",
            ItemSource::SourceError => "source_error",
        }
    }

    /// The default severity: failed jobs, workflows and unreadable sources are critical.
    pub fn default_severity(self) -> Severity {
        match self {
            ItemSource::GlueJob | ItemSource::Workflow | ItemSource::EmrJob | ItemSource::SourceError => {
                Severity::Critical
            }
            _ => Severity::Warning,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// No run succeeded after the newest failure (a run in flight does not recover it).
    Open,
    /// Someone acknowledged it, and nothing failed since.
    Acknowledged,
    /// A later run succeeded: kept (dimmed) for the window.
    Recovered,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::Acknowledged => "acknowledged",
            ItemStatus::Recovered => "recovered",
        }
    }
}

/// One problem resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The context it lives in.
    pub ctx: usize,
    pub source: ItemSource,
    /// Job name, workflow name, `database.table/ruleset`, crawler name, `application/job`.
    pub resource: String,
    /// The resource's newest failed run.
    pub run_id: Option<String>,
    pub stream: Option<String>,
    pub severity: Severity,
    pub status: ItemStatus,
    pub class: Classification,
    /// Failed runs in the window.
    pub count: usize,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// What did not run because of it (a failed workflow node's downstream jobs).
    pub blocks: Vec<String>,
    /// One line: the error, or what is wrong.
    pub summary: String,
    /// The note of its acknowledgement.
    pub note: Option<String>,
}

impl Item {
    /// Stable within a context: `source:resource`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.source.as_str(), self.resource)
    }

    /// Open, and critical or warning: what `check` and the order care about.
    pub fn is_open(&self) -> bool {
        self.status == ItemStatus::Open
    }
}

/// An acknowledgement: when, and the note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ack {
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub note: String,
}

/// What the user said about items, keyed by [`mark_key`] (account or profile, Region, item id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Marks {
    #[serde(default)]
    pub acks: BTreeMap<String, Ack>,
    /// Muted until then.
    #[serde(default)]
    pub mutes: BTreeMap<String, DateTime<Utc>>,
}

/// The key of an item's marks: where it lives (`account/region`) and its id.
pub fn mark_key(place: &str, item_id: &str) -> String {
    format!("{place}/{item_id}")
}

/// Thresholds and severities (`[triage]`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// An EMR Serverless run waiting longer than this is an item.
    pub emr_waiting_after: chrono::Duration,
    /// A Glue run RUNNING longer than this many times its job's median duration is an item.
    pub long_running_factor: f64,
    /// A crawler whose catalog is older than this is stale.
    pub crawler_stale_after: chrono::Duration,
    /// Severity per source, when not the default.
    pub severity: HashMap<ItemSource, Severity>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            emr_waiting_after: chrono::Duration::minutes(30),
            long_running_factor: 3.0,
            crawler_stale_after: chrono::Duration::hours(26),
            severity: HashMap::new(),
        }
    }
}

/// A source batchtop cannot read now, in one context.
#[derive(Debug, Clone)]
pub struct SourceTrouble {
    pub ctx: usize,
    pub source: String,
    pub error: crate::aws::AwsError,
    /// When it last answered (None: never).
    pub last_ok: Option<DateTime<Utc>>,
}

/// Everything the inbox is built from.
pub struct Inputs<'a> {
    pub glue: &'a crate::model::GlueData,
    pub workflows: &'a [crate::model::Workflow],
    pub crawlers: &'a [crate::model::Crawler],
    pub emr: &'a crate::model::EmrData,
    pub dq: &'a crate::model::DqData,
    pub troubles: &'a [SourceTrouble],
    pub now: DateTime<Utc>,
    pub limits: &'a Limits,
    pub rules: &'a Rules,
    /// Driver error log excerpts read so far, by run id.
    pub logs: &'a HashMap<String, LogExcerpt>,
}

/// Every item, ordered: open critical first, then open warnings, each newest first; then
/// acknowledged, then recovered. Muted ones are left out (their number is returned).
pub fn build(inputs: &Inputs<'_>, marks: &Marks, place: &dyn Fn(usize) -> String) -> (Vec<Item>, usize) {
    let mut items = Vec::new();
    super::sources::glue(inputs, &mut items);
    super::sources::workflows(inputs, &mut items);
    super::sources::dq(inputs, &mut items);
    super::sources::crawlers(inputs, &mut items);
    super::sources::emr(inputs, &mut items);
    super::sources::troubles(inputs, &mut items);
    for it in &mut items {
        if let Some(s) = inputs.limits.severity.get(&it.source) {
            it.severity = *s;
        }
    }
    let before = items.len();
    items.retain(|it| marks.mutes.get(&mark_key(&place(it.ctx), &it.id())).is_none_or(|until| *until <= inputs.now));
    let muted = before - items.len();
    for it in &mut items {
        apply_ack(it, marks, place);
    }
    // The id is built once per item, not at every comparison.
    items.sort_by_cached_key(|it| (it.status, it.severity, std::cmp::Reverse(it.last_seen), it.id()));
    (items, muted)
}

/// An acknowledgement holds until something fails after it.
fn apply_ack(it: &mut Item, marks: &Marks, place: &dyn Fn(usize) -> String) {
    let Some(ack) = marks.acks.get(&mark_key(&place(it.ctx), &it.id())) else { return };
    if it.status == ItemStatus::Open && it.last_seen.is_none_or(|t| t <= ack.at) {
        it.status = ItemStatus::Acknowledged;
        it.note = Some(ack.note.clone()).filter(|n| !n.is_empty());
    }
}

/// Exit code of `check`: 0 nothing open, 1 only warnings (a read merely not permitted that
/// only adds to the view among them), 2 anything critical, 3 when a source could not be read.
pub fn exit_code(items: &[Item]) -> u8 {
    let open = items.iter().filter(|i| i.is_open());
    let mut code = 0;
    for i in open {
        // A source that cannot be read; a read merely not permitted that only adds to the
        // view is a warning item (see `AwsError::optional_denial`), counted as one.
        if i.source == ItemSource::SourceError && i.severity == Severity::Critical {
            return 3;
        }
        code = code.max(if i.severity == Severity::Critical { 2 } else { 1 });
    }
    code
}
