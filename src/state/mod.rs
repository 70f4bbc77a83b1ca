//! Everything the UI shows, as plain data. `app::update` changes it; `ui` draws it.

pub mod active;
pub mod catalog;
pub mod changes;
pub mod columns;
pub mod contexts;
pub mod cost_columns;
pub mod crawler_columns;
pub mod ctx_columns;
pub mod cursor;
pub mod detail;
pub mod dq_columns;
pub mod emr;
pub mod emr_columns;
pub mod eventlog;
pub mod filter;
pub mod graph;
pub mod inbox;
pub mod inbox_columns;
pub mod job_columns;
pub mod jobs;
pub mod joins;
pub mod logs;
pub mod message;
pub mod overlay;
pub mod pane;
pub mod pipeline;
pub mod plugins;
pub mod quality;
mod rebuild;
pub mod run_columns;
pub mod skin;
pub mod stage_columns;
pub mod stream_columns;
pub mod streams;
pub mod wf_columns;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::aws::{AwsError, StatsSnapshot};
use crate::config::Settings;
use crate::model::GlueData;
pub use active::Active;
pub use jobs::{DetailPane, JobSort, JobsPane, RunSort, RunsPane};
pub use pane::{PANES, Pane, PaneSpec, Table};

use crate::poll::SourceId;

/// Smallest terminal batchtop draws into.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// Height of the sparkline block above the run history table.
pub const SPARK_HEIGHT: u16 = 5;

/// A pane pushed on top of the root pane; `Esc` pops it.
#[derive(Debug, Clone)]
pub enum View {
    Runs(RunsPane),
    Detail(DetailPane),
    WorkflowRuns(catalog::WorkflowRunsPane),
    Graph(catalog::GraphPane),
    EmrDetail(emr::EmrDetailPane),
    EventLog(Box<eventlog::EventLogPane>),
    DqDetail(quality::DqDetailPane),
    Logs(Box<logs::LogViewPane>),
    /// A failed run against the last successful run of its job.
    Changes(Box<changes::ChangesPane>),
    /// One stream's pipeline, step by step.
    Stream(pipeline::StreamView),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a filter; `before` is restored on `Esc`.
    Filter {
        input: String,
        before: String,
    },
    /// Typing a `:` command.
    Command {
        input: String,
    },
    Help {
        scroll: usize,
    },
}

/// Health of one polled source.
#[derive(Debug, Clone, Default)]
pub struct SourceStatus {
    pub generation: u64,
    pub polling: bool,
    /// When data last arrived (whole or partial).
    pub last_ok: Option<DateTime<Utc>>,
    /// The error of the last cycle, if it failed or partly failed.
    pub error: Option<AwsError>,
    /// How many calls of the last cycle failed while others answered.
    pub partial_failures: usize,
}

