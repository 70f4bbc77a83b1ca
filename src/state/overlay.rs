//! Overlays on top of a pane: the confirmation of a command, the job bookmark.

use crate::actions::Command;
use crate::actions::args::WorkflowOrigin;
use crate::model::Bookmark;

/// The confirmation of one command. `y` runs it (or Enter after typing the target's
/// name, for the dangerous ones); anything else cancels.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    /// The context the command goes to (its write client, account and Region).
    pub ctx: usize,
    pub command: Command,
    /// What the user typed, for commands that ask for the target's name.
    pub typed: String,
    /// Rerun only: the argument selected for editing, and the value being edited.
    pub selected_arg: usize,
    pub editing: Option<String>,
    /// Rerun of a run a workflow started: that workflow run. Its `--WORKFLOW_*` arguments
    /// are left out unless the user puts them back (`w`).
    pub workflow_run: Option<WorkflowOrigin>,
    /// Asked again: the last attempt failed ambiguously and was found not to have started
    /// (its error, "…; not started (checked …); retry?").
    pub retry: Option<String>,
}

impl Confirm {
    pub fn new(ctx: usize, command: Command) -> Self {
        Self { ctx, command, typed: String::new(), selected_arg: 0, editing: None, workflow_run: None, retry: None }
    }
}

/// A job's bookmark, loading or loaded, with what it can be rewound to.
#[derive(Debug, Clone, PartialEq)]
pub struct BookmarkView {
    /// The context of the job.
    pub ctx: usize,
    pub job: String,
    /// None while GetJobBookmark is in flight.
    pub entry: Option<Result<Bookmark, String>>,
    /// The run selected when the overlay opened: the rewind target.
    pub rewind_to: Option<String>,
}

/// What a one-line prompt on an inbox item is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    /// Acknowledge, with an optional note.
    Ack,
    /// Mute for a duration (`30m`, `4h`, `1d`).
    Mute,
}

/// A one-line prompt about one inbox item (its context and id).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub kind: NoteKind,
    pub ctx: usize,
    pub item: String,
    pub input: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    /// Acknowledge or mute an inbox item.
    Note(Note),
    Confirm(Confirm),
    Bookmark(BookmarkView),
    /// Refresh the cost report from Cost Explorer ($0.01 per request)?
    CostRefresh,
    /// Run this plugin (`confirm = true`)?
    Plugin(crate::state::plugins::PluginRun),
}
