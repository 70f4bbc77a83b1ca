//! One row per stream, from what every source loaded: its resources, landing, catalog,
//! freshness, inbox items, Data Quality, cost and next scheduled run, and its status.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::StreamsSection;
use super::members::{Members, Sources};
use super::sla::{Facts, Freshness, Landed, Status, freshness, status};
use super::spec::{Sla, Spec};
use crate::model::{JobEntry, Landing, TableState, Trigger};
use crate::triage::inbox::{Item, Severity};

/// One stream in one context.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    pub ctx: usize,
    pub name: String,
    pub status: Status,
    pub jobs: Vec<String>,
    pub workflows: Vec<String>,
    pub crawlers: Vec<String>,
    /// `database.table` of its Data Quality results.
    pub dq_tables: Vec<String>,
    pub emr_apps: Vec<String>,
    pub landing: Option<Landing>,
    pub catalog: Vec<TableState>,
    /// The last successful end of the final step.
    pub last_success: Option<DateTime<Utc>>,
    pub sla: Sla,
    pub freshness: Freshness,
    pub open_items: usize,
    pub critical_items: usize,
    /// The lowest score of the newest result of each table.
    pub dq_score: Option<f64>,
    pub dq_failed: bool,
    pub cost_yesterday: Option<f64>,
    pub next_run: Option<DateTime<Utc>>,
    pub running: bool,
    /// Found in the landing zone only: no job or crawler is attached to it.
    pub undiscovered: bool,
    /// The final step's name, when known.
    pub final_step: Option<String>,
}

/// Everything a stream row is built from.
pub struct Inputs<'a> {
    pub section: &'a StreamsSection,
    pub sources: Sources<'a>,
    pub items: &'a [Item],
    pub landings: &'a [Landing],
    pub tables: &'a [TableState],
    /// (context, name) of prefixes found under the landing root.
    pub discovered: &'a [(usize, String)],
    /// Yesterday's cost of (context, stream) from the cached cost report (no request).
    pub cost: &'a dyn Fn(usize, &str) -> Option<f64>,
    pub now: DateTime<Utc>,
}

/// What every row looks things up in, built once: the open items of each stream, the jobs by
/// (context, name). (Scanning every job and item for every stream was quadratic: 10 s a
/// rebuild at 3,000 jobs in a debug build.)
struct Index<'a> {
    items: HashMap<(usize, &'a str), Vec<&'a Item>>,
    jobs: HashMap<(usize, &'a str), &'a JobEntry>,
}

impl<'a> Index<'a> {
    fn of(inp: &Inputs<'a>, m: &'a Members) -> Self {
        // The streams of each job, workflow and crawler, and of each DQ table.
        let owners_in = |maps: &[&'a super::members::ByStream]| {
            let mut owners: HashMap<(usize, &'a str), Vec<&'a str>> = HashMap::new();
            for ((ctx, stream), names) in maps.iter().flat_map(|m| m.iter()) {
                for n in names {
                    owners.entry((*ctx, n.as_str())).or_default().push(stream.as_str());
                }
            }
            owners
        };
        let (owners, tables) = (owners_in(&[&m.jobs, &m.workflows, &m.crawlers]), owners_in(&[&m.tables]));
        let mut items: HashMap<(usize, &str), Vec<&Item>> = HashMap::new();
        for it in inp.items.iter().filter(|i| i.is_open()) {
            let mut streams: BTreeSet<&str> = it.stream.as_deref().into_iter().collect();
            streams.extend(owners.get(&(it.ctx, it.resource.as_str())).into_iter().flatten());
            // A DQ item's resource is `database.table/...`.
            for (i, _) in it.resource.match_indices('/') {
                streams.extend(tables.get(&(it.ctx, &it.resource[..i])).into_iter().flatten());
            }
            for s in streams {
                items.entry((it.ctx, s)).or_default().push(it);
            }
        }
        let jobs = inp.sources.jobs.iter().map(|j| ((j.ctx, j.job.name.as_str()), j)).collect();
        Index { items, jobs }
    }

    /// The entries of `names` in context `ctx`.
    fn jobs<'n>(&'n self, ctx: usize, names: &'n [String]) -> impl Iterator<Item = &'a JobEntry> + 'n {
        names.iter().filter_map(move |n| self.jobs.get(&(ctx, n.as_str())).copied())
    }
}

/// Every stream, failed first, then by name.
pub fn build(inp: &Inputs<'_>) -> (Vec<Stream>, Members) {
    let m = Members::of(&inp.sources);
    let mut names: BTreeSet<(usize, String)> = m.streams();
    names.extend(inp.landings.iter().map(|l| (l.ctx, l.stream.clone())));
    names.extend(inp.discovered.iter().cloned());
    let ix = Index::of(inp, &m);
    let mut rows: Vec<Stream> = names.into_iter().map(|(ctx, name)| row(inp, (&m, &ix), ctx, name)).collect();
    rows.sort_by(|a, b| (a.status, a.ctx, &a.name).cmp(&(b.status, b.ctx, &b.name)));
    (rows, m)
}

fn row(inp: &Inputs<'_>, (m, ix): (&Members, &Index<'_>), ctx: usize, name: String) -> Stream {
    let spec = inp.section.spec(&name);
    let names = |map| Members::names(map, ctx, &name);
    let (jobs, workflows, crawlers) = (names(&m.jobs), names(&m.workflows), names(&m.crawlers));
    let (dq_tables, emr_apps) = (names(&m.tables), names(&m.apps));
    let landing = inp.landings.iter().find(|l| l.ctx == ctx && l.stream == name).cloned();
    let catalog: Vec<TableState> = inp.tables.iter().filter(|t| t.ctx == ctx && t.stream == name).cloned().collect();
    let (final_step, successes) = successes(inp, ix, (&spec, ctx), &jobs, &workflows);
    let landed = match &landing {
        Some(l) if l.error.is_none() => {
            Landed { today: Some(l.today.objects), yesterday: Some(l.yesterday.objects), newest: l.newest() }
        }
        _ => Landed::default(),
    };
    let mut fresh = freshness(&spec, inp.now, &successes, landed);
    if jobs.is_empty() && workflows.is_empty() {
        // Nothing curates it (an undiscovered prefix): it cannot be late, only without data.
        (fresh.late_by_s, fresh.late_unmeasured, fresh.delivered_late_s) = (None, false, None);
    }
    let open: &[&Item] = ix.items.get(&(ctx, name.as_str())).map_or(&[], Vec::as_slice);
    let critical_items = open.iter().filter(|i| i.severity == Severity::Critical).count();
    let (dq_failed, dq_score) = dq(inp, ctx, &dq_tables);
    let running = running(inp, (m, ix), ctx, &name, (&jobs, &workflows, &crawlers));
    let facts =
        Facts { critical_open: critical_items > 0, dq_failed, late: fresh.missed(), running, no_data: fresh.no_data };
    Stream {
        ctx,
        status: status(facts),
        undiscovered: jobs.is_empty() && crawlers.is_empty(),
        next_run: next_run(inp, m, ctx, &name),
        cost_yesterday: (inp.cost)(ctx, &name),
        last_success: successes.iter().filter(|t| **t <= inp.now).max().copied(),
        sla: spec.sla,
        freshness: fresh,
        open_items: open.len(),
        critical_items,
        dq_score,
        dq_failed,
        running,
        final_step,
        jobs,
        workflows,
        crawlers,
        dq_tables,
        emr_apps,
        landing,
        catalog,
        name,
    }
}

