//! The demo account's write side: runs start, stop, resume; bookmarks reset; crawlers start.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::{DemoAccount, Inner, not_found, poisoned};
use crate::aws::{AwsError, AwsResult, BoxFut, ErrorKind, GlueWrite, StopResult};
use crate::model::{Bookmark, NodeState, RunState, WorkflowRun, WorkflowStatus};

impl DemoAccount {
    pub(super) fn mutate<T>(&self, f: impl FnOnce(&mut Inner, DateTime<Utc>) -> AwsResult<T>) -> AwsResult<T> {
        self.write(f)
    }

    fn write<T>(&self, f: impl FnOnce(&mut Inner, DateTime<Utc>) -> AwsResult<T>) -> AwsResult<T> {
        self.stats.record_call();
        let now = self.now();
        let mut inner = self.inner.lock().map_err(|_| poisoned())?;
        inner.started += 1;
        f(&mut inner, now)
    }
}

fn invalid(op: &str, msg: &str) -> AwsError {
    AwsError { kind: ErrorKind::Other, operation: op.into(), message: format!("{op} failed: {msg}") }
}

fn workflow_run<'a>(i: &'a mut Inner, name: &str, run_id: &str, op: &str) -> AwsResult<&'a mut Vec<WorkflowRun>> {
    let runs = i
        .catalog
        .workflows
        .iter_mut()
        .find(|(w, _)| w.name == name)
        .map(|(_, runs)| runs)
        .ok_or_else(|| not_found(op, format!("workflow {name}")))?;
    if !runs.iter().any(|r| r.id == run_id) {
        return Err(not_found(op, format!("run {run_id} of workflow {name}")));
    }
    Ok(runs)
}

