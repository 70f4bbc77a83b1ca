"""Control endpoints for EMR Serverless (JSON in/out; see README.md):

    POST /batchtop/emr/application   create or update an application
    POST /batchtop/emr/job-run       create or overwrite one job run (pinned)
    POST /batchtop/emr/job-runs      the same for a list of runs of one application
"""

from __future__ import annotations

import copy
import re
from typing import Any

from moto.emrserverless.models import APPLICATION_ARN_TEMPLATE
from moto.emrserverless.utils import random_job_id

import emr
from emr import EmuRun
from glue_ext import SeedError

ID_RE = re.compile(r"^[0-9a-z]{1,64}$")
APP_FIELDS = {"account_id", "region", "id", "name", "type", "release_label", "state",
              "state_details", "maximum_capacity", "initial_capacity", "auto_start", "auto_stop",
              "tags", "network_configuration", "architecture", "scheduler_configuration",
              "runtime_configuration", "monitoring_configuration", "created_at", "updated_at"}
# Model-shaped objects passed through as given (checked for unknown members only).
SHAPES = {
    "maximum_capacity": {"cpu", "memory", "disk"},
    "network_configuration": {"subnetIds", "securityGroupIds"},
    "scheduler_configuration": {"queueTimeoutMinutes", "maxConcurrentRuns"},
    "monitoring_configuration": {"s3MonitoringConfiguration", "managedPersistenceMonitoringConfiguration",
                                 "cloudWatchLoggingConfiguration", "prometheusMonitoringConfiguration"},
    "configuration_overrides": {"applicationConfiguration", "monitoringConfiguration",
                                "diskEncryptionConfiguration"},
    "total_resource_utilization": {"vCPUHour", "memoryGBHour", "storageGBHour"},
    "billed_resource_utilization": {"vCPUHour", "memoryGBHour", "storageGBHour"},
    "retry_policy": {"maxAttempts", "maxFailedAttemptsPerHour"},
    "execution_iam_policy": {"policy", "policyArns"},
    "flex_execution": {"enabled"},
}
INT_FIELDS = {"total_execution_duration_seconds", "queued_duration_milliseconds",
              "execution_timeout_minutes", "attempt"}
ATTEMPT_FIELDS = {"attempt", "state", "state_details", "created_at", "updated_at"}


def _unknown(given, allowed, what: str) -> None:
    extra = set(given) - set(allowed)
    if extra:
        raise SeedError(f"unknown {what} field(s): {sorted(extra)}")


