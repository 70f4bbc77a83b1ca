//! One stream's pipeline, left to right: landing → crawler → workflow or jobs → Data Quality
//! → curated table, each resource with its state and time.

use chrono::{DateTime, Utc};

use super::AppState;
use super::columns::Tone;
use super::cursor::Cursor;
use crate::model::RunState;
use crate::streams::Stream;

/// The stages, in order.
pub const STAGES: [&str; 5] = ["landing", "crawler", "jobs", "dq", "curated"];

/// The pipeline view of one stream.
#[derive(Debug, Clone, Default)]
pub struct StreamView {
    pub ctx: usize,
    pub name: String,
    pub cursor: Cursor,
}

/// One resource of the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// One of [`STAGES`].
    pub stage: &'static str,
    pub name: String,
    pub state: String,
    pub tone: Tone,
    pub when: Option<DateTime<Utc>>,
    pub detail: String,
}

fn step(stage: &'static str, name: &str, state: impl Into<String>, tone: Tone, when: Option<DateTime<Utc>>) -> Step {
    Step { stage, name: name.to_string(), state: state.into(), tone, when, detail: String::new() }
}

fn run_tone(s: RunState) -> Tone {
    Tone::Run(s)
}

impl StreamView {
    pub fn stream<'a>(&self, state: &'a AppState) -> Option<&'a Stream> {
        state.streams.find(self.ctx, &self.name)
    }

    /// Every resource of the stream, stage by stage.
    pub fn steps(&self, state: &AppState) -> Vec<Step> {
        let Some(s) = self.stream(state) else { return Vec::new() };
        let mut out = landing(s);
        out.extend(crawlers(state, s));
        out.extend(jobs(state, s));
        out.extend(dq(state, s));
        out.extend(s.catalog.iter().map(|t| {
            let (state, tone) = match (&t.error, &t.newest_partition) {
                (Some(e), _) => (format!("error: {e}"), Tone::Error),
                (None, Some(p)) => (p.clone(), Tone::Plain),
                (None, None) => ("no partition today or yesterday".into(), Tone::Warn),
            };
            let mut st = step("curated", &t.table, state, tone, t.partition_created);
            st.detail = format!("table updated {}", super::columns::when(t.update_time));
            st
        }));
        out
    }

    /// The worst step of each stage (its state, tone and newest time), for the pipeline line.
    pub fn stages(steps: &[Step]) -> Vec<(&'static str, Option<&Step>)> {
        let rank = |t: Tone| match t {
            Tone::Error | Tone::Run(RunState::Failed) | Tone::Run(RunState::Timeout) | Tone::Run(RunState::Error) => 0,
            Tone::Warn => 1,
            Tone::Run(s) if s.is_active() => 2,
            _ => 3,
        };
        STAGES
            .iter()
            .map(|&stage| {
                (
                    stage,
                    steps.iter().filter(|s| s.stage == stage).min_by_key(|s| (rank(s.tone), std::cmp::Reverse(s.when))),
                )
            })
            .collect()
    }
}

fn landing(s: &Stream) -> Vec<Step> {
    let Some(l) = &s.landing else { return Vec::new() };
    let (text, tone) = match (&l.error, l.today.objects) {
        (Some(e), _) => (format!("error: {e}"), Tone::Error),
        (None, 0) => ("nothing today".to_string(), Tone::Warn),
        (None, n) => (format!("{n} objects today"), Tone::Plain),
    };
    let mut st = step("landing", &l.uri, text, tone, l.newest());
    st.detail = format!(
        "today {}{}, yesterday {} objects{}",
        bytes(l.today.bytes),
        if l.today.success_marker { " _SUCCESS" } else { "" },
        l.yesterday.objects,
        if l.yesterday.success_marker { " _SUCCESS" } else { "" }
    );
    vec![st]
}

