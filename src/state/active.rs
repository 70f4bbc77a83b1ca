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
