//! Which resources belong to which stream: jobs by their tag (or the name regex); workflows,
//! crawlers, Data Quality results (their ruleset's tag) and EMR Serverless applications and
//! runs by their tag, else their name, else by the jobs they run or check (a run: its
//! application's); triggers by their workflow or the jobs and crawlers they start.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Crawler, DqResult, EmrData, JobEntry, NodeKind, Trigger, Workflow};

/// Names by (context, stream).
pub type ByStream = BTreeMap<(usize, String), BTreeSet<String>>;

/// The resources of every stream, per context.
#[derive(Debug, Clone, Default)]
pub struct Members {
    pub jobs: ByStream,
    pub workflows: ByStream,
    pub crawlers: ByStream,
    /// `database.table` of Data Quality results.
    pub tables: ByStream,
    /// EMR Serverless application ids.
    pub apps: ByStream,
    /// EMR Serverless run ids.
    pub emr_runs: ByStream,
    pub triggers: ByStream,
}

/// Where the names are read from.
pub struct Sources<'a> {
    pub tag_key: &'a str,
    /// The name regex of `[streams]` (None when not set).
    pub name_stream: &'a dyn Fn(&str) -> Option<String>,
    pub jobs: &'a [JobEntry],
    pub workflows: &'a [Workflow],
    pub crawlers: &'a [Crawler],
    pub dq: &'a [DqResult],
    pub emr: &'a EmrData,
    pub triggers: &'a [Trigger],
}

fn add(map: &mut ByStream, ctx: usize, stream: Option<String>, name: &str) {
    if let Some(s) = stream {
        map.entry((ctx, s)).or_default().insert(name.to_string());
    }
}

/// The stream of each (context, name) in `map`, inverted.
pub fn index(map: &ByStream) -> BTreeMap<(usize, String), String> {
    let mut out = BTreeMap::new();
    for ((ctx, stream), names) in map {
        for n in names {
            out.entry((*ctx, n.clone())).or_insert_with(|| stream.clone());
        }
    }
    out
}

impl Members {
    pub fn of(s: &Sources<'_>) -> Members {
        let mut m = Members::default();
        for j in s.jobs {
            add(&mut m.jobs, j.ctx, j.stream.clone(), &j.job.name);
        }
        let job_stream = index(&m.jobs);
        let by_job = |ctx: usize, job: &str| job_stream.get(&(ctx, job.to_string())).cloned();
        for w in s.workflows {
            let from_graph = || {
                let g = w.last_run.as_ref()?.graph.as_ref()?;
                g.nodes.iter().filter(|n| n.kind == Some(NodeKind::Job)).find_map(|n| by_job(w.ctx, &n.name))
            };
            // A workflow that never ran: the jobs its triggers start.
            let from_triggers = || {
                let mine =
                    s.triggers.iter().filter(|t| t.ctx == w.ctx && t.workflow.as_deref() == Some(w.name.as_str()));
                mine.flat_map(|t| &t.actions).find_map(|a| by_job(w.ctx, a.job.as_deref()?))
            };
            let stream = w.tags.get(s.tag_key).cloned();
            let stream = stream.or_else(|| (s.name_stream)(&w.name)).or_else(from_graph).or_else(from_triggers);
            add(&mut m.workflows, w.ctx, stream, &w.name);
        }
        let wf_stream = index(&m.workflows);
        for t in s.triggers {
            let from_wf = t.workflow.as_ref().and_then(|w| wf_stream.get(&(t.ctx, w.clone())).cloned());
            let from_jobs = || t.actions.iter().find_map(|a| by_job(t.ctx, a.job.as_deref()?));
            add(&mut m.triggers, t.ctx, (s.name_stream)(&t.name).or(from_wf).or_else(from_jobs), &t.name);
        }
        m.crawlers_of(s, &wf_stream);
        for r in s.dq {
            let stream = r.ruleset_tags.get(s.tag_key).cloned();
            let stream = stream.or_else(|| r.job_name.as_deref().and_then(|j| by_job(r.ctx, j)));
            let stream = stream.or_else(|| r.table.as_deref().and_then(|t| (s.name_stream)(t)));
            add(&mut m.tables, r.ctx, stream, &r.data_source());
        }
        m.emr_of(s);
        m
    }

    /// EMR Serverless: an application by its tag, else its name; a run by its tag, else its
    /// name, else its application's own stream (a run of an application tagged `orders` is
    /// orders'); an application also belongs to the streams of its runs (one shared by several).
    fn emr_of(&mut self, s: &Sources<'_>) {
        let mut own = BTreeMap::new();
        for a in &s.emr.apps {
            let stream = a.tags.get(s.tag_key).cloned().or_else(|| (s.name_stream)(&a.name));
            if let Some(st) = &stream {
                own.insert((a.ctx, a.id.as_str()), st.clone());
            }
            add(&mut self.apps, a.ctx, stream, &a.id);
        }
        for r in &s.emr.runs {
            let stream = r.tags.get(s.tag_key).cloned();
            let stream = stream.or_else(|| r.name.as_deref().and_then(|n| (s.name_stream)(n)));
            let stream = stream.or_else(|| own.get(&(r.ctx, r.app_id.as_str())).cloned());
            add(&mut self.emr_runs, r.ctx, stream.clone(), &r.id);
            add(&mut self.apps, r.ctx, stream, &r.app_id);
        }
    }

    /// Crawlers: by tag, else by name, else a crawler node of a stream's workflow, else a trigger of the
    /// stream that starts it.
    fn crawlers_of(&mut self, s: &Sources<'_>, wf_stream: &BTreeMap<(usize, String), String>) {
        let trig_stream = index(&self.triggers);
        for c in s.crawlers {
            let in_workflow = || {
                s.workflows.iter().filter(|w| w.ctx == c.ctx).find_map(|w| {
                    let g = w.last_run.as_ref()?.graph.as_ref()?;
                    g.nodes.iter().any(|n| n.kind == Some(NodeKind::Crawler) && n.name == c.name).then_some(())?;
                    wf_stream.get(&(w.ctx, w.name.clone())).cloned()
                })
            };
            let by_trigger = || {
                s.triggers.iter().filter(|t| t.ctx == c.ctx).find_map(|t| {
                    t.actions.iter().any(|a| a.crawler.as_deref() == Some(c.name.as_str())).then_some(())?;
                    trig_stream.get(&(t.ctx, t.name.clone())).cloned()
                })
            };
            let stream = c.tags.get(s.tag_key).cloned();
            let stream = stream.or_else(|| (s.name_stream)(&c.name)).or_else(in_workflow).or_else(by_trigger);
            add(&mut self.crawlers, c.ctx, stream, &c.name);
        }
    }

    /// Every (context, stream) any resource names.
    pub fn streams(&self) -> BTreeSet<(usize, String)> {
        [&self.jobs, &self.workflows, &self.crawlers, &self.tables, &self.apps]
            .into_iter()
            .flat_map(|m| m.keys().cloned())
            .collect()
    }

    /// The names of `stream` in `map`, sorted.
    pub fn names(map: &ByStream, ctx: usize, stream: &str) -> Vec<String> {
        map.get(&(ctx, stream.to_string())).map(|s| s.iter().cloned().collect()).unwrap_or_default()
    }
}
