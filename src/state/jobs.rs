//! The Glue jobs pane and its drill-downs (run history, run detail): plain data plus
//! the sort and filter indexes, rebuilt when data, sort or filter change, never per frame.

use super::columns::{column, filter_fields, sort_rows};
use super::cursor::Cursor;
use super::filter::Filter;
use crate::model::{GlueData, JobEntry, JobRun};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobSort {
    /// Last run started, newest first.
    #[default]
    Recent,
    Name,
    /// Failures first.
    State,
    /// Longest last run first.
    Duration,
    Stream,
}

impl JobSort {
    pub fn next(self) -> Self {
        match self {
            Self::Recent => Self::Name,
            Self::Name => Self::State,
            Self::State => Self::Duration,
            Self::Duration => Self::Stream,
            Self::Stream => Self::Recent,
        }
    }
    /// The column it sorts by.
    pub fn header(self) -> &'static str {
        match self {
            Self::Recent => "STARTED",
            Self::Name => "NAME",
            Self::State => "STATE",
            Self::Duration => "DURATION",
            Self::Stream => "STREAM",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Recent => "started",
            Self::Name => "name",
            Self::State => "state",
            Self::Duration => "duration",
            Self::Stream => "stream",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RunSort {
    #[default]
    Started,
    Duration,
    State,
}

impl RunSort {
    pub fn next(self) -> Self {
        match self {
            Self::Started => Self::Duration,
            Self::Duration => Self::State,
            Self::State => Self::Started,
        }
    }
    /// The column it sorts by.
    pub fn header(self) -> &'static str {
        match self {
            Self::Started => "STARTED",
            Self::Duration => "DURATION",
            Self::State => "STATE",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Started => "started",
            Self::Duration => "duration",
            Self::State => "state",
        }
    }
}

/// The jobs table.
#[derive(Debug, Clone, Default)]
pub struct JobsPane {
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    pub sort: JobSort,
    pub filter: Filter,
}

impl JobsPane {
    /// Recompute the visible index, keeping job `keep` selected when it is still there.
    pub fn rebuild(&mut self, state: &super::AppState, rows: usize, keep: Option<(usize, String)>) {
        let data = &state.data;
        let mut visible: Vec<usize> = (0..data.jobs.len())
            .filter(|&i| state.shows_ctx(data.jobs[i].ctx) && job_matches(&self.filter, &data.jobs[i], state))
            .collect();
        // By name first, so rows the sort column ties keep name order (the sort is stable).
        visible.sort_by(|&a, &b| data.jobs[a].job.name.cmp(&data.jobs[b].job.name));
        if let Some(c) = column(super::job_columns::COLUMNS, self.sort.header()) {
            sort_rows(&mut visible, &data.jobs, c, state);
        }
        self.visible = visible;
        if let Some((ctx, name)) = keep
            && let Some(pos) =
                self.visible.iter().position(|&i| data.jobs[i].ctx == ctx && data.jobs[i].job.name == name)
        {
            self.cursor.selected = pos;
        }
        self.cursor.follow(self.visible.len(), rows);
    }

    pub fn selected<'a>(&self, data: &'a GlueData) -> Option<&'a JobEntry> {
        self.visible.get(self.cursor.selected).and_then(|&i| data.jobs.get(i))
    }
}

fn job_matches(filter: &Filter, j: &JobEntry, state: &super::AppState) -> bool {
    if filter.is_empty() {
        return true;
    }
    filter_fields(super::job_columns::COLUMNS, j, state).matches(filter)
}

/// Run history of one job.
#[derive(Debug, Clone, Default)]
pub struct RunsPane {
    /// The context of the job.
    pub ctx: usize,
    pub job: String,
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    pub sort: RunSort,
    pub filter: Filter,
    /// Durations (seconds) of the newest runs, oldest first, for the sparkline.
    pub durations: Vec<u64>,
    /// Run ids marked (space) for a stop.
    pub marked: std::collections::BTreeSet<String>,
}

/// How many runs the sparkline covers.
pub const SPARK_RUNS: usize = 240;

impl RunsPane {
    /// The runs of job `job` of the first context.
    pub fn new(job: &str) -> Self {
        Self::in_ctx(0, job)
    }

    pub fn in_ctx(ctx: usize, job: &str) -> Self {
        Self { ctx, job: job.to_string(), ..Default::default() }
    }

    pub fn entry<'a>(&self, data: &'a GlueData) -> Option<&'a JobEntry> {
        data.jobs.iter().find(|j| j.ctx == self.ctx && j.job.name == self.job)
    }

    /// Recompute the visible index, keeping run `keep` selected when it is still there.
    pub fn rebuild(&mut self, state: &super::AppState, rows: usize, keep: Option<String>) {
        let (data, now) = (&state.data, state.now);
        let runs: &[JobRun] = self.entry(data).map(|e| e.runs.as_slice()).unwrap_or(&[]);
        let mut visible: Vec<usize> = (0..runs.len()).filter(|&i| run_matches(&self.filter, &runs[i], state)).collect();
        // Runs arrive newest first: that is the started order, ties included.
        if self.sort != RunSort::Started
            && let Some(c) = column(super::run_columns::COLUMNS, self.sort.header())
        {
            sort_rows(&mut visible, runs, c, state);
        }
        self.visible = visible;
        self.durations =
            runs.iter().take(SPARK_RUNS).rev().map(|r| r.duration_s(now).unwrap_or(0).max(0) as u64).collect();
        if let Some(id) = keep
            && let Some(pos) = self.visible.iter().position(|&i| runs[i].id == id)
        {
            self.cursor.selected = pos;
        }
        self.cursor.follow(self.visible.len(), rows);
    }

    pub fn selected<'a>(&self, data: &'a GlueData) -> Option<&'a JobRun> {
        let runs = &self.entry(data)?.runs;
        self.visible.get(self.cursor.selected).and_then(|&i| runs.get(i))
    }
}

fn run_matches(filter: &Filter, r: &JobRun, state: &super::AppState) -> bool {
    if filter.is_empty() {
        return true;
    }
    filter_fields(super::run_columns::COLUMNS, r, state).matches(filter)
}

/// Every field of one run.
#[derive(Debug, Clone, Default)]
pub struct DetailPane {
    /// The context of the job.
    pub ctx: usize,
    pub job: String,
    pub run_id: String,
    pub scroll: usize,
    /// The run as it was when opened from elsewhere (a workflow graph node), shown when
    /// the jobs pane has not loaded it.
    pub snapshot: Option<JobRun>,
    /// The run as read with GetJobRun when the poller had dropped its arguments.
    pub full: Option<Box<JobRun>>,
}

impl DetailPane {
    pub fn run<'a>(&'a self, data: &'a GlueData) -> Option<&'a JobRun> {
        let live = data
            .jobs
            .iter()
            .find(|j| j.ctx == self.ctx && j.job.name == self.job)
            .and_then(|j| j.runs.iter().find(|r| r.id == self.run_id));
        match live {
            Some(r) if r.arguments.is_dropped() => self.full.as_deref().or(Some(r)),
            Some(r) => Some(r),
            None => self.full.as_deref().or(self.snapshot.as_ref()),
        }
    }
}
