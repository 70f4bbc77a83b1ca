//! The log view: a bounded ring of the lines fetched for one run, which streams are shown,
//! follow or pause, search with highlight, a filter with context, wrap and timestamps.

use crate::logs::locate::Plan;
use crate::logs::pattern::{Pattern, Row, with_context};
use crate::logs::ring::Ring;
use crate::logs::{Level, LogLine};
use crate::poll::logs::TailMode;

/// Which streams are shown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StreamPick {
    /// Every stream, merged, each line prefixed with its stream.
    #[default]
    All,
    Driver,
    Executors,
    /// Error / stderr streams.
    Errors,
    One(String),
}

impl StreamPick {
    pub fn label(&self) -> String {
        match self {
            StreamPick::All => "all streams".into(),
            StreamPick::Driver => "driver".into(),
            StreamPick::Executors => "executors".into(),
            StreamPick::Errors => "errors".into(),
            StreamPick::One(s) => s.clone(),
        }
    }

    /// Whether a line of `stream` (named `group › stream` or an S3 key) is shown.
    pub fn shows(&self, stream: &str, run_id: &str) -> bool {
        let leaf = stream.rsplit(" › ").next().unwrap_or(stream);
        match self {
            StreamPick::All => true,
            StreamPick::One(s) => s == stream,
            StreamPick::Driver => {
                matches!(crate::logs::locate::classify_stream(leaf, run_id), crate::logs::locate::StreamKind::Driver)
            }
            StreamPick::Executors => matches!(
                crate::logs::locate::classify_stream(leaf, run_id),
                crate::logs::locate::StreamKind::Executor(_)
            ),
            StreamPick::Errors => stream.contains("/error") || leaf.contains("stderr"),
        }
    }
}

/// What is being typed in the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogInput {
    Search(String),
    Filter(String),
}

#[derive(Debug, Clone)]
pub struct LogViewPane {
    /// The context whose Logs and S3 clients (and budget) read it.
    pub ctx: usize,
    pub id: u64,
    /// The id of the tail feeding this view (a restart, e.g. for a server-side filter, gets a
    /// new one so messages of the old tail in flight are dropped).
    pub tail: u64,
    pub plan: Plan,
    pub ring: Ring,
    /// Streams found so far, and where batchtop looked (shown while there are none).
    pub streams: Vec<String>,
    pub looked: String,
    pub pick: StreamPick,
    /// The stream picker overlay: its cursor.
    pub picker: Option<usize>,
    /// Stick to the newest line.
    pub follow: bool,
    /// First shown row (in `rows()`) when not following.
    pub top: usize,
    pub wrap: bool,
    pub timestamps: bool,
    pub hscroll: usize,
    pub search: Option<(String, Pattern)>,
    /// The row of the current search match.
    pub cursor: Option<usize>,
    pub filter: Option<(String, Pattern)>,
    /// Lines of context kept around each filter match.
    pub context: usize,
    /// The filter is applied by CloudWatch (the tail restarted with it).
    pub server_filter: bool,
    pub input: Option<LogInput>,
    pub mode: TailMode,
    pub error: Option<String>,
    pub note: Option<String>,
    /// `rows()` of the last call and what it depended on: a frame reuses it until a line
    /// arrives or the pick, filter or context changes.
    rows_cache: std::cell::RefCell<Option<(RowsKey, std::rc::Rc<Vec<Row>>)>>,
}

#[derive(Debug, Clone, PartialEq)]
struct RowsKey {
    first: Option<u64>,
    len: usize,
    pick: StreamPick,
    filter: Option<String>,
    context: usize,
    server: bool,
}

impl LogViewPane {
    pub fn new(id: u64, plan: Plan, capacity: usize) -> Self {
        Self {
            ctx: 0,
            id,
            tail: id * 1000,
            looked: crate::logs::locate::describe(&plan),
            plan,
            ring: Ring::new(capacity),
            streams: Vec::new(),
            pick: StreamPick::All,
            picker: None,
            follow: true,
            top: 0,
            wrap: false,
            timestamps: true,
            hscroll: 0,
            search: None,
            cursor: None,
            filter: None,
            context: 0,
            server_filter: false,
            input: None,
            mode: TailMode::Reading,
            error: None,
            note: None,
            rows_cache: Default::default(),
        }
    }

