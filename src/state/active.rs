//! One way to ask what is in front of the user: the root pane, or the view on top of it,
//! and the table it shows. `nav`, `update`, the bars and `ui` ask here instead of matching
//! on `root` and `stack.last()` themselves.

use super::catalog::ListPane;
use super::cursor::Cursor;
use super::filter::Filter;
use super::jobs::{JobsPane, RunsPane};
use super::pane::{Pane, Table};
use super::quality::CostState;
use super::{AppState, View};

/// What is in front: a root pane (nothing pushed on it), or the top view.
#[derive(Debug, Clone, Copy)]
pub enum Active<'a> {
    Pane(Pane),
    View(&'a View),
}

impl AppState {
    /// What is in front of the user now.
    pub fn active(&self) -> Active<'_> {
        match self.stack.last() {
            Some(v) => Active::View(v),
            None => Active::Pane(self.root),
        }
    }

    /// The table in front, if what is in front is a table.
    pub fn active_table(&self) -> Option<&dyn Table> {
        match self.stack.last() {
            None => Some(self.root_table(self.root)),
            Some(View::Runs(r)) => Some(r),
            Some(_) => None,
        }
    }

    /// As [`AppState::active_table`], to change it.
    pub fn active_table_mut(&mut self) -> Option<&mut dyn Table> {
        if self.stack.is_empty() {
            let root = self.root;
            return Some(self.root_table_mut(root));
        }
        match self.stack.last_mut() {
            Some(View::Runs(r)) => Some(r),
            _ => None,
        }
    }
}

impl AppState {
    /// The context of what is in front: the selected row of the root pane, or the view on
    /// top (a job's runs, a run, a log). Actions, logs and event logs go to it.
    pub fn focus_ctx(&self) -> usize {
        let fallback = self.narrow.unwrap_or(0);
        let row = |p: &ListPane, ctx_of: &dyn Fn(usize) -> Option<usize>| p.selected().and_then(ctx_of);
        let found = match self.stack.last() {
            Some(View::Runs(r)) => Some(r.ctx),
            Some(View::Detail(d)) => Some(d.ctx),
            Some(View::WorkflowRuns(w)) => Some(w.ctx),
            Some(View::Graph(g)) => Some(g.ctx),
            Some(View::EmrDetail(d)) => d.run(&self.emr).map(|r| r.ctx),
            Some(View::EventLog(e)) => Some(e.ctx),
            Some(View::DqDetail(d)) => d.result(&self.dq).map(|r| r.ctx),
            Some(View::Logs(l)) => Some(l.ctx),
            Some(View::Changes(c)) => Some(c.ctx),
            Some(View::Stream(v)) => Some(v.ctx),
            None => match self.root {
                Pane::Jobs => self.jobs.selected(&self.data).map(|j| j.ctx),
                Pane::Workflows => row(&self.wf_pane, &|i| self.workflows.get(i).map(|w| w.ctx)),
                Pane::Crawlers => row(&self.cr_pane, &|i| self.crawlers.get(i).map(|c| c.ctx)),
                Pane::Apps => row(&self.apps_pane, &|i| self.emr.apps.get(i).map(|a| a.ctx)),
                Pane::Emr => row(&self.emr_pane, &|i| self.emr.runs.get(i).map(|r| r.ctx)),
                Pane::Dq => row(&self.dq_pane, &|i| self.dq.results.get(i).map(|r| r.ctx)),
                Pane::Cost => Some(self.cost_ctx()),
                Pane::Ctx => self.ctx_pane.selected(),
                Pane::Inbox => row(&self.inbox_pane, &|i| self.inbox.items.get(i).map(|it| it.ctx)),
                Pane::Streams => row(&self.streams_pane, &|i| self.streams.rows.get(i).map(|s| s.ctx)),
            },
        };
        found.filter(|&c| c < self.contexts.len()).unwrap_or(fallback)
    }
}

/// `Table` for a pane with `visible` rows, a `cursor` and a `filter` (and, with `sorted`, a
/// `sort` that has `next()` and `label()`).
macro_rules! filtered_table {
    ($pane:ty $(, $sorted:ident)?) => {
        impl Table for $pane {
            fn len(&self) -> usize {
                self.visible.len()
            }
            fn cursor_mut(&mut self) -> &mut Cursor {
                &mut self.cursor
            }
            fn filter(&self) -> Option<&Filter> {
                Some(&self.filter)
            }
            fn set_filter(&mut self, filter: Filter) {
                self.filter = filter;
            }
            $(filtered_table!(@$sorted);)?
        }
    };
    (@sorted) => {
        fn sort_label(&self) -> Option<&'static str> {
            Some(self.sort.label())
        }
        fn next_sort(&mut self) -> bool {
            self.sort = self.sort.next();
            true
        }
    };
}

filtered_table!(ListPane);
filtered_table!(JobsPane, sorted);
filtered_table!(RunsPane, sorted);

impl Table for CostState {
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn cursor_mut(&mut self) -> &mut Cursor {
        &mut self.cursor
    }
    fn filter(&self) -> Option<&Filter> {
        None
    }
    fn set_filter(&mut self, _filter: Filter) {}
}
