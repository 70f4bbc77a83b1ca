//! One builder per kind of inbox item: which resources are in trouble, how often, since when,
//! and whether a later run recovered them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::inbox::{Inputs, Item, ItemSource, ItemStatus, Severity};
use super::{Category, Classification, Evidence, MESSAGE_SOURCE};
use crate::model::{EmrState, JobEntry, JobRun, RunState, Workflow};

fn item(ctx: usize, source: ItemSource, resource: String, class: Classification) -> Item {
    Item {
        ctx,
        source,
        resource,
        run_id: None,
        stream: None,
        severity: source.default_severity(),
        status: ItemStatus::Open,
        class,
        count: 1,
        first_seen: None,
        last_seen: None,
        blocks: Vec::new(),
        summary: String::new(),
        note: None,
    }
}

/// The first line of a message, at most 200 characters.
pub fn first_line(message: Option<&str>) -> String {
    let line = message.and_then(|m| m.lines().map(str::trim).find(|l| !l.is_empty())).unwrap_or("");
    line.chars().take(200).collect()
}

fn classify_run(inputs: &Inputs<'_>, run: &JobRun) -> Classification {
    let logs: Vec<super::LogExcerpt> = inputs.logs.get(&run.id).cloned().into_iter().collect();
    inputs.rules.classify(run.state().as_str(), run.error_message.as_deref(), &logs)
}

/// Glue jobs whose runs failed, and runs far past their job's median duration.
pub fn glue(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    for j in &inputs.glue.jobs {
        if let Some(it) = failed_job(inputs, j) {
            out.push(it);
        }
        if let Some(it) = long_running(inputs, j) {
            out.push(it);
        }
    }
}

fn failed_job(inputs: &Inputs<'_>, j: &JobEntry) -> Option<Item> {
    // Runs are newest first.
    let failed: Vec<&JobRun> = j.runs.iter().filter(|r| r.state().is_failure()).collect();
    let newest = *failed.first()?;
    let mut it = item(j.ctx, ItemSource::GlueJob, j.job.name.clone(), classify_run(inputs, newest));
    let recovered = j.runs.iter().any(|r| r.state() == RunState::Succeeded && r.started_on > newest.started_on);
    it.status = if recovered { ItemStatus::Recovered } else { ItemStatus::Open };
    it.run_id = Some(newest.id.clone());
    it.stream = j.stream.clone();
    it.count = failed.len();
    it.first_seen = failed.last().and_then(|r| r.started_on);
    it.last_seen = newest.completed_on.or(newest.started_on);
    it.summary = match first_line(newest.error_message.as_deref()) {
        s if s.is_empty() => format!("run {}", newest.state().as_str()),
        s => s,
    };
    Some(it)
}

/// The median of the job's successful run durations, when it has at least three.
fn median_s(j: &JobEntry) -> Option<i64> {
    let mut d: Vec<i64> = j
        .runs
        .iter()
        .filter(|r| r.state() == RunState::Succeeded)
        .filter_map(|r| r.duration_s(r.completed_on?))
        .collect();
    if d.len() < 3 {
        return None;
    }
    d.sort_unstable();
    Some(d[d.len() / 2])
}

fn long_running(inputs: &Inputs<'_>, j: &JobEntry) -> Option<Item> {
    let median = median_s(j)?.max(60);
    let run = j.runs.iter().find(|r| r.state() == RunState::Running)?;
    let running = (inputs.now - run.started_on?).num_seconds();
    let factor = running as f64 / median as f64;
    if factor < inputs.limits.long_running_factor {
        return None;
    }
    let class = Classification {
        category: Category::Timeout,
        retry_helps: None,
        advice:
            "far slower than usual: look for a grown input, a skewed stage or a lost executor (E opens its event log)"
                .into(),
        evidence: None,
    };
    let mut it = item(j.ctx, ItemSource::LongRunning, j.job.name.clone(), class);
    it.run_id = Some(run.id.clone());
    it.stream = j.stream.clone();
    it.first_seen = run.started_on;
    it.last_seen = Some(inputs.now);
    it.summary = format!(
        "running {}, {factor:.1}x its median {}",
        crate::duration::short(running),
        crate::duration::short(median)
    );
    Some(it)
}

/// Workflows whose last run has failed nodes, with what those nodes kept from running.
pub fn workflows(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    for w in inputs.workflows {
        if let Some(it) = failed_workflow(inputs, w) {
            out.push(it);
        }
    }
}

