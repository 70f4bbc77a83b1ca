"""Workflow runs that behave (moto 5.2.5: a run stays RUNNING for ever, no graph).

* StartWorkflowRun fires the workflow's start trigger (the first ON_DEMAND one, else
  the first SCHEDULED/EVENT one): each action starts a job run (RUNNING, TriggerName,
  Arguments = job defaults + action arguments + --WORKFLOW_NAME/--WORKFLOW_RUN_ID, as
  Glue passes them) or a crawl (RUNNING).  Nothing moves on its own: tests pin job runs
  with POST /batchtop/glue/job-run and crawls with POST /batchtop/glue/crawler.
* Before every Glue call and after every control endpoint, each RUNNING workflow run
  fires its ACTIVATED CONDITIONAL triggers whose predicate is met by this run's nodes
  (AND/ANY over the latest run of each watched job/crawler in this run), once per run,
  until nothing more fires; a run with no unfinished action is then COMPLETED.
* StopWorkflowRun: run and its unfinished job runs/crawls STOPPING/CANCELLING for one
  Glue call, then STOPPED/CANCELLED (glue_hooks.py).
* ResumeWorkflowRun: a new run (PreviousRunId = the original) that keeps the original's
  node runs and fired triggers except the given nodes and everything downstream of them;
  the given nodes start again at once, downstream triggers fire as usual.
"""

from __future__ import annotations

from moto.core.utils import utcnow
from moto.glue.exceptions import (
    ConcurrentRunsExceededException, EntityNotFoundException, GlueClientError, InvalidInputException,
)
from moto.glue.models import FakeWorkflow, FakeWorkflowRun

import glue_hooks
import workflow_graph as wg
from crawlers import EmuCrawl, request_cancel
from glue_ext import SeededJobRun
from job_stop import finish_stop, request_stop

ACTIVE = ("RUNNING", "STOPPING")


class EmuWorkflowRun(FakeWorkflowRun):
    def __init__(self, workflow: str, properties: dict, previous_run_id: str | None = None):
        super().__init__(workflow, previous_run_id=previous_run_id, properties=properties)
        self.node_runs: dict[str, list[tuple]] = {}  # node id -> run refs, oldest first
        self.own: list[tuple] = []  # refs started by this run (Statistics)
        self.fired: set[str] = set()
        self.error_message: str | None = None


def _illegal(message: str) -> GlueClientError:
    return GlueClientError("IllegalWorkflowStateException", message)


def _workflow(glue_backend, name: str) -> FakeWorkflow:
    workflow = glue_backend.workflows.get(name)
    if workflow is None:
        raise EntityNotFoundException(f"Workflow {name} not found.")
    return workflow


def _run(workflow: FakeWorkflow, run_id: str) -> EmuWorkflowRun:
    run = workflow.runs.get(run_id)
    if run is None:
        raise EntityNotFoundException(f"Workflow run {run_id} of workflow {workflow.name} not found.")
    return run


# --- engine -------------------------------------------------------------------------

def _start_action(glue_backend, graph: wg.Graph, run: EmuWorkflowRun, trigger, action,
                  predecessors: list[dict]) -> None:
    target = wg._target(action)
    if target is None:
        return
    uid = graph.add(*target)
    if target[0] == "JOB":
        job = glue_backend.jobs.get(target[1])
        if job is None:
            return
        arguments = dict(job.default_arguments or {})
        arguments.update(action.arguments or {})
        arguments.update(job.non_overridable_arguments or {})
        arguments.update({"--WORKFLOW_NAME": run.workflow_name, "--WORKFLOW_RUN_ID": run.run_id})
        job_run = SeededJobRun(job, {"state": "RUNNING", "trigger_name": trigger.name, "arguments": arguments,
                                     "timeout": action.timeout or job.timeout})
        job_run.live = True
        job_run.predecessor_runs = predecessors
        job.job_runs.append(job_run)
        ref: tuple = ("JOB", job.name, job_run.job_run_id)
    else:
        crawler = glue_backend.crawlers.get(target[1])
        if crawler is None:
            return
        crawl = EmuCrawl(crawler.name)
        crawler.crawls.append(crawl)
        ref = ("CRAWLER", crawler.name, crawl)
    run.node_runs.setdefault(uid, []).append(ref)
    run.own.append(ref)


def _fire(glue_backend, graph: wg.Graph, run: EmuWorkflowRun, trigger, predecessors: list[dict]) -> None:
    run.fired.add(trigger.name)
    for action in trigger.actions:
        _start_action(glue_backend, graph, run, trigger, action, predecessors)


def _predicate_met(glue_backend, graph: wg.Graph, run: EmuWorkflowRun, trigger) -> tuple[bool, list[dict]]:
    conditions = trigger.predicate.conditions if trigger.predicate else []
    met, predecessors = [], []
    for condition in conditions:
        target = wg._target(condition)
        refs = run.node_runs.get(wg.node_id(graph.workflow, *target), []) if target else []
        state = wg.ref_state(glue_backend, refs[-1]) if refs else None
        wanted = condition.state if target and target[0] == "JOB" else condition.crawl_state
        ok = state is not None and wanted is not None and state == wanted.value
        met.append(ok)
        if ok and target[0] == "JOB":
            predecessors.append({"JobName": target[1], "RunId": refs[-1][2]})
    logical = getattr(trigger.predicate.logical, "value", "AND") if trigger.predicate else "AND"
    return (bool(met) and (all(met) if logical == "AND" else any(met))), predecessors


