"""Control endpoint POST /batchtop/glue/workflow: a workflow and its triggers in one call.

Triggers are created as CreateTrigger(WorkflowName=...) would create them; CONDITIONAL
and SCHEDULED ones are ACTIVATED (StartOnCreation), ON_DEMAND ones CREATED, unless
`start_on_creation` says otherwise.  Every job and crawler named must exist (seed them
with /batchtop/glue/seed and /batchtop/glue/crawler first).
"""

from __future__ import annotations

from typing import Any

from moto.glue.exceptions import GlueClientError
from moto.glue.utils import Action, Predicate

import glue_hooks
import workflow_graph as wg
from glue_ext import SeedError

WORKFLOW_FIELDS = {"account_id", "region", "name", "description", "default_run_properties",
                   "max_concurrent_runs", "triggers", "tags"}
TRIGGER_FIELDS = {"name", "type", "schedule", "description", "actions", "predicate", "start_on_creation"}
ACTION_FIELDS = {"job_name", "crawler_name", "arguments", "timeout"}
CONDITION_FIELDS = {"job_name", "crawler_name", "state"}
TRIGGER_TYPES = ("ON_DEMAND", "CONDITIONAL", "SCHEDULED")


def _fields(spec: Any, allowed: set[str], what: str) -> dict:
    if not isinstance(spec, dict):
        raise SeedError(f"every {what} must be an object")
    unknown = set(spec) - allowed
    if unknown:
        raise SeedError(f"unknown {what} field(s): {sorted(unknown)}")
    return spec


def _target(glue_backend, spec: dict, what: str) -> dict[str, str]:
    job, crawler = spec.get("job_name"), spec.get("crawler_name")
    if bool(job) == bool(crawler):
        raise SeedError(f"every {what} needs exactly one of 'job_name' or 'crawler_name'")
    if job and job not in glue_backend.jobs:
        raise SeedError(f"job {job!r} does not exist (seed it first)", status=404)
    if crawler and crawler not in glue_backend.crawlers:
        raise SeedError(f"crawler {crawler!r} does not exist (create it first)", status=404)
    return {"JobName": job} if job else {"CrawlerName": crawler}


def _predicate(glue_backend, spec: Any) -> Predicate:
    spec = _fields(spec, {"logical", "conditions"}, "predicate")
    conditions = []
    for condition in spec.get("conditions") or []:
        _fields(condition, CONDITION_FIELDS, "condition")
        target = _target(glue_backend, condition, "condition")
        state_key = "State" if "JobName" in target else "CrawlState"
        conditions.append({**target, "LogicalOperator": "EQUALS", state_key: condition.get("state", "SUCCEEDED")})
    if not conditions:
        raise SeedError("a predicate needs at least one condition")
    logical = spec.get("logical") or ("AND" if len(conditions) == 1 else None)
    if logical not in ("AND", "ANY"):
        raise SeedError("predicate 'logical' must be AND or ANY (required with several conditions)")
    return Predicate({"Logical": logical, "Conditions": conditions})


def put_workflow(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    _fields(body, WORKFLOW_FIELDS, "workflow")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise SeedError("'name' is required")
    triggers = body.get("triggers") or []
    if not isinstance(triggers, list):
        raise SeedError("'triggers' must be a list")
    glue_backend = glue_hooks.backend(account, region)
    with glue_hooks.LOCK:
        if name in glue_backend.workflows:
            raise SeedError(f"workflow {name!r} already exists in {account}/{region}")
        made: list[dict[str, Any]] = []
        try:
            for spec in triggers:
                if isinstance(spec, dict) and spec.get("name") in [a["name"] for a in made]:
                    raise SeedError(f"trigger {spec['name']!r} is listed twice")
                made.append(_trigger_args(glue_backend, name, _fields(spec, TRIGGER_FIELDS, "trigger")))
        except GlueClientError as err:  # moto's own validation of conditions
            raise SeedError(f"{err.error_type}: {err.message}") from None
        glue_backend.create_workflow(name, body.get("default_run_properties"), body.get("description"),
                                     body.get("max_concurrent_runs"), body.get("tags") or {})
        for args in made:
            glue_backend.create_trigger(**args)
        graph = wg.build(glue_backend, name)
    node_ids: dict[str, dict[str, str]] = {"TRIGGER": {}, "JOB": {}, "CRAWLER": {}}
    for uid, (node_type, node_name) in graph.nodes.items():
        node_ids[node_type][node_name] = uid
    return {"workflow": name, "triggers": [a["name"] for a in made], "node_ids": node_ids}


def _trigger_args(glue_backend, workflow: str, spec: dict) -> dict[str, Any]:
    name, kind = spec.get("name"), spec.get("type")
    if not isinstance(name, str) or not name:
        raise SeedError("every trigger needs a 'name'")
    if name in glue_backend.triggers:
        raise SeedError(f"trigger {name!r} already exists")
    if kind not in TRIGGER_TYPES:
        raise SeedError(f"trigger 'type' must be one of {list(TRIGGER_TYPES)}")
    if kind == "SCHEDULED" and not spec.get("schedule"):
        raise SeedError("a SCHEDULED trigger needs a 'schedule' such as \"cron(0 2 * * ? *)\"")
    if (kind == "CONDITIONAL") != ("predicate" in spec):
        raise SeedError("a CONDITIONAL trigger needs a 'predicate', and only it may have one")
    actions = []
    for action in spec.get("actions") or []:
        _fields(action, ACTION_FIELDS, "action")
        inputs: dict[str, Any] = _target(glue_backend, action, "action")
        if action.get("arguments"):
            inputs["Arguments"] = dict(action["arguments"])
        if action.get("timeout") is not None:
            inputs["Timeout"] = int(action["timeout"])
        actions.append(Action(inputs))
    if not actions:
        raise SeedError(f"trigger {name!r} needs at least one action")
    return {
        "name": name, "workflow_name": workflow, "trigger_type": kind,
        "schedule": spec.get("schedule"), "predicate": _predicate(glue_backend, spec["predicate"]) if kind == "CONDITIONAL" else None,
        "actions": actions, "description": spec.get("description"),
        "start_on_creation": spec.get("start_on_creation", kind != "ON_DEMAND"),
        "tags": {}, "event_batching_condition": None,
    }
