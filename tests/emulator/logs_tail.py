"""CloudWatch Logs StartLiveTail that really streams (moto's sent one batch of old events
from the last-created group and closed).

The middleware hands StartLiveTail calls to `respond()` instead of moto.  The answer is an
`application/vnd.amazon.eventstream` body written while the session lasts:

    at once          initial-response `{}` (awsJson event streams; botocore requires it),
                     then sessionStart
    every interval   sessionUpdate with the matching events PutLogEvents ingested since the
    (default 1 s)    previous update (none: empty sessionResults); over 500 -> 500 of them,
                     sampled=true
    at max_seconds   a SessionTimeoutException exception message, then the body ends
    (default 3 h)

A client that goes away ends the session at the next tick at the latest.  See README.md.
"""

from __future__ import annotations

import json
import os
import random
import re
import select
import socket
import threading
import time
import uuid
from collections import deque
from typing import Any, Callable, Iterator

from moto.core.eventstream import EventStreamEncoder
from moto.logs.models import LogStream, logs_backends

import logs_filter
import logs_patterns

DEFAULT_MAX_SECONDS = float(os.environ.get("BATCHTOP_LIVE_TAIL_MAX_SECONDS", 3 * 3600))
DEFAULT_INTERVAL_MS = int(os.environ.get("BATCHTOP_LIVE_TAIL_INTERVAL_MS", 1000))
MAX_EVENTS_PER_UPDATE = 500
MAX_BUFFERED_EVENTS = 5000  # AWS buffers up to 5,000 events for a slow client, then drops the oldest
MAX_GROUPS = 10
MAX_STREAM_FILTERS = 100
IDENTIFIER_RE = re.compile(r"[\w#+=/:,.@-]*")
ARN_RE = re.compile(r"arn:[\w-]+:logs:[\w-]+:\d{12}:log-group:[^:*]+")
STREAM_RE = re.compile(r"[^:*]*")

_ENCODER = EventStreamEncoder()
_LOCK = threading.Lock()
_SETTINGS: dict[str, dict[str, float]] = {}  # account -> {"max_seconds", "interval_ms"}
_SESSIONS: dict[tuple[str, str, str], list["Session"]] = {}  # (account, region, group) -> sessions
_PUT_LOCK = threading.RLock()  # serialises moto's PutLogEvents so the new events are known
_original_put = LogStream.put_log_events


class TailError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# --- settings (POST /batchtop/logs/live-tail) ----------------------------------------

def settings(account: str) -> dict[str, float]:
    with _LOCK:
        own = _SETTINGS.get(account, {})
        active = sum(1 for sessions in _SESSIONS.values() for s in sessions if s.account == account)
    return {"max_seconds": own.get("max_seconds", DEFAULT_MAX_SECONDS),
            "interval_ms": own.get("interval_ms", DEFAULT_INTERVAL_MS), "active_sessions": active}


def configure(account: str, body: dict) -> dict:
    unknown = set(body) - {"account_id", "region", "max_seconds", "interval_ms"}
    if unknown:
        raise ValueError(f"unknown field(s): {sorted(unknown)}")
    changes: dict[str, float | None] = {}
    for name, low, high in (("max_seconds", 0.1, 24 * 3600), ("interval_ms", 50, 60_000)):
        if name in body:
            value = body[name]
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or not low <= value <= high):
                raise ValueError(f"'{name}' must be a number in {low}..{high} or null (default)")
            changes[name] = value
    with _LOCK:
        own = _SETTINGS.setdefault(account, {})
        for name, value in changes.items():
            if value is None:
                own.pop(name, None)
            else:
                own[name] = value
    return {"account_id": account, **settings(account)}


# --- sessions and the PutLogEvents hook -------------------------------------------------