def _shape(name: str, value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SeedError(f"'{name}' must be an object")
    _unknown(value, SHAPES[name], name)
    return value


def _epoch(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SeedError(f"'{name}' must be epoch seconds (a number)")
    return round(float(value), 3)  # the wire carries milliseconds


def _str_map(name: str, value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SeedError(f"'{name}' must be an object of strings")
    return dict(value)


# --- applications -------------------------------------------------------------------------

def put_application(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    _unknown(body, APP_FIELDS, "application")
    backend = emr.backend(account, region)
    app_id = body.get("id")
    if app_id is not None and (not isinstance(app_id, str) or not ID_RE.match(app_id)):
        raise SeedError("'id' must match [0-9a-z]{1,64}")
    app = backend.applications.get(app_id) if app_id else None
    created = app is None
    if created:
        if "name" not in body:
            raise SeedError("'name' is required to create an application")
        app = _create_app(backend, account, region, app_id)
    saved = copy.deepcopy(app.__dict__)
    try:
        _apply_app(app, body, created)
    except Exception:  # a bad field changes nothing
        if created:
            del backend.applications[app.id]
        else:
            app.__dict__.clear()
            app.__dict__.update(saved)
        raise
    return {"application_id": app.id, "arn": app.arn, "state": app.state}


def _create_app(backend, account: str, region: str, app_id: str | None):
    app = backend.create_application(
        name=None, release_label="emr-7.1.0", application_type="SPARK", client_token=None,
        initial_capacity=None, maximum_capacity=None, tags={}, auto_start_configuration=None,
        auto_stop_configuration=None, network_configuration=None)
    if app_id:
        del backend.applications[app.id]
        app.id = app_id
        app.arn = APPLICATION_ARN_TEMPLATE.format(partition="aws", region=region,
                                                  account_id=account, application_id=app_id)
        backend.applications[app_id] = app
    app.state = "CREATED"
    return app


def _apply_app(app, body: dict[str, Any], created: bool) -> None:
    at = emr.now()
    if created:
        created_at = _epoch("created_at", body.get("created_at")) or at
        app.created_at = emr.naive(created_at)
        app.updated_at = emr.naive(_epoch("updated_at", body.get("updated_at")) or created_at)
    elif "updated_at" in body:
        app.updated_at = emr.naive(_epoch("updated_at", body["updated_at"]) or at)
    if "name" in body:
        name = body["name"]
        if not isinstance(name, str) or not re.match(r"^[A-Za-z0-9._/#-]{1,64}$", name):
            raise SeedError("'name' must be 1-64 of [A-Za-z0-9._/#-]")
        app.name = name
    if "type" in body:
        if not isinstance(body["type"], str) or body["type"].upper() not in ("SPARK", "HIVE"):
            raise SeedError("'type' must be SPARK or HIVE")
        app.type = body["type"].capitalize()  # as moto and AWS show it: Spark, Hive
    if "release_label" in body:
        label = body["release_label"]
        if not isinstance(label, str) or not re.match(r"^emr-\d\.\d{1,2}\.0(-\d{8})?$", label):
            raise SeedError("'release_label' must look like emr-7.1.0")
        app.release_label = label
    state = body.get("state")
    if state is not None:
        if state not in emr.APP_STATES:
            raise SeedError(f"'state' must be one of {list(emr.APP_STATES)}")
        app.state = state
        emr.app_extras(app)["pinned"] = True
    if "state_details" in body:
        app.state_details = body["state_details"] or ""
    if "maximum_capacity" in body:
        cap = _shape("maximum_capacity", body["maximum_capacity"])
        if cap is not None and not {"cpu", "memory"} <= set(cap):
            raise SeedError("'maximum_capacity' needs cpu and memory")
        app.maximum_capacity = cap
    if "initial_capacity" in body:
        app.initial_capacity = _initial_capacity(body["initial_capacity"])
    if "auto_start" in body:
        if not isinstance(body["auto_start"], bool):
            raise SeedError("'auto_start' must be true or false")
        app.auto_start_configuration = {"enabled": body["auto_start"]}
    if "auto_stop" in body:
        app.auto_stop_configuration = _auto_stop(body["auto_stop"])
    if "tags" in body:
        app.tags = _str_map("tags", body["tags"]) or {}
    if "network_configuration" in body:
        app.network_configuration = _shape("network_configuration", body["network_configuration"])
    members = emr.app_extras(app)["members"]
    if "architecture" in body:
        if body["architecture"] not in ("ARM64", "X86_64"):
            raise SeedError("'architecture' must be ARM64 or X86_64")
        members["architecture"] = body["architecture"]
    if "scheduler_configuration" in body:
        members["schedulerConfiguration"] = _shape("scheduler_configuration", body["scheduler_configuration"])
    if "monitoring_configuration" in body:
        members["monitoringConfiguration"] = _shape("monitoring_configuration", body["monitoring_configuration"])
    if "runtime_configuration" in body:
        if not isinstance(body["runtime_configuration"], list):
            raise SeedError("'runtime_configuration' must be a list of Configuration objects")
        members["runtimeConfiguration"] = body["runtime_configuration"]
    for key in [k for k, v in members.items() if v is None]:
        del members[key]


def _initial_capacity(value: Any) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SeedError("'initial_capacity' must map a worker type to {workerCount, workerConfiguration}")
    for worker, cfg in value.items():
        if not isinstance(cfg, dict) or not isinstance(cfg.get("workerCount"), int):
            raise SeedError(f"initial_capacity[{worker!r}] needs an integer workerCount")
        _unknown(cfg, {"workerCount", "workerConfiguration"}, "initial_capacity")
        worker_cfg = cfg.get("workerConfiguration")
        if worker_cfg is not None:
            if not isinstance(worker_cfg, dict) or not {"cpu", "memory"} <= set(worker_cfg):
                raise SeedError("workerConfiguration needs cpu and memory")
            _unknown(worker_cfg, {"cpu", "memory", "disk", "diskType"}, "workerConfiguration")
    return value


def _auto_stop(value: Any) -> dict:
    if not isinstance(value, dict):
        raise SeedError("'auto_stop' must be {enabled, idle_timeout_minutes}")
    _unknown(value, {"enabled", "idle_timeout_minutes"}, "auto_stop")
    out: dict[str, Any] = {"enabled": bool(value.get("enabled", True))}
    minutes = value.get("idle_timeout_minutes")
    if minutes is not None:
        if not isinstance(minutes, int) or not 1 <= minutes <= 10080:
            raise SeedError("'idle_timeout_minutes' must be 1..10080")
        out["idleTimeoutMinutes"] = minutes
    return out


# --- job runs -----------------------------------------------------------------------------

def put_runs(account: str, region: str, app_id: Any, specs: list[Any]) -> list[str]:
    backend = emr.backend(account, region)
    if not isinstance(app_id, str):
        raise SeedError("'application_id' is required")
    app = backend.applications.get(app_id)
    if app is None:
        raise SeedError(f"application {app_id!r} does not exist in {account}/{region}", status=404)
    runs = emr.runs_of(backend, app_id)
    built = []
    for spec in specs:  # all checked before any is stored
        if not isinstance(spec, dict):
            raise SeedError("every run must be an object")
        existing = runs.get(spec.get("id")) if isinstance(spec.get("id"), str) else None
        built.append(_build_run(backend, app, spec, existing))
    for run in built:
        runs[run.id] = run
    return [run.id for run in built]


def _build_run(backend, app, spec: dict[str, Any], existing: EmuRun | None) -> EmuRun:
    _unknown(spec, emr.RUN_FIELDS, "job run")
    data = _check_run_fields(spec)
    if existing is None:
        run_id = data.get("id") or random_job_id()
        merged = {"id": run_id, **data}
        _fresh_defaults(backend, app, merged)
    else:  # overwrite the fields given, keep the rest
        merged = {**existing.data, **data}
        at = emr.now()
        if data.get("state") and data["state"] != existing.state:
            if "updated_at" not in data:
                merged["updated_at"] = at
            if "attempt_updated_at" not in data:
                merged["attempt_updated_at"] = merged["updated_at"]
            if data["state"] == "RUNNING" and merged["started_at"] is None:
                merged["started_at"] = at
            if data["state"] in emr.FINISHED and merged["ended_at"] is None:
                merged["ended_at"] = at
        _attempt_defaults(merged)
    if merged.get("total_execution_duration_seconds") is None and merged.get("ended_at") is not None \
            and merged.get("started_at") is not None:
        merged["total_execution_duration_seconds"] = int(merged["ended_at"] - merged["started_at"])
    return EmuRun(app, merged, pinned=True, client_token=existing.client_token if existing else None)


def _check_run_fields(spec: dict[str, Any]) -> dict[str, Any]:
    data = dict(spec)
    if data.get("id") is not None and (not isinstance(data["id"], str) or not ID_RE.match(data["id"])):
        raise SeedError("'id' must match [0-9a-z]{1,64}")
    if data.get("state") is not None and data["state"] not in emr.RUN_STATES:
        raise SeedError(f"'state' must be one of {list(emr.RUN_STATES)}")
    if data.get("mode") is not None and data["mode"] not in emr.MODES:
        raise SeedError(f"'mode' must be one of {list(emr.MODES)}")
    for name in emr.TIME_FIELDS & set(data):
        data[name] = _epoch(name, data[name])
    for name in INT_FIELDS & set(data):
        if data[name] is not None and (isinstance(data[name], bool) or not isinstance(data[name], int)):
            raise SeedError(f"'{name}' must be an integer")
    if data.get("attempt") is not None and data["attempt"] < 1:
        raise SeedError("'attempt' must be >= 1")
    for name in SHAPES.keys() & set(data):
        _shape(name, data[name])
    if "tags" in data:
        data["tags"] = _str_map("tags", data["tags"])
    if data.get("job_driver") is not None:
        _job_driver(data["job_driver"])
    for name in ("name", "state_details", "execution_role", "created_by", "release_label"):
        if data.get(name) is not None and not isinstance(data[name], str):
            raise SeedError(f"'{name}' must be a string")
    if "attempts" in data:
        data["attempts"] = _attempts(data["attempts"])
    return data


def _job_driver(driver: Any) -> None:
    if not isinstance(driver, dict) or len(driver) != 1 or not set(driver) <= {"sparkSubmit", "hive"}:
        raise SeedError("'job_driver' must be {\"sparkSubmit\": {...}} or {\"hive\": {...}}")
    (kind, body), = driver.items()
    required, allowed = (("entryPoint", {"entryPoint", "entryPointArguments", "sparkSubmitParameters"})
                         if kind == "sparkSubmit" else ("query", {"query", "initQueryFile", "parameters"}))
    if not isinstance(body, dict) or not isinstance(body.get(required), str):
        raise SeedError(f"job_driver.{kind} needs '{required}'")
    _unknown(body, allowed, f"job_driver.{kind}")


def _attempts(value: Any) -> list[dict[str, Any]] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise SeedError("'attempts' must be a list")
    out, seen = [], set()
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise SeedError("every attempt must be an object")
        _unknown(entry, ATTEMPT_FIELDS, "attempt")
        number = entry.get("attempt", i + 1)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1 or number in seen:
            raise SeedError("attempt numbers must be distinct integers >= 1")
        seen.add(number)
        state = entry.get("state")
        if state is not None and state not in emr.RUN_STATES:
            raise SeedError(f"attempt 'state' must be one of {list(emr.RUN_STATES)}")
        out.append({"attempt": number, "state": state, "state_details": entry.get("state_details"),
                    "created_at": _epoch("created_at", entry.get("created_at")),
                    "updated_at": _epoch("updated_at", entry.get("updated_at"))})
    return sorted(out, key=lambda a: a["attempt"])


def _fresh_defaults(backend, app, d: dict[str, Any]) -> None:
    account, region = backend.account_id, backend.region_name
    for key in emr.RUN_FIELDS:
        d.setdefault(key, None)
    attempts = d["attempts"] or []
    current = attempts[-1] if attempts and d["attempt"] is None else None
    if d["attempt"] is None:
        d["attempt"] = current["attempt"] if current else 1
    entry = next((a for a in attempts if a["attempt"] == d["attempt"]), None)
    if d["state"] is None:
        d["state"] = (entry and entry["state"]) or "SUCCESS"
    if d["state_details"] is None and entry:
        d["state_details"] = entry["state_details"]
    if d["created_at"] is None:
        d["created_at"] = (attempts[0]["created_at"] if attempts and attempts[0]["created_at"] else None) or emr.now()
    if d["updated_at"] is None:
        d["updated_at"] = max(t for t in (d["created_at"], d["started_at"], d["ended_at"]) if t is not None)
    if d["attempt_created_at"] is None:
        d["attempt_created_at"] = (entry and entry["created_at"]) or d["created_at"]
    if d["attempt_updated_at"] is None:
        d["attempt_updated_at"] = (entry and entry["updated_at"]) or d["updated_at"]
    d["execution_role"] = d["execution_role"] or f"arn:aws:iam::{account}:role/EMRServerlessJobRole"
    d["job_driver"] = d["job_driver"] or {"sparkSubmit": {
        "entryPoint": f"s3://emr-serverless-{account}-{region}/scripts/main.py"}}
    d["release_label"] = d["release_label"] or app.release_label
    d["created_by"] = d["created_by"] or emr.caller_arn(account, region, None)
    d["mode"] = d["mode"] or "BATCH"
    if d["tags"] is None:
        d["tags"] = {}
    _attempt_defaults(d)


def _attempt_defaults(d: dict[str, Any]) -> None:
    """Earlier attempts without a state failed (that is why there was a retry); times default
    to the run's."""
    for entry in d["attempts"] or []:
        if entry["attempt"] == d["attempt"]:
            continue
        entry["state"] = entry["state"] or "FAILED"
        entry["created_at"] = entry["created_at"] or d["created_at"]
        entry["updated_at"] = entry["updated_at"] or entry["created_at"]