def _evaluate(glue_backend, graph: wg.Graph, run: EmuWorkflowRun) -> None:
    if run.status != "RUNNING" or not isinstance(run, EmuWorkflowRun):
        return
    fired = True
    while fired:
        fired = False
        for trigger in graph.triggers:
            if (trigger.trigger_type != "CONDITIONAL" or trigger.name in run.fired
                    or trigger.state != "ACTIVATED"):
                continue
            met, predecessors = _predicate_met(glue_backend, graph, run, trigger)
            if met:
                _fire(glue_backend, graph, run, trigger, predecessors)
                fired = True
    if not any(wg.unfinished(glue_backend, ref) for ref in run.own):
        run.status = "COMPLETED"
        run.completed_on = utcnow()


def evaluate_backend(glue_backend) -> None:
    """Fire what can fire in every running workflow run of this account and region."""
    with glue_hooks.LOCK:
        for workflow in list(glue_backend.workflows.values()):
            running = [r for r in workflow.runs.values() if r.status == "RUNNING"]
            if running:
                graph = wg.build(glue_backend, workflow.name)
                for run in running:
                    _evaluate(glue_backend, graph, run)


def evaluate(account: str, region: str) -> None:
    evaluate_backend(glue_hooks.backend(account, region))


def _too_many(workflow: FakeWorkflow) -> bool:
    active = [r for r in workflow.runs.values() if r.status in ACTIVE]
    return bool(workflow.max_concurrent_runs) and len(active) >= workflow.max_concurrent_runs


def start_run(glue_backend, workflow: FakeWorkflow, properties: dict | None) -> EmuWorkflowRun:
    run = EmuWorkflowRun(workflow.name, {**(workflow.default_run_properties or {}), **(properties or {})})
    if _too_many(workflow):
        run.status, run.completed_on = "ERROR", utcnow()
        run.error_message = f"Concurrent runs exceeded for workflow: {workflow.name}."
        workflow.runs[run.run_id] = run
        return run
    workflow.runs[run.run_id] = run
    graph = wg.build(glue_backend, workflow.name)
    trigger = graph.start_trigger()
    if trigger is not None:
        _fire(glue_backend, graph, run, trigger, [])
    _evaluate(glue_backend, graph, run)
    return run


def stop_run(glue_backend, run: EmuWorkflowRun) -> None:
    if run.status != "RUNNING":
        raise _illegal(f"Workflow run {run.run_id} is not running (status {run.status}).")
    run.status = "STOPPING"
    for ref in run.own:
        if wg.unfinished(glue_backend, ref):
            item = wg.resolve(glue_backend, ref)
            if ref[0] == "JOB":
                request_stop(glue_backend, item)
            else:
                request_cancel(glue_backend, item)

    def settle() -> None:
        if run.status == "STOPPING":
            for ref in run.own:
                item = wg.resolve(glue_backend, ref)
                if ref[0] == "JOB" and item is not None:
                    finish_stop(item)
            run.status, run.completed_on = "STOPPED", utcnow()

    glue_hooks.later(glue_backend, settle)


def resume_run(glue_backend, workflow: FakeWorkflow, original: EmuWorkflowRun,
               node_ids: list) -> tuple[EmuWorkflowRun, list[str]]:
    if original.status not in ("COMPLETED", "STOPPED"):
        raise _illegal(f"Workflow run {original.run_id} is {original.status}: only COMPLETED or "
                       "STOPPED runs can be resumed.")
    if not isinstance(node_ids, list) or not node_ids:
        raise InvalidInputException("ResumeWorkflowRun", "NodeIds cannot be null or empty")
    graph = wg.build(glue_backend, workflow.name)
    ids = list(dict.fromkeys(node_ids))
    for uid in ids:
        if uid not in graph.nodes:
            raise InvalidInputException("ResumeWorkflowRun", f"Node {uid} does not exist in workflow {workflow.name}")
        if graph.nodes[uid][0] == "TRIGGER" or not original.node_runs.get(uid):
            raise InvalidInputException(
                "ResumeWorkflowRun", f"Node {uid} has no run attempt in workflow run {original.run_id}")
    if _too_many(workflow):
        raise ConcurrentRunsExceededException(f"Concurrent runs exceeded for workflow: {workflow.name}.")
    restart = [u for u in ids if not any(u in graph.downstream([m]) for m in ids if m != u)] or ids
    reset = graph.downstream(restart)
    run = EmuWorkflowRun(workflow.name, dict(original.properties), previous_run_id=original.run_id)
    run.node_runs = {u: list(refs) for u, refs in original.node_runs.items() if u not in reset}
    run.fired = {t for t in original.fired if wg.node_id(workflow.name, "TRIGGER", t) not in reset}
    workflow.runs[run.run_id] = run
    for uid in restart:
        target = graph.nodes[uid]
        for trigger in graph.triggers:
            action = next((a for a in trigger.actions if wg._target(a) == target), None)
            if action is not None:
                _start_action(glue_backend, graph, run, trigger, action, [])
                break
    _evaluate(glue_backend, graph, run)
    return run, restart
