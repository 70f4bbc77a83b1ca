"""Glue workflow operations answered from workflows.py (shapes of the Glue API model).

GetWorkflow / BatchGetWorkflows / GetWorkflowRun / GetWorkflowRuns (IncludeGraph),
Start/Stop/ResumeWorkflowRun, and CreateTrigger's predicate and workflow checks.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.glue.exceptions import EntityNotFoundException, InvalidInputException
from moto.glue.responses import GlueResponse

import glue_hooks
import workflow_graph as wg
import workflows
from glue_ext import _validation_error

RUNS_DEFAULT_PAGE, RUNS_MAX_PAGE = 100, 1000  # PageSize 1..1000 in the model


def run_dict(glue_backend, graph: wg.Graph | None, run) -> dict[str, Any]:
    out = {
        "Name": run.workflow_name, "WorkflowRunId": run.run_id, "PreviousRunId": run.previous_run_id,
        "WorkflowRunProperties": dict(run.properties), "StartedOn": run.started_on,
        "CompletedOn": run.completed_on, "Status": run.status,
        "ErrorMessage": getattr(run, "error_message", None),
        "Statistics": wg.statistics(glue_backend, getattr(run, "own", [])),
    }
    if graph is not None:
        out["Graph"] = wg.to_dict(glue_backend, graph, getattr(run, "node_runs", {}))
    return {k: v for k, v in out.items() if v is not None}


def workflow_dict(glue_backend, workflow, include_graph: bool) -> dict[str, Any]:
    graph = wg.build(glue_backend, workflow.name)
    out = workflow.as_dict()
    out.pop("LastRun", None)
    if workflow.runs:
        last = workflow.runs[next(reversed(workflow.runs))]
        out["LastRun"] = run_dict(glue_backend, graph if include_graph else None, last)
    if include_graph:
        out["Graph"] = wg.to_dict(glue_backend, graph, None)
    return out


def get_workflow(self: GlueResponse) -> ActionResult:
    with glue_hooks.LOCK:
        workflow = workflows._workflow(self.glue_backend, self._get_param("Name"))
        return ActionResult({"Workflow": workflow_dict(self.glue_backend, workflow,
                                                       bool(self._get_param("IncludeGraph")))})


def batch_get_workflows(self: GlueResponse) -> ActionResult:
    include_graph = bool(self._get_param("IncludeGraph"))
    found, missing = [], []
    with glue_hooks.LOCK:
        for name in self._get_param("Names") or []:
            workflow = self.glue_backend.workflows.get(name)
            if workflow is None:
                missing.append(name)
            else:
                found.append(workflow_dict(self.glue_backend, workflow, include_graph))
    return ActionResult({"Workflows": found, "MissingWorkflows": missing})


def get_workflow_run(self: GlueResponse) -> ActionResult:
    with glue_hooks.LOCK:
        workflow = workflows._workflow(self.glue_backend, self._get_param("Name"))
        run = workflows._run(workflow, self._get_param("RunId"))
        graph = wg.build(self.glue_backend, workflow.name) if self._get_param("IncludeGraph") else None
        return ActionResult({"Run": run_dict(self.glue_backend, graph, run)})


def get_workflow_runs(self: GlueResponse) -> ActionResult:
    """Newest first; NextToken is the id of the last run of the previous page."""
    max_results = self._get_param("MaxResults")
    limit = RUNS_DEFAULT_PAGE if max_results is None else int(max_results)
    if not 1 <= limit <= RUNS_MAX_PAGE:
        raise _validation_error(limit, "maxResults", f"between 1 and {RUNS_MAX_PAGE}")
    with glue_hooks.LOCK:
        workflow = workflows._workflow(self.glue_backend, self._get_param("Name"))
        runs = list(reversed(workflow.runs.values()))
        token = self._get_param("NextToken")
        if token:
            ids = [r.run_id for r in runs]
            if token not in ids:
                raise InvalidInputException("GetWorkflowRuns", "Invalid NextToken")
            runs = runs[ids.index(token) + 1:]
        graph = wg.build(self.glue_backend, workflow.name) if self._get_param("IncludeGraph") else None
        page = runs[:limit]
        result: dict[str, Any] = {"Runs": [run_dict(self.glue_backend, graph, r) for r in page]}
    if len(runs) > limit:
        result["NextToken"] = page[-1].run_id
    return ActionResult(result)


def start_workflow_run(self: GlueResponse) -> ActionResult:
    with glue_hooks.LOCK:
        workflow = workflows._workflow(self.glue_backend, self._get_param("Name"))
        run = workflows.start_run(self.glue_backend, workflow, self._get_param("RunProperties"))
    return ActionResult({"RunId": run.run_id})


def stop_workflow_run(self: GlueResponse) -> EmptyResult:
    with glue_hooks.LOCK:
        workflow = workflows._workflow(self.glue_backend, self._get_param("Name"))
        workflows.stop_run(self.glue_backend, workflows._run(workflow, self._get_param("RunId")))
    return EmptyResult()


def resume_workflow_run(self: GlueResponse) -> ActionResult:
    with glue_hooks.LOCK:
        workflow = workflows._workflow(self.glue_backend, self._get_param("Name"))
        original = workflows._run(workflow, self._get_param("RunId"))
        run, restarted = workflows.resume_run(self.glue_backend, workflow, original,
                                              self._get_param("NodeIds"))
    return ActionResult({"RunId": run.run_id, "NodeIds": restarted})


_moto_create_trigger = GlueResponse.create_trigger


def create_trigger(self: GlueResponse) -> ActionResult:
    """Predicate.Logical is optional with one condition (AND), required with more
    (InvalidInputException; moto answered 500); WorkflowName must name a workflow."""
    body = json.loads(self.body or "{}")
    predicate = body.get("Predicate")
    if isinstance(predicate, dict) and not predicate.get("Logical"):
        if len(predicate.get("Conditions") or []) > 1:
            raise InvalidInputException(
                "CreateTrigger", "Logical must be specified when the predicate has more than one condition")
        predicate["Logical"] = "AND"
        self.body = json.dumps(body)
    workflow_name = body.get("WorkflowName")
    if workflow_name and workflow_name not in self.glue_backend.workflows:
        raise EntityNotFoundException(f"Workflow {workflow_name} not found.")
    return _moto_create_trigger(self)


def install() -> None:
    GlueResponse.get_workflow = get_workflow  # type: ignore[method-assign]
    GlueResponse.batch_get_workflows = batch_get_workflows  # type: ignore[method-assign]
    GlueResponse.get_workflow_run = get_workflow_run  # type: ignore[method-assign]
    GlueResponse.get_workflow_runs = get_workflow_runs  # type: ignore[method-assign]
    GlueResponse.start_workflow_run = start_workflow_run  # type: ignore[method-assign]
    GlueResponse.stop_workflow_run = stop_workflow_run  # type: ignore[method-assign]
    GlueResponse.resume_workflow_run = resume_workflow_run  # type: ignore[attr-defined]
    GlueResponse.create_trigger = create_trigger  # type: ignore[method-assign]
    glue_hooks.on_before_call(workflows.evaluate_backend)
