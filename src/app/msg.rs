//! What the loop feeds `update`, and what `update` asks the loop to do.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use crate::actions::{Command, Confirmed, Outcome};
use crate::aws::{AwsError, CallerIdentity, StatsSnapshot};
use crate::model::{Bookmark, EmrAttempt, JobRun, WorkflowRun};

pub use crate::poll::{Batch, Loaded, SourceData, SourceId};

impl From<crate::poll::PollEvent> for Msg {
    fn from(e: crate::poll::PollEvent) -> Self {
        match e {
            crate::poll::PollEvent::Polling { ctx, source } => Msg::Polling { ctx, source },
            crate::poll::PollEvent::Loaded(l) => Msg::Loaded(l),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(KeyEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Once a second: the clock and the API counters.
    Tick {
        now: DateTime<Utc>,
        stats: StatsSnapshot,
    },
    /// A poll cycle started.
    Polling {
        ctx: usize,
        source: SourceId,
    },
    /// A poll cycle ended, for any source.
    Loaded(Loaded),
    /// STS GetCallerIdentity answered for context `ctx`.
    Identity {
        ctx: usize,
        result: Result<CallerIdentity, AwsError>,
    },
    /// Once a second, with the tick: each context's API counters.
    ContextStats(Vec<StatsSnapshot>),
    /// A confirmed command finished.
    ActionDone {
        command: Command,
        result: Result<Outcome, AwsError>,
    },
    /// ListJobRunAttempts answered for a run detail.
    EmrAttemptsLoaded {
        app_id: String,
        run_id: String,
        result: Result<Vec<EmrAttempt>, AwsError>,
    },
    /// GetWorkflowRuns answered for the run history view.
    WorkflowRunsLoaded {
        ctx: usize,
        workflow: String,
        result: Result<Vec<WorkflowRun>, AwsError>,
    },
    /// How far the read of an event log is (while it lasts).
    EventLogProgress {
        log: crate::state::eventlog::LogRef,
        seen: crate::eventlog::Seen,
    },
    /// An event log was read (or could not be).
    EventLogLoaded {
        log: crate::state::eventlog::LogRef,
        result: Result<Box<crate::eventlog::Summary>, String>,
    },
    /// The cost report arrived (from the cache or Cost Explorer), or could not.
    CostLoaded {
        /// The account (cache key) it was asked for.
        account: String,
        at: DateTime<Utc>,
        result: Result<Box<crate::cost::CostReport>, AwsError>,
    },
    /// The cost report found in the disk cache, however old (None: nothing cached).
    CostPeeked(Option<Box<crate::cost::CostReport>>),
    /// The tail of a log view brought something.
    Tail {
        id: u64,
        event: crate::poll::logs::TailEvent,
    },
    /// A driver error log was read for triage (None: the stream holds nothing).
    ErrorLogLoaded {
        run_id: String,
        result: Result<Option<crate::triage::LogExcerpt>, AwsError>,
    },
    /// The two event logs of a comparison were read (or not).
    ChangesLogsLoaded {
        failed_id: String,
        result: Result<(Box<crate::eventlog::Summary>, Box<crate::eventlog::Summary>), String>,
    },
    /// The inbox's marks were saved (or not).
    MarksSaved(Result<std::path::PathBuf, String>),
    /// A file was written (or not), for the flash line.
    Written(Result<std::path::PathBuf, String>),
    /// The incident notes were written: where, and the markdown (or why not).
    ReportWritten(Result<(std::path::PathBuf, String), String>),
    /// A plugin ended (or could not start).
    PluginDone {
        name: String,
        result: Result<PluginExit, String>,
    },
    /// GetJobRun answered for a run whose arguments were not kept.
    RunFetched {
        ctx: usize,
        job: String,
        run_id: String,
        then: AfterFetch,
        result: Result<Box<JobRun>, AwsError>,
    },
    /// GetJobBookmark answered.
    BookmarkLoaded {
        ctx: usize,
        job: String,
        result: Result<Bookmark, AwsError>,
    },
}

/// What a run read on demand is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFetch {
    /// The detail view shows it.
    Detail,
    /// The rerun overlay opens with its arguments.
    Rerun,
    /// Its log view opens (where its logs are depends on its arguments).
    Logs,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Something visible changed.
    Redraw,
    Quit,
    /// Poll this source now (refresh key).
    PollNow(SourceId),
    /// Run a command the user confirmed, in context `ctx` (with that context's write client).
    Execute {
        ctx: usize,
        confirmed: Confirmed,
    },
    /// Ask again who context `ctx`'s caller is (its credentials work again after a failure).
    LookupIdentity {
        ctx: usize,
    },
    /// Read one run (GetJobRun): its arguments were not kept.
    FetchRun {
        ctx: usize,
        job: String,
        run_id: String,
        then: AfterFetch,
    },
    /// Read a job's bookmark.
    LoadBookmark {
        ctx: usize,
        job: String,
    },
    /// Read a workflow's run history.
    LoadWorkflowRuns {
        ctx: usize,
        workflow: String,
    },
    /// Read an EMR Serverless run's attempts.
    LoadEmrAttempts {
        ctx: usize,
        app_id: String,
        run_id: String,
    },
    /// Read and summarise a Spark event log; `after_ms` picks Glue's application by start time.
    /// With `follow`, keep reading what the log gains (a running application) under that id.
    LoadEventLog {
        ctx: usize,
        log: crate::state::eventlog::LogRef,
        follow: Option<u64>,
    },
    /// Load the cost report: the fresh cache if any, else Cost Explorer (`force`: always
    /// Cost Explorer, after the user confirmed). `account` keys the cache.
    LoadCost {
        ctx: usize,
        force: bool,
        account: String,
    },
    /// Read the cost report from the disk cache only, however old: never a Cost Explorer
    /// request (`:streams` shows yesterday's cost per stream from it).
    PeekCost {
        account: String,
    },
    /// Follow the logs of `plan` for the log view whose tail is `id`.
    StartTail {
        ctx: usize,
        id: u64,
        plan: crate::logs::locate::Plan,
        pattern: Option<String>,
    },
    StopTail(u64),
    /// Write text to a file (the log view's `w`), creating its directory.
    WriteFile {
        path: std::path::PathBuf,
        contents: String,
    },
    /// Read the driver error log of a failed Glue run whose message says nothing (triage).
    LoadErrorLog {
        ctx: usize,
        run: Box<crate::model::JobRun>,
    },
    /// Read the Spark event logs of a failed run and of its job's last good run, for `c`.
    LoadChangesLogs {
        ctx: usize,
        failed_id: String,
        failed: crate::state::eventlog::LogRef,
        good: crate::state::eventlog::LogRef,
    },
    /// Save the inbox's acknowledgements and mutes (mode 0600, atomically).
    SaveMarks {
        path: std::path::PathBuf,
        contents: String,
    },
    /// Put text on the user's clipboard (OSC 52: works over SSH).
    Clipboard(String),
    /// Write the incident notes to `path` (mode 0600), with the actions of the audit log at
    /// `audit` since `report.actions_since`.
    WriteReport {
        report: Box<crate::report::Report>,
        audit: std::path::PathBuf,
        path: std::path::PathBuf,
    },
    /// Run a plugin: in the background (output captured), or in the foreground with the
    /// terminal handed over (the loop suspends the TUI and restores it after).
    RunPlugin(crate::state::plugins::PluginRun),
}

/// How a plugin ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginExit {
    /// None: ended by a signal.
    pub code: Option<i32>,
    /// The last line it printed (stderr first), from the background only.
    pub last_line: Option<String>,
}