fn failed_workflow(inputs: &Inputs<'_>, w: &Workflow) -> Option<Item> {
    let run = w.last_run.as_ref()?;
    let graph = run.graph.as_ref()?;
    let failed: Vec<&crate::model::Node> = graph.nodes.iter().filter(|n| n.state.is_failure()).collect();
    let first = *failed.first()?;
    let message = first
        .job_run
        .as_ref()
        .and_then(|r| r.error_message.as_deref().map(str::to_string))
        .or_else(|| first.error.clone());
    let state = first.state.label().to_string();
    let logs: Vec<super::LogExcerpt> =
        first.job_run.as_ref().and_then(|r| inputs.logs.get(&r.id)).cloned().into_iter().collect();
    let class = inputs.rules.classify(&state, message.as_deref(), &logs);
    let mut it = item(w.ctx, ItemSource::Workflow, w.name.clone(), class);
    it.run_id = Some(run.id.clone());
    it.count = failed.len();
    it.first_seen = run.started_on;
    it.last_seen = run.completed_on.or(run.started_on);
    it.blocks = super::blast::blocked(graph, &failed).into_iter().map(|job| with_output(inputs, w.ctx, job)).collect();
    it.stream = first.job_run.as_ref().and_then(|r| stream_of(inputs, w.ctx, &r.job_name));
    let what = failed.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ");
    it.summary = format!("{} failed: {}", what, first_line(message.as_deref()));
    Some(it)
}

/// A blocked job with what it writes: `orders_publish → curated.orders_publish`.
fn with_output(inputs: &Inputs<'_>, ctx: usize, job: String) -> String {
    match writes(inputs, ctx, &job) {
        Some(out) => format!("{job} → {out}"),
        None => job,
    }
}

/// What a job writes: an argument naming its target table or output path (from its newest
/// run), else the table its Data Quality results are about.
fn writes(inputs: &Inputs<'_>, ctx: usize, job: &str) -> Option<String> {
    let entry = inputs.glue.jobs.iter().find(|j| j.ctx == ctx && j.job.name == job);
    let args = entry.and_then(|j| j.runs.first()).map(|r| &r.arguments);
    let target = args.and_then(|a| {
        a.iter().find_map(|(k, v)| {
            let k = k.to_ascii_lowercase();
            let names_output = ["target", "output", "dest", "sink"].iter().any(|w| k.contains(w));
            (names_output && (k.contains("table") || k.contains("path"))).then(|| v.clone())
        })
    });
    target.or_else(|| {
        inputs.dq.results.iter().find(|r| r.ctx == ctx && r.job_name.as_deref() == Some(job)).map(|r| r.data_source())
    })
}

fn stream_of(inputs: &Inputs<'_>, ctx: usize, job: &str) -> Option<String> {
    inputs.glue.jobs.iter().find(|j| j.ctx == ctx && j.job.name == job).and_then(|j| j.stream.clone())
}

/// Data Quality: per `database.table/ruleset`, results whose rules failed or errored, and
/// evaluation runs that failed.
pub fn dq(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    // Results come failing first then newest first: group, then look at the newest of each.
    let mut by: BTreeMap<(usize, String), Vec<&crate::model::DqResult>> = BTreeMap::new();
    for r in &inputs.dq.results {
        let key = format!("{}/{}", r.data_source(), r.ruleset.as_deref().unwrap_or("?"));
        by.entry((r.ctx, key)).or_default().push(r);
    }
    for ((ctx, resource), mut results) in by {
        results.sort_by_key(|r| std::cmp::Reverse(r.started_on));
        let bad: Vec<&&crate::model::DqResult> = results.iter().filter(|r| r.is_bad()).collect();
        let Some(newest_bad) = bad.first() else { continue };
        let recovered = results.iter().any(|r| !r.is_bad() && r.started_on > newest_bad.started_on);
        let rule = newest_bad.rules_worst_first().into_iter().next();
        let line =
            rule.map(|r| format!("{}: {}", r.name, r.message.as_deref().unwrap_or("failed"))).unwrap_or_default();
        let class = Classification {
            category: Category::DataQuality,
            retry_helps: Some(false),
            advice: "the data broke its rules: look at the failed rules (Enter), fix the data or the rule, then rerun"
                .into(),
            evidence: Some(Evidence { source: MESSAGE_SOURCE.into(), line: line.clone() }),
        };
        let mut it = item(ctx, ItemSource::Dq, resource, class);
        it.status = if recovered { ItemStatus::Recovered } else { ItemStatus::Open };
        it.run_id = Some(newest_bad.id.clone());
        it.count = bad.len();
        it.first_seen = bad.last().and_then(|r| r.started_on);
        it.last_seen = newest_bad.completed_on.or(newest_bad.started_on);
        it.stream = newest_bad.job_name.as_deref().and_then(|j| stream_of(inputs, ctx, j));
        it.summary = format!("{} rule(s) failed, {} errored: {line}", newest_bad.failed(), newest_bad.errored());
        out.push(it);
    }
    dq_runs(inputs, out);
}

fn dq_runs(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    let mut seen = std::collections::BTreeSet::new();
    for run in &inputs.dq.runs {
        let resource = format!("{}/{}", run.data_source(), run.rulesets.join(","));
        if !seen.insert((run.ctx, resource.clone())) || !run.is_failure() {
            continue;
        }
        let class = inputs.rules.classify(&run.status, run.error.as_deref(), &[]);
        let mut it = item(run.ctx, ItemSource::Dq, resource, class);
        it.run_id = Some(run.id.clone());
        it.first_seen = run.started_on;
        it.last_seen = run.completed_on.or(run.started_on);
        it.summary = format!("evaluation run {}: {}", run.status, first_line(run.error.as_deref()));
        out.push(it);
    }
}

