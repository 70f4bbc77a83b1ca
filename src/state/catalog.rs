//! The workflows and crawlers panes: lists with a filter, a workflow's run history,
//! and the graph of one run.

use super::columns::{Column, filter_fields};
use super::contexts::InCtx;
use super::cursor::Cursor;
use super::filter::Filter;
use crate::model::WorkflowRun;

/// A filtered list of named things.
#[derive(Debug, Clone, Default)]
pub struct ListPane {
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    pub filter: Filter,
}

impl ListPane {
    /// The rows `items` that pass the filter (which sees what the pane's declared columns
    /// offer it) and live in a context in view (`narrow`); `keep` is the (context, key) of
    /// the item to keep selected, `key` names an item.
    pub fn rebuild_by<R: InCtx, C: ?Sized>(
        &mut self,
        items: &[R],
        (columns, ctx): (&[Column<R, C>], &C),
        rows: usize,
        narrow: Option<usize>,
        keep: Option<(usize, &str)>,
        key: fn(&R) -> &str,
    ) {
        self.visible = (0..items.len())
            .filter(|&i| narrow.is_none_or(|n| items[i].ctx() == n))
            .filter(|&i| self.filter.is_empty() || filter_fields(columns, &items[i], ctx).matches(&self.filter))
            .collect();
        if let Some((kc, k)) = keep
            && let Some(p) = self.visible.iter().position(|&i| items[i].ctx() == kc && key(&items[i]) == k)
        {
            self.cursor.selected = p;
        }
        self.cursor.follow(self.visible.len(), rows);
    }

    /// The (context, key) of the selected item, to keep it selected through a rebuild.
    pub fn kept<R: InCtx>(&self, items: &[R], key: fn(&R) -> &str) -> Option<(usize, String)> {
        let r = items.get(self.selected()?)?;
        Some((r.ctx(), key(r).to_string()))
    }

    pub fn selected(&self) -> Option<usize> {
        self.visible.get(self.cursor.selected).copied()
    }
}

/// Runs of one workflow, loaded when opened.
#[derive(Debug, Clone, Default)]
pub struct WorkflowRunsPane {
    /// The context of the workflow.
    pub ctx: usize,
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
    /// The context of the workflow.
    pub ctx: usize,
    pub run: WorkflowRun,
    /// Index into `reading_order` of the run's graph.
    pub selected: usize,
}

impl GraphPane {
    /// Open a run's graph with the first failed node selected (else the first node).
    pub fn at_first_failure(ctx: usize, run: WorkflowRun) -> Self {
        let mut pane = GraphPane { ctx, run, selected: 0 };
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
