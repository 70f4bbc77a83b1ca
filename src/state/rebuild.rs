//! Derived indexes, rebuilt when data arrives or the view changes (never per frame): every
//! pane's filtered and sorted rows, keeping what is selected; and taking in what a source
//! brought.

use super::{
    AppState, View, contexts, crawler_columns, dq_columns, emr_columns, inbox_columns, stream_columns, wf_columns,
};
use crate::model::GlueData;
use crate::poll::SourceData;

/// A kept selection as `ListPane::rebuild_by` takes it.
fn as_key(k: &Option<(usize, String)>) -> Option<(usize, &str)> {
    k.as_ref().map(|(c, n)| (*c, n.as_str()))
}

impl AppState {
    /// What is selected now ((context, job name), run id per runs view), to select again
    /// after a rebuild.
    pub(super) fn selection(&self) -> (Option<(usize, String)>, Vec<Option<String>>) {
        let job = self.jobs.selected(&self.data).map(|j| (j.ctx, j.job.name.clone()));
        let runs = self
            .stack
            .iter()
            .map(|v| match v {
                View::Runs(r) => r.selected(&self.data).map(|run| run.id.clone()),
                _ => None,
            })
            .collect();
        (job, runs)
    }

    pub(super) fn rebuild_keeping(&mut self, (job, runs): (Option<(usize, String)>, Vec<Option<String>>)) {
        let (rows, narrow) = (self.table_rows(), self.narrow);
        let keep_wf = self.wf_pane.kept(&self.workflows, |w| &w.name);
        let mut pane = std::mem::take(&mut self.wf_pane);
        pane.rebuild_by(&self.workflows, (wf_columns::COLUMNS, self), rows, narrow, as_key(&keep_wf), |w| &w.name);
        self.wf_pane = pane;
        let keep_cr = self.cr_pane.kept(&self.crawlers, |c| &c.name);
        let mut pane = std::mem::take(&mut self.cr_pane);
        pane.rebuild_by(&self.crawlers, (crawler_columns::COLUMNS, self), rows, narrow, as_key(&keep_cr), |c| &c.name);
        self.cr_pane = pane;
        let keep_app = self.apps_pane.kept(&self.emr.apps, |a| &a.id);
        let mut pane = std::mem::take(&mut self.apps_pane);
        pane.rebuild_by(&self.emr.apps, (emr_columns::APP_COLUMNS, self), rows, narrow, as_key(&keep_app), |a| &a.id);
        self.apps_pane = pane;
        let keep_run = self.emr_pane.kept(&self.emr.runs, |r| &r.id);
        let mut pane = std::mem::take(&mut self.emr_pane);
        pane.rebuild_by(&self.emr.runs, (emr_columns::RUN_COLUMNS, self), rows, narrow, as_key(&keep_run), |r| &r.id);
        self.emr_pane = pane;
        if let Some(a) = &self.emr_app {
            let emr_runs = &self.emr.runs;
            self.emr_pane.visible.retain(|&i| emr_runs[i].app_id == *a);
            self.emr_pane.cursor.follow(self.emr_pane.visible.len(), rows);
        }
        let keep_dq = self.dq_pane.kept(&self.dq.results, |r| &r.id);
        let mut pane = std::mem::take(&mut self.dq_pane);
        pane.rebuild_by(&self.dq.results, (dq_columns::COLUMNS, self), rows, narrow, as_key(&keep_dq), |r| &r.id);
        self.dq_pane = pane;
        let keep_item = self.inbox_pane.kept(&self.inbox.items, |i| &i.resource);
        let mut pane = std::mem::take(&mut self.inbox_pane);
        let items = &self.inbox.items;
        pane.rebuild_by(items, (inbox_columns::COLUMNS, self), rows, narrow, as_key(&keep_item), |i| &i.resource);
        self.inbox_pane = pane;
        let keep_stream = self.streams_pane.kept(&self.streams.rows, |s| &s.name);
        let mut pane = std::mem::take(&mut self.streams_pane);
        let streams = &self.streams.rows;
        pane.rebuild_by(streams, (stream_columns::COLUMNS, self), rows, narrow, as_key(&keep_stream), |s| &s.name);
        self.streams_pane = pane;
        self.rebuild_rest(job, runs, rows);
    }