/// Crawlers whose last crawl failed, or whose catalog is stale.
pub fn crawlers(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    for c in inputs.crawlers {
        let Some(last) = &c.last_crawl else { continue };
        let stale_s = inputs.limits.crawler_stale_after.num_seconds();
        let class;
        let summary;
        if last.status == "FAILED" {
            class = inputs.rules.classify("FAILED", last.error_message.as_deref(), &[]);
            summary = format!("last crawl failed: {}", first_line(last.error_message.as_deref()));
        } else if let Some(age) = c.freshness_s(inputs.now).filter(|a| *a > stale_s) {
            class = Classification {
                category: Category::Unknown,
                retry_helps: None,
                advice: "the catalog was not refreshed in time: check the crawler's schedule and its trigger".into(),
                evidence: None,
            };
            summary = format!("stale: catalog refreshed {} ago", crate::duration::short(age));
        } else {
            continue;
        }
        let mut it = item(c.ctx, ItemSource::Crawler, c.name.clone(), class);
        it.first_seen = last.started_on;
        it.last_seen = c.last_crawl_end().or(last.started_on);
        it.summary = summary;
        out.push(it);
    }
}

/// EMR Serverless jobs (a name within an application) whose runs failed, and runs that
/// wait too long for capacity.
pub fn emr(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    let mut by: BTreeMap<(usize, String), Vec<&crate::model::EmrRun>> = BTreeMap::new();
    for r in &inputs.emr.runs {
        let key = format!("{}/{}", r.app_id, r.name.as_deref().unwrap_or("(unnamed)"));
        by.entry((r.ctx, key)).or_default().push(r);
        if let Some(it) = waiting(inputs, r) {
            out.push(it);
        }
    }
    for ((ctx, resource), mut runs) in by {
        runs.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        let failed: Vec<&&crate::model::EmrRun> = runs.iter().filter(|r| r.state() == EmrState::Failed).collect();
        let Some(newest) = failed.first() else { continue };
        let recovered = runs.iter().any(|r| r.state() == EmrState::Success && r.created_at > newest.created_at);
        let class = inputs.rules.classify("FAILED", newest.state_details.as_deref(), &[]);
        let mut it = item(ctx, ItemSource::EmrJob, resource, class);
        it.status = if recovered { ItemStatus::Recovered } else { ItemStatus::Open };
        it.run_id = Some(newest.id.clone());
        it.count = failed.len();
        it.first_seen = failed.last().and_then(|r| r.created_at);
        it.last_seen = newest.ended_at.or(newest.created_at);
        it.stream = newest.tags.get("stream").cloned();
        it.summary = first_line(newest.state_details.as_deref());
        out.push(it);
    }
}

fn waiting(inputs: &Inputs<'_>, r: &crate::model::EmrRun) -> Option<Item> {
    let created: DateTime<Utc> = r.created_at?;
    let waited = inputs.now - created;
    if !r.state().is_waiting() || waited < inputs.limits.emr_waiting_after {
        return None;
    }
    let class = inputs.rules.classify("WAITING", r.state_details.as_deref(), &[]);
    let resource = format!("{}/{}", r.app_id, r.name.as_deref().unwrap_or("(unnamed)"));
    let mut it = item(r.ctx, ItemSource::EmrWaiting, resource, class);
    it.run_id = Some(r.id.clone());
    it.first_seen = Some(created);
    it.last_seen = Some(inputs.now);
    it.stream = r.tags.get("stream").cloned();
    it.summary = format!("{} for {}", r.state().as_str(), crate::duration::short(waited.num_seconds()));
    Some(it)
}

/// Sources that cannot be read: denied, no credentials, or throttled for minutes.
pub fn troubles(inputs: &Inputs<'_>, out: &mut Vec<Item>) {
    use crate::aws::ErrorKind;
    for t in inputs.troubles {
        let long = t.last_ok.is_none_or(|at| inputs.now - at > chrono::Duration::minutes(5));
        let category = match t.error.kind {
            ErrorKind::AccessDenied => Category::Permission,
            ErrorKind::CredentialsExpired | ErrorKind::CredentialsMissing | ErrorKind::CredentialsInvalid => {
                Category::Permission
            }
            ErrorKind::Throttled if long => Category::Throttled,
            ErrorKind::Network if long => Category::Network,
            _ => continue,
        };
        let class = Classification {
            category,
            retry_helps: super::retry_helps(category),
            advice: t.error.message.clone(),
            evidence: Some(Evidence { source: t.error.operation.clone(), line: first_line(Some(&t.error.message)) }),
        };
        let mut it = item(t.ctx, ItemSource::SourceError, t.source.clone(), class);
        it.first_seen = t.last_ok;
        it.last_seen = Some(inputs.now);
        it.summary = format!("cannot read {}: {}", t.source, first_line(Some(&t.error.message)));
        // A read that only adds to the view, merely not permitted: a warning naming the permission.
        if let Some((permission, missing)) = t.error.optional_denial() {
            it.severity = Severity::Warning;
            it.summary = format!("not permitted: {permission} ({missing})");
        }
        out.push(it);
    }
}
