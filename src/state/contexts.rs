//! Contexts: the (profile, Region) pairs one batchtop watches. Every row carries the index
//! of the context it was read from; each context keeps its own identity, API counters and
//! source statuses, so one context's trouble stays its own.

use chrono::{DateTime, Utc};

use super::SourceStatus;
use crate::aws::{AwsError, StatsSnapshot};
use crate::poll::SourceId;

pub use crate::config::contexts::{COLORS, CtxSpec};

/// One context as the app sees it.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    pub name: String,
    pub profile: Option<String>,
    pub region: String,
    pub color: u8,
    pub read_only: bool,
    /// Its skin (`[[contexts]] skin`), when it has one.
    pub skin: Option<String>,
    /// From STS GetCallerIdentity, once it answered.
    pub account: Option<String>,
    pub arn: Option<String>,
    /// Why GetCallerIdentity failed (expired or denied credentials, no network).
    pub identity_error: Option<AwsError>,
    /// When its credentials expire, when the provider says.
    pub expires: Option<DateTime<Utc>>,
    pub stats: StatsSnapshot,
    /// How far the first load of its Glue jobs is (None: loaded).
    pub glue_loading: Option<crate::model::Loading>,
    /// Health of each source in this context, by [`SourceId::index`].
    pub statuses: [SourceStatus; SourceId::ALL.len()],
}

/// How a context is doing, for `:ctx` and the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Nothing answered yet.
    Connecting,
    /// Identity known and every polled source answered its last cycle.
    Healthy,
    /// Some source failed its last cycle (or part of it).
    Degraded,
    /// The credentials were refused or every source failed.
    Unreachable,
}

impl Reach {
    pub fn label(self) -> &'static str {
        match self {
            Reach::Connecting => "connecting",
            Reach::Healthy => "ok",
            Reach::Degraded => "degraded",
            Reach::Unreachable => "unreachable",
        }
    }
}

impl Ctx {
    pub fn status(&self, id: SourceId) -> &SourceStatus {
        &self.statuses[id.index()]
    }

    pub fn status_mut(&mut self, id: SourceId) -> &mut SourceStatus {
        &mut self.statuses[id.index()]
    }

    /// A context not yet connected, as its spec and the Region the SDK resolved say.
    pub fn new(spec: &CtxSpec, region: String) -> Self {
        Ctx {
            name: spec.name.clone(),
            profile: spec.profile.clone(),
            region,
            color: spec.color,
            read_only: spec.read_only,
            skin: spec.skin.clone(),
            ..Default::default()
        }
    }

    /// How it is doing now.
    pub fn reach(&self) -> Reach {
        if self.identity_error.is_some() {
            return Reach::Unreachable;
        }
        let polled: Vec<&SourceStatus> =
            SourceId::ALL.iter().filter(|s| s.is_polled()).map(|&s| self.status(s)).collect();
        let answered = polled.iter().filter(|s| s.last_ok.is_some()).count();
        let failing = polled.iter().filter(|s| s.error.is_some()).count();
        if failing == polled.len() {
            Reach::Unreachable
        } else if failing > 0 {
            Reach::Degraded
        } else if answered == 0 && self.account.is_none() {
            Reach::Connecting
        } else {
            Reach::Healthy
        }
    }

    /// The first problem to tell, with what to do about it.
    pub fn problem(&self) -> Option<&AwsError> {
        self.identity_error.as_ref().or_else(|| self.statuses.iter().find_map(|s| s.error.as_ref()))
    }

    /// `profile@region` (what the AWS CLI would be told).
    pub fn place(&self) -> String {
        format!("{}@{}", self.profile.as_deref().unwrap_or("default"), self.region)
    }
}

/// The merged status of one source over `contexts`: polling when any is, the oldest data,
/// the first error (named after its context when there are several), every partial failure.
pub fn merged_status<'a>(contexts: impl Iterator<Item = &'a Ctx>, id: SourceId, many: bool) -> SourceStatus {
    let mut out = SourceStatus::default();
    let mut first = true;
    for c in contexts {
        let s = c.status(id);
        out.polling |= s.polling;
        out.generation = out.generation.max(s.generation);
        out.last_ok = match (first, out.last_ok, s.last_ok) {
            (true, _, t) => t,
            (false, Some(a), Some(b)) => Some(a.min(b)),
            _ => None,
        };
        first = false;
        out.partial_failures += s.partial_failures;
        if let Some(e) = &s.error {
            if out.error.is_some() {
                out.partial_failures += 1;
            } else {
                let mut e = e.clone();
                if many {
                    e.message = format!("{}: {}", c.name, e.message);
                }
                out.error = Some(e);
            }
        }
    }
    out
}

/// Rows that say which context they were read from.
pub trait InCtx {
    fn ctx(&self) -> usize;
}

macro_rules! in_ctx {
    ($($t:ty),*) => {
        $(impl InCtx for $t {
            fn ctx(&self) -> usize {
                self.ctx
            }
        })*
    };
}

in_ctx!(
    crate::model::JobEntry,
    crate::model::Workflow,
    crate::model::Crawler,
    crate::model::EmrApp,
    crate::model::EmrRun,
    crate::model::DqResult,
    crate::model::DqEvalRun
);

/// Replace the rows of context `ctx` in `rows` by `new` (tagged with it); other contexts'
/// rows stay where they are.
pub fn merge<T>(rows: &mut Vec<T>, ctx: usize, new: Vec<T>, tag: fn(&mut T) -> &mut usize) {
    rows.retain_mut(|r| *tag(r) != ctx);
    rows.extend(new.into_iter().map(|mut r| {
        *tag(&mut r) = ctx;
        r
    }));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::ErrorKind;

    fn err(message: &str) -> AwsError {
        AwsError { kind: ErrorKind::AccessDenied, operation: "glue:GetJobs".into(), message: message.into() }
    }

    #[test]
    fn merge_replaces_only_its_own_rows() {
        let mut rows = vec![(0usize, "a"), (1, "b"), (0, "c")];
        merge(&mut rows, 0, vec![(9, "d")], |r| &mut r.0);
        assert_eq!(rows, vec![(1, "b"), (0, "d")]);
    }

    #[test]
    fn reach_follows_identity_and_sources() {
        let mut c = Ctx::default();
        assert_eq!(c.reach(), Reach::Connecting);
        c.account = Some("111111111111".into());
        assert_eq!(c.reach(), Reach::Healthy);
        c.status_mut(SourceId::Emr).error = Some(err("denied"));
        assert_eq!(c.reach(), Reach::Degraded);
        c.identity_error = Some(err("expired"));
        assert_eq!(c.reach(), Reach::Unreachable);
    }

    #[test]
    fn merged_status_names_the_failing_context() {
        let ok = Ctx { name: "staging".into(), ..Default::default() };
        let mut bad = Ctx { name: "prod".into(), ..Default::default() };
        bad.status_mut(SourceId::Glue).error = Some(err("token expired"));
        let s = merged_status([&ok, &bad].into_iter(), SourceId::Glue, true);
        assert_eq!(s.error.map(|e| e.message), Some("prod: token expired".into()));
        let s = merged_status([&bad].into_iter(), SourceId::Glue, false);
        assert_eq!(s.error.map(|e| e.message), Some("token expired".into()));
    }
}
