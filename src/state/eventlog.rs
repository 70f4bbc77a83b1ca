//! The Spark event log view: tabs over one summary, a sortable stage table, a stage's
//! task duration distribution, and `C`: this log compared with another one.

use super::cursor::Cursor;
use crate::eventlog::{StageSummary, Summary};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Findings,
    Stages,
    Jobs,
    Executors,
    Sql,
}

impl Tab {
    pub const ALL: [Tab; 5] = [Tab::Findings, Tab::Stages, Tab::Jobs, Tab::Executors, Tab::Sql];

    pub fn name(self) -> &'static str {
        match self {
            Tab::Findings => "findings",
            Tab::Stages => "stages",
            Tab::Jobs => "jobs",
            Tab::Executors => "executors",
            Tab::Sql => "SQL",
        }
    }

    pub fn step(self, delta: isize) -> Tab {
        let i = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0) as isize;
        Tab::ALL[(i + delta).rem_euclid(Tab::ALL.len() as isize) as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StageSort {
    #[default]
    Id,
    Duration,
    RunTime,
    Spill,
    Failed,
}

impl StageSort {
    pub fn next(self) -> Self {
        match self {
            Self::Id => Self::Duration,
            Self::Duration => Self::RunTime,
            Self::RunTime => Self::Spill,
            Self::Spill => Self::Failed,
            Self::Failed => Self::Id,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Id => "stage",
            Self::Duration => "duration",
            Self::RunTime => "run time",
            Self::Spill => "spill",
            Self::Failed => "failed tasks",
        }
    }
}

/// Where the log comes from, as the user named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventLogSource {
    Local(std::path::PathBuf),
    /// `s3://bucket/prefix`: a file, or every object under a folder (rolling logs).
    S3(String),
}

impl EventLogSource {
    pub fn label(&self) -> String {
        match self {
            EventLogSource::Local(p) => p.display().to_string(),
            EventLogSource::S3(u) => u.clone(),
        }
    }

    /// As typed: `s3://…` is S3, anything else a local path.
    pub fn parse(text: &str) -> EventLogSource {
        let text = text.trim();
        if text.starts_with("s3://") {
            EventLogSource::S3(text.to_string())
        } else {
            EventLogSource::Local(std::path::PathBuf::from(text))
        }
    }

    /// Where to start typing another log of the same job: this log's folder (or S3 prefix).
    pub fn sibling_prompt(&self) -> String {
        match self {
            EventLogSource::Local(p) => match p.parent().map(|d| d.display().to_string()) {
                Some(d) if !d.is_empty() => format!("{d}/"),
                _ => String::new(),
            },
            EventLogSource::S3(u) if u.ends_with('/') => u.clone(),
            EventLogSource::S3(u) => u.rsplit_once('/').map(|(head, _)| format!("{head}/")).unwrap_or_default(),
        }
    }
}

/// One log to read: where, and (Glue) the run's start, which picks its application among the
/// logs of all the job's runs under one prefix. A read's messages name both, so two logs under
/// one prefix (the open run and its reference) never take each other's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRef {
    pub source: EventLogSource,
    pub after_ms: Option<i64>,
}

impl LogRef {
    pub fn new(source: EventLogSource, after_ms: Option<i64>) -> Self {
        LogRef { source, after_ms }
    }
}

/// What `C` compares the open log with at once: the same job's last successful run before the
/// open one (found as the triage `c` view finds it).
#[derive(Debug, Clone)]
pub struct Reference {
    pub log: LogRef,
    /// Which run, for the comparison's header: `jr_0123abcd… (last successful run, <start>)`.
    pub label: String,
    /// Its summary once read, kept when the comparison closes so `C` shows it again at once.
    pub summary: Option<Box<Summary>>,
}

/// `C`: the open log (B) against another one (A, the reference: e.g. the job's last good run).
#[derive(Debug, Clone)]
pub struct CompareView {
    pub other: LogRef,
    /// What A is, for the header: the reference run, or the path as typed.
    pub label: String,
    /// The other log's summary; None while reading.
    pub other_summary: Option<Result<Box<Summary>, String>>,
    /// The comparison as text, a line each: made when either log arrives, never per frame.
    pub lines: Vec<String>,
    /// The first line shown.
    pub scroll: usize,
}

impl CompareView {
    pub fn new(other: LogRef, label: String) -> Self {
        let lines = vec![format!("reading {label} …")];
        CompareView { other, label, other_summary: None, lines, scroll: 0 }
    }
}

#[derive(Debug, Clone)]
pub struct EventLogPane {
    /// The context whose S3 client reads it.
    pub ctx: usize,
    pub source: EventLogSource,
    /// Glue: the run's start, to pick its application among several logs.
    pub after_ms: Option<i64>,
    /// None while reading.
    pub summary: Option<Result<Box<Summary>, String>>,
    pub tab: Tab,
    pub cursor: Cursor,
    pub sort: StageSort,
    /// Stage indexes in display order.
    pub stage_order: Vec<usize>,
    /// The stage whose distribution is shown (Enter on the stages tab).
    pub stage_open: Option<usize>,
    /// Id of the task following the log as it grows (0: none).
    pub follow: u64,
    /// `C` was pressed: the path or URI of the log to compare with, as typed so far.
    pub compare_prompt: Option<String>,
    /// The comparison shown instead of the tabs (esc closes it).
    pub compare: Option<CompareView>,
    /// How far the read under way is (None: no read, or no byte count yet).
    pub loading: Option<crate::eventlog::Seen>,
    /// The log `C` compares with at once; Err: why there is none (then `C` asks for a path).
    pub reference: Result<Reference, String>,
}

