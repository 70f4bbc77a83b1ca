"""Job bookmarks: GetJobBookmark and ResetJobBookmark (moto 5.2.5 answers HTTP 500).

Each job keeps a history of JobBookmarkEntry values by run id (set with the control
endpoint POST /batchtop/glue/bookmark); the last one set is the current entry.

* GetJobBookmark(JobName[, RunId]): the current entry, or the one recorded for RunId.
* ResetJobBookmark(JobName): the bookmark starts over: Version + 1, Run 0, Attempt 0,
  no RunId/PreviousRunId, JobBookmark "{}" (an empty bookmark).
* ResetJobBookmark(JobName, RunId): rewinds: the current entry becomes the one
  recorded for that run (its JobBookmark, Run, Attempt, RunId, PreviousRunId), with
  Version + 1, so the next run processes what arrived after that run.
Both answer the new current entry.  A job that does not exist, a job without any
bookmark ("Continuation for job X not found", as AWS words it) and an unknown run id
are EntityNotFoundException.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.exceptions import EntityNotFoundException
from moto.glue.responses import GlueResponse

import glue_hooks
from glue_ext import SeedError

ENTRY_FIELDS = {"run_id", "previous_run_id", "run", "attempt", "version", "job_bookmark"}


def _book(glue_backend) -> dict[str, dict[str, Any]]:
    """job name -> {"current": entry | None, "history": {run id: entry}}"""
    return glue_hooks.state(glue_backend, "bookmarks", dict)


def _entry(job_name: str, spec: dict[str, Any], index: int) -> dict[str, Any]:
    unknown = set(spec) - ENTRY_FIELDS
    if unknown:
        raise SeedError(f"unknown bookmark entry field(s): {sorted(unknown)}")
    bookmark = spec.get("job_bookmark", {})
    if not isinstance(bookmark, str):
        bookmark = json.dumps(bookmark, separators=(",", ":"))
    entry = {
        "JobName": job_name,
        "Version": int(spec.get("version", index + 1)),
        "Run": int(spec.get("run", index + 1)),
        "Attempt": int(spec.get("attempt", 0)),
        "PreviousRunId": spec.get("previous_run_id"),
        "RunId": spec.get("run_id"),
        "JobBookmark": bookmark,
    }
    return {k: v for k, v in entry.items() if v is not None}


def set_history(account: str, region: str, job_name: str, entries: list) -> dict[str, Any]:
    """Control endpoint: replace a job's bookmark history; the last entry is current."""
    glue_backend = glue_hooks.backend(account, region)
    if job_name not in glue_backend.jobs:
        raise SeedError(f"job {job_name!r} does not exist in {account}/{region}", status=404)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SeedError("'entries' must be a list of objects")
    made = [_entry(job_name, spec, i) for i, spec in enumerate(entries)]
    with glue_hooks.LOCK:
        _book(glue_backend)[job_name] = {
            "current": made[-1] if made else None,
            "history": {e["RunId"]: e for e in made if "RunId" in e},
        }
    return {"job_name": job_name, "entries": len(made), "current": made[-1] if made else None}


def _lookup(self: GlueResponse) -> tuple[str, dict[str, Any]]:
    job_name = self._get_param("JobName")
    self.glue_backend.get_job(job_name)  # EntityNotFoundException for an unknown job
    mark = _book(self.glue_backend).get(job_name)
    if not mark or mark["current"] is None:
        raise EntityNotFoundException(f"Continuation for job {job_name} not found")
    return job_name, mark


def _recorded(job_name: str, mark: dict[str, Any], run_id: str) -> dict[str, Any]:
    entry = mark["history"].get(run_id)
    if entry is None:
        raise EntityNotFoundException(f"Continuation for job {job_name} and run {run_id} not found")
    return entry


def get_job_bookmark(self: GlueResponse) -> ActionResult:
    with glue_hooks.LOCK:
        job_name, mark = _lookup(self)
        run_id = self._get_param("RunId")
        entry = _recorded(job_name, mark, run_id) if run_id else mark["current"]
        return ActionResult({"JobBookmarkEntry": dict(entry)})


def reset_job_bookmark(self: GlueResponse) -> ActionResult:
    with glue_hooks.LOCK:
        job_name, mark = _lookup(self)
        run_id = self._get_param("RunId")
        version = mark["current"]["Version"] + 1
        if run_id:
            entry = dict(_recorded(job_name, mark, run_id), Version=version)
        else:
            entry = {"JobName": job_name, "Version": version, "Run": 0, "Attempt": 0,
                     "JobBookmark": "{}"}
        mark["current"] = entry
        return ActionResult({"JobBookmarkEntry": dict(entry)})


def install() -> None:
    GlueResponse.get_job_bookmark = get_job_bookmark  # type: ignore[attr-defined]
    GlueResponse.reset_job_bookmark = reset_job_bookmark  # type: ignore[attr-defined]
