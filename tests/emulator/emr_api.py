"""EMR Serverless job-run operations rewritten or added on top of moto 5.2.5 (state: emr.py,
application operations: emr_apps.py).

Rewritten: StartJobRun (clientToken idempotency, auto-start), GetJobRun (attempt), ListJobRuns
(newest first, cursor paging, filters, empty list), CancelJobRun.  Added (moto has no route):
GetDashboardForJobRun, ListJobRunAttempts, ListTagsForResource, TagResource, UntagResource.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from datetime import datetime
from typing import Any

import moto.emrserverless.models as emr_models
import moto.emrserverless.urls as emr_urls
from moto.core.responses import ActionResult
from moto.emrserverless.responses import EMRServerlessResponse
from moto.emrserverless.utils import random_job_id

import emr
from emr import LOCK, EmuRun, constraint, not_found, validation

PAGE_MAX = 50  # ListApplications / ListJobRuns / ListJobRunAttempts: maxResults 1..50
RESOURCE_ARN = re.compile(r"^arn:aws[a-zA-Z0-9-]*:emr-serverless:([^:]+):(\d{12}):/applications/"
                          r"([0-9a-zA-Z]+)(?:/(jobruns|sessions)/([0-9a-zA-Z]+))?$")


# --- request helpers ----------------------------------------------------------------------

def _backend(self: EMRServerlessResponse):
    return self.emrserverless_backend


def _limit(self: EMRServerlessResponse) -> int:
    value = self._get_param("maxResults")
    if value is None:
        return PAGE_MAX
    limit = int(value)
    if limit < 1:
        raise constraint(limit, "maxResults", "have value greater than or equal to 1")
    if limit > PAGE_MAX:
        raise constraint(limit, "maxResults", f"have value less than or equal to {PAGE_MAX}")
    return limit


def _attempt(self: EMRServerlessResponse) -> int | None:
    value = self._get_param("attempt")
    if value is None:
        return None
    if int(value) < 1:
        raise constraint(value, "attempt", "have value greater than or equal to 1")
    return int(value)


def _epoch_param(self: EMRServerlessResponse, name: str) -> float | None:
    value = self._get_param(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return emr.epoch_of(value)
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        return emr.epoch_of(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


def _list_param(self: EMRServerlessResponse, name: str) -> list[str]:
    value = self._get_param(name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _token(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def _untoken(token: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except Exception:
        raise validation("Invalid nextToken") from None


def _page(items: list, key, limit: int, token: str | None) -> tuple[list, str | None]:
    """Cursor paging over `items` sorted by `key` (descending): the token is the last key."""
    if token:
        cursor = _untoken(token)
        try:
            items = [i for i in items if list(key(i)) < cursor]
        except TypeError:
            raise validation("Invalid nextToken") from None
    page = items[:limit]
    return page, (_token(list(key(page[-1]))) if len(items) > limit else None)


# --- job runs -----------------------------------------------------------------------------

def start_job_run(self: EMRServerlessResponse) -> ActionResult:
    app_id = self._get_param("applicationId")
    token = self._get_param("clientToken")
    role = self._get_param("executionRoleArn") or ""
    with LOCK:
        backend = _backend(self)
        app = emr.app_of(backend, app_id)
        tokens = emr.store(backend)["run_tokens"]
        runs = emr.runs_of(backend, app_id)
        run = runs.get(tokens.get((app_id, token))) if token else None
        if run is None:
            run = _new_run(self, backend, app, role)
            runs[run.id] = run
            if token:
                run.client_token = token
                tokens[(app_id, token)] = run.id
        return ActionResult({"applicationId": app_id, "jobRunId": run.id, "arn": run.arn})


def _new_run(self: EMRServerlessResponse, backend, app, role: str) -> EmuRun:
    parts = role.split(":")
    if len(parts) < 5 or not role.startswith("arn:aws"):
        raise constraint(role, "executionRoleArn", "satisfy regular expression pattern: "
                         "arn:(aws[a-zA-Z0-9-]*):iam::([0-9]{12}):(role(...))[\\w+=,.@-]+")
    if parts[4] != backend.account_id:
        raise emr.EmrError("AccessDeniedException", "Cross-account pass role is not allowed.", 403)
    timeout = self._get_param("executionTimeoutMinutes")
    if timeout and int(timeout) < 5:  # moto's rule, kept
        raise validation("RunTimeout must be at least 5 minutes.")
    mode = self._get_param("mode") or "BATCH"
    if mode not in emr.MODES:
        raise constraint(mode, "mode", emr.enum_rule(emr.MODES))
    if app.state in ("TERMINATED", "CREATING", "STOPPING"):
        raise validation(f"Application {app.id} is in {app.state} state. Cannot start job run.")
    if app.state in ("CREATED", "STOPPED"):
        if not (app.auto_start_configuration or {}).get("enabled", True):
            raise validation(f"Application {app.id} is in {app.state} state and auto-start is "
                             "disabled. Start the application before submitting job runs.")
        emr.set_app_state(app, "STARTING")  # auto-start
    run_id = random_job_id()
    while run_id in emr.runs_of(backend, app.id):
        run_id = random_job_id()
    at = emr.now()
    zero = {"vCPUHour": 0.0, "memoryGBHour": 0.0, "storageGBHour": 0.0}
    data = {
        "id": run_id, "name": self._get_param("name"), "state": "SUBMITTED", "created_at": at,
        "updated_at": at, "created_by": emr.caller_arn(backend.account_id, backend.region_name,
                                                      self.get_access_key()),
        "execution_role": role, "execution_iam_policy": self._get_param("executionIamPolicy"),
        "job_driver": self._get_param("jobDriver"),
        "configuration_overrides": self._get_param("configurationOverrides"),
        "tags": self._get_param("tags") or {}, "network_configuration": app.network_configuration,
        "execution_timeout_minutes": int(timeout) if timeout is not None else 720,
        "total_resource_utilization": dict(zero), "billed_resource_utilization": dict(zero),
        "mode": mode, "retry_policy": self._get_param("retryPolicy"), "attempt": 1,
        "attempt_created_at": at, "attempt_updated_at": at, "release_label": app.release_label,
        "flex_execution": self._get_param("flexExecution"),
    }
    return EmuRun(app, data, pinned=False)


def get_job_run(self: EMRServerlessResponse) -> ActionResult:
    attempt = _attempt(self)
    with LOCK:
        run = emr.run_of(_backend(self), self._get_param("applicationId"), self._get_param("jobRunId"))
        answer = run.full(attempt)
        run.after_read()
    return ActionResult({"jobRun": answer})


def list_job_runs(self: EMRServerlessResponse) -> ActionResult:
    states = _list_param(self, "states")
    for state in states:
        if state not in emr.RUN_STATES:
            raise constraint(states, "states", emr.enum_rule(emr.RUN_STATES))
    mode = self._get_param("mode")
    if mode is not None and mode not in emr.MODES:
        raise constraint(mode, "mode", emr.enum_rule(emr.MODES))
    limit = _limit(self)
    after = _epoch_param(self, "createdAtAfter")
    before = _epoch_param(self, "createdAtBefore")
    with LOCK:
        # An application without runs, or unknown, lists nothing (the model has no
        # ResourceNotFoundException for ListJobRuns).
        runs = sorted(emr.runs_of(_backend(self), self._get_param("applicationId")).values(),
                      key=emr.run_key, reverse=True)
        runs = [r for r in runs
                if (not states or r.state in states)
                and (mode is None or (r.data["mode"] or "BATCH") == mode)
                and (after is None or r.data["created_at"] > after)
                and (before is None or r.data["created_at"] < before)]
        page, token = _page(runs, emr.run_key, limit, self._get_param("nextToken"))
        answer: dict[str, Any] = {"jobRuns": [r.summary() for r in page]}
        for run in page:
            run.after_read()
    if token:
        answer["nextToken"] = token
    return ActionResult(answer)


def cancel_job_run(self: EMRServerlessResponse) -> ActionResult:
    app_id, run_id = self._get_param("applicationId"), self._get_param("jobRunId")
    with LOCK:
        emr.run_of(_backend(self), app_id, run_id).cancel()
    return ActionResult({"applicationId": app_id, "jobRunId": run_id})


def get_dashboard_for_job_run(self: EMRServerlessResponse) -> ActionResult:
    attempt = _attempt(self)
    app_id = self._get_param("applicationId")
    with LOCK:
        run = emr.run_of(_backend(self), app_id, self._get_param("jobRunId"))
        if attempt is not None and attempt not in [a["attempt"] for a in run.attempt_list()]:
            raise not_found(f"Attempt {attempt} of job run {run.id} does not exist")
    url = (f"https://{app_id}.dashboard.emr-serverless.{self.region}.amazonaws.com/"
           f"?authToken={secrets.token_urlsafe(48)}")
    return ActionResult({"url": url})


def list_job_run_attempts(self: EMRServerlessResponse) -> ActionResult:
    limit = _limit(self)
    with LOCK:
        run = emr.run_of(_backend(self), self._get_param("applicationId"), self._get_param("jobRunId"))
        attempts = run.attempt_summaries()
    # Oldest attempt first; the cursor key is (-attempt,) so that _page's "<" walks forward.
    page, token = _page(attempts, lambda a: (-a["attempt"],), limit, self._get_param("nextToken"))
    answer: dict[str, Any] = {"jobRunAttempts": page}
    if token:
        answer["nextToken"] = token
    return ActionResult(answer)


# --- tags ---------------------------------------------------------------------------------

def _tags_of(self: EMRServerlessResponse) -> dict[str, str]:
    """The live tag map of the application or job run the resourceArn names."""
    arn = self._get_param("resourceArn") or ""
    match = RESOURCE_ARN.match(arn)
    if not match:
        raise constraint(arn, "resourceArn", "satisfy regular expression pattern: "
                         "arn:(aws[a-zA-Z0-9-]*):emr-serverless:.+:(\\d{12}):\\/applications\\/"
                         "[0-9a-zA-Z]+(\\/jobruns\\/[0-9a-zA-Z]+|\\/sessions\\/[0-9a-zA-Z]+)?")
    region, account, app_id, kind, sub_id = match.groups()
    backend = _backend(self)
    if (region, account) != (backend.region_name, backend.account_id):
        raise not_found(f"Resource {arn} does not exist")
    app = emr.app_of(backend, app_id)
    if kind is None:
        if app.tags is None:
            app.tags = {}
        return app.tags
    if kind == "sessions":
        raise not_found(f"Session {sub_id} does not exist")
    run = emr.run_of(backend, app_id, sub_id)
    if run.data["tags"] is None:
        run.data["tags"] = {}
    return run.data["tags"]


def list_tags_for_resource(self: EMRServerlessResponse) -> ActionResult:
    with LOCK:
        return ActionResult({"tags": dict(_tags_of(self))})


def tag_resource(self: EMRServerlessResponse) -> ActionResult:
    with LOCK:
        _tags_of(self).update(self._get_param("tags") or {})
    return ActionResult({})


def untag_resource(self: EMRServerlessResponse) -> ActionResult:
    with LOCK:
        tags = _tags_of(self)
        for key in _list_param(self, "tagKeys"):
            tags.pop(key, None)
    return ActionResult({})


# --- install ------------------------------------------------------------------------------

class _NotFound(emr.EmrError):
    def __init__(self, resource: str, resource_type: str = "Application"):
        label = "Job run" if resource_type == "JobRun" else resource_type
        super().__init__("ResourceNotFoundException", f"{label} {resource} does not exist", 404)


class _Validation(emr.EmrError):
    def __init__(self, message: str):
        super().__init__("ValidationException", message, 400)


class _AccessDenied(emr.EmrError):
    def __init__(self, message: str):
        super().__init__("AccessDeniedException", message, 403)


HANDLERS = (start_job_run, get_job_run, list_job_runs, cancel_job_run, get_dashboard_for_job_run,
            list_job_run_attempts, list_tags_for_resource, tag_resource, untag_resource)
EXTRA_PATHS = (
    "{0}/applications/(?P<applicationId>[^/]+)/jobruns/(?P<jobRunId>[^/]+)/dashboard$",
    "{0}/applications/(?P<applicationId>[^/]+)/jobruns/(?P<jobRunId>[^/]+)/attempts$",
    "{0}/tags/(?P<resourceArn>.+)$",
)


def install() -> None:
    """Patch moto's EMR Serverless handlers and routes in place (before the server starts)."""
    import emr_apps  # application handlers (they use the helpers above)

    for handler in HANDLERS + emr_apps.HANDLERS:
        setattr(EMRServerlessResponse, handler.__name__, handler)
    for path in EXTRA_PATHS:
        emr_urls.url_paths.setdefault(path, EMRServerlessResponse.dispatch)
    # moto's own backend methods raise these: model status codes and {"message"} bodies.
    emr_models.ResourceNotFoundException = _NotFound
    emr_models.ValidationException = _Validation
    emr_models.AccessDeniedException = _AccessDenied
