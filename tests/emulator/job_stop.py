"""BatchStopJobRun (moto 5.2.5 answers HTTP 500), and stopping job runs in general.

A stopped run reads STOPPING in the next Glue call of its account and region and
STOPPED (with CompletedOn) from the call after that on (see glue_hooks.py).
Works on seeded runs, runs started by workflows, and runs moto itself started.
"""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.exceptions import InvalidInputException
from moto.glue.responses import GlueResponse

import glue_hooks

STOPPABLE_STATES = {"STARTING", "RUNNING", "WAITING"}
BATCH_STOP_MAX = 25  # BatchStopJobRunJobRunIdList max in the model


def request_stop(glue_backend, run) -> None:
    """Put a running job run into STOPPING; it settles to STOPPED a call later."""
    run.status = "STOPPING"
    run.modified_on = utcnow()
    glue_hooks.later(glue_backend, lambda: finish_stop(run))


def finish_stop(run) -> None:
    if run.status != "STOPPING":
        return  # pinned to something else in the meantime
    now = utcnow()
    run.status = "STOPPED"
    run.completed_on = now
    run.modified_on = now
    if hasattr(run, "_pinned_state"):  # seeded/workflow runs: real execution time
        run.execution_time = max(0, int((now - run.started_on).total_seconds()))


def _error(job_name: str, run_id: str, code: str, message: str) -> dict:
    return {"JobName": job_name, "JobRunId": run_id,
            "ErrorDetail": {"ErrorCode": code, "ErrorMessage": message}}


def batch_stop_job_run(self: GlueResponse) -> ActionResult:
    job_name = self._get_param("JobName")
    run_ids = self._get_param("JobRunIds") or []
    if not isinstance(run_ids, list) or not 1 <= len(run_ids) <= BATCH_STOP_MAX:
        raise InvalidInputException(
            "BatchStopJobRun", f"JobRunIds must hold between 1 and {BATCH_STOP_MAX} ids")
    succeeded, errors = [], []
    with glue_hooks.LOCK:
        job = self.glue_backend.jobs.get(job_name)
        for run_id in run_ids:
            if job is None:
                errors.append(_error(job_name, run_id, "EntityNotFoundException",
                                     f"Job {job_name} not found."))
                continue
            run = next((r for r in job.job_runs if r.job_run_id == run_id), None)
            if run is None:
                errors.append(_error(job_name, run_id, "EntityNotFoundException",
                                     f"Job run {run_id} not found."))
            elif run.status == "STOPPING":
                succeeded.append({"JobName": job_name, "JobRunId": run_id})
            elif run.status in STOPPABLE_STATES:
                request_stop(self.glue_backend, run)
                succeeded.append({"JobName": job_name, "JobRunId": run_id})
            else:
                errors.append(_error(job_name, run_id, "InvalidInputException",
                                     f"Job run {run_id} is in state {run.status} and cannot be stopped."))
    return ActionResult({"SuccessfulSubmissions": succeeded, "Errors": errors})


def install() -> None:
    GlueResponse.batch_stop_job_run = batch_stop_job_run  # type: ignore[attr-defined]