/// `208 MB`.
fn bytes(n: u64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i + 1 < units.len() {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 { format!("{n} B") } else { format!("{v:.0} {}", units[i]) }
}

fn crawlers(state: &AppState, s: &Stream) -> Vec<Step> {
    let found = state.crawlers.iter().filter(|c| c.ctx == s.ctx && s.crawlers.contains(&c.name));
    found
        .map(|c| {
            let last = c.last_crawl.as_ref();
            let status = last.map(|l| l.status.clone()).unwrap_or_else(|| "never crawled".into());
            let tone = match status.as_str() {
                "FAILED" | "CANCELLED" => Tone::Error,
                "SUCCEEDED" => Tone::Run(RunState::Succeeded),
                _ => Tone::Dim,
            };
            let tone = if c.state == "RUNNING" { Tone::Run(RunState::Running) } else { tone };
            let mut st = step("crawler", &c.name, status, tone, c.last_crawl_end());
            st.detail = last.and_then(|l| l.error_message.clone()).unwrap_or_default();
            st
        })
        .collect()
}

fn jobs(state: &AppState, s: &Stream) -> Vec<Step> {
    let mut out: Vec<Step> = state
        .workflows
        .iter()
        .filter(|w| w.ctx == s.ctx && s.workflows.contains(&w.name))
        .map(|w| match &w.last_run {
            Some(r) => {
                let mut st = step(
                    "jobs",
                    &w.name,
                    super::wf_columns::status_text(r),
                    super::wf_columns::status_tone(r),
                    r.completed_on.or(r.started_on),
                );
                st.detail = format!("workflow; failed: {}", r.failed_nodes().len());
                st
            }
            None => step("jobs", &w.name, "never run", Tone::Dim, None),
        })
        .collect();
    for j in state.data.jobs.iter().filter(|j| j.ctx == s.ctx && s.jobs.contains(&j.job.name)) {
        let mut st = match j.runs.first() {
            Some(r) => {
                step("jobs", &j.job.name, r.state().as_str(), run_tone(r.state()), r.completed_on.or(r.started_on))
            }
            None => step("jobs", &j.job.name, "no runs", Tone::Dim, None),
        };
        st.detail = j.runs.first().and_then(|r| r.error_message.as_deref()).unwrap_or_default().to_string();
        if s.final_step.as_deref() == Some(j.job.name.as_str()) {
            st.detail = format!("final step {}", st.detail).trim_end().to_string();
        }
        out.push(st);
    }
    out
}

fn dq(state: &AppState, s: &Stream) -> Vec<Step> {
    s.dq_tables
        .iter()
        .filter_map(|t| {
            let r = state
                .dq
                .results
                .iter()
                .filter(|r| r.ctx == s.ctx && &r.data_source() == t)
                .max_by_key(|r| r.started_on)?;
            let tone = if r.is_bad() { Tone::Warn } else { Tone::Run(RunState::Succeeded) };
            let score = r.score.map(|v| format!(" {:.0}%", v * 100.0)).unwrap_or_default();
            let mut st = step("dq", t, format!("{}{score}", r.verdict()), tone, r.completed_on.or(r.started_on));
            st.detail = r.ruleset.clone().unwrap_or_default();
            Some(st)
        })
        .collect()
}

/// Height of the pipeline line above the steps table.
pub const PIPELINE_HEIGHT: u16 = 4;

type StepCol = super::columns::Column<Step, AppState>;

/// The steps table.
pub const STEP_COLUMNS: &[StepCol] = &[
    StepCol::new("STEP", super::columns::Width::Len(8), 0, super::columns::Field::Text, |s, _| {
        super::columns::Text::toned(s.stage, Tone::Dim)
    }),
    StepCol::new("RESOURCE", super::columns::Width::Len(34), 0, super::columns::Field::Text, |s, _| {
        super::columns::Text::plain(s.name.as_str())
    }),
    StepCol::new("STATE", super::columns::Width::Len(24), 0, super::columns::Field::State, |s, _| {
        super::columns::Text::toned(s.state.as_str(), s.tone)
    }),
    StepCol::new("WHEN", super::columns::Width::Len(11), 0, super::columns::Field::Skip, |s, _| {
        super::columns::Text::plain(super::columns::when(s.when))
    }),
    StepCol::new("DETAIL", super::columns::Width::Fill(1), 90, super::columns::Field::Text, |s, _| {
        super::columns::Text::plain(s.detail.as_str())
    }),
];
