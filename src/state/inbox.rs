//! The failure inbox in the app: rebuilt when data arrives (never per frame), from every
//! context's rows and source statuses, the user's acknowledgements and mutes, and the driver
//! logs read for runs whose error message says nothing.

use std::collections::HashMap;

use super::AppState;
use crate::poll::SourceId;
use crate::triage::inbox::{self, Inputs, Item, Marks, SourceTrouble};
use crate::triage::{Classification, LogExcerpt};

/// The inbox's state: its items, how many are muted, the marks, the logs read.
#[derive(Debug, Clone, Default)]
pub struct InboxState {
    pub items: Vec<Item>,
    pub muted: usize,
    pub marks: Marks,
    /// Driver error log excerpts by run id (read once per run).
    pub logs: HashMap<String, LogExcerpt>,
    /// Runs whose logs were asked for (read or not), so each is asked once.
    pub asked: std::collections::BTreeSet<String>,
    /// When the marks could not be read at start (shown once).
    pub marks_error: Option<String>,
}

impl crate::state::contexts::InCtx for Item {
    fn ctx(&self) -> usize {
        self.ctx
    }
}

impl AppState {
    /// Where a context's items are keyed in the marks file: its account (else its profile)
    /// and Region.
    pub fn place_of(&self, ctx: usize) -> String {
        let c = self.ctx(ctx);
        let who = c.account.clone().unwrap_or_else(|| format!("profile:{}", c.profile.as_deref().unwrap_or("default")));
        format!("{who}/{}", c.region)
    }

    fn troubles(&self) -> Vec<SourceTrouble> {
        let mut out = Vec::new();
        for (ctx, c) in self.contexts.iter().enumerate() {
            for id in SourceId::ALL.iter().filter(|s| s.is_polled()) {
                let s = c.status(*id);
                if let Some(e) = &s.error {
                    out.push(SourceTrouble { ctx, source: id.name().into(), error: e.clone(), last_ok: s.last_ok });
                }
            }
        }
        out
    }

    /// Rebuild the inbox's items from what is loaded now.
    pub fn refresh_inbox(&mut self) {
        let troubles = self.troubles();
        let (rules, limits) = &*self.settings.triage;
        let inputs = Inputs {
            glue: &self.data,
            workflows: &self.workflows,
            crawlers: &self.crawlers,
            emr: &self.emr,
            dq: &self.dq,
            troubles: &troubles,
            now: self.now,
            limits,
            rules,
            logs: &self.inbox.logs,
        };
        let place = |ctx: usize| self.place_of(ctx);
        let (items, muted) = inbox::build(&inputs, &self.inbox.marks, &place);
        self.inbox.items = items;
        self.inbox.muted = muted;
        // A stream's status reads its inbox items.
        self.refresh_streams();
    }

    /// The root cause of a failed Glue run, with the driver log read for it if any.
    pub fn cause_of(&self, run: &crate::model::JobRun) -> Option<Classification> {
        if !run.state().is_failure() {
            return None;
        }
        let logs: Vec<LogExcerpt> = self.inbox.logs.get(&run.id).cloned().into_iter().collect();
        Some(self.settings.triage.0.classify(run.state().as_str(), run.error_message.as_deref(), &logs))
    }

    /// Open Glue items whose newest failure says nothing in its message and whose driver log
    /// was not asked for yet: (context, run) to read, at most `max`.
    pub fn logs_wanted(&self, max: usize) -> Vec<(usize, crate::model::JobRun)> {
        let mut out = Vec::new();
        for it in self.inbox.items.iter().filter(|i| i.is_open() && i.source == inbox::ItemSource::GlueJob) {
            let Some(run_id) = &it.run_id else { continue };
            if self.inbox.asked.contains(run_id) || out.len() >= max {
                continue;
            }
            let run = self
                .data
                .jobs
                .iter()
                .filter(|j| j.ctx == it.ctx && j.job.name == it.resource)
                .flat_map(|j| j.runs.iter())
                .find(|r| &r.id == run_id);
            let Some(run) = run else { continue };
            if run.error_message.as_deref().is_none_or(crate::triage::is_generic) {
                out.push((it.ctx, run.clone()));
            }
        }
        out
    }
}

/// The cause, advice and evidence of a classification, as detail rows.
pub fn cause_rows(c: &Classification) -> Vec<(String, String)> {
    let retry = match c.retry_helps {
        Some(true) => "a rerun should help",
        Some(false) => "a rerun will not help",
        None => "a rerun may help",
    };
    let mut rows =
        vec![("Cause".to_string(), format!("{} · {retry}", c.category.as_str())), ("Advice".into(), c.advice.clone())];
    if let Some(e) = &c.evidence {
        rows.push(("Evidence".into(), format!("[{}] {}", e.source, e.line)));
    }
    rows
}
