//! The snapshot's streams: the landing and catalog read once (today's and yesterday's
//! partitions only), the triggers, and one row per stream built as the TUI builds it, with
//! yesterday's cost from the report this snapshot already has (no request of its own).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::Snapshot;
use super::json::ts;
use crate::aws::{Account, AwsError};
use crate::model::{StreamReads, Trigger};
use crate::streams::{Inputs, Sla, Sources, Stream};

/// What the streams need beyond the rest of the snapshot.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    pub reads: StreamReads,
    pub triggers: Vec<Trigger>,
}

/// The tags of the workflows, crawlers and Data Quality rulesets read (their streams), each
/// kind in a few calls (tag:GetResources; GetTags each where that is denied). A failure is
/// noted under the kind's source.
pub async fn tag(
    account: &Account,
    (gate, max): (&crate::poll::Gate, usize),
    read: (&mut [(crate::model::Workflow, Vec<crate::model::WorkflowRun>)], &mut [crate::model::Crawler]),
    dq: &mut [crate::model::DqResult],
    errors: &mut Vec<(String, AwsError)>,
) {
    use crate::aws::Tagged;
    let cache = |kind| crate::poll::TagCache::new(account.glue.clone(), kind).gated(gate.clone(), max);
    let (workflows, crawlers) = read;
    let (mut e_wf, mut e_cr, mut e_dq) = (Vec::new(), Vec::new(), Vec::new());
    let (mut wf, mut cr, mut rs) = (cache(Tagged::Workflow), cache(Tagged::Crawler), cache(Tagged::Ruleset));
    tokio::join!(
        wf.fill(workflows, |(w, _)| &w.name, |(w, _)| &mut w.tags, &mut e_wf),
        cr.fill(crawlers, |c| &c.name, |c| &mut c.tags, &mut e_cr),
        rs.fill_rulesets(dq, &mut e_dq),
    );
    for (source, errs) in [("workflows", e_wf), ("crawlers", e_cr), ("data-quality", e_dq)] {
        errors.extend(errs.into_iter().map(|e| (source.to_string(), e)));
    }
}

/// The streams every resource names (its stream tag, or the name regex), as the pollers tell
/// them to the landing source: a stream of only a tagged workflow or crawler is read too.
fn stream_names(s: &Snapshot) -> BTreeSet<String> {
    let of = |name: &str, tags: &std::collections::BTreeMap<String, String>| s.settings.stream_of(name, tags);
    let jobs = s.glue.jobs.iter().filter_map(|j| j.stream.clone());
    let workflows = s.workflows.iter().filter_map(|(w, _)| of(&w.name, &w.tags));
    let crawlers = s.crawlers.iter().filter_map(|c| of(&c.name, &c.tags));
    let dq = s.data_quality.iter().filter_map(|r| of(r.table.as_deref().unwrap_or_default(), &r.ruleset_tags));
    let apps = s.emr.apps.iter().filter_map(|a| of(&a.name, &a.tags));
    let runs = s.emr.runs.iter().filter_map(|r| of(r.name.as_deref().unwrap_or_default(), &r.tags));
    jobs.chain(workflows).chain(crawlers).chain(dq).chain(apps).chain(runs).collect()
}

/// Read the landing zones, the catalog and the triggers once.
pub async fn read(
    account: &Account,
    s: &Snapshot,
    gate: &crate::poll::Gate,
    errors: &mut Vec<(String, AwsError)>,
) -> Reads {
    let section = &s.settings.config.streams;
    let mut out = Reads::default();
    if section.configured() {
        let names = stream_names(s);
        let through =
            crate::poll::streams::Reads { landing: account.landing.as_ref(), catalog: account.catalog.as_ref(), gate };
        let batch = crate::poll::streams::read(through, section, names, s.generated_at).await;
        errors.extend(batch.errors.into_iter().map(|e| ("landing".to_string(), e)));
        if let crate::poll::SourceData::Landing(r) = batch.data {
            out.reads = r;
        }
    }
    match account.catalog.triggers().await {
        Ok(t) => out.triggers = t,
        Err(e) => errors.push(("triggers".into(), e)),
    }
    out
}

/// One row per stream.
pub fn rows(s: &Snapshot, r: &Reads) -> Vec<Stream> {
    let workflows: Vec<crate::model::Workflow> = s.workflows.iter().map(|(w, _)| w.clone()).collect();
    let name_stream = |n: &str| s.settings.stream_by_name(n);
    let yesterday = s.generated_at.date_naive().pred_opt();
    let key = &s.settings.config.streams.tag_key;
    let cost = |_: usize, stream: &str| s.cost.as_ref().and_then(|c| c.day_total(key, stream, yesterday?));
    let discovered: Vec<(usize, String)> = r.reads.discovered.iter().map(|n| (0, n.clone())).collect();
    let inputs = Inputs {
        section: &s.settings.config.streams,
        sources: Sources {
            tag_key: &s.settings.config.streams.tag_key,
            name_stream: &name_stream,
            jobs: &s.glue.jobs,
            workflows: &workflows,
            crawlers: &s.crawlers,
            dq: &s.data_quality,
            emr: &s.emr,
            triggers: &r.triggers,
        },
        items: &s.inbox,
        landings: &r.reads.landings,
        tables: &r.reads.tables,
        discovered: &discovered,
        cost: &cost,
        now: s.generated_at,
    };
    crate::streams::build(&inputs).0
}

/// One stream as the snapshot JSON writes it.
pub fn stream_json(s: &Stream) -> Value {
    let (fresh_within, ready_by) = match s.sla {
        Sla::FreshWithin(d) => (Some(d.num_seconds()), None),
        Sla::ReadyBy(t) => (None, Some(t.format("%H:%M").to_string())),
        Sla::None => (None, None),
    };
    json!({
        "name": s.name,
        "status": s.status.as_str(),
        "jobs": s.jobs,
        "workflows": s.workflows,
        "crawlers": s.crawlers,
        "landing": s.landing.as_ref().map(|l| json!({
            "uri": l.uri,
            "newest_object_at": ts(l.newest()),
            "objects": l.today.objects,
            "bytes": l.today.bytes,
            "success_marker": l.today.success_marker,
        })),
        "catalog": s.catalog.iter().map(|t| json!({
            "table": t.table,
            "newest_partition": t.newest_partition,
            "partition_created_at": ts(t.partition_created),
        })).collect::<Vec<_>>(),
        "last_success_at": ts(s.last_success),
        "fresh_within_s": fresh_within,
        "ready_by": ready_by,
        "late_by_s": s.freshness.late_s(),
        "open_items": s.open_items,
        "dq_score": s.dq_score,
        "cost_yesterday": s.cost_yesterday,
        "next_run_at": ts(s.next_run),
    })
}
