"""Shared plumbing for the Glue additions: one lock, per-backend state, and the
deterministic clock that moves transient states on.

Transient states (a job run STOPPING, a crawl CANCELLING, a workflow run STOPPING)
are settled by Glue calls, not by time: whatever a call leaves transient is shown
as such by the next Glue call of that account and region, and settled (STOPPED,
CANCELLED) once that next call has been answered.  So a test that stops something
reads STOPPING once, then STOPPED.

Before every Glue call the workflow engine gets a chance to fire the conditional
triggers whose predicates are now met (see workflows.py), so what a call reads
already reflects every trigger that could fire.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from moto.glue.models import glue_backends

LOCK = threading.RLock()

# Called (under LOCK) before each Glue call reaches moto: workflows.py registers here.
_before_call: list[Callable[[Any], None]] = []


def backend(account: str, region: str):
    return glue_backends[account][region]


def state(glue_backend, key: str, factory: Callable[[], Any]) -> Any:
    """Emulator state kept on the moto backend object itself, so that
    /moto-api/reset (which rebuilds every backend) wipes it too."""
    store = glue_backend.__dict__.setdefault("_batchtop", {})
    if key not in store:
        store[key] = factory()
    return store[key]


def _clock(glue_backend) -> dict:
    return state(glue_backend, "clock", lambda: {"call": 0, "pending": []})


def later(glue_backend, settle: Callable[[], None]) -> None:
    """Run `settle` once the Glue call after the current one has been answered."""
    with LOCK:
        clock = _clock(glue_backend)
        clock["pending"].append((clock["call"], settle))


def on_before_call(hook: Callable[[Any], None]) -> None:
    if hook not in _before_call:
        _before_call.append(hook)


def before_call(account: str, region: str) -> int:
    """A Glue call is about to reach moto: returns its number for after_call."""
    with LOCK:
        if region not in glue_backends[account]:
            return 0  # a region moto does not know: moto answers the error itself
        glue_backend = backend(account, region)
        clock = _clock(glue_backend)
        clock["call"] += 1
        for hook in _before_call:
            hook(glue_backend)
        return clock["call"]


def after_call(account: str, region: str, number: int) -> None:
    """Settle what was left transient before the call `number` (which has now answered)."""
    with LOCK:
        if not number:
            return
        glue_backend = backend(account, region)
        clock = _clock(glue_backend)
        due = [p for p in clock["pending"] if p[0] < number]
        clock["pending"] = [p for p in clock["pending"] if p[0] >= number]
        for _, settle in due:
            settle()