impl EventLogPane {
    pub fn new(source: EventLogSource) -> Self {
        Self {
            ctx: 0,
            source,
            after_ms: None,
            summary: None,
            tab: Tab::default(),
            cursor: Cursor::default(),
            sort: StageSort::default(),
            stage_order: Vec::new(),
            stage_open: None,
            follow: 0,
            compare_prompt: None,
            compare: None,
            loading: None,
            reference: Err("this log was opened by its path, not from a run".into()),
        }
    }

    /// This log, as its reads are keyed.
    pub fn log(&self) -> LogRef {
        LogRef::new(self.source.clone(), self.after_ms)
    }

    /// Whether a read of `log` is this view's own log.
    pub fn is(&self, log: &LogRef) -> bool {
        self.source == log.source && self.after_ms == log.after_ms
    }

    /// Close the comparison; the reference's summary stays for the next `C`.
    pub fn close_compare(&mut self) {
        let Some(cv) = self.compare.take() else { return };
        if let (Ok(r), Some(Ok(summary))) = (self.reference.as_mut(), cv.other_summary)
            && r.log == cv.other
        {
            r.summary = Some(summary);
        }
    }

    /// Redo the comparison's text from both summaries (after either one arrived).
    pub fn refresh_compare(&mut self) {
        let Some(cv) = self.compare.as_mut() else { return };
        let text = match (&cv.other_summary, &self.summary) {
            // A log picked by start time that is this very application: the reference run
            // left no log of its own under the prefix, and the nearest one is this one.
            (Some(Ok(a)), Some(Ok(b))) if cv.other.after_ms.is_some() && a.app_id.is_some() && a.app_id == b.app_id => {
                format!(
                    "cannot compare: the log found for {} is this log itself\n(that run left no log of its own under {})",
                    cv.label,
                    cv.other.source.label()
                )
            }
            (Some(Ok(a)), Some(Ok(b))) => crate::eventlog::compare(a, b).to_text(),
            (Some(Err(e)), _) => format!("cannot compare: {e}"),
            (None, _) => format!("reading {} …", cv.label),
            (_, Some(Err(e))) => format!("cannot compare: this log did not read: {e}"),
            (_, None) => "reading this log …".into(),
        };
        cv.lines = text.lines().map(str::to_string).collect();
        cv.scroll = cv.scroll.min(cv.lines.len().saturating_sub(1));
    }

    pub fn summary(&self) -> Option<&Summary> {
        match &self.summary {
            Some(Ok(s)) => Some(s),
            _ => None,
        }
    }

    /// Rows in the current tab.
    pub fn len(&self) -> usize {
        let Some(s) = self.summary() else { return 0 };
        match self.tab {
            Tab::Findings => s.findings.len(),
            Tab::Stages => s.stages.len(),
            Tab::Jobs => s.jobs.len(),
            Tab::Executors => s.executors.len(),
            Tab::Sql => s.sql_executions.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Recompute the stage order after loading or a sort change.
    pub fn sort_stages(&mut self) {
        let Some(s) = self.summary() else { return };
        let stages: &[StageSummary] = &s.stages;
        let mut order: Vec<usize> = (0..stages.len()).collect();
        let key = |st: &StageSummary| -> i64 {
            match self.sort {
                StageSort::Id => 0,
                StageSort::Duration => -st.duration_ms().unwrap_or(0),
                StageSort::RunTime => -st.executor_run_time_ms,
                StageSort::Spill => -(st.memory_spilled_bytes + st.disk_spilled_bytes),
                StageSort::Failed => -st.failed_tasks,
            }
        };
        order.sort_by_key(|&i| (key(&stages[i]), stages[i].stage_id, stages[i].attempt));
        self.stage_order = order;
    }

    pub fn selected_stage(&self) -> Option<&StageSummary> {
        let s = self.summary()?;
        self.stage_order.get(self.cursor.selected).and_then(|&i| s.stages.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_wrap_around() {
        assert_eq!(Tab::Findings.step(-1), Tab::Sql);
        assert_eq!(Tab::Sql.step(1), Tab::Findings);
        assert_eq!(Tab::Stages.step(2), Tab::Executors);
    }

    #[test]
    fn typed_sources_and_where_the_prompt_starts() {
        assert_eq!(EventLogSource::parse(" s3://b/logs/app-1 "), EventLogSource::S3("s3://b/logs/app-1".into()));
        assert_eq!(EventLogSource::parse("/tmp/app-1"), EventLogSource::Local("/tmp/app-1".into()));
        assert_eq!(EventLogSource::parse("/tmp/logs/app-2").sibling_prompt(), "/tmp/logs/");
        assert_eq!(EventLogSource::parse("app-2").sibling_prompt(), "");
        assert_eq!(EventLogSource::S3("s3://b/glue/".into()).sibling_prompt(), "s3://b/glue/");
        assert_eq!(EventLogSource::S3("s3://b/glue/app-1".into()).sibling_prompt(), "s3://b/glue/");
    }
}