/// The session: who and where (the first context, when `AppState::contexts` is not set
/// otherwise), and what holds for every context.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub profile: Option<String>,
    pub region: String,
    pub account: Option<String>,
    /// No context may write (`--read-only`, or `read_only` at the top of the config).
    pub read_only: bool,
    pub demo: bool,
    /// The standalone event log viewer: nothing below the event log view.
    pub standalone: bool,
    /// Where files the user asks for are written (`$XDG_STATE_HOME/batchtop`), read once
    /// at start so that `update` reads no environment.
    pub state_dir: std::path::PathBuf,
    /// Unique to this session: the prefix of EMR Serverless client tokens, so `update`
    /// makes them without a clock or a random source.
    pub session_id: String,
    /// The colours the terminal shows (`[theme] colors`, NO_COLOR, COLORTERM, TERM), decided
    /// once at start.
    pub colors: crate::config::skins::ColorDepth,
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub context: Context,
    pub now: DateTime<Utc>,
    /// When this session started (the actions of the incident notes are this session's).
    pub started_at: DateTime<Utc>,
    /// API counters summed over every context.
    pub stats: StatsSnapshot,
    /// Every context watched (at least one), with its identity and the health of its sources.
    pub contexts: Vec<contexts::Ctx>,
    /// `Enter` on `:ctx` narrowed every pane to this context.
    pub narrow: Option<usize>,
    /// The pane `:ctx` was opened from, to go back to after `Enter`.
    pub ctx_return: Pane,
    pub ctx_pane: catalog::ListPane,
    /// The failure inbox: its items, marks and the logs read for it.
    pub inbox: inbox::InboxState,
    pub inbox_pane: catalog::ListPane,
    /// Started on the inbox by default: once every source answered, with nothing open and no
    /// key pressed yet, go to the jobs pane instead.
    pub start_auto: bool,
    pub data: GlueData,
    pub jobs: JobsPane,
    pub root: Pane,
    pub workflows: Vec<crate::model::Workflow>,
    pub wf_pane: catalog::ListPane,
    pub crawlers: Vec<crate::model::Crawler>,
    pub cr_pane: catalog::ListPane,
    pub emr: crate::model::EmrData,
    pub apps_pane: catalog::ListPane,
    pub emr_pane: catalog::ListPane,
    /// The application the runs pane is limited to (opened from `:apps`).
    pub emr_app: Option<String>,
    pub dq: crate::model::DqData,
    pub dq_pane: catalog::ListPane,
    pub cost: quality::CostState,
    /// Every data stream: landed, catalogued, curated, on time?
    pub streams: streams::StreamsState,
    pub streams_pane: catalog::ListPane,
    /// Cross-source indexes (DQ marks, run estimates), rebuilt when data arrives.
    pub joins: joins::Joins,
    pub stack: Vec<View>,
    /// Ids handed to views that run a task (log tails).
    pub next_view_id: u64,
    /// Client tokens handed out this session.
    pub tokens_issued: u64,
    pub mode: Mode,
    /// A confirmation or bookmark box over the pane; keys go to it first.
    pub overlay: Option<overlay::Overlay>,
    /// Keys (`Command::key`) of commands in flight, with the context each went to: the same
    /// one cannot be issued twice.
    pub pending: std::collections::BTreeMap<String, usize>,
    /// A one-line message (unknown command, filter warning) until the next key.
    pub flash: Option<String>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
}

impl AppState {
    pub fn new(settings: Arc<Settings>, context: Context, now: DateTime<Utc>) -> Self {
        let first = contexts::Ctx {
            name: context.profile.clone().unwrap_or_else(|| "default".into()),
            profile: context.profile.clone(),
            region: context.region.clone(),
            account: context.account.clone(),
            read_only: context.read_only,
            ..Default::default()
        };
        Self {
            settings,
            context,
            now,
            started_at: now,
            stats: StatsSnapshot::default(),
            contexts: vec![first],
            narrow: None,
            ctx_return: Pane::Jobs,
            ctx_pane: Default::default(),
            inbox: Default::default(),
            inbox_pane: Default::default(),
            start_auto: false,
            data: GlueData::default(),
            jobs: JobsPane::default(),
            root: Pane::Jobs,
            workflows: Vec::new(),
            wf_pane: Default::default(),
            crawlers: Vec::new(),
            cr_pane: Default::default(),
            emr: Default::default(),
            apps_pane: Default::default(),
            emr_pane: Default::default(),
            emr_app: None,
            dq: Default::default(),
            dq_pane: Default::default(),
            cost: Default::default(),
            streams: Default::default(),
            streams_pane: Default::default(),
            joins: Default::default(),
            stack: Vec::new(),
            next_view_id: 0,
            tokens_issued: 0,
            mode: Mode::Normal,
            overlay: None,
            pending: Default::default(),
            flash: None,
            width: 120,
            height: 40,
            quit: false,
        }
    }

