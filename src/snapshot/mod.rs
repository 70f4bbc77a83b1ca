//! `batchtop snapshot`: one poll of every source, printed as JSON or a table.

mod inbox;
mod json;
mod many;
mod streams;
mod table;

pub use json::to_json;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::aws::{Account, AwsError};
use crate::config::{CostSection, Settings};
use crate::cost::estimate::Prices;
use crate::cost::{CostQuery, CostReport};
use crate::model::{Crawler, DqResult, EmrData, GlueData, Workflow, WorkflowRun};
use crate::poll::{Clock, GlueCollector, Scope, StreamMapper};

/// What one snapshot saw.
pub struct Snapshot {
    pub generated_at: DateTime<Utc>,
    pub region: String,
    pub account: Option<String>,
    /// The profile read with (None: the default chain).
    pub profile: Option<String>,
    pub since: Duration,
    pub glue: GlueData,
    pub workflows: Vec<(Workflow, Vec<WorkflowRun>)>,
    pub crawlers: Vec<Crawler>,
    pub emr: EmrData,
    pub data_quality: Vec<DqResult>,
    /// Ruleset evaluation runs (for the inbox).
    pub dq_runs: Vec<crate::model::DqEvalRun>,
    /// What is broken, one item per resource (built after the poll; see `inbox.rs`).
    pub inbox: Vec<crate::triage::inbox::Item>,
    /// Every data stream (built last, from everything above).
    pub streams: Vec<crate::streams::Stream>,
    /// None when Cost Explorer could not be read (the error is in `errors`).
    pub cost: Option<CostReport>,
    pub prices: Prices,
    pub errors: Vec<(String, AwsError)>,
    /// What the table format's pane columns read (the stale-after of crawlers, prices).
    pub settings: Arc<Settings>,
}

/// Workflow runs read per workflow for a snapshot (newest first, then cut to `--since`).
const WORKFLOW_RUNS: usize = 100;

impl Snapshot {
    /// Every source was read: nothing failed but reads merely not permitted that only add to
    /// the view (see `AwsError::optional_denial`; they are warnings in the inbox).
    pub fn ok(&self) -> bool {
        self.errors.iter().all(|(_, e)| e.optional_denial().is_some())
    }
}

/// What to read: the window, whether to read Cost Explorer, the cap on calls in flight
/// shared with the other contexts' snapshots, and how long to keep trying.
#[derive(Debug, Clone)]
pub struct Options {
    pub since: Duration,
    pub with_cost: bool,
    pub gate: crate::poll::Gate,
    /// Reads retry throttles and server errors until this long after the start; then the
    /// snapshot ends with what it has, plus the errors (`--timeout`).
    pub timeout: Duration,
}

/// What the sources answered (nothing, when the credentials were refused).
#[derive(Default)]
struct Reads {
    glue: GlueData,
    workflows: Vec<(Workflow, Vec<WorkflowRun>)>,
    crawlers: Vec<Crawler>,
    emr: EmrData,
    dq: crate::model::DqData,
    cost: Option<CostReport>,
}

/// Poll every source once, all at the same time; Cost Explorer only `with_cost` (through the
/// cache). When STS says the credentials are missing, expired or refused, nothing else is
/// asked: every call would fail the same way, once per source. Nothing reads past
/// `opts.timeout`.
pub async fn take(account: &Account, settings: Arc<Settings>, clock: &Clock, opts: &Options) -> Snapshot {
    let deadline = tokio::time::Instant::now() + opts.timeout;
    crate::aws::deadline::within(deadline, take_within(account, settings, clock, opts)).await
}

async fn take_within(account: &Account, settings: Arc<Settings>, clock: &Clock, opts: &Options) -> Snapshot {
    let now = clock();
    let mut errors = Vec::new();
    let identity = account.identity.caller_identity().await;
    let blind = identity.as_ref().is_err_and(|e| e.kind.is_credentials());
    let who = noted(&mut errors, "sts", identity).map(|id| id.account);
    let reads = if blind {
        Reads::default()
    } else {
        read_all(account, &settings, opts, (now, who.as_deref()), &mut errors).await
    };
    let mut snap = Snapshot {
        generated_at: now,
        data_quality: reads.dq.results,
        dq_runs: reads.dq.runs,
        inbox: Vec::new(),
        streams: Vec::new(),
        cost: reads.cost,
        prices: Prices::from_config(&settings.config.cost),
        region: account.region.clone(),
        profile: account.profile.clone(),
        account: who,
        since: opts.since,
        glue: reads.glue,
        workflows: reads.workflows,
        crawlers: reads.crawlers,
        emr: reads.emr,
        errors,
        settings,
    };
    // The streams' own reads first: the inbox tells which of them failed.
    let mut errors = Vec::new();
    let reads = streams::read(account, &snap, &opts.gate, &mut errors).await;
    snap.errors.extend(errors);
    snap.inbox = inbox::build(account, &snap).await;
    snap.streams = streams::rows(&snap, &reads);
    snap
}

