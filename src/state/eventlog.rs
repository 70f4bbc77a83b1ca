//! The Spark event log view: tabs over one summary, a sortable stage table, a stage's
//! task duration distribution.

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
        }
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
}