    /// A new idempotency token for one confirmed StartJobRun: the session's id and a
    /// counter (EMR Serverless allows 64 characters of `[A-Za-z0-9._-]`).
    pub fn next_client_token(&mut self) -> String {
        self.tokens_issued += 1;
        format!("{}-{:x}", self.context.session_id, self.tokens_issued)
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }

    /// Health of one source over the contexts in view (see [`contexts::merged_status`]).
    pub fn status(&self, source: SourceId) -> SourceStatus {
        contexts::merged_status(self.shown_contexts(), source, self.many_contexts())
    }

    /// Health of one source in one context.
    pub fn status_mut(&mut self, ctx: usize, source: SourceId) -> Option<&mut SourceStatus> {
        self.contexts.get_mut(ctx).map(|c| c.status_mut(source))
    }

    /// The source behind the root pane.
    pub fn source_status(&self) -> SourceStatus {
        self.status(self.root.spec().source)
    }

    /// The context whose cost report `:cost` shows: the one narrowed to, else the first.
    pub fn cost_ctx(&self) -> usize {
        self.narrow.unwrap_or(0)
    }

    /// More than one context: rows say which one they live in.
    pub fn many_contexts(&self) -> bool {
        self.contexts.len() > 1
    }

    /// The contexts whose rows are shown (one when narrowed).
    pub fn shown_contexts(&self) -> impl Iterator<Item = &contexts::Ctx> {
        self.contexts.iter().enumerate().filter(|(i, _)| self.narrow.is_none_or(|n| n == *i)).map(|(_, c)| c)
    }

    /// Whether a row of context `ctx` is shown (not narrowed away).
    pub fn shows_ctx(&self, ctx: usize) -> bool {
        self.narrow.is_none_or(|n| n == ctx)
    }

    /// The context a row of `ctx` lives in (the first one for an unknown index).
    pub fn ctx(&self, ctx: usize) -> &contexts::Ctx {
        self.contexts.get(ctx).unwrap_or(&self.contexts[0])
    }

    /// Table rows that fit in the body of the current view: the layout's arithmetic,
    /// shared with `ui` so scrolling and drawing agree.
    pub fn table_rows(&self) -> usize {
        // top bar + status bar (or the flash message's rows), plus the error line's rows.
        let chrome = 1 + self.bottom_rows() + self.error_rows();
        // block borders (2) + header row (1).
        let mut body = self.height.saturating_sub(chrome).saturating_sub(3);
        if matches!(self.stack.last(), Some(View::Runs(_))) {
            body = body.saturating_sub(SPARK_HEIGHT);
        }
        if matches!(self.stack.last(), Some(View::Stream(_))) {
            body = body.saturating_sub(pipeline::PIPELINE_HEIGHT);
        }
        usize::from(body.max(1))
    }

    /// Watch these contexts (at least one; an empty list keeps the current ones).
    pub fn set_contexts(&mut self, list: Vec<contexts::Ctx>) {
        if !list.is_empty() {
            self.contexts = list;
        }
    }

    /// Title of the current view, for the top bar.
    pub fn breadcrumb(&self) -> String {
        let mut parts = if self.context.standalone { Vec::new() } else { vec![self.root.name().to_string()] };
        for v in &self.stack {
            match v {
                View::Runs(r) => parts.push(r.job.clone()),
                View::Detail(d) => parts.push(d.run_id.clone()),
                View::WorkflowRuns(w) => parts.push(w.workflow.clone()),
                View::Graph(g) => parts.push(g.run.id.clone()),
                View::EmrDetail(d) => parts.push(d.run_id.clone()),
                View::EventLog(e) => parts.push(format!("event log {}", e.source.label())),
                View::DqDetail(d) => parts.push(d.result_id.clone()),
                View::Logs(l) => parts.push(format!("logs {}", l.plan.title)),
                View::Changes(c) => parts.push(format!("changes {}", c.failed_id)),
                View::Stream(v) => parts.push(v.name.clone()),
            }
        }
        parts.join(" › ")
    }
}
