"""Glue Data Quality ruleset evaluation runs: Start/Get/List/CancelDataQualityRulesetEvaluationRun.

* StartDataQualityRulesetEvaluationRun(DataSource, Role, RulesetNames[, NumberOfWorkers
  (default 5), Timeout (default 2880), AdditionalRunOptions, AdditionalDataSources,
  ClientToken]) -> {RunId} (`dqrun-` + 40 hex).  Every ruleset must exist
  (EntityNotFoundException); the same ClientToken answers the same RunId.
* Progression (no clocks): a started run is STARTING.  Every read of it (its
  GetDataQualityRulesetEvaluationRun, or a ListDataQualityRulesetEvaluationRuns page that
  holds it) answers its current state and then moves it one step:
  STARTING -> RUNNING -> SUCCEEDED.  On SUCCEEDED (CompletedOn, ExecutionTime) it has one
  result per ruleset (ResultIds): every rule PASS, Score 1.0, EvaluationRunMode ON_DEMAND.
  Runs written by POST /batchtop/glue/dq-evaluation-run are pinned: reads never move them.
* CancelDataQualityRulesetEvaluationRun: STARTING/RUNNING -> STOPPING, then (glue_hooks'
  call clock) STOPPED with CompletedOn; STOPPING: nothing; finished: InvalidInputException.
* ListDataQualityRulesetEvaluationRuns: newest first (StartedOn, then RunId); Filter
  (DataSource required) with RulesetName, StartedBefore/After (exclusive); MaxResults
  1..1000 (default 100); cursor NextToken.  Entries: RunId, Status, StartedOn, DataSource.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.glue.responses import GlueResponse

import glue_hooks
from dq import (add_result, check_data_source, invalid, ms_of, new_id, next_seq, not_found, now_ms, page,
                page_size, passing_rule_result, render, required, source_matches, store, text, validation)
from dq_rulesets import rules_of

TASK_STATUSES = ("STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT")
FINISHED = ("STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT")
STEP = {"STARTING": "RUNNING", "RUNNING": "SUCCEEDED"}
DEFAULT_WORKERS = 5
DEFAULT_TIMEOUT = 2880
RUN_KEYS = ("RunId", "DataSource", "Role", "NumberOfWorkers", "Timeout", "AdditionalRunOptions", "Status",
            "ErrorString", "StartedOn", "LastModifiedOn", "CompletedOn", "ExecutionTime", "RulesetNames",
            "ResultIds", "AdditionalDataSources")
SUMMARY_KEYS = ("RunId", "Status", "StartedOn", "DataSource")


def new_run(glue_backend, run_id: str, data_source: dict[str, Any], role: str, ruleset_names: list[str],
            rules: dict[str, list[str]], started: int) -> dict[str, Any]:
    run = {
        "RunId": run_id, "DataSource": data_source, "Role": role, "NumberOfWorkers": DEFAULT_WORKERS,
        "Timeout": DEFAULT_TIMEOUT, "AdditionalRunOptions": None, "Status": "STARTING", "ErrorString": None,
        "StartedOn": started, "LastModifiedOn": started, "CompletedOn": None, "ExecutionTime": 0,
        "RulesetNames": list(ruleset_names), "ResultIds": [], "AdditionalDataSources": None,
        "_rules": rules, "_pinned": False, "_seq": next_seq(glue_backend),
    }
    store(glue_backend)["runs"][run_id] = run
    return run


def finish(run: dict[str, Any], status: str, at: int | None = None) -> None:
    at = now_ms() if at is None else at
    run["Status"] = status
    run["CompletedOn"] = run["LastModifiedOn"] = at
    run["ExecutionTime"] = max(0, (at - run["StartedOn"]) // 1000)


def _succeed(glue_backend, run: dict[str, Any]) -> None:
    finish(run, "SUCCEEDED")
    for name in run["RulesetNames"]:
        rules = run["_rules"].get(name, [])
        add_result(glue_backend, {
            "ResultId": new_id("dqresult"), "EvaluationRunMode": "ON_DEMAND", "Score": 1.0,
            "DataSource": run["DataSource"], "RulesetName": name, "StartedOn": run["StartedOn"],
            "CompletedOn": run["CompletedOn"], "RulesetEvaluationRunId": run["RunId"],
            "RuleResults": [passing_rule_result(i, rule) for i, rule in enumerate(rules)],
        })


def _read(glue_backend, run: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """The run as it is now; then one step on (unless pinned)."""
    out = render(run, keys)
    if not run["ResultIds"]:
        out.pop("ResultIds", None)  # the model's list has at least one member
    following = STEP.get(run["Status"])
    if following and not run["_pinned"]:
        if following == "SUCCEEDED":
            _succeed(glue_backend, run)
        else:
            run["Status"], run["LastModifiedOn"] = following, now_ms()
    return out


def lookup(glue_backend, run_id: str) -> dict[str, Any]:
    run = store(glue_backend)["runs"].get(run_id)
    if run is None:
        raise not_found(f"Cannot find Data Quality ruleset evaluation run with id: {run_id}")
    return run


def _ruleset_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not 1 <= len(value) <= 10:
        raise validation("rulesetNames", value, "have length between 1 and 10")
    for name in value:
        text({"n": name}, "n", "rulesetNames.member", must=True)
    return value


def start_data_quality_ruleset_evaluation_run(self: GlueResponse) -> ActionResult:
    params = self.parameters
    data_source = check_data_source(params.get("DataSource"), "dataSource")
    role = required(params, "Role", "role")
    names = _ruleset_names(params.get("RulesetNames"))
    workers, timeout = params.get("NumberOfWorkers"), params.get("Timeout")
    for value, member, low in ((workers, "numberOfWorkers", 0), (timeout, "timeout", 1)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < low):
            raise validation(member, value, f"be an integer greater than or equal to {low}")
    if params.get("AdditionalRunOptions") is not None and not isinstance(params["AdditionalRunOptions"], dict):
        raise validation("additionalRunOptions", params["AdditionalRunOptions"], "be a structure")
    options = params.get("AdditionalRunOptions")
    extra = params.get("AdditionalDataSources")
    if extra is not None:
        if not isinstance(extra, dict):
            raise validation("additionalDataSources", extra, "be a map")
        for alias, source in extra.items():
            check_data_source(source, f"additionalDataSources.{alias}")
    token = text(params, "ClientToken", "clientToken")
    with glue_hooks.LOCK:
        st = store(self.glue_backend)
        if token and token in st["tokens"]:
            return ActionResult({"RunId": st["tokens"][token]})
        rules = rules_of(self.glue_backend, names)
        run = new_run(self.glue_backend, new_id("dqrun"), data_source, role, names, rules, now_ms())
        run["NumberOfWorkers"] = DEFAULT_WORKERS if workers is None else int(workers)
        run["Timeout"] = DEFAULT_TIMEOUT if timeout is None else int(timeout)
        run["AdditionalRunOptions"], run["AdditionalDataSources"] = options, extra
        if token:
            st["tokens"][token] = run["RunId"]
    return ActionResult({"RunId": run["RunId"]})


def get_data_quality_ruleset_evaluation_run(self: GlueResponse) -> ActionResult:
    run_id = text(self.parameters, "RunId", "runId", must=True)
    with glue_hooks.LOCK:
        return ActionResult(_read(self.glue_backend, lookup(self.glue_backend, run_id), RUN_KEYS))


def _run_key(run: dict[str, Any]) -> tuple[int, str]:
    return run["StartedOn"], run["RunId"]


def _run_matches(run: dict[str, Any], flt: dict[str, Any], account: str) -> bool:
    if not source_matches(flt["DataSource"], run["DataSource"], account):
        return False
    if flt.get("RulesetName") is not None and flt["RulesetName"] not in run["RulesetNames"]:
        return False
    if flt.get("StartedAfter") is not None and not run["StartedOn"] > ms_of(flt["StartedAfter"], "filter.startedAfter"):
        return False
    if flt.get("StartedBefore") is not None and not run["StartedOn"] < ms_of(flt["StartedBefore"], "filter.startedBefore"):
        return False
    return True


def list_data_quality_ruleset_evaluation_runs(self: GlueResponse) -> ActionResult:
    params = self.parameters
    flt = params.get("Filter")
    if flt is not None:
        check_data_source(required(flt, "DataSource", "filter.dataSource"), "filter.dataSource")
    limit = page_size(params.get("MaxResults"))
    with glue_hooks.LOCK:
        account = self.glue_backend.account_id
        runs = [r for r in store(self.glue_backend)["runs"].values() if flt is None or _run_matches(r, flt, account)]
        runs.sort(key=_run_key, reverse=True)
        chosen, more = page(runs, _run_key, "dq-runs", params.get("NextToken"), limit)
        out: dict[str, Any] = {"Runs": [_read(self.glue_backend, r, SUMMARY_KEYS) for r in chosen]}
    if more:
        out["NextToken"] = more
    return ActionResult(out)


def cancel_data_quality_ruleset_evaluation_run(self: GlueResponse) -> ActionResult:
    run_id = text(self.parameters, "RunId", "runId", must=True)
    glue_backend = self.glue_backend
    with glue_hooks.LOCK:
        run = lookup(glue_backend, run_id)
        if run["Status"] in FINISHED:
            raise invalid(f"Data Quality ruleset evaluation run {run_id} is in state {run['Status']} "
                          "and cannot be cancelled.")
        if run["Status"] != "STOPPING":
            run["Status"], run["LastModifiedOn"] = "STOPPING", now_ms()
            glue_hooks.later(glue_backend, lambda: run["Status"] == "STOPPING" and finish(run, "STOPPED"))
    return ActionResult({})


def install() -> None:
    GlueResponse.start_data_quality_ruleset_evaluation_run = (  # type: ignore[attr-defined]
        start_data_quality_ruleset_evaluation_run)
    GlueResponse.get_data_quality_ruleset_evaluation_run = (  # type: ignore[attr-defined]
        get_data_quality_ruleset_evaluation_run)
    GlueResponse.list_data_quality_ruleset_evaluation_runs = (  # type: ignore[attr-defined]
        list_data_quality_ruleset_evaluation_runs)
    GlueResponse.cancel_data_quality_ruleset_evaluation_run = (  # type: ignore[attr-defined]
        cancel_data_quality_ruleset_evaluation_run)
