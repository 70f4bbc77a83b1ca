//! What the loop feeds `update`, and what `update` asks the loop to do.

use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;

use crate::actions::{Command, Confirmed, Outcome};
use crate::aws::{AwsError, CallerIdentity, StatsSnapshot};
use crate::model::Bookmark;
use crate::poll::Cycle;

/// A source of data, polled by its own task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Glue,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Glue => "glue",
        }
    }
}

/// The outcome of one poll cycle.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: Source,
    pub generation: u64,
    pub at: DateTime<Utc>,
    pub result: Result<Box<Cycle>, AwsError>,
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
        source: Source,
    },
    Loaded(Loaded),
    Identity(Result<CallerIdentity, AwsError>),
    /// A confirmed command finished.
    ActionDone {
        command: Command,
        result: Result<Outcome, AwsError>,
    },
    /// GetJobBookmark answered.
    BookmarkLoaded {
        job: String,
        result: Result<Bookmark, AwsError>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Something visible changed.
    Redraw,
    Quit,
    /// Poll this source now (refresh key).
    PollNow(Source),
    /// Run a command the user confirmed.
    Execute(Confirmed),
    /// Read a job's bookmark.
    LoadBookmark(String),
}
