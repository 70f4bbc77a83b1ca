//! The streams in the app: rebuilt when data arrives (never per frame) from every source,
//! the inbox and the cached cost report; the stream each workflow, crawler, Data Quality
//! table and EMR Serverless run belongs to (for `/stream:` in every pane); one stream's
//! pipeline, step by step.

use std::collections::BTreeMap;

use super::AppState;
use crate::model::{Landing, TableState, Trigger};
use crate::streams::{Inputs, Sources, Stream};

/// What the streams pane shows and what it is built from.
#[derive(Debug, Clone, Default)]
pub struct StreamsState {
    pub rows: Vec<Stream>,
    pub landings: Vec<Landing>,
    pub tables: Vec<TableState>,
    /// (context, name) of prefixes found under the landing root.
    pub discovered: Vec<(usize, String)>,
    pub triggers: Vec<Trigger>,
    /// (context, resource name) -> stream, for workflows, crawlers, `database.table`s and EMR
    /// Serverless applications and runs.
    pub of: BTreeMap<(usize, String), String>,
}

impl crate::state::contexts::InCtx for Stream {
    fn ctx(&self) -> usize {
        self.ctx
    }
}

impl StreamsState {
    /// The stream of a resource, or `""`.
    pub fn stream_of(&self, ctx: usize, name: &str) -> &str {
        self.of.get(&(ctx, name.to_string())).map(String::as_str).unwrap_or("")
    }

    pub fn find(&self, ctx: usize, name: &str) -> Option<&Stream> {
        self.rows.iter().find(|s| s.ctx == ctx && s.name == name)
    }
}

impl AppState {
    /// Rebuild the streams from what is loaded now (after the inbox).
    pub fn refresh_streams(&mut self) {
        let settings = self.settings.clone();
        let name_stream = |n: &str| settings.stream_by_name(n);
        let (cost_ctx, report, yesterday) =
            (self.cost_ctx(), self.cost.report.as_ref(), self.now.date_naive().pred_opt());
        let key = &settings.config.streams.tag_key;
        let cost = |ctx: usize, stream: &str| {
            report.filter(|_| ctx == cost_ctx).and_then(|r| r.day_total(key, stream, yesterday?))
        };
        let inputs = Inputs {
            section: &settings.config.streams,
            sources: Sources {
                tag_key: &settings.config.streams.tag_key,
                name_stream: &name_stream,
                jobs: &self.data.jobs,
                workflows: &self.workflows,
                crawlers: &self.crawlers,
                dq: &self.dq.results,
                emr: &self.emr,
                triggers: &self.streams.triggers,
            },
            items: &self.inbox.items,
            landings: &self.streams.landings,
            tables: &self.streams.tables,
            discovered: &self.streams.discovered,
            cost: &cost,
            now: self.now,
        };
        let (rows, m) = crate::streams::build(&inputs);
        // A resource of several streams (an EMR Serverless application) names them all.
        let mut of: BTreeMap<(usize, String), String> = BTreeMap::new();
        for map in [&m.workflows, &m.crawlers, &m.tables, &m.apps, &m.emr_runs] {
            for ((ctx, stream), names) in map {
                for n in names {
                    let e = of.entry((*ctx, n.clone())).or_default();
                    if !e.split(',').any(|s| s == stream) {
                        if !e.is_empty() {
                            e.push(',');
                        }
                        e.push_str(stream);
                    }
                }
            }
        }
        // Items of a crawler, workflow or Data Quality table name their stream too (`db.table/ruleset`).
        for it in self.inbox.items.iter_mut().filter(|i| i.stream.is_none()) {
            let table = it.resource.split('/').next().unwrap_or_default().to_string();
            let found = of.get(&(it.ctx, it.resource.clone())).or_else(|| of.get(&(it.ctx, table)));
            it.stream = found.cloned();
        }
        self.streams.rows = rows;
        self.streams.of = of;
    }

    /// Take in a cycle of the landing source of context `ctx`.
    pub fn apply_landing(&mut self, ctx: usize, reads: crate::model::StreamReads) {
        use super::contexts::merge;
        merge(&mut self.streams.landings, ctx, reads.landings, |l| &mut l.ctx);
        merge(&mut self.streams.tables, ctx, reads.tables, |t| &mut t.ctx);
        self.streams.discovered.retain(|(c, _)| *c != ctx);
        self.streams.discovered.extend(reads.discovered.into_iter().map(|n| (ctx, n)));
    }
}
