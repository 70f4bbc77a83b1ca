//! The streams' own reads: landing partitions and catalog partitions (today's and
//! yesterday's only, bounded concurrency, a cadence of their own), and Glue triggers.
//! Stream names come from the other pollers (the streams of jobs, workflows, crawlers, Data
//! Quality rulesets and EMR Serverless applications: `names.rs`), the config and, when asked,
//! the prefixes one level below the landing root.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{StreamExt, stream};

use super::names::AllNames;
use super::source::{Batch, Every, Source, SourceData, SourceId};
use crate::aws::{AwsError, AwsResult, CatalogRead, LandingRead};
use crate::model::{Landing, StreamReads, TableState, Trigger};
use crate::streams::StreamsSection;
use crate::streams::spec::{Spec, discovery_root};

/// Landing partitions and catalog partitions of every stream.
pub struct LandingSource {
    pub landing: Arc<dyn LandingRead>,
    pub catalog: Arc<dyn CatalogRead>,
    pub section: StreamsSection,
    pub names: AllNames,
    pub every: Every,
    /// Cycles so far (the first waits a little for the other pollers' names).
    pub cycles: u64,
    /// The cap on calls in flight shared with every context's pollers.
    pub gate: super::Gate,
}

impl LandingSource {
    pub fn new(account: &crate::aws::Account, section: StreamsSection, names: AllNames, every: Every) -> Self {
        let (landing, catalog) = (account.landing.clone(), account.catalog.clone());
        Self { landing, catalog, section, names, every, cycles: 0, gate: super::Gate::default() }
    }

    /// Pass every listing and GetPartitions through `gate` (the cap over every context).
    pub fn gated(mut self, gate: super::Gate) -> Self {
        self.gate = gate;
        self
    }
}

impl Source for LandingSource {
    fn id(&self) -> SourceId {
        SourceId::Landing
    }

    async fn fetch(&mut self, now: DateTime<Utc>) -> AwsResult<Batch> {
        self.cycles += 1;
        if !self.section.configured() {
            return Ok(Batch::whole(SourceData::Landing(StreamReads::default())));
        }
        if self.cycles == 1 {
            self.names.settle(Duration::from_secs(20)).await;
        }
        let known = self.names.union();
        let reads = Reads { landing: self.landing.as_ref(), catalog: self.catalog.as_ref(), gate: &self.gate };
        Ok(read(reads, &self.section, known, now).await)
    }

    fn every(&self) -> Every {
        self.every
    }
}

/// What a cycle reads through, and the cap on calls in flight over every context.
#[derive(Clone, Copy)]
pub struct Reads<'a> {
    pub landing: &'a dyn LandingRead,
    pub catalog: &'a dyn CatalogRead,
    pub gate: &'a super::Gate,
}

/// One cycle: discover, then each stream's two landing partitions and its tables' partitions.
pub async fn read(r: Reads<'_>, section: &StreamsSection, mut names: BTreeSet<String>, now: DateTime<Utc>) -> Batch {
    let Reads { landing, catalog, gate } = r;
    let mut errors = Vec::new();
    let mut reads = StreamReads::default();
    names.extend(section.named().cloned());
    if let Some(root) = section.landing.as_deref().filter(|_| section.discover).and_then(discovery_root) {
        match landing.children(&root.bucket, &root.prefix).await {
            Ok(found) => reads.discovered = found,
            Err(e) => errors.push(e),
        }
    }
    names.extend(reads.discovered.iter().cloned());
    let specs: Vec<Spec> = names.iter().map(|n| section.spec(n)).collect();
    let max = section.max_concurrency.max(1);
    let landings: Vec<Option<(Landing, Option<AwsError>)>> = stream::iter(specs.clone())
        .map(|s| async move { land(landing, gate, &s, now).await })
        .buffered(max)
        .collect()
        .await;
    for (l, e) in landings.into_iter().flatten() {
        errors.extend(e);
        reads.landings.push(l);
    }
    let tables: Vec<(Vec<TableState>, Vec<AwsError>)> = stream::iter(specs)
        .map(|s| async move { tables(catalog, gate, &s, now, max).await })
        .buffered(max)
        .collect()
        .await;
    for (t, e) in tables {
        reads.tables.extend(t);
        errors.extend(e);
    }
    Batch { data: SourceData::Landing(reads), errors }
}