/// The final step and the end times of its successful runs: the configured job or workflow;
/// else the stream's workflows; else its jobs.
fn successes(
    inp: &Inputs<'_>,
    ix: &Index<'_>,
    (spec, ctx): (&Spec, usize),
    jobs: &[String],
    workflows: &[String],
) -> (Option<String>, Vec<DateTime<Utc>>) {
    let job_ends = |names: &[String]| -> Vec<DateTime<Utc>> {
        ix.jobs(ctx, names)
            .flat_map(|j| j.runs.iter())
            .filter(|r| r.state() == crate::model::RunState::Succeeded)
            .filter_map(|r| r.completed_on)
            .collect()
    };
    let wf_ends = |names: &[String]| -> Vec<DateTime<Utc>> {
        inp.sources
            .workflows
            .iter()
            .filter(|w| w.ctx == ctx && names.contains(&w.name))
            .filter_map(|w| w.last_run.as_ref())
            .filter(|r| r.status == crate::model::WorkflowStatus::Completed && r.statistics.bad() == 0)
            .filter_map(|r| r.completed_on)
            .collect()
    };
    match &spec.final_step {
        Some(f) if inp.sources.workflows.iter().any(|w| w.ctx == ctx && &w.name == f) => {
            (Some(f.clone()), wf_ends(std::slice::from_ref(f)))
        }
        Some(f) => (Some(f.clone()), job_ends(std::slice::from_ref(f))),
        None if !workflows.is_empty() => (None, wf_ends(workflows)),
        None => (None, job_ends(jobs)),
    }
}

/// Whether the newest result of one of `tables` failed, and the lowest newest score.
fn dq(inp: &Inputs<'_>, ctx: usize, tables: &[String]) -> (bool, Option<f64>) {
    let (mut failed, mut score) = (false, None::<f64>);
    for t in tables {
        let newest =
            inp.sources.dq.iter().filter(|r| r.ctx == ctx && &r.data_source() == t).max_by_key(|r| r.started_on);
        if let Some(r) = newest {
            failed |= r.is_bad();
            if let Some(s) = r.score {
                score = Some(score.map_or(s, |x| x.min(s)));
            }
        }
    }
    (failed, score)
}

fn running(
    inp: &Inputs<'_>,
    (m, ix): (&Members, &Index<'_>),
    ctx: usize,
    name: &str,
    (jobs, workflows, crawlers): (&[String], &[String], &[String]),
) -> bool {
    let s = &inp.sources;
    let job = ix.jobs(ctx, jobs).any(|j| j.runs.iter().any(|r| r.state().is_active()));
    let wf = s
        .workflows
        .iter()
        .filter(|w| w.ctx == ctx && workflows.contains(&w.name))
        .any(|w| w.last_run.as_ref().is_some_and(|r| r.status.is_active()));
    let cr = s.crawlers.iter().filter(|c| c.ctx == ctx && crawlers.contains(&c.name)).any(|c| c.state == "RUNNING");
    let runs = Members::names(&m.emr_runs, ctx, name);
    let emr = s.emr.runs.iter().filter(|r| r.ctx == ctx && runs.contains(&r.id)).any(|r| r.state().is_active());
    job || wf || cr || emr
}

/// The next fire time of the stream's activated SCHEDULED triggers.
fn next_run(inp: &Inputs<'_>, m: &Members, ctx: usize, name: &str) -> Option<DateTime<Utc>> {
    let mine = Members::names(&m.triggers, ctx, name);
    inp.sources
        .triggers
        .iter()
        .filter(|t: &&Trigger| {
            t.ctx == ctx && mine.contains(&t.name) && t.kind == "SCHEDULED" && t.state == "ACTIVATED"
        })
        .filter_map(|t| crate::model::schedule::next_fire(t.schedule.as_deref()?, inp.now))
        .min()
}

#[cfg(test)]
mod tests;
