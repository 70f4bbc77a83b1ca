"""EMR Serverless emulator state: job runs, their progression, application states, errors.

Everything lives on moto's own EMRServerlessBackend objects (one per account and
region), so /moto-api/reset wipes it with the rest of moto.

Progression rule (deterministic, driven by reads, not by time):
* A run started by StartJobRun is SUBMITTED.  Every *read* of the run (GetJobRun, or a
  ListJobRuns page that contains it) answers the current state and then moves the run
  one step on: SUBMITTED -> PENDING -> SCHEDULED -> RUNNING -> SUCCESS.  So the first
  GetJobRun shows SUBMITTED, the fifth and later SUCCESS.
* A run written by POST /batchtop/emr/job-run is pinned: reads never move it.
* CancelJobRun turns an unfinished run (pinned or not) CANCELLING; the next read shows
  CANCELLING and moves it to CANCELLED.
* Applications: StartApplication -> STARTING, StopApplication -> STOPPING; the next
  GetApplication/ListApplications that shows it answers that state and settles it
  (STARTED / STOPPED).  Seeded application states are pinned until an API call moves them.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.emrserverless.models import emrserverless_backends

LOCK = threading.RLock()

RUN_STATES = ("SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "SUCCESS", "FAILED",
              "CANCELLING", "CANCELLED", "QUEUED")
FINISHED = {"SUCCESS", "FAILED", "CANCELLED"}
CANCELLABLE = {"SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "QUEUED"}
LIVE_NEXT = {"SUBMITTED": "PENDING", "PENDING": "SCHEDULED", "SCHEDULED": "RUNNING",
             "RUNNING": "SUCCESS"}
APP_STATES = ("CREATING", "CREATED", "STARTING", "STARTED", "STOPPING", "STOPPED", "TERMINATED")
APP_SETTLE = {"CREATING": "CREATED", "STARTING": "STARTED", "STOPPING": "STOPPED"}
MODES = ("BATCH", "STREAMING")

# Run fields (the control endpoint's names); each renders as its camelCase model member.
RUN_FIELDS = (
    "id", "name", "state", "state_details", "created_at", "updated_at", "started_at",
    "ended_at", "created_by", "execution_role", "execution_iam_policy", "job_driver",
    "configuration_overrides", "total_resource_utilization", "billed_resource_utilization",
    "total_execution_duration_seconds", "queued_duration_milliseconds",
    "execution_timeout_minutes", "attempt", "attempt_created_at", "attempt_updated_at",
    "retry_policy", "network_configuration", "tags", "mode", "release_label", "attempts",
    "flex_execution",
)
TIME_FIELDS = {"created_at", "updated_at", "started_at", "ended_at", "attempt_created_at",
               "attempt_updated_at"}
# JobRun (GetJobRun) members besides applicationId/jobRunId/arn, in model order.
FULL = ("name", "created_by", "created_at", "updated_at", "execution_role", "execution_iam_policy",
        "state", "state_details", "release_label", "configuration_overrides", "job_driver", "tags",
        "total_resource_utilization", "network_configuration", "total_execution_duration_seconds",
        "execution_timeout_minutes", "billed_resource_utilization", "mode", "retry_policy",
        "attempt", "attempt_created_at", "attempt_updated_at", "started_at", "ended_at",
        "queued_duration_milliseconds", "flex_execution")
# JobRunSummary (ListJobRuns) members besides applicationId/id/arn/type.
SUMMARY = ("name", "mode", "created_by", "created_at", "updated_at", "execution_role", "state",
           "state_details", "release_label", "attempt", "attempt_created_at", "attempt_updated_at",
           "flex_execution")


# --- errors (restJson1: HTTP status of the model, x-amzn-ErrorType, body {"message"}) ---

class EmrError(JsonRESTError):
    def __init__(self, error_type: str, message: str, status: int):
        super().__init__(error_type, message)
        self.code = status
        self.description = json.dumps({"message": message})


def validation(message: str) -> EmrError:
    return EmrError("ValidationException", message, 400)


def not_found(message: str) -> EmrError:
    return EmrError("ResourceNotFoundException", message, 404)


def constraint(value: Any, member: str, rule: str) -> EmrError:
    if isinstance(value, list):  # a constraint on the members of a list
        value = "[" + ", ".join(map(str, value)) + "]"
        rule = f"satisfy constraint: [Member must {rule}]"
    return validation(f"1 validation error detected: Value '{value}' at '{member}' failed to "
                      f"satisfy constraint: Member must {rule}")


def enum_rule(values) -> str:
    return "satisfy enum value set: [" + ", ".join(values) + "]"


# --- time and storage ---------------------------------------------------------------------

def now() -> float:
    """Milliseconds: what the wire carries, so a createdAt read back filters exactly."""
    return round(time.time(), 3)


def to_dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(float(epoch), timezone.utc)


def naive(epoch: float) -> datetime:
    """moto keeps naive UTC datetimes on its Application objects."""
    return datetime.fromtimestamp(float(epoch), timezone.utc).replace(tzinfo=None)


def epoch_of(value: datetime) -> float:
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.timestamp()


def backend(account: str, region: str):
    return emrserverless_backends[account][region]


def store(emr_backend) -> dict:
    """Emulator state on the backend object: runs per application, client tokens."""
    return emr_backend.__dict__.setdefault(
        "_batchtop", {"runs": {}, "run_tokens": {}, "app_tokens": {}})


def runs_of(emr_backend, app_id: str) -> dict[str, EmuRun]:
    return store(emr_backend)["runs"].setdefault(app_id, {})


def app_of(emr_backend, app_id: str):
    app = emr_backend.applications.get(app_id)
    if app is None:
        raise not_found(f"Application {app_id} does not exist")
    return app


def run_of(emr_backend, app_id: str, run_id: str) -> EmuRun:
    app_of(emr_backend, app_id)
    run = runs_of(emr_backend, app_id).get(run_id)
    if run is None:
        raise not_found(f"Job run {run_id} does not exist")
    return run


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


# --- job runs -----------------------------------------------------------------------------

class EmuRun:
    """One job run; `data` holds the RUN_FIELDS (None = member left out)."""

    def __init__(self, app, data: dict[str, Any], pinned: bool, client_token: str | None = None):
        self.app_id = app.id
        self.app_type = app.type
        self.arn = f"{app.arn}/jobruns/{data['id']}"
        self.data = {k: data.get(k) for k in RUN_FIELDS}
        self.pinned = pinned
        self.client_token = client_token

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def state(self) -> str:
        return self.data["state"]

    def _members(self, names: tuple[str, ...], data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in names:
            value = data.get(name)
            if name == "state_details" and value is None:
                value = ""  # required member of JobRun / JobRunSummary
            if value is None:
                continue
            out[camel(name)] = to_dt(value) if name in TIME_FIELDS else value
        return out

    def full(self, attempt: int | None = None) -> dict[str, Any]:
        """JobRun; with `attempt`, as that attempt of the run saw it."""
        data = dict(self.data)
        if attempt is not None and attempt != data["attempt"]:
            entry = next((a for a in self.attempt_list() if a["attempt"] == attempt), None)
            if entry is None:
                raise not_found(f"Attempt {attempt} of job run {self.id} does not exist")
            data.update(state=entry["state"], state_details=entry["state_details"], attempt=attempt,
                        attempt_created_at=entry["created_at"], attempt_updated_at=entry["updated_at"])
        return {"applicationId": self.app_id, "jobRunId": self.id, "arn": self.arn,
                **self._members(FULL, data)}

    def summary(self) -> dict[str, Any]:
        return {"applicationId": self.app_id, "id": self.id, "arn": self.arn, "type": self.app_type,
                **self._members(SUMMARY, self.data)}

    def attempt_list(self) -> list[dict[str, Any]]:
        """Attempt history, oldest first; the current attempt always reflects the run."""
        d = self.data
        current = {"attempt": d["attempt"], "state": d["state"], "state_details": d["state_details"],
                   "created_at": d["attempt_created_at"], "updated_at": d["attempt_updated_at"]}
        older = [a for a in d["attempts"] or [] if a["attempt"] != d["attempt"]]
        return sorted(older + [current], key=lambda a: a["attempt"])

    def attempt_summaries(self) -> list[dict[str, Any]]:
        d = self.data
        common = {"applicationId": self.app_id, "id": self.id, "arn": self.arn, "type": self.app_type,
                  **self._members(("name", "mode", "created_by", "execution_role", "release_label",
                                   "flex_execution"), d),
                  "jobCreatedAt": to_dt(d["created_at"])}
        return [{**common, "attempt": a["attempt"], "state": a["state"],
                 "stateDetails": a["state_details"] or "", "createdAt": to_dt(a["created_at"]),
                 "updatedAt": to_dt(a["updated_at"])} for a in self.attempt_list()]

    def set_state(self, state: str, at: float) -> None:
        d = self.data
        d.update(state=state, updated_at=at, attempt_updated_at=at)
        if state == "RUNNING" and d["started_at"] is None:
            d["started_at"] = at
        if state in FINISHED:
            d["ended_at"] = d["ended_at"] or at
            if d["total_execution_duration_seconds"] is None and d["started_at"] is not None:
                d["total_execution_duration_seconds"] = int(d["ended_at"] - d["started_at"])

    def after_read(self) -> None:
        """The progression rule (module docstring): called once per answer showing the run."""
        if self.state == "CANCELLING":
            self.set_state("CANCELLED", now())
        elif not self.pinned and self.state in LIVE_NEXT:
            self.set_state(LIVE_NEXT[self.state], now())

    def cancel(self) -> None:
        if self.state == "CANCELLING":
            return
        if self.state not in CANCELLABLE:
            raise validation(f"Job run {self.id} is not in a cancellable state")
        self.set_state("CANCELLING", now())


def run_key(run: EmuRun) -> tuple[float, str]:
    return (run.data["created_at"], run.id)


# --- applications -------------------------------------------------------------------------

def app_extras(app) -> dict[str, Any]:
    """Application members moto does not keep (model name -> value), and emulator flags."""
    return app.__dict__.setdefault("_batchtop", {"pinned": False, "members": {}})


def app_full(app) -> dict[str, Any]:
    out: dict[str, Any] = {
        "applicationId": app.id, "name": app.name, "arn": app.arn,
        "releaseLabel": app.release_label, "type": app.type, "state": app.state,
        "stateDetails": app.state_details or None, "initialCapacity": app.initial_capacity,
        "maximumCapacity": app.maximum_capacity, "createdAt": app.created_at,
        "updatedAt": app.updated_at, "tags": app.tags,
        "autoStartConfiguration": app.auto_start_configuration,
        "autoStopConfiguration": app.auto_stop_configuration,
        "networkConfiguration": app.network_configuration, "architecture": "X86_64",
    }
    out.update(app_extras(app)["members"])
    return {k: v for k, v in out.items() if v is not None}


def app_summary(app) -> dict[str, Any]:
    full = app_full(app)
    keep = ("name", "arn", "releaseLabel", "type", "state", "stateDetails", "createdAt",
            "updatedAt", "architecture")
    return {"id": app.id, **{k: full[k] for k in keep if k in full}}


def set_app_state(app, state: str, pinned: bool = False) -> None:
    app.state = state
    app.updated_at = naive(now())
    app_extras(app)["pinned"] = pinned


def app_after_read(app) -> None:
    if not app_extras(app)["pinned"] and app.state in APP_SETTLE:
        set_app_state(app, APP_SETTLE[app.state])


def unfinished_runs(emr_backend, app_id: str) -> int:
    return sum(1 for r in runs_of(emr_backend, app_id).values() if r.state not in FINISHED)


def caller_arn(account: str, region: str, access_key: str | None) -> str:
    """createdBy: who GetCallerIdentity says signed the call (moto's STS answer)."""
    from moto.sts.models import sts_backends
    from moto.utilities.utils import get_partition

    try:
        return sts_backends[account][get_partition(region)].get_caller_identity(
            access_key or "", region)[1]
    except Exception:
        return f"arn:aws:sts::{account}:user/moto"
