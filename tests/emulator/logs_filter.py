"""CloudWatch Logs on top of moto 5.2.5: stable event ids and FilterLogEvents.

- Every log event gets an `eventId` when it is ingested: 56 digits (as AWS's look), the
  event's timestamp followed by a process-wide sequence number, so it is unique across
  groups, streams and accounts and never changes (moto used a racy class counter).
  FilterLogEvents answers it; GetLogEvents and Live Tail have no eventId in the API model.
- FilterLogEvents is answered here (moto ignored logStreamNamePrefix, logGroupIdentifier and
  startFromHead, and only interleaved streams when asked): see README.md.
"""

from __future__ import annotations

import base64
import itertools
import json
from typing import Any

from moto.logs.exceptions import InvalidParameterException, ResourceNotFoundException
from moto.logs.models import LogEvent, LogGroup, LogsBackend
from moto.logs.responses import LogsResponse

import logs_patterns

MAX_LIMIT = 10_000
MAX_PAGE_BYTES = 1_048_576  # "Each page returned can contain up to 1 MB of log events"
EVENT_OVERHEAD_BYTES = 26  # what AWS counts per event on top of its message (PutLogEvents)
START_FROM_TAIL_MIN_START = 1_704_067_200_000  # startFromHead false needs startTime >= 2024-01-01

_SEQUENCE = itertools.count(1)  # next() on itertools.count is atomic under the GIL
_original_event_init = LogEvent.__init__


def _event_init(self: LogEvent, ingestion_time: int, log_event: dict[str, Any]) -> None:
    _original_event_init(self, ingestion_time, log_event)
    self.batchtop_seq = next(_SEQUENCE)
    self.event_id = f"{max(int(self.timestamp), 0) % 10**20:020d}{self.batchtop_seq:036d}"


def event_seq(event: LogEvent) -> int:
    return getattr(event, "batchtop_seq", 0)


def find_group(backend: LogsBackend, identifier: str) -> LogGroup | None:
    """A log group by name or by ARN (with or without a trailing `:*`)."""
    if identifier.startswith("arn:"):
        arn = identifier[:-2] if identifier.endswith(":*") else identifier
        return next((g for g in backend.groups.values() if g.arn == arn), None)
    return backend.groups.get(identifier)


# --- FilterLogEvents -------------------------------------------------------------------

def _key(event: LogEvent) -> tuple[int, int, int]:
    """AWS's order: event timestamp, ingestion time, then the PutLogEvents request."""
    return (int(event.timestamp), int(event.ingestion_time), event_seq(event))


def _token(group: str, direction: str, key: tuple[int, int, int]) -> str:
    raw = "|".join(["bt1", group, direction, *map(str, key)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _untoken(token: str, group: str) -> tuple[str, tuple[int, int, int]] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tag, token_group, direction, *key = raw.split("|")
        if tag != "bt1" or token_group != group or direction not in ("f", "b") or len(key) != 3:
            return None
        return direction, (int(key[0]), int(key[1]), int(key[2]))
    except (ValueError, UnicodeDecodeError):
        return None


def filter_log_events(self: LogsResponse) -> str:
    backend = self.logs_backend
    name = self._get_param("logGroupName")
    identifier = self._get_param("logGroupIdentifier")
    if name and identifier:
        raise InvalidParameterException("LogGroup name and LogGroup ARN are mutually exclusive parameters.")
    if not name and not identifier:
        raise InvalidParameterException("Either logGroupName or logGroupIdentifier must be specified.")
    group = backend.groups.get(name) if name else find_group(backend, identifier)
    if group is None:
        raise ResourceNotFoundException()
    stream_names = self._get_param("logStreamNames")
    prefix = self._get_param("logStreamNamePrefix")
    if stream_names is not None and prefix is not None:
        raise InvalidParameterException(
            "Cannot specify both logStreamNames and logStreamNamePrefix.")
    if stream_names is not None and not 1 <= len(stream_names) <= 100:
        raise InvalidParameterException(
            constraint="Member must have length between 1 and 100", parameter="logStreamNames",
            value=stream_names)
    limit = self._get_param("limit")
    if limit is None:
        limit = MAX_LIMIT
    elif not isinstance(limit, int) or limit < 1:
        raise InvalidParameterException(
            constraint="Member must have value greater than or equal to 1", parameter="limit", value=limit)
    elif limit > MAX_LIMIT:
        raise InvalidParameterException(
            constraint=f"Member must have value less than or equal to {MAX_LIMIT}", parameter="limit",
            value=limit)
    matcher = logs_patterns.EventFilter(self._get_param("filterPattern"))
    start_time = self._get_param("startTime")
    end_time = self._get_param("endTime")
    start_from_head = self._get_param("startFromHead")
    if start_from_head is False and start_time is not None and start_time < START_FROM_TAIL_MIN_START:
        raise InvalidParameterException(
            "startFromHead=false is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC.")

    direction = "b" if start_from_head is False else "f"
    cursor = None
    next_token = self._get_param("nextToken")
    if next_token:
        parsed = _untoken(next_token, group.name)
        if parsed is None:  # as moto found AWS does: an unknown token gives an empty page
            return json.dumps({"events": [], "searchedLogStreams": []})
        direction, cursor = parsed

    streams = [s for n, s in list(group.streams.items())
               if (stream_names is None or n in stream_names) and (prefix is None or n.startswith(prefix))]
    found: list[tuple[tuple[int, int, int], str, LogEvent]] = []
    for stream in streams:
        for event in list(stream.events):
            if start_time is not None and event.timestamp < start_time:
                continue
            if end_time is not None and event.timestamp > end_time:
                continue
            key = _key(event)
            if cursor is not None and (key <= cursor if direction == "f" else key >= cursor):
                continue
            if matcher.matches(event.message):
                found.append((key, stream.log_stream_name, event))
    found.sort(key=lambda item: item[0], reverse=direction == "b")

    page, size = [], 0
    for key, stream_name, event in found:
        size += len(event.message.encode()) + EVENT_OVERHEAD_BYTES
        if len(page) >= limit or (page and size > MAX_PAGE_BYTES):
            break
        page.append((key, stream_name, event))
    answer: dict[str, Any] = {
        "events": [
            {"logStreamName": stream_name, "timestamp": event.timestamp, "message": event.message,
             "ingestionTime": event.ingestion_time, "eventId": str(event.event_id)}
            for _, stream_name, event in page
        ],
        "searchedLogStreams": [{"logStreamName": s.log_stream_name, "searchedCompletely": True}
                               for s in streams],
    }
    if len(page) < len(found):
        answer["nextToken"] = _token(group.name, direction, page[-1][0])
    return json.dumps(answer)


def install() -> None:
    LogEvent.__init__ = _event_init  # type: ignore[method-assign]
    LogsResponse.filter_log_events = filter_log_events  # type: ignore[method-assign]
    logs_patterns.install()
