"""Control endpoints for Glue Data Quality (routed by middleware.py):

* POST /batchtop/glue/dq-result: add (or replace, same result_id) a fully specified
  DataQualityResult.
* POST /batchtop/glue/dq-evaluation-run: add a pinned ruleset evaluation run, or pin an
  existing one (e.g. one StartDataQualityRulesetEvaluationRun made) to a state such as
  FAILED with an ErrorString.
Bodies are described in README.md.  Unknown fields are rejected (400).
"""

from __future__ import annotations

from typing import Any

import glue_hooks
from dq import RULE_RESULTS, RUN_MODES, add_result, glue_table, new_id, now_ms, store
from dq_runs import FINISHED, TASK_STATUSES, new_run
from glue_ext import SeedError

COMMON = {"account_id", "region"}
RESULT_FIELDS = COMMON | {"result_id", "data_source", "ruleset_name", "score", "started_on", "completed_on",
                          "job_name", "job_run_id", "evaluation_context", "ruleset_evaluation_run_id",
                          "evaluation_run_mode", "evaluation_config", "rules"}
RULE_FIELDS = {"name", "result", "message", "description", "evaluated_metrics", "evaluated_rule",
               "rule_metrics", "labels"}
RUN_FIELDS = COMMON | {"run_id", "status", "error_string", "data_source", "ruleset_names", "role",
                       "number_of_workers", "timeout", "started_on", "completed_on", "execution_time",
                       "result_ids"}
SOURCE_FIELDS = {"database", "table", "catalog_id"}


