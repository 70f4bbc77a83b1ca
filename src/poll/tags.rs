//! The tags of workflows, crawlers and Data Quality rulesets, which name their streams: read
//! as the jobs' are, when a resource appears whose tags are not known yet: every resource of
//! the kind in a few calls (tag:GetResources with ResourceTypeFilters `glue:<kind>`, 100 a
//! page), or, where that is denied or there is no tagging client, one GetTags per new
//! resource. The whole read is repeated every 15 minutes, so that a changed tag is seen
//! without a restart (one call a kind; none when reading one by one).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{StreamExt, stream};

use crate::aws::{AwsError, ErrorKind, GlueRead, Tagged};

type Tags = BTreeMap<String, String>;

/// How long a denied GetTags is not asked again.
const DENIED_FOR: Duration = Duration::from_secs(15 * 60);

/// The known tags of one kind of resource, by name.
pub struct TagCache {
    glue: Arc<dyn GlueRead>,
    kind: Tagged,
    known: HashMap<String, Tags>,
    max_concurrency: usize,
    gate: super::Gate,
    /// Both ways were denied: the error and when.
    denied: Option<(AwsError, Instant)>,
    /// When every resource's tags were last read in one go, and how often to again.
    read_whole_at: Option<Instant>,
    reread_every: Duration,
}

impl TagCache {
    pub fn new(glue: Arc<dyn GlueRead>, kind: Tagged) -> Self {
        let (max_concurrency, gate, reread_every) = (4, super::Gate::default(), crate::poll::glue::TAGS_REREAD_EVERY);
        Self {
            glue,
            kind,
            known: HashMap::new(),
            max_concurrency,
            gate,
            denied: None,
            read_whole_at: None,
            reread_every,
        }
    }

    /// Read every resource's tags whole again after `every` (instead of 15 minutes).
    pub fn rereading(mut self, every: Duration) -> Self {
        self.reread_every = every;
        self
    }

    /// Pass the per-resource fallback through `gate`, at most `max` at once.
    pub fn gated(mut self, gate: super::Gate, max: usize) -> Self {
        (self.gate, self.max_concurrency) = (gate, max.max(1));
        self
    }

    /// The tags of `name` as last read (none when unknown or untagged).
    pub fn get(&self, name: &str) -> Tags {
        self.known.get(name).cloned().unwrap_or_default()
    }

    /// Give each of `items` (named by `name`) its tags, unless its reader told them already.
    pub async fn fill<T>(
        &mut self,
        items: &mut [T],
        name: impl Fn(&T) -> &str,
        tags: impl Fn(&mut T) -> &mut Tags,
        errors: &mut Vec<AwsError>,
    ) {
        let names: Vec<String> = items.iter().map(|i| name(i).to_string()).collect();
        self.learn(&names, errors).await;
        for (i, n) in items.iter_mut().zip(&names) {
            let t = tags(i);
            if t.is_empty() {
                *t = self.get(n);
            }
        }
    }

    /// Give each Data Quality result the tags of its ruleset.
    pub async fn fill_rulesets(&mut self, results: &mut [crate::model::DqResult], errors: &mut Vec<AwsError>) {
        let mut names: Vec<String> = results.iter().filter_map(|r| r.ruleset.clone()).collect();
        names.sort();
        names.dedup();
        self.learn(&names, errors).await;
        for r in results.iter_mut().filter(|r| r.ruleset_tags.is_empty()) {
            if let Some(n) = &r.ruleset {
                r.ruleset_tags = self.get(n);
            }
        }
    }

    /// Make the tags of every one of `names` known, reading only when one is new or the last
    /// whole read is stale. A failure goes to `errors` (one per cycle) and the names it left
    /// unknown are asked next time.
    pub async fn learn(&mut self, names: &[String], errors: &mut Vec<AwsError>) {
        let missing: Vec<String> = names.iter().filter(|n| !self.known.contains_key(*n)).cloned().collect();
        let stale = self.read_whole_at.is_some_and(|t| t.elapsed() >= self.reread_every);
        if missing.is_empty() && !stale {
            return;
        }
        if let Some((e, at)) = &self.denied {
            if at.elapsed() < DENIED_FOR {
                return errors.push(e.clone());
            }
            self.denied = None;
        }
        match self.glue.all_tags(self.kind).await {
            Ok(Some(mut all)) => {
                // Those no longer listed are forgotten.
                self.known = names.iter().map(|n| (n.clone(), all.remove(n).unwrap_or_default())).collect();
                self.read_whole_at = Some(Instant::now());
                return;
            }
            Ok(None) => {}
            Err(e) if e.kind == ErrorKind::AccessDenied => {
                tracing::info!(error = %e, kind = self.kind.arn_type(), "tag:GetResources denied: GetTags one by one");
            }
            Err(e) => return errors.push(e),
        }
        self.read_whole_at = None;
        if !missing.is_empty() {
            self.one_by_one(missing, errors).await;
        }
    }

    async fn one_by_one(&mut self, missing: Vec<String>, errors: &mut Vec<AwsError>) {
        let (glue, gate, kind) = (&self.glue, &self.gate, self.kind);
        let read: Vec<(String, Result<Tags, AwsError>)> = stream::iter(missing)
            .map(|name| async move {
                let _place = gate.pass().await;
                let r = glue.tags_of(kind, &name).await;
                (name, r)
            })
            .buffer_unordered(self.max_concurrency)
            .collect()
            .await;
        let mut failed = None;
        for (name, r) in read {
            match r {
                Ok(t) => {
                    self.known.insert(name, t);
                }
                // Gone since it was listed: it has no tags to tell.
                Err(e) if e.kind == ErrorKind::NotFound => {
                    self.known.insert(name, Tags::new());
                }
                Err(e) => failed = Some(e),
            }
        }
        if let Some(e) = failed.as_ref().filter(|e| e.kind == ErrorKind::AccessDenied) {
            self.denied = Some((e.clone(), Instant::now()));
        }
        errors.extend(failed);
    }
}

/// Whether `e` is a tag read (only names streams: it must not slow the source down).
pub fn is_tag_read(e: &AwsError) -> bool {
    matches!(e.operation.as_str(), "tag:GetResources" | "glue:GetTags")
}

#[cfg(test)]
mod tests;
