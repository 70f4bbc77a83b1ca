//! The workflows and crawlers panes: lists with a filter, a workflow's run history,
//! and the graph of one run.

use super::columns::{Column, filter_fields};
use super::cursor::Cursor;
use super::filter::{Fields, Filter};
use crate::model::WorkflowRun;

/// A filtered list of named things.
#[derive(Debug, Clone, Default)]
pub struct ListPane {
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    pub filter: Filter,
}

impl ListPane {
    /// The rows `items` that pass the filter, which sees what the pane's declared columns
    /// offer it; `key` names an item, to keep the selected one selected.
    pub fn rebuild_by<R, C: ?Sized>(
        &mut self,
        items: &[R],
        columns: &[Column<R, C>],
        ctx: &C,
        rows: usize,
        keep: Option<&str>,
        key: fn(&R) -> &str,
    ) {
        self.visible = (0..items.len())
            .filter(|&i| {
                let (state, stream, cells) = filter_fields(columns, &items[i], ctx);
                let cells: Vec<&str> = cells.iter().map(|c| c.as_ref()).collect();
                self.filter.matches(&Fields { state: &state, stream: &stream, cells: &cells })
            })
            .collect();
        if let Some(k) = keep
            && let Some(p) = self.visible.iter().position(|&i| key(&items[i]) == k)
        {
            self.cursor.selected = p;
        }
        self.cursor.follow(self.visible.len(), rows);
    }

    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.cursor.selected).copied()
    }
}

/// Runs of one workflow, loaded when opened.
#[derive(Debug, Clone, Default)]
pub struct WorkflowRunsPane {
    pub workflow: String,
    /// None while GetWorkflowRuns is in flight.
    pub runs: Option<Result<Vec<WorkflowRun>, String>>,
    pub cursor: Cursor,
}

impl WorkflowRunsPane {
    pub fn selected(&self) -> Option<&WorkflowRun> {
        match &self.runs {
            Some(Ok(runs)) => runs.get(self.cursor.selected),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        match &self.runs {
            Some(Ok(runs)) => runs.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The graph of one workflow run; the cursor walks the nodes in reading order.
#[derive(Debug, Clone)]
pub struct GraphPane {
    pub run: WorkflowRun,
    /// Index into `reading_order` of the run's graph.
    pub selected: usize,
}

impl GraphPane {
    /// Open a run's graph with the first failed node selected (else the first node).
    pub fn at_first_failure(run: WorkflowRun) -> Self {
        let mut pane = GraphPane { run, selected: 0 };
        if let Some(g) = &pane.run.graph {
            let order = super::graph::reading_order(g);
            pane.selected = order.iter().position(|&i| g.nodes[i].state.is_failure()).unwrap_or(0);
        }
        pane
    }

    pub fn order(&self) -> Vec<usize> {
        self.run.graph.as_ref().map(super::graph::reading_order).unwrap_or_default()
    }

    pub fn selected_node(&self) -> Option<&crate::model::Node> {
        let g = self.run.graph.as_ref()?;
        let i = *self.order().get(self.selected)?;
        g.nodes.get(i)
    }
}
