//! A run's arguments, kept or dropped: at thousands of jobs the argument maps were the largest
//! part of the memory, so the poller keeps them for the runs that need them only.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::glue::{JobRun, RunState};

/// A run's arguments: kept, or dropped to keep memory small at thousands of jobs (the
/// poller keeps them for each job's newest runs only; a dropped one is read again with
/// GetJobRun when the run is opened or rerun).
#[derive(Debug, Clone, PartialEq)]
pub enum Arguments {
    Kept(Arc<BTreeMap<String, String>>),
    Dropped,
}

impl Default for Arguments {
    fn default() -> Self {
        Arguments::Kept(Arc::default())
    }
}

impl From<BTreeMap<String, String>> for Arguments {
    fn from(map: BTreeMap<String, String>) -> Self {
        Arguments::Kept(Arc::new(map))
    }
}

impl FromIterator<(String, String)> for Arguments {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Arguments::from(iter.into_iter().collect::<BTreeMap<_, _>>())
    }
}

impl Arguments {
    /// The arguments, unless they were dropped.
    pub fn kept(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            Arguments::Kept(map) => Some(map),
            Arguments::Dropped => None,
        }
    }

    pub fn is_dropped(&self) -> bool {
        matches!(self, Arguments::Dropped)
    }

    /// One argument (None when absent or dropped).
    pub fn get(&self, key: &str) -> Option<&String> {
        self.kept().and_then(|m| m.get(key))
    }

    /// Every argument (none when dropped).
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.kept().into_iter().flatten()
    }
}

/// Runs (newest first) whose arguments are kept: the `newest` newest, the newest failure and
/// the newest success before it (what `c` compares), and every one in flight.
pub fn drop_older_arguments(runs: &mut [JobRun], newest: usize) {
    let bad = runs.iter().position(|r| r.state().is_failure());
    let good_after =
        |from: usize| runs.iter().skip(from).position(|r| r.state() == RunState::Succeeded).map(|i| i + from);
    let (good, good_before_bad) = (good_after(0), bad.and_then(good_after));
    for (i, r) in runs.iter_mut().enumerate() {
        let kept = i < newest || Some(i) == bad || Some(i) == good || Some(i) == good_before_bad;
        if !kept && !r.state().is_active() {
            r.arguments = Arguments::Dropped;
        }
    }
}