impl GlueWrite for DemoAccount {
    fn start_job_run<'a>(&'a self, job: &'a str, args: &'a BTreeMap<String, String>) -> BoxFut<'a, AwsResult<String>> {
        let r = self.write(|i, now| {
            let n = i.started;
            let list = i.runs.get_mut(job).ok_or_else(|| not_found("glue:StartJobRun", format!("job {job}")))?;
            let mut run = list.last().cloned().ok_or_else(|| not_found("glue:StartJobRun", format!("job {job}")))?;
            run.id = format!("jr_{n:064x}");
            run.start = now;
            run.end = now + Duration::minutes(3);
            run.final_state = RunState::Succeeded;
            run.error = None;
            run.attempt = 0;
            run.previous_run_id = None;
            run.trigger_name = None;
            run.arguments = args.clone();
            let id = run.id.clone();
            list.push(run);
            list.sort_by_key(|r| r.start);
            Ok(id)
        });
        Box::pin(async move { r })
    }

    fn stop_job_runs<'a>(&'a self, job: &'a str, ids: &'a [String]) -> BoxFut<'a, AwsResult<StopResult>> {
        let r = self.write(|i, now| {
            let list = i.runs.get_mut(job).ok_or_else(|| not_found("glue:BatchStopJobRun", format!("job {job}")))?;
            let mut out = StopResult::default();
            for id in ids {
                match list.iter_mut().find(|p| &p.id == id) {
                    Some(p) if p.start <= now && p.end > now => {
                        p.end = now;
                        p.final_state = RunState::Stopped;
                        p.error = None;
                        out.submitted.push(id.clone());
                    }
                    Some(_) => out.errors.push((id.clone(), "InvalidInputException: Job Run is not running".into())),
                    None => out.errors.push((id.clone(), "EntityNotFoundException: Job Run not found".into())),
                }
            }
            Ok(out)
        });
        Box::pin(async move { r })
    }

    fn reset_job_bookmark<'a>(&'a self, job: &'a str, run_id: Option<&'a str>) -> BoxFut<'a, AwsResult<Bookmark>> {
        let r = self.write(|i, _| {
            if !i.jobs.iter().any(|j| j.name == job) {
                return Err(not_found("glue:ResetJobBookmark", format!("job {job}")));
            }
            let history = i.catalog.bookmarks.entry(job.to_string()).or_default();
            let version = history.last().map(|b| b.version).unwrap_or(0) + 1;
            let entry = match run_id {
                None => Bookmark { job_name: job.into(), version, ..Default::default() },
                Some(id) => {
                    let at = history.iter().find(|b| b.run_id.as_deref() == Some(id)).cloned().ok_or_else(|| {
                        invalid("glue:ResetJobBookmark", &format!("no bookmark was recorded for run {id}"))
                    })?;
                    Bookmark { version, ..at }
                }
            };
            history.push(entry.clone());
            Ok(entry)
        });
        Box::pin(async move { r })
    }

    fn start_workflow_run<'a>(
        &'a self,
        name: &'a str,
        props: &'a BTreeMap<String, String>,
    ) -> BoxFut<'a, AwsResult<String>> {
        let r = self.write(|i, now| {
            let n = i.started;
            let (w, runs) = i
                .catalog
                .workflows
                .iter_mut()
                .find(|(w, _)| w.name == name)
                .ok_or_else(|| not_found("glue:StartWorkflowRun", format!("workflow {name}")))?;
            let mut run = runs.first().cloned().ok_or_else(|| invalid("glue:StartWorkflowRun", "no graph"))?;
            run.id = format!("wr_{n:032x}");
            run.previous_run_id = None;
            run.status = WorkflowStatus::Running;
            run.started_on = Some(now);
            run.completed_on = None;
            run.properties = if props.is_empty() { w.default_properties.clone() } else { props.clone() };
            run.statistics = Default::default();
            if let Some(g) = &mut run.graph {
                for node in &mut g.nodes {
                    node.state = NodeState::NotRun;
                    node.job_run = None;
                    node.error = None;
                }
            }
            let id = run.id.clone();
            runs.insert(0, run);
            Ok(id)
        });
        Box::pin(async move { r })
    }

    fn resume_workflow_run<'a>(
        &'a self,
        name: &'a str,
        run_id: &'a str,
        nodes: &'a [String],
    ) -> BoxFut<'a, AwsResult<(String, Vec<String>)>> {
        let r = self.write(|i, now| {
            let n = i.started;
            let runs = workflow_run(i, name, run_id, "glue:ResumeWorkflowRun")?;
            let old = runs.iter().find(|r| r.id == run_id).cloned().ok_or_else(poisoned)?;
            if old.status.is_active() {
                return Err(invalid("glue:ResumeWorkflowRun", "the workflow run is still running"));
            }
            let mut run = old.clone();
            run.id = format!("wr_{n:032x}");
            run.previous_run_id = Some(old.id.clone());
            run.status = WorkflowStatus::Running;
            run.started_on = Some(now);
            run.completed_on = None;
            if let Some(g) = &mut run.graph {
                for id in nodes {
                    let node = g.nodes.iter_mut().find(|x| &x.id == id).ok_or_else(|| {
                        invalid("glue:ResumeWorkflowRun", &format!("node {id} is not in the workflow run"))
                    })?;
                    if !node.state.is_failure() {
                        return Err(invalid("glue:ResumeWorkflowRun", &format!("node {id} did not fail")));
                    }
                    node.state = NodeState::Job(RunState::Running);
                    node.error = None;
                    if let Some(jr) = &mut node.job_run {
                        jr.id = format!("jr_{n:060x}_r{}", id.len());
                        jr.state = Some(RunState::Running);
                        jr.started_on = Some(now);
                        jr.completed_on = None;
                        jr.error_message = None;
                    }
                }
            }
            run.statistics.failed -= nodes.len() as i32;
            run.statistics.running += nodes.len() as i32;
            let id = run.id.clone();
            runs.insert(0, run);
            Ok((id, nodes.to_vec()))
        });
        Box::pin(async move { r })
    }

    fn stop_workflow_run<'a>(&'a self, name: &'a str, run_id: &'a str) -> BoxFut<'a, AwsResult<()>> {
        let r = self.write(|i, now| {
            let runs = workflow_run(i, name, run_id, "glue:StopWorkflowRun")?;
            let run = runs.iter_mut().find(|r| r.id == run_id).ok_or_else(poisoned)?;
            if !run.status.is_active() {
                return Err(invalid("glue:StopWorkflowRun", "IllegalWorkflowStateException: the run is not running"));
            }
            run.status = WorkflowStatus::Stopped;
            run.completed_on = Some(now);
            if let Some(g) = &mut run.graph {
                for node in &mut g.nodes {
                    if matches!(node.state, NodeState::Job(s) if s.is_active()) {
                        node.state = NodeState::Job(RunState::Stopped);
                        run.statistics.running -= 1;
                        run.statistics.stopped += 1;
                    }
                }
            }
            Ok(())
        });
        Box::pin(async move { r })
    }

    fn start_crawler<'a>(&'a self, name: &'a str) -> BoxFut<'a, AwsResult<()>> {
        let r = self.write(|i, now| {
            if !i.catalog.crawlers.iter().any(|c| c.name == name) {
                return Err(not_found("glue:StartCrawler", format!("crawler {name}")));
            }
            if i.crawling_until.get(name).is_some_and(|u| *u > now) {
                return Err(invalid("glue:StartCrawler", "CrawlerRunningException: the crawler is already running"));
            }
            i.crawling_until.insert(name.to_string(), now + Duration::seconds(90));
            Ok(())
        });
        Box::pin(async move { r })
    }
}