def _only(spec: Any, allowed: set[str], what: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise SeedError(f"'{what}' must be an object")
    unknown = set(spec) - allowed
    if unknown:
        raise SeedError(f"unknown {what} field(s): {sorted(unknown)}")
    return spec


def _str(spec: dict[str, Any], key: str, must: bool = False) -> str | None:
    value = spec.get(key)
    if value is None:
        if must:
            raise SeedError(f"'{key}' is required")
        return None
    if not isinstance(value, str) or not value:
        raise SeedError(f"'{key}' must be a non-empty string")
    return value


def _ms(spec: dict[str, Any], key: str) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SeedError(f"'{key}' must be epoch seconds")
    return int(round(float(value) * 1000))


def _source(spec: Any) -> dict[str, Any]:
    _only(spec, SOURCE_FIELDS, "data_source")
    return glue_table(_str(spec, "database", True), _str(spec, "table", True), _str(spec, "catalog_id"))


def _metrics(value: Any, what: str) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SeedError(f"'{what}' must be an object of name -> number")
    for name, number in value.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise SeedError(f"'{what}.{name}' must be a number")  # moto cannot write a null map value
    return {name: float(number) for name, number in value.items()}


def _rule(spec: Any, index: int) -> dict[str, Any]:
    _only(spec, RULE_FIELDS, "rule")
    result = spec.get("result", "PASS")
    if result not in RULE_RESULTS:
        raise SeedError(f"rule 'result' must be one of {list(RULE_RESULTS)}, got {result!r}")
    labels = spec.get("labels")
    if labels is not None and not (isinstance(labels, dict) and all(isinstance(v, str) for v in labels.values())):
        raise SeedError("rule 'labels' must be an object of name -> string")
    rule = {
        "Name": _str(spec, "name") or f"Rule_{index + 1}",
        "Description": _str(spec, "description") or _str(spec, "evaluated_rule"),
        "EvaluationMessage": _str(spec, "message"),
        "Result": result,
        "EvaluatedMetrics": _metrics(spec.get("evaluated_metrics"), "evaluated_metrics"),
        "EvaluatedRule": _str(spec, "evaluated_rule"),
        "RuleMetrics": _metrics(spec["rule_metrics"], "rule_metrics") if "rule_metrics" in spec else None,
        "Labels": labels,
    }
    return {k: v for k, v in rule.items() if v is not None}


def put_result(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    _only(body, RESULT_FIELDS, "dq-result")
    rules_spec = body.get("rules", [])
    if not isinstance(rules_spec, list):
        raise SeedError("'rules' must be a list")
    rules = [_rule(spec, i) for i, spec in enumerate(rules_spec)]
    score = body.get("score")
    if score is None and rules:
        score = sum(r["Result"] == "PASS" for r in rules) / len(rules)  # the model: passed / total
    if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1):
        raise SeedError("'score' must be a number between 0 and 1")
    run_id = _str(body, "ruleset_evaluation_run_id")
    mode = body.get("evaluation_run_mode", "ON_DEMAND" if run_id else None)
    if mode not in (None, *RUN_MODES):
        raise SeedError(f"'evaluation_run_mode' must be one of {list(RUN_MODES)} or null")
    config = _str(body, "evaluation_config")
    if config and mode != "EVALUATION_CONFIG":
        raise SeedError("'evaluation_config' goes with evaluation_run_mode EVALUATION_CONFIG")
    started = _ms(body, "started_on")
    completed = _ms(body, "completed_on")
    now = now_ms()
    started = completed if started is None and completed is not None and completed < now else started
    started = now if started is None else started
    completed = max(now, started) if completed is None else completed
    if completed < started:
        raise SeedError("'completed_on' is before 'started_on'")
    rec = {
        "ResultId": _str(body, "result_id") or new_id("dqresult"),
        "EvaluationRunMode": mode, "DataQualityEvaluationConfig": config,
        "Score": None if score is None else float(score),
        "DataSource": _source(body["data_source"]) if body.get("data_source") is not None else None,
        "RulesetName": _str(body, "ruleset_name"), "EvaluationContext": _str(body, "evaluation_context"),
        "StartedOn": started, "CompletedOn": completed,
        "JobName": _str(body, "job_name"), "JobRunId": _str(body, "job_run_id"),
        "RulesetEvaluationRunId": run_id, "RuleResults": rules,
    }
    glue_backend = glue_hooks.backend(account, region)
    with glue_hooks.LOCK:
        return {"result_id": add_result(glue_backend, rec)}


def put_evaluation_run(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    _only(body, RUN_FIELDS, "dq-evaluation-run")
    status = body.get("status")
    if status is not None and status not in TASK_STATUSES:
        raise SeedError(f"'status' must be one of {list(TASK_STATUSES)} (TaskStatusType), got {status!r}")
    names = body.get("ruleset_names")
    if names is not None and (not isinstance(names, list) or not 1 <= len(names) <= 10
                              or not all(isinstance(n, str) and n for n in names)):
        raise SeedError("'ruleset_names' must be a list of 1 to 10 ruleset names")
    result_ids = body.get("result_ids")
    if result_ids is not None and (not isinstance(result_ids, list) or len(result_ids) > 10
                                   or not all(isinstance(r, str) and r for r in result_ids)):
        raise SeedError("'result_ids' must be a list of at most 10 result ids")
    for key in ("number_of_workers", "timeout", "execution_time"):
        value = body.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise SeedError(f"'{key}' must be a non-negative integer")
    started, completed = _ms(body, "started_on"), _ms(body, "completed_on")
    glue_backend = glue_hooks.backend(account, region)
    now = now_ms()
    with glue_hooks.LOCK:
        run_id = _str(body, "run_id") or new_id("dqrun")
        run = store(glue_backend)["runs"].get(run_id)
        if run is None and (body.get("data_source") is None or names is None):
            raise SeedError("a new run needs 'data_source' and 'ruleset_names'")
        source = _source(body["data_source"]) if body.get("data_source") is not None else None
        status = status or (run["Status"] if run else "SUCCEEDED")
        started = started if started is not None else (run["StartedOn"] if run else now)
        if completed is None and status in FINISHED:
            completed = run["CompletedOn"] if run and run["CompletedOn"] is not None else max(now, started)
        if completed is not None and completed < started:
            raise SeedError("'completed_on' is before 'started_on'")
        if run is None:
            role = f"arn:aws:iam::{account}:role/GlueDataQualityRole"
            run = new_run(glue_backend, run_id, source, role, names, {}, started)
        run.update(_pinned=True, Status=status, StartedOn=started, CompletedOn=completed,
                   LastModifiedOn=completed or max(now, started))
        if source is not None:
            run["DataSource"] = source
        if names is not None:
            run["RulesetNames"] = list(names)
        for key, field in (("role", "Role"), ("error_string", "ErrorString")):
            if key in body:
                run[field] = _str(body, key)
        for key, field in (("number_of_workers", "NumberOfWorkers"), ("timeout", "Timeout")):
            if body.get(key) is not None:
                run[field] = body[key]
        if body.get("execution_time") is not None:
            run["ExecutionTime"] = body["execution_time"]
        elif completed is not None:
            run["ExecutionTime"] = (completed - started) // 1000
        if result_ids is not None:
            run["ResultIds"] = list(result_ids)
        return {"run_id": run_id, "status": status}


def handle(path: str, account: str, region: str, body: dict[str, Any]) -> dict[str, Any] | None:
    """The answer of a DQ control endpoint, or None when `path` is not one."""
    if path == "/batchtop/glue/dq-result":
        return put_result(account, region, body)
    if path == "/batchtop/glue/dq-evaluation-run":
        return put_evaluation_run(account, region, body)
    return None