/// Every source once, all at the same time, each failure noted under its source.
async fn read_all(
    account: &Account,
    settings: &Arc<Settings>,
    opts: &Options,
    (now, who): (DateTime<Utc>, Option<&str>),
    errors: &mut Vec<(String, AwsError)>,
) -> Reads {
    let (since, max) = (opts.since, settings.config.poll.max_concurrency);
    let cutoff = now - chrono::Duration::from_std(since).unwrap_or(chrono::Duration::hours(24));
    let (mut e_glue, mut e_wf, mut e_cr, mut e_emr, mut e_dq) = Default::default();
    let (glue, mut workflows, mut crawlers, emr, mut dq) = tokio::join!(
        glue_runs(account, (settings.clone(), &opts.gate), max, now, since, cutoff, &mut e_glue),
        workflow_runs(account, cutoff, &mut e_wf),
        async { noted(&mut e_cr, "crawlers", account.crawlers.crawlers().await).unwrap_or_default() },
        emr_runs(account, (max, &opts.gate), now, since, &mut e_emr),
        async { noted(&mut e_dq, "data-quality", account.dq.dq_overview(Some(cutoff)).await).unwrap_or_default() },
    );
    errors.extend([e_glue, e_wf, e_cr, e_emr, e_dq].into_iter().flatten());
    streams::tag(account, (&opts.gate, max), (&mut workflows, &mut crawlers), &mut dq.results, errors).await;
    let cost = match opts.with_cost {
        true => cost_report(account, &settings.config.cost, who, now, errors).await,
        false => None,
    };
    Reads { glue, workflows, crawlers, emr, dq, cost }
}

/// The value of `r`, or None with its error noted under `source`.
fn noted<T>(errors: &mut Vec<(String, AwsError)>, source: &str, r: Result<T, AwsError>) -> Option<T> {
    r.map_err(|e| errors.push((source.to_string(), e))).ok()
}

/// One Glue poll of every job, each job's runs cut to those started since `cutoff`.
async fn glue_runs(
    account: &Account,
    (settings, gate): (Arc<Settings>, &crate::poll::Gate),
    max: usize,
    now: DateTime<Utc>,
    since: Duration,
    cutoff: DateTime<Utc>,
    errors: &mut Vec<(String, AwsError)>,
) -> GlueData {
    let mut collector =
        GlueCollector::new(account.glue.clone(), StreamMapper::new(settings), max, Duration::ZERO).gated(gate.clone());
    let mut glue = match noted(errors, "glue", collector.poll(Scope::All, now, since).await) {
        Some(cycle) => {
            errors.extend(cycle.errors.into_iter().map(|e| ("glue".to_string(), e)));
            cycle.data
        }
        None => GlueData::default(),
    };
    for j in &mut glue.jobs {
        Arc::make_mut(&mut j.runs).retain(|r| r.started_on.is_some_and(|s| s >= cutoff));
    }
    glue
}

/// Every workflow with its runs started since `cutoff` (none when they could not be read).
async fn workflow_runs(
    account: &Account,
    cutoff: DateTime<Utc>,
    errors: &mut Vec<(String, AwsError)>,
) -> Vec<(Workflow, Vec<WorkflowRun>)> {
    let mut workflows = Vec::new();
    for w in noted(errors, "workflows", account.workflows.workflows().await).unwrap_or_default() {
        let runs = noted(errors, "workflows", account.workflows.workflow_runs(&w.name, WORKFLOW_RUNS).await);
        let mut runs = runs.unwrap_or_default();
        runs.retain(|r| r.started_on.is_some_and(|s| s >= cutoff));
        workflows.push((w, runs));
    }
    workflows
}

/// One EMR Serverless poll of every application and its runs.
async fn emr_runs(
    account: &Account,
    (max, gate): (usize, &crate::poll::Gate),
    now: DateTime<Utc>,
    since: Duration,
    errors: &mut Vec<(String, AwsError)>,
) -> EmrData {
    let mut collector = crate::poll::EmrCollector::new(account.emr.clone(), max, Duration::ZERO).gated(gate.clone());
    match noted(errors, "emr-serverless", collector.poll(now, since).await) {
        Some((data, errs)) => {
            errors.extend(errs.into_iter().map(|e| ("emr-serverless".to_string(), e)));
            data
        }
        None => EmrData::default(),
    }
}

/// The cost report for the configured window; billed per request, so the disk cache answers while it is fresh.
async fn cost_report(
    account: &Account,
    cost_cfg: &CostSection,
    who: Option<&str>,
    now: DateTime<Utc>,
    errors: &mut Vec<(String, AwsError)>,
) -> Option<CostReport> {
    let cache = crate::cost::cache::CostCache::new(crate::cost::cache::default_dir(), cost_cfg.ttl.0);
    let key = who
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}@{}", account.profile.as_deref().unwrap_or("default"), account.region));
    let query = CostQuery::last_days(now.date_naive(), cost_cfg);
    noted(errors, "cost", crate::cost::load(account.cost.as_ref(), &cache, &key, &query, now, false).await)
}
pub use inbox::item_json;
pub use many::{DEMO_HINT, Part, many_ok, no_credentials, to_json_many, to_table_many};
pub use table::to_table;