/// Today's and yesterday's partitions of one stream (None: no landing configured), and the
/// error that cut the reading short.
async fn land(
    landing: &dyn LandingRead,
    gate: &super::Gate,
    spec: &Spec,
    now: DateTime<Utc>,
) -> Option<(Landing, Option<AwsError>)> {
    let root = spec.landing.as_ref()?;
    let (today, yesterday) = spec.days(now);
    let mut out = Landing { stream: spec.name.clone(), uri: root.uri(), ..Default::default() };
    let mut failed = None;
    for (day, slot) in [(today, &mut out.today), (yesterday, &mut out.yesterday)] {
        let (bucket, prefix) = spec.partition_prefix(day)?;
        let _permit = gate.pass().await;
        match landing.partition(&bucket, &prefix).await {
            Ok(stats) => *slot = stats,
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    out.error = failed.as_ref().map(|e| e.message.clone());
    Some((out, failed))
}

/// `orders_*` as the regex GetTables takes (`orders_.*`).
pub fn table_regex(glob: &str) -> String {
    glob.split('*').map(regex::escape).collect::<Vec<_>>().join(".*")
}

/// The stream's curated tables with their newest partition of today or yesterday.
async fn tables(
    catalog: &dyn CatalogRead,
    gate: &super::Gate,
    spec: &Spec,
    now: DateTime<Utc>,
    max: usize,
) -> (Vec<TableState>, Vec<AwsError>) {
    let (today, yesterday) = spec.days(now);
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    for (db, pattern) in &spec.catalog {
        let re = regex::Regex::new(&format!("^(?:{})$", table_regex(pattern))).ok();
        let found = match catalog.tables(db, &table_regex(pattern)).await {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let found: Vec<_> = found.into_iter().filter(|t| re.as_ref().is_none_or(|r| r.is_match(&t.name))).collect();
        let states: Vec<(TableState, Option<AwsError>)> = stream::iter(found)
            .map(|t| async move { newest(catalog, gate, spec, &t, [today, yesterday]).await })
            .buffered(max)
            .collect()
            .await;
        for (s, e) in states {
            out.push(s);
            errors.extend(e);
        }
    }
    (out, errors)
}

async fn newest(
    catalog: &dyn CatalogRead,
    gate: &super::Gate,
    spec: &Spec,
    t: &crate::model::CatalogTable,
    days: [NaiveDate; 2],
) -> (TableState, Option<AwsError>) {
    let mut state = TableState {
        stream: spec.name.clone(),
        table: format!("{}.{}", t.database, t.name),
        update_time: t.update_time,
        ..Default::default()
    };
    let Some(expression) = spec.layout.expression(&t.partition_keys, &days) else {
        state.error = Some(format!("partition keys {:?} do not match the layout", t.partition_keys));
        return (state, None);
    };
    let _permit = gate.pass().await;
    match catalog.partitions(&t.database, &t.name, &expression).await {
        Ok(parts) => {
            let best = parts
                .iter()
                .map(|p| (spec.layout.label(&t.partition_keys, &p.values), p.created))
                .max_by_key(|((_, day), created)| (*day, *created));
            if let Some(((label, _), created)) = best {
                state.newest_partition = Some(label);
                state.partition_created = created;
            }
            (state, None)
        }
        Err(e) => {
            state.error = Some(e.message.clone());
            (state, Some(e))
        }
    }
}

/// Glue triggers (their schedules give the streams' next runs).
pub struct TriggersSource {
    pub catalog: Arc<dyn CatalogRead>,
    pub every: Every,
}

impl Source for TriggersSource {
    fn id(&self) -> SourceId {
        SourceId::Triggers
    }

    async fn fetch(&mut self, _now: DateTime<Utc>) -> AwsResult<Batch> {
        let t: Vec<Trigger> = self.catalog.triggers().await?;
        Ok(Batch::whole(SourceData::Triggers(t)))
    }

    fn every(&self) -> Every {
        self.every
    }
}

#[cfg(test)]
mod tests;
