"""Per-account fault injection and call counting for the test emulator.

Faults are queued per account, oldest first: a call takes the oldest fault
whose operation (or "*") and service (or "*") match it; each fault answers
`count` calls and is then dropped.  Nothing here is shared between
accounts, so tests running in parallel (one account each) never see each
other's faults or counters.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape

KINDS = (
    "throttle",
    "http500",
    "apply_then_500",  # moto carries the call out, then the client gets http500's answer
    "delay",
    "access_denied",
    "expired_token",
    "unrecognized_client",
)

# The 5xx error each service models for an internal failure; "InternalFailure"
# is the common AWS error for services that model none.
INTERNAL_ERROR_BY_SERVICE = {
    "glue": "InternalServiceException",
    "emr-serverless": "InternalServerException",
    "logs": "ServiceUnavailableException",
}


@dataclass
class Fault:
    kind: str
    remaining: int
    delay_ms: int = 0
    operation: str = "*"  # "*" = any operation
    service: str = "*"  # SigV4 signing name ("glue", "emr-serverless", ...); "*" = any


@dataclass
class Chaos:
    """Faults by chance: each matching call answers `kind` with its probability (the first
    kind drawn wins), until cleared."""

    odds: dict[str, float]
    rng: random.Random
    operation: str = "*"
    service: str = "*"

    def draw(self, service: str, operation: str) -> Fault | None:
        if self.operation not in ("*", operation) or self.service not in ("*", service):
            return None
        x = self.rng.random()
        for kind, p in self.odds.items():
            if x < p:
                return Fault(kind, 1)
            x -= p
        return None


class FaultBook:
    """Thread-safe store of queued faults and call counts, keyed by account."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._chaos: dict[str, Chaos] = {}
        self._calls: dict[str, Counter[tuple[str, str]]] = {}
        self._inflight: dict[str, Counter[str]] = {}
        self._peak: dict[str, Counter[str]] = {}
        self._times: dict[str, list[tuple[str, str, int]]] = {}  # (service, operation, epoch ms)

    def add(self, account: str, fault: Fault) -> None:
        with self._lock:
            self._faults.setdefault(account, []).append(fault)

    def clear(self, account: str) -> None:
        with self._lock:
            self._faults.pop(account, None)
            self._chaos.pop(account, None)

    def set_chaos(self, account: str, chaos: Chaos) -> None:
        with self._lock:
            self._chaos[account] = chaos

    def take(self, account: str, service: str, operation: str) -> Fault | None:
        """Consume one use of the oldest queued fault that matches this call; else draw
        from the account's chaos, if any."""
        with self._lock:
            queue = self._faults.get(account, [])
            for i, fault in enumerate(queue):
                if fault.operation in ("*", operation) and fault.service in ("*", service):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        del queue[i]
                    return fault
            chaos = self._chaos.get(account)
            return chaos.draw(service, operation) if chaos else None

    def count_call(self, account: str, service: str, operation: str) -> None:
        with self._lock:
            self._calls.setdefault(account, Counter())[(service, operation)] += 1
            self._times.setdefault(account, []).append((service, operation, time.time_ns() // 1_000_000))

    def call_times(self, account: str, operation: str | None = None, service: str | None = None) -> list[int]:
        """Arrival times (epoch ms, ascending) of the calls of one operation (or all)."""
        with self._lock:
            times = self._times.get(account, [])
            return sorted(t for svc, op, t in times if service in (None, svc) and operation in (None, op))

    def calls(self, account: str, service: str | None = None) -> dict[str, int]:
        """Calls per operation name, of one service or (summed by name) of all."""
        totals: Counter[str] = Counter()
        with self._lock:
            for (svc, operation), n in self._calls.get(account, {}).items():
                if service in (None, svc):
                    totals[operation] += n
        return dict(totals)

    def enter(self, account: str, operation: str) -> None:
        """A call started: track how many of this operation are in flight at once."""
        with self._lock:
            now = self._inflight.setdefault(account, Counter())
            now[operation] += 1
            peak = self._peak.setdefault(account, Counter())
            peak[operation] = max(peak[operation], now[operation])

    def leave(self, account: str, operation: str) -> None:
        with self._lock:
            self._inflight.setdefault(account, Counter())[operation] -= 1

    def peaks(self, account: str) -> dict[str, int]:
        """Most calls of each operation that were in flight at the same time."""
        with self._lock:
            return dict(self._peak.get(account, {}))

    def reset_calls(self, account: str) -> None:
        with self._lock:
            self._calls.pop(account, None)
            self._peak.pop(account, None)
            self._times.pop(account, None)

    def reset_all(self) -> None:
        with self._lock:
            self._faults.clear()
            self._chaos.clear()
            self._calls.clear()
            self._peak.clear()
            self._times.clear()


@dataclass
class CallInfo:
    """What the middleware learnt about an AWS request."""

    account: str
    region: str
    service: str  # SigV4 signing name, e.g. "glue", "sts"
    protocol: str  # "json" (X-Amz-Target), "query" (form Action=), "rest"
    operation: str
    params: dict


def _access_denied_message(call: CallInfo) -> str:
    action = f"{call.service}:{call.operation}"
    resource = f"arn:aws:{call.service}:{call.region}:{call.account}:*"
    if call.service == "glue" and isinstance(call.params.get("JobName"), str):
        resource = f"arn:aws:glue:{call.region}:{call.account}:job/{call.params['JobName']}"
    return (
        f"User: arn:aws:iam::{call.account}:user/test is not authorized to perform: "
        f"{action} on resource: {resource} because no identity-based policy allows "
        f"the {action} action"
    )


def _error_for(kind: str, call: CallInfo) -> tuple[int, str, str]:
    """(HTTP status, error code, message) as the service's protocol reports it."""
    internal = INTERNAL_ERROR_BY_SERVICE.get(call.service, "InternalFailure")
    if call.protocol == "query":
        # Query services (STS, IAM) use their own spellings of the common errors.
        table = {
            "throttle": (400, "Throttling", "Rate exceeded"),
            "http500": (500, "InternalFailure", "An internal error occurred."),
            "access_denied": (403, "AccessDenied", _access_denied_message(call)),
            "expired_token": (400, "ExpiredToken", "The security token included in the request is expired"),
            "unrecognized_client": (403, "InvalidClientTokenId", "The security token included in the request is invalid."),
        }
    elif call.protocol == "rest":
        table = {
            "throttle": (429, "ThrottlingException", "Rate exceeded"),
            "http500": (500, internal, "An internal error occurred."),
            "access_denied": (403, "AccessDeniedException", _access_denied_message(call)),
            "expired_token": (403, "ExpiredTokenException", "The security token included in the request is expired"),
            "unrecognized_client": (403, "UnrecognizedClientException", "The security token included in the request is invalid."),
        }
    else:  # awsJson1_0 / awsJson1_1
        table = {
            "throttle": (400, "ThrottlingException", "Rate exceeded"),
            "http500": (500, internal, "An internal error occurred."),
            "access_denied": (400, "AccessDeniedException", _access_denied_message(call)),
            "expired_token": (400, "ExpiredTokenException", "The security token included in the request is expired"),
            "unrecognized_client": (400, "UnrecognizedClientException", "The security token included in the request is invalid."),
        }
    return table[kind]


def error_response(kind: str, call: CallInfo, start_response) -> list[bytes]:
    """Answer the request with the injected error, in the wire shape of its protocol."""
    status, code, message = _error_for(kind, call)
    request_id = str(uuid.uuid4())
    if call.protocol == "query":
        sender = "Receiver" if status >= 500 else "Sender"
        body = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<Error><Type>{sender}</Type><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        content_type = "text/xml"
    elif call.protocol == "rest":  # restJson1: the code travels in x-amzn-ErrorType only
        body = json.dumps({"message": message}).encode()
        content_type = "application/json"
    else:
        body = json.dumps({"__type": code, "message": message}).encode()
        content_type = (
            "application/x-amz-json-1.1" if call.protocol == "json" else "application/json"
        )
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(len(body))),
        ("x-amzn-RequestId", request_id),
    ]
    if call.protocol != "query":
        headers.append(("x-amzn-ErrorType", code))
    start_response(f"{status} {_REASONS.get(status, 'Error')}", headers)
    return [body]


_REASONS = {400: "Bad Request", 403: "Forbidden", 429: "Too Many Requests", 500: "Internal Server Error"}