    /// The jobs table, the run histories on the stack, the cost and context lists.
    fn rebuild_rest(&mut self, job: Option<(usize, String)>, runs: Vec<Option<String>>, rows: usize) {
        self.cost.cursor.follow(self.cost.rows.len(), rows);
        self.ctx_pane.visible = (0..self.contexts.len()).collect();
        self.ctx_pane.cursor.follow(self.contexts.len(), rows);
        let mut jobs = std::mem::take(&mut self.jobs);
        jobs.rebuild(self, rows, job);
        self.jobs = jobs;
        let mut stack = std::mem::take(&mut self.stack);
        for (v, keep) in stack.iter_mut().zip(runs) {
            if let View::Runs(r) = v {
                r.rebuild(self, rows, keep);
            }
        }
        self.stack = stack;
    }

    /// Rebuild every index (after sort, filter or size changed).
    pub fn rebuild(&mut self) {
        let keep = self.selection();
        self.rebuild_keeping(keep);
    }

    /// How far the first load of the Glue jobs in view is (None: loaded).
    pub fn glue_loading(&self) -> Option<crate::model::Loading> {
        (0..self.contexts.len())
            .filter(|&c| self.shows_ctx(c))
            .filter_map(|c| self.contexts[c].glue_loading)
            .reduce(crate::model::Loading::plus)
    }

    /// Replace the Glue data (of the first context), keeping the selected job and runs selected.
    pub fn set_data(&mut self, data: GlueData) {
        self.apply(0, SourceData::Glue(data));
    }

    /// Take in what a source of context `ctx` brought, keeping every selection: the rows of
    /// that context are replaced, the others stay. Derived indexes (the filtered, sorted rows)
    /// are rebuilt here, when data arrives, never per frame.
    pub fn apply(&mut self, ctx: usize, data: SourceData) {
        use contexts::merge;
        let keep = self.selection();
        match data {
            SourceData::Glue(d) => {
                if let Some(c) = self.contexts.get_mut(ctx) {
                    c.glue_loading = d.loading;
                }
                merge(&mut self.data.jobs, ctx, d.jobs, |j| &mut j.ctx);
            }
            SourceData::Workflows(w) => merge(&mut self.workflows, ctx, w, |w| &mut w.ctx),
            SourceData::Crawlers(c) => merge(&mut self.crawlers, ctx, c, |c| &mut c.ctx),
            SourceData::Emr(e) => {
                merge(&mut self.emr.apps, ctx, e.apps, |a| &mut a.ctx);
                merge(&mut self.emr.runs, ctx, e.runs, |r| &mut r.ctx);
            }
            SourceData::DataQuality(d) => {
                merge(&mut self.dq.results, ctx, d.results, |r| &mut r.ctx);
                merge(&mut self.dq.runs, ctx, d.runs, |r| &mut r.ctx);
                // Failing results first, then newest first.
                self.dq.results.sort_by(|a, b| b.is_bad().cmp(&a.is_bad()).then(b.started_on.cmp(&a.started_on)));
                if self.many_contexts() {
                    self.dq.runs.sort_by_key(|r| std::cmp::Reverse(r.started_on));
                }
            }
            SourceData::Landing(reads) => self.apply_landing(ctx, reads),
            SourceData::Triggers(t) => merge(&mut self.streams.triggers, ctx, t, |t| &mut t.ctx),
        }
        self.joins.rebuild(&self.data, &self.emr, &self.dq, &self.settings, self.now);
        self.refresh_inbox();
        self.rebuild_keeping(keep);
    }
}