class Session:
    def __init__(self, account: str, region: str, groups: list[tuple[str, str]],
                 stream_names: list[str] | None, prefixes: list[str] | None,
                 pattern: logs_patterns.Pattern):
        self.account, self.region = account, region
        self.groups = groups  # (identifier as asked, group name)
        self.stream_names = set(stream_names) if stream_names is not None else None
        self.prefixes = prefixes
        self.pattern = pattern
        self.pending: deque[dict] = deque(maxlen=MAX_BUFFERED_EVENTS)
        self.offered = 0  # matching events since the last update (dropped ones included)
        self.lock = threading.Lock()

    def wants(self, stream_name: str) -> bool:
        if self.stream_names is not None:
            return stream_name in self.stream_names
        if self.prefixes is not None:
            return any(stream_name.startswith(p) for p in self.prefixes)
        return True

    def offer(self, group_name: str, stream_name: str, events: list) -> None:
        if not self.wants(stream_name):
            return
        identifier = next(i for i, name in self.groups if name == group_name)
        matched = [{"logStreamName": stream_name, "logGroupIdentifier": identifier,
                    "message": e.message, "timestamp": e.timestamp, "ingestionTime": e.ingestion_time}
                   for e in events if self.pattern.matches(e.message)]
        with self.lock:
            self.pending.extend(matched)
            self.offered += len(matched)

    def take(self) -> tuple[list[dict], bool]:
        with self.lock:
            events, offered = list(self.pending), self.offered
            self.pending.clear()
            self.offered = 0
        if offered <= MAX_EVENTS_PER_UPDATE:
            return events, False
        keep = sorted(random.sample(range(len(events)), min(MAX_EVENTS_PER_UPDATE, len(events))))
        return [events[i] for i in keep], True

    def register(self) -> None:
        with _LOCK:
            for name in {name for _, name in self.groups}:
                _SESSIONS.setdefault((self.account, self.region, name), []).append(self)

    def unregister(self) -> None:
        with _LOCK:
            for name in {name for _, name in self.groups}:
                sessions = _SESSIONS.get((self.account, self.region, name), [])
                if self in sessions:
                    sessions.remove(self)
                if not sessions:
                    _SESSIONS.pop((self.account, self.region, name), None)


def _put_log_events(self: LogStream, log_events: list[dict[str, Any]]) -> str:
    with _PUT_LOCK:
        before = len(self.events)
        token = _original_put(self, log_events)
        new = self.events[before:]
    if new:
        with _LOCK:
            sessions = list(_SESSIONS.get((self.account_id, self.region, self.log_group.name), []))
        for session in sessions:
            session.offer(self.log_group.name, self.log_stream_name, new)
    return token


# --- the request ------------------------------------------------------------------------

def _string_list(params: dict, name: str, low: int, high: int) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TailError("InvalidParameterException", f"'{name}' must be a list of strings.")
    if not low <= len(value) <= high:
        bound = f"greater than or equal to {low}" if len(value) < low else f"less than or equal to {high}"
        raise TailError("InvalidParameterException", f"1 validation error detected: Value '{value}' at "
                        f"'{name}' failed to satisfy constraint: Member must have length {bound}")
    return value


def _session_for(account: str, region: str, params: dict) -> tuple[Session, dict]:
    identifiers = _string_list(params, "logGroupIdentifiers", 1, MAX_GROUPS)
    if identifiers is None:
        raise TailError("InvalidParameterException", "1 validation error detected: Value null at "
                        "'logGroupIdentifiers' failed to satisfy constraint: Member must not be null")
    names = _string_list(params, "logStreamNames", 1, MAX_STREAM_FILTERS)
    prefixes = _string_list(params, "logStreamNamePrefixes", 1, MAX_STREAM_FILTERS)
    if names is not None and prefixes is not None:
        raise TailError("InvalidParameterException",
                        "Only one of logStreamNames or logStreamNamePrefixes can be specified.")
    if (names is not None or prefixes is not None) and len(identifiers) != 1:
        raise TailError("InvalidParameterException", "logStreamNames and logStreamNamePrefixes can only "
                        "be specified when logGroupIdentifiers contains exactly one log group.")
    for value in (names or []) + (prefixes or []):
        if not 1 <= len(value) <= 512 or not STREAM_RE.fullmatch(value):
            raise TailError("InvalidParameterException", f"Invalid log stream name or prefix: '{value}'")
    backend = logs_backends[account][region]
    groups = []
    for identifier in identifiers:
        if not 1 <= len(identifier) <= 2048 or not IDENTIFIER_RE.fullmatch(identifier):
            raise TailError("InvalidParameterException", "1 validation error detected: Value at "
                            "'logGroupIdentifiers' failed to satisfy constraint: Member must satisfy "
                            r"regular expression pattern: [\w#+=/:,.@-]*")
        if identifier.endswith("*"):
            raise TailError("InvalidParameterException",
                            f"Log group ARN '{identifier}' must not end with an asterisk (*).")
        if not ARN_RE.fullmatch(identifier):
            raise TailError("InvalidParameterException", f"Invalid log group identifier '{identifier}': "
                            "specify each log group by its ARN (arn:aws:logs:<region>:<account>:log-group:<name>).")
        group = logs_filter.find_group(backend, identifier)
        if group is None:
            raise TailError("ResourceNotFoundException", "The specified log group does not exist.")
        groups.append((identifier, group.name))
    pattern_text = params.get("logEventFilterPattern")
    if pattern_text is not None and not isinstance(pattern_text, str):
        raise TailError("InvalidParameterException", "'logEventFilterPattern' must be a string.")
    try:
        pattern = logs_patterns.parse(pattern_text)
    except logs_patterns.PatternError as err:
        raise TailError("InvalidParameterException", str(err)) from None
    start = {"requestId": str(uuid.uuid4()), "sessionId": str(uuid.uuid4()), "logGroupIdentifiers": identifiers}
    if names is not None:
        start["logStreamNames"] = names
    if prefixes is not None:
        start["logStreamNamePrefixes"] = prefixes
    if pattern_text is not None:
        start["logEventFilterPattern"] = pattern_text
    return Session(account, region, groups, names, prefixes, pattern), start


