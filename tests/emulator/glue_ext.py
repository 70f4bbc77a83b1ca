"""Glue additions on top of moto 5.2.5.

* Seeding: jobs and job runs written straight into moto's Glue backend, with
  any JobRunState, ErrorMessage, timings and capacities (moto's own runs are
  always SUCCEEDED after ExecutionTime 123).
* GetJobRuns: newest first, MaxResults 1..200 (default 100) and a cursor
  NextToken that stays valid while runs are added (moto pages oldest first).
* Runs that moto itself started keep moto's behaviour, except that they no
  longer carry CompletedOn while they are not finished.

Shapes follow the JobRun structure of the Glue API model (2017-03-31).
"""

from __future__ import annotations

import base64
import calendar
import json
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.exceptions import GlueClientError, InvalidInputException
from moto.glue.models import FakeJob, FakeJobRun, glue_backends
from moto.glue.responses import GlueResponse
from moto.moto_api._internal import mock_random

JOB_RUN_STATES = {
    "STARTING", "RUNNING", "STOPPING", "STOPPED", "SUCCEEDED",
    "FAILED", "TIMEOUT", "ERROR", "WAITING", "EXPIRED",
}
FINISHED_STATES = {"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "EXPIRED"}

# DPUs per worker, used to derive MaxCapacity when only workers are given.
DPU_PER_WORKER = {
    "Standard": 1.0, "G.025X": 0.25, "G.1X": 1.0, "G.2X": 2.0, "G.4X": 4.0,
    "G.8X": 8.0, "G.12X": 12.0, "G.16X": 16.0, "R.1X": 1.0, "R.2X": 2.0,
    "R.4X": 4.0, "R.8X": 8.0, "Z.2X": 2.0,
}

GET_JOB_RUNS_DEFAULT_PAGE = 100
GET_JOB_RUNS_MAX_PAGE = 200  # OrchestrationPageSize200 in the model

RUN_FIELDS = {
    "id", "state", "started_on", "completed_on", "last_modified_on",
    "execution_time", "dpu_seconds", "error_message", "attempt",
    "previous_run_id", "trigger_name", "arguments", "worker_type",
    "number_of_workers", "max_capacity", "timeout", "glue_version",
    "log_group_name", "execution_class",
}
JOB_FIELDS = {
    "name", "tags", "description", "glue_version", "worker_type",
    "number_of_workers", "max_capacity", "default_arguments", "runs",
    "role", "command", "max_concurrent_runs", "timeout", "max_retries",
    "execution_class", "non_overridable_arguments",
}


class SeedError(ValueError):
    """A control-endpoint request the emulator cannot honour (answered 400/404)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _to_datetime(epoch: float | None) -> datetime | None:
    """Epoch seconds -> naive UTC datetime, the form moto keeps timestamps in."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(float(epoch), timezone.utc).replace(tzinfo=None)


def _epoch(value: datetime) -> float:
    return calendar.timegm(value.timetuple()) + value.microsecond / 1e6


def _capacity(worker_type: str | None, workers: int | None, max_capacity: float | None) -> float | None:
    if max_capacity is not None:
        return float(max_capacity)
    if worker_type and workers:
        return workers * DPU_PER_WORKER.get(worker_type, 1.0)
    return None


class SeededJobRun(FakeJobRun):
    """A job run whose every field is set by the test; its state never moves on its own."""

    def __init__(self, job: FakeJob, spec: dict[str, Any]):
        unknown = set(spec) - RUN_FIELDS
        if unknown:
            raise SeedError(f"unknown run field(s): {sorted(unknown)}")
        state = spec.get("state", "SUCCEEDED")
        if state not in JOB_RUN_STATES:
            raise SeedError(f"state must be one of {sorted(JOB_RUN_STATES)}, got {state!r}")
        # ManagedState bookkeeping only; `status` below ignores the state manager.
        super(FakeJobRun, self).__init__(model_name="glue::job_run", transitions=[(state, state)])
        self._pinned_state = state
        self.job_name = job.name
        self.job_run_id = spec.get("id") or f"jr_{mock_random.getrandbits(256):064x}"
        self.attempt = int(spec.get("attempt") or 0)
        self.previous_run_id = spec.get("previous_run_id")
        self.trigger_name = spec.get("trigger_name")
        self.arguments = dict(spec.get("arguments") or {})
        self.started_on = _to_datetime(spec.get("started_on")) or utcnow()
        self.completed_on = _to_datetime(spec.get("completed_on"))
        self.modified_on = (
            _to_datetime(spec.get("last_modified_on")) or self.completed_on or self.started_on
        )
        execution_time = spec.get("execution_time")
        if execution_time is None:
            execution_time = (
                int(_epoch(self.completed_on) - _epoch(self.started_on)) if self.completed_on else 0
            )
        self.execution_time = int(execution_time)
        self.dpu_seconds = spec.get("dpu_seconds")
        self.error_message = spec.get("error_message")
        self.worker_type = spec.get("worker_type", job.worker_type)
        self.number_of_workers = spec.get("number_of_workers", job.number_of_workers)
        max_capacity = spec.get("max_capacity")
        if max_capacity is None and "worker_type" not in spec and "number_of_workers" not in spec:
            max_capacity = job.max_capacity  # same shape as the job's
        self.max_capacity = _capacity(self.worker_type, self.number_of_workers, max_capacity)
        self.allocated_capacity = int(self.max_capacity) if self.max_capacity is not None else None
        self.timeout = spec.get("timeout", job.timeout)
        self.glue_version = spec.get("glue_version", job.glue_version)
        self.log_group_name = spec.get("log_group_name", "/aws-glue/jobs")
        self.execution_class = spec.get("execution_class", job.execution_class or "STANDARD")
        self.notification_property = None
        self.security_configuration = None

    @property  # type: ignore[override]
    def status(self) -> str:
        return self._pinned_state

    @status.setter
    def status(self, value: str) -> None:
        self._pinned_state = value

    def advance(self) -> None:
        pass

    def as_dict(self) -> dict[str, Any]:
        run: dict[str, Any] = {
            "Id": self.job_run_id,
            "Attempt": self.attempt,
            "JobName": self.job_name,
            "StartedOn": self.started_on,
            "LastModifiedOn": self.modified_on,
            "JobRunState": self._pinned_state,
            "Arguments": self.arguments,
            "PredecessorRuns": list(getattr(self, "predecessor_runs", [])),
            "ExecutionTime": self.execution_time,
            "LogGroupName": self.log_group_name,
            "ExecutionClass": self.execution_class,
        }
        optional = {
            "PreviousRunId": self.previous_run_id,
            "TriggerName": self.trigger_name,
            "CompletedOn": self.completed_on,
            "ErrorMessage": self.error_message,
            "AllocatedCapacity": self.allocated_capacity,
            "MaxCapacity": self.max_capacity,
            "WorkerType": self.worker_type,
            "NumberOfWorkers": self.number_of_workers,
            "Timeout": self.timeout,
            "GlueVersion": self.glue_version,
            "DPUSeconds": self.dpu_seconds,
        }
        run.update({k: v for k, v in optional.items() if v is not None})
        return run


# --- seeding (called by the control endpoints) -------------------------------------

def _backend(account: str, region: str):
    return glue_backends[account][region]


def _create_job(backend, account: str, region: str, spec: dict[str, Any]) -> FakeJob:
    unknown = set(spec) - JOB_FIELDS
    if unknown:
        raise SeedError(f"unknown job field(s): {sorted(unknown)}")
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise SeedError("every job needs a non-empty 'name'")
    worker_type = spec.get("worker_type")
    workers = spec.get("number_of_workers")
    max_capacity = _capacity(worker_type, workers, spec.get("max_capacity"))
    backend.create_job(
        name=name,
        role=spec.get("role") or f"arn:aws:iam::{account}:role/GlueJobRole",
        command=spec.get("command") or {
            "Name": "glueetl",
            "ScriptLocation": f"s3://aws-glue-assets-{account}-{region}/scripts/{name}.py",
            "PythonVersion": "3",
        },
        description=spec.get("description"),
        log_uri=None,
        execution_property={"MaxConcurrentRuns": int(spec.get("max_concurrent_runs") or 1)},
        default_arguments=spec.get("default_arguments") or {},
        non_overridable_arguments=spec.get("non_overridable_arguments"),
        connections=None,
        max_retries=int(spec.get("max_retries") or 0),
        allocated_capacity=int(max_capacity) if max_capacity is not None else None,
        timeout=spec.get("timeout", 2880),
        max_capacity=max_capacity,
        security_configuration=None,
        tags=spec.get("tags") or {},
        notification_property=None,
        glue_version=spec.get("glue_version"),
        number_of_workers=workers,
        worker_type=worker_type,
        code_gen_configuration_nodes=None,
        execution_class=spec.get("execution_class"),
        source_control_details=None,
    )
    return backend.jobs[name]


def seed(account: str, region: str, jobs: list[dict[str, Any]]) -> dict[str, Any]:
    """Create jobs (a job that already exists keeps its definition) and append their runs."""
    backend = _backend(account, region)
    run_ids: dict[str, list[str]] = {}
    total_runs = 0
    for spec in jobs:
        name = spec.get("name")
        job = backend.jobs.get(name) if isinstance(name, str) else None
        if job is None:
            job = _create_job(backend, account, region, spec)
        runs = [SeededJobRun(job, run) for run in spec.get("runs") or []]
        job.job_runs.extend(runs)
        run_ids.setdefault(job.name, []).extend(r.job_run_id for r in runs)
        total_runs += len(runs)
    return {"jobs": len(jobs), "runs": total_runs, "run_ids": run_ids}


def put_run(account: str, region: str, job_name: str, spec: dict[str, Any]) -> str:
    """Add one run to an existing job, or replace the run that has the same id."""
    job = _backend(account, region).jobs.get(job_name)
    if job is None:
        raise SeedError(f"job {job_name!r} does not exist in {account}/{region}", status=404)
    existing = next((r for r in job.job_runs if spec.get("id") and r.job_run_id == spec["id"]), None)
    live = getattr(existing, "live", False)
    run = SeededJobRun(job, _carry_over(existing, spec) if live else spec)
    if live:  # started by a workflow trigger: stays linked to it
        run.live, run.predecessor_runs = True, list(getattr(existing, "predecessor_runs", []))
    for i, other in enumerate(job.job_runs):
        if other.job_run_id == run.job_run_id:
            job.job_runs[i] = run
            break
    else:
        job.job_runs.append(run)
    return run.job_run_id


# Fields a run started by a workflow trigger keeps when a test pins it by id.
LIVE_KEPT = ("trigger_name", "arguments", "attempt", "previous_run_id", "timeout", "worker_type",
             "number_of_workers", "max_capacity", "glue_version", "execution_class", "log_group_name")


def _carry_over(existing: SeededJobRun, spec: dict[str, Any]) -> dict[str, Any]:
    merged: dict[str, Any] = {k: getattr(existing, k) for k in LIVE_KEPT}
    merged["started_on"] = _epoch(existing.started_on)
    merged.update(spec)
    if merged.get("state", "SUCCEEDED") in FINISHED_STATES and "completed_on" not in spec:
        merged["completed_on"] = _epoch(utcnow())
    return merged


# --- API behaviour fixes --------------------------------------------------------------

def _run_key(run: FakeJobRun) -> tuple[float, str]:
    return (_epoch(run.started_on), run.job_run_id)


def _encode_token(job_name: str, key: tuple[float, str]) -> str:
    raw = json.dumps({"job": job_name, "started": key[0], "id": key[1]})
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _decode_token(job_name: str, token: str) -> tuple[float, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        if data["job"] != job_name:
            raise ValueError("token of another job")
        return (float(data["started"]), str(data["id"]))
    except Exception:
        raise InvalidInputException("GetJobRuns", "Invalid NextToken") from None


def _validation_error(value: Any, member: str, constraint: str) -> GlueClientError:
    return GlueClientError(
        "ValidationException",
        f"1 validation error detected: Value '{value}' at '{member}' failed to "
        f"satisfy constraint: Member must have value {constraint}",
    )


def get_job_runs(self: GlueResponse) -> ActionResult:
    job_name = self._get_param("JobName")
    next_token = self._get_param("NextToken")
    max_results = self._get_param("MaxResults")
    if max_results is None:
        limit = GET_JOB_RUNS_DEFAULT_PAGE
    else:
        limit = int(max_results)
        if limit < 1:
            raise _validation_error(limit, "maxResults", "greater than or equal to 1")
        if limit > GET_JOB_RUNS_MAX_PAGE:
            raise _validation_error(limit, "maxResults", f"less than or equal to {GET_JOB_RUNS_MAX_PAGE}")
    job = self.glue_backend.get_job(job_name)
    runs = list(job.job_runs)
    for run in runs:
        run.advance()  # moto's state manager ticks on every describe
    runs.sort(key=_run_key, reverse=True)
    if next_token:
        cursor = _decode_token(job_name, next_token)
        runs = [r for r in runs if _run_key(r) < cursor]
    page = runs[:limit]
    result: dict[str, Any] = {"JobRuns": [r.as_dict() for r in page]}
    if len(runs) > limit:
        result["NextToken"] = _encode_token(job_name, _run_key(page[-1]))
    return ActionResult(result)


_moto_run_as_dict = FakeJobRun.as_dict


def _native_run_as_dict(self: FakeJobRun) -> dict[str, Any]:
    run = _moto_run_as_dict(self)
    if run.get("JobRunState") not in FINISHED_STATES:
        run.pop("CompletedOn", None)
    return run


def install() -> None:
    """Patch moto's Glue response handlers in place (idempotent)."""
    GlueResponse.get_job_runs = get_job_runs  # type: ignore[method-assign]
    FakeJobRun.as_dict = _native_run_as_dict  # type: ignore[method-assign]
