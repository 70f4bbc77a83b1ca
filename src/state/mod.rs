//! Everything the UI shows, as plain data. `app::update` changes it; `ui` draws it.

pub mod active;
pub mod catalog;
pub mod columns;
pub mod cost_columns;
pub mod crawler_columns;
pub mod cursor;
pub mod detail;
pub mod dq_columns;
pub mod emr;
pub mod emr_columns;
pub mod eventlog;
pub mod filter;
pub mod graph;
pub mod job_columns;
pub mod jobs;
pub mod joins;
pub mod logs;
pub mod overlay;
pub mod pane;
pub mod quality;
pub mod run_columns;
pub mod stage_columns;
pub mod wf_columns;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::aws::{AwsError, StatsSnapshot};
use crate::config::Settings;
use crate::model::GlueData;
pub use active::Active;
pub use jobs::{DetailPane, JobSort, JobsPane, RunSort, RunsPane};
pub use pane::{PANES, Pane, PaneSpec, Table};

use crate::poll::{SourceData, SourceId};

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

/// Who and where: shown in the status bar.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub profile: Option<String>,
    pub region: String,
    pub account: Option<String>,
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
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub context: Context,
    pub now: DateTime<Utc>,
    pub stats: StatsSnapshot,
    /// Health of each source, by [`SourceId::index`].
    pub statuses: [SourceStatus; SourceId::ALL.len()],
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
    /// Keys (`Command::key`) of commands in flight: the same one cannot be issued twice.
    pub pending: std::collections::BTreeSet<String>,
    /// A one-line message (unknown command, filter warning) until the next key.
    pub flash: Option<String>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
}

impl AppState {
    pub fn new(settings: Arc<Settings>, context: Context, now: DateTime<Utc>) -> Self {
        Self {
            settings,
            context,
            now,
            stats: StatsSnapshot::default(),
            statuses: Default::default(),
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

    /// Health of one source.
    pub fn status(&self, source: SourceId) -> &SourceStatus {
        &self.statuses[source.index()]
    }

    pub fn status_mut(&mut self, source: SourceId) -> &mut SourceStatus {
        &mut self.statuses[source.index()]
    }

    /// The source behind the root pane.
    pub fn source_status(&self) -> &SourceStatus {
        self.status(self.root.spec().source)
    }

    /// Whether the error line is shown (it takes one row from the body).
    pub fn shows_error_line(&self) -> bool {
        self.source_status().error.is_some()
    }

    /// Table rows that fit in the body of the current view: the layout's arithmetic,
    /// shared with `ui` so scrolling and drawing agree.
    pub fn table_rows(&self) -> usize {
        // top bar + status bar, plus the error line when shown.
        let chrome = 2 + u16::from(self.shows_error_line());
        // block borders (2) + header row (1).
        let mut body = self.height.saturating_sub(chrome).saturating_sub(3);
        if matches!(self.stack.last(), Some(View::Runs(_))) {
            body = body.saturating_sub(SPARK_HEIGHT);
        }
        usize::from(body.max(1))
    }

    /// What is selected now (job name, run id per runs view), to select again after a rebuild.
    fn selection(&self) -> (Option<String>, Vec<Option<String>>) {
        let job = self.jobs.selected(&self.data).map(|j| j.job.name.clone());
        let runs = self
            .stack
            .iter()
            .map(|v| match v {
                View::Runs(r) => r.selected(&self.data).map(|run| run.id.clone()),
                _ => None,
            })
            .collect();
        (job, runs)
    }

    fn rebuild_keeping(&mut self, (job, runs): (Option<String>, Vec<Option<String>>)) {
        let rows = self.table_rows();
        let keep_wf = self.wf_pane.selected().and_then(|i| self.workflows.get(i)).map(|w| w.name.clone());
        let mut pane = std::mem::take(&mut self.wf_pane);
        pane.rebuild_by(&self.workflows, wf_columns::COLUMNS, self, rows, keep_wf.as_deref(), |w| &w.name);
        self.wf_pane = pane;
        let keep_cr = self.cr_pane.selected().and_then(|i| self.crawlers.get(i)).map(|c| c.name.clone());
        let mut pane = std::mem::take(&mut self.cr_pane);
        pane.rebuild_by(&self.crawlers, crawler_columns::COLUMNS, self, rows, keep_cr.as_deref(), |c| &c.name);
        self.cr_pane = pane;
        let keep_app = self.apps_pane.selected().and_then(|i| self.emr.apps.get(i)).map(|a| a.id.clone());
        let mut pane = std::mem::take(&mut self.apps_pane);
        pane.rebuild_by(&self.emr.apps, emr_columns::APP_COLUMNS, self, rows, keep_app.as_deref(), |a| &a.id);
        self.apps_pane = pane;
        let keep_run = self.emr_pane.selected().and_then(|i| self.emr.runs.get(i)).map(|r| r.id.clone());
        let mut pane = std::mem::take(&mut self.emr_pane);
        pane.rebuild_by(&self.emr.runs, emr_columns::RUN_COLUMNS, self, rows, keep_run.as_deref(), |r| &r.id);
        self.emr_pane = pane;
        if let Some(a) = &self.emr_app {
            let emr_runs = &self.emr.runs;
            self.emr_pane.visible.retain(|&i| emr_runs[i].app_id == *a);
            self.emr_pane.cursor.follow(self.emr_pane.visible.len(), rows);
        }
        let keep_dq = self.dq_pane.selected().and_then(|i| self.dq.results.get(i)).map(|r| r.id.clone());
        let mut pane = std::mem::take(&mut self.dq_pane);
        pane.rebuild_by(&self.dq.results, dq_columns::COLUMNS, self, rows, keep_dq.as_deref(), |r| &r.id);
        self.dq_pane = pane;
        self.cost.cursor.follow(self.cost.rows.len(), rows);
        let mut jobs = std::mem::take(&mut self.jobs);
        jobs.rebuild(self, rows, job);
        self.jobs = jobs;
        let mut stack = std::mem::take(&mut self.stack);
        for (v, keep) in stack.iter_mut().zip(runs) {
            if let View::Runs(r) = v {
                r.rebuild(self, rows, keep);
            }
        }
        self.stack = stack;
    }

    /// Rebuild every index (after sort, filter or size changed).
    pub fn rebuild(&mut self) {
        let keep = self.selection();
        self.rebuild_keeping(keep);
    }

    /// Replace the Glue data, keeping the selected job and runs selected.
    pub fn set_data(&mut self, data: GlueData) {
        self.apply(SourceData::Glue(data));
    }

    /// Take in what a source brought, keeping every selection. Derived indexes (the
    /// filtered, sorted rows) are rebuilt here, when data arrives, never per frame.
    pub fn apply(&mut self, data: SourceData) {
        let keep = self.selection();
        match data {
            SourceData::Glue(d) => self.data = d,
            SourceData::Workflows(w) => self.workflows = w,
            SourceData::Crawlers(c) => self.crawlers = c,
            SourceData::Emr(e) => self.emr = e,
            SourceData::DataQuality(mut d) => {
                // Failing results first, then newest first.
                d.results.sort_by(|a, b| b.is_bad().cmp(&a.is_bad()).then(b.started_on.cmp(&a.started_on)));
                self.dq = d;
            }
        }
        self.joins.rebuild(&self.data, &self.emr, &self.dq, &self.settings, self.now);
        self.rebuild_keeping(keep);
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
            }
        }
        parts.join(" › ")
    }
}