    /// The choices of the stream picker.
    pub fn picks(&self) -> Vec<StreamPick> {
        let mut p = vec![StreamPick::All, StreamPick::Driver, StreamPick::Executors, StreamPick::Errors];
        p.extend(self.streams.iter().cloned().map(StreamPick::One));
        p
    }

    fn shown(&self, line: &LogLine) -> bool {
        self.pick.shows(&line.stream, &self.plan.run_id)
    }

    /// The rows to draw: ring indices of shown lines, with gaps between filter context groups.
    pub fn rows(&self) -> std::rc::Rc<Vec<Row>> {
        let key = RowsKey {
            first: self.ring.first_seq(),
            len: self.ring.len(),
            pick: self.pick.clone(),
            filter: self.filter.as_ref().map(|f| f.0.clone()),
            context: self.context,
            server: self.server_filter,
        };
        if let Some((k, rows)) = self.rows_cache.borrow().as_ref()
            && *k == key
        {
            return rows.clone();
        }
        let rows = std::rc::Rc::new(self.compute_rows());
        *self.rows_cache.borrow_mut() = Some((key, rows.clone()));
        rows
    }

    fn compute_rows(&self) -> Vec<Row> {
        let picked: Vec<usize> =
            (0..self.ring.len()).filter(|&i| self.ring.get(i).is_some_and(|l| self.shown(l))).collect();
        let Some((_, pattern)) = &self.filter else {
            return picked.into_iter().map(Row::Line).collect();
        };
        if self.server_filter {
            return picked.into_iter().map(Row::Line).collect();
        }
        let matching: Vec<usize> = picked
            .iter()
            .enumerate()
            .filter(|(_, i)| self.ring.get(**i).is_some_and(|l| pattern.matches(&l.text)))
            .map(|(pos, _)| pos)
            .collect();
        with_context(&matching, picked.len(), self.context)
            .into_iter()
            .map(|r| match r {
                Row::Line(pos) => Row::Line(picked[pos]),
                Row::Gap => Row::Gap,
            })
            .collect()
    }

    /// Rows (positions in `rows`) whose line matches the search.
    pub fn search_hits(&self, rows: &[Row]) -> Vec<usize> {
        let Some((_, p)) = &self.search else { return Vec::new() };
        rows.iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, Row::Line(i) if self.ring.get(*i).is_some_and(|l| p.matches(&l.text))))
            .map(|(pos, _)| pos)
            .collect()
    }

    /// The first row holding an exception (else a `Caused by`, else an ERROR line).
    pub fn first_exception(&self, rows: &[Row]) -> Option<usize> {
        let level = |r: &Row| match r {
            Row::Line(i) => self.ring.get(*i).map(|l| l.level),
            Row::Gap => None,
        };
        [Level::Exception, Level::CausedBy, Level::Error]
            .into_iter()
            .find_map(|want| rows.iter().position(|r| level(r) == Some(want)))
    }

    /// First row shown for a body of `height` rows.
    pub fn first_row(&self, total: usize, height: usize) -> usize {
        if self.follow { total.saturating_sub(height) } else { self.top.min(total.saturating_sub(1)) }
    }

    /// Show row `row` (a search hit, an exception) near the top, pausing follow.
    pub fn jump_to(&mut self, row: usize) {
        self.follow = false;
        self.top = row.saturating_sub(2);
        self.cursor = Some(row);
    }

    /// Everything fetched (all streams, unfiltered), as text for `w`.
    pub fn export(&self) -> String {
        let mut out = String::new();
        for l in self.ring.iter() {
            out.push_str(&format_ts(l.ts_ms));
            out.push(' ');
            out.push_str(&l.stream);
            out.push(' ');
            out.push_str(&l.text);
            out.push('\n');
        }
        out
    }
}

/// `2026-11-24 10:01:02.123`, or nothing for S3 lines (their "time" is a line number).
pub fn format_ts(ts_ms: i64) -> String {
    if ts_ms < 100_000_000_000 {
        return String::new();
    }
    chrono::DateTime::from_timestamp_millis(ts_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}