def _frame(kind: str, name: str, payload: Any) -> bytes:
    type_header = ":event-type" if kind == "event" else ":exception-type"
    headers = {":message-type": kind, type_header: name, ":content-type": "application/json"}
    return _ENCODER.encode_message(headers, json.dumps(payload).encode())


def respond(call: Any, environ: dict, start_response: Callable, done: Callable[[], None]):
    """Answer StartLiveTail; `done` runs exactly once, when the answer is over."""
    try:
        session, start = _session_for(call.account, call.region, call.params)
    except TailError as err:
        done()
        body = json.dumps({"__type": err.code, "message": str(err)}).encode()
        start_response("400 Bad Request", [
            ("Content-Type", "application/x-amz-json-1.1"), ("Content-Length", str(len(body))),
            ("x-amzn-RequestId", str(uuid.uuid4())), ("x-amzn-ErrorType", err.code)])
        return [body]
    except Exception:
        done()
        raise
    own = settings(call.account)
    session.register()  # from here on PutLogEvents reaches the session
    start_response("200 OK", [("Content-Type", "application/vnd.amazon.eventstream"),
                              ("x-amzn-RequestId", start["requestId"])])
    return LiveTailStream(session, start, own["max_seconds"], own["interval_ms"] / 1000.0,
                          environ.get("werkzeug.socket"), done)


class LiveTailStream:
    """The WSGI body: iterated by werkzeug (one chunk per message), closed when it ends."""

    def __init__(self, session: Session, start: dict, max_seconds: float, interval: float,
                 sock: socket.socket | None, done: Callable[[], None]):
        self.session, self.start = session, start
        self.max_seconds, self.interval = max_seconds, interval
        self.sock = sock
        self._done = done
        self._gen: Iterator[bytes] | None = None
        self._closed = False
        self._close_lock = threading.Lock()

    def __iter__(self) -> Iterator[bytes]:
        self._gen = self._messages()
        return self._gen

    def _messages(self) -> Iterator[bytes]:
        try:
            began = time.monotonic()
            deadline = began + self.max_seconds
            yield _frame("event", "initial-response", {}) + _frame("event", "sessionStart", self.start)
            tick = 1
            while True:
                due = began + tick * self.interval
                if due >= deadline:
                    if self._wait_until(deadline):
                        yield _frame("exception", "SessionTimeoutException", {
                            "message": f"Live Tail session timed out after {self.max_seconds:g} seconds."})
                    return
                if not self._wait_until(due):
                    return  # the client went away
                events, sampled = self.session.take()
                yield _frame("event", "sessionUpdate",
                             {"sessionMetadata": {"sampled": sampled}, "sessionResults": events})
                tick += 1
        finally:
            self.close()  # also runs when the generator is dropped after a failed write

    def _wait_until(self, when: float) -> bool:
        """Sleep until `when`; False as soon as the client has closed the connection."""
        while True:
            remaining = when - time.monotonic()
            if remaining <= 0:
                return True
            if self.sock is None:
                time.sleep(remaining)
                continue
            try:
                readable, _, _ = select.select([self.sock], [], [], remaining)
                if readable and not self.sock.recv(1, socket.MSG_PEEK):
                    return False  # orderly shutdown by the client
            except (OSError, ValueError):
                return False  # reset, or the socket is gone
            if readable:
                self.sock = None  # the client sent bytes we do not read: stop watching

    def close(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        if self._gen is not None and not self._gen.gi_running:
            self._gen.close()  # werkzeug closes us after a failed write: end the generator too
        self.session.unregister()
        self._done()


def install() -> None:
    LogStream.put_log_events = _put_log_events  # type: ignore[method-assign]
