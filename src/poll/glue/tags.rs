//! The jobs' tags (they name the jobs' streams): every job's in a few calls
//! (tag:GetResources) when the reader can, else one GetTags per job. Read when a job is new,
//! and read whole again every [`REREAD_EVERY`] so that a tag changed on a known job is seen
//! without a restart (one call a kind; the one-by-one way only asks for new jobs). Where
//! GetTags is denied too, nothing is asked for [`DENIED_FOR`] and the same warning is told.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};

use super::GlueCollector;
use crate::aws::{AwsError, ErrorKind};

/// How often the tags of every job are read whole again.
pub const REREAD_EVERY: Duration = Duration::from_secs(15 * 60);
/// How long a denied GetTags is not asked again.
const DENIED_FOR: Duration = Duration::from_secs(15 * 60);

type TagsResult = Result<BTreeMap<String, String>, AwsError>;

/// What is known of the jobs' tags.
#[derive(Default)]
pub struct JobTags {
    /// Jobs whose tags are known.
    known: HashSet<String>,
    /// When every job's tags were last read in one go (tag:GetResources).
    read_whole_at: Option<Instant>,
    /// GetTags was denied: the error and when.
    denied: Option<(AwsError, Instant)>,
    /// Read whole again after this long (tests shorten it).
    pub reread_every: Option<Duration>,
}

impl JobTags {
    fn stale(&self) -> bool {
        let every = self.reread_every.unwrap_or(REREAD_EVERY);
        self.read_whole_at.is_some_and(|t| t.elapsed() >= every)
    }
}

impl GlueCollector {
    /// Read the tags of every job whole again after `every` (instead of 15 minutes).
    pub fn rereading_tags(mut self, every: Duration) -> Self {
        self.tags.reread_every = Some(every);
        self
    }

    /// Tags of the jobs not tagged yet, or of every job when the last whole read is stale.
    pub(super) async fn fetch_missing_tags(&mut self, errors: &mut Vec<AwsError>) {
        let missing = self.jobs.iter().any(|j| !self.tags.known.contains(&j.name));
        if !missing && !self.tags.stale() {
            return;
        }
        match self.glue.all_job_tags().await {
            Ok(Some(mut all)) => {
                for j in &mut self.jobs {
                    let tags = all.remove(&j.name).unwrap_or_default();
                    if j.tags != tags {
                        Arc::make_mut(j).tags = tags;
                    }
                    self.tags.known.insert(j.name.clone());
                }
                self.tags.read_whole_at = Some(Instant::now());
                return;
            }
            Ok(None) => {}
            Err(e) if e.kind == ErrorKind::AccessDenied => {
                tracing::info!(error = %e, "tag:GetResources denied: reading tags job by job");
            }
            Err(e) => return errors.push(e),
        }
        self.tags.read_whole_at = None;
        if missing {
            self.fetch_tags_one_by_one(errors).await;
        }
    }

    async fn fetch_tags_one_by_one(&mut self, errors: &mut Vec<AwsError>) {
        if let Some((e, at)) = &self.tags.denied {
            if at.elapsed() < DENIED_FOR {
                return errors.push(e.clone());
            }
            self.tags.denied = None;
        }
        let missing: Vec<String> =
            self.jobs.iter().filter(|j| !self.tags.known.contains(&j.name)).map(|j| j.name.clone()).collect();
        let (glue, gate) = (self.glue.clone(), &self.gate);
        let fetched: Vec<(String, TagsResult)> = stream::iter(missing)
            .map(|name| {
                let glue = glue.clone();
                async move {
                    let _place = gate.pass().await;
                    let r = glue.job_tags(&name).await;
                    (name, r)
                }
            })
            .buffer_unordered(self.max_concurrency)
            .collect()
            .await;
        let at: HashMap<String, usize> = self.jobs.iter().enumerate().map(|(i, j)| (j.name.clone(), i)).collect();
        let mut tag_error = None;
        for (name, r) in fetched {
            match r {
                Ok(tags) => {
                    if let Some(j) = at.get(&name).and_then(|&i| self.jobs.get_mut(i)) {
                        Arc::make_mut(j).tags = tags;
                    }
                    self.tags.known.insert(name);
                }
                Err(e) => tag_error = Some(e),
            }
        }
        if let Some(e) = tag_error.as_ref().filter(|e| e.kind == ErrorKind::AccessDenied) {
            self.tags.denied = Some((e.clone(), Instant::now()));
        }
        errors.extend(tag_error);
    }
}

#[cfg(test)]
#[path = "tags_tests.rs"]
mod tests;
