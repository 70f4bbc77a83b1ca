"""WSGI middleware in front of moto: control endpoints, call counting, fault injection."""

from __future__ import annotations

import io
import json
import os
import random
import re
import threading
import time
from typing import Any, Callable
from urllib.parse import parse_qs

import bookmarks
import catalog_seed
import crawlers
import dq_seed
import emr
import emr_seed
import glue_ext
import glue_hooks
import logs_tail
import workflow_seed
import workflows
from faults import KINDS, CallInfo, Chaos, Fault, FaultBook, error_response

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
ACCOUNT_RE = re.compile(r"^\d{12}$")
# SigV4: Credential=<access key>/<yyyymmdd>/<region>/<service>/aws4_request
CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
TARGET_PREFIX_SERVICE = {"AWSGlue": "glue", "Logs_20140328": "logs", "AWSInsightsIndexService": "ce"}


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class BatchtopMiddleware:
    def __init__(self, app: Callable, book: FaultBook | None = None):
        self.app = app
        self.book = book or FaultBook()
        self._routers: dict[str, Any] = {}
        self._router_lock = threading.Lock()
        self._s3_log: dict[str, list[dict[str, str]]] = {}  # account -> S3 calls with their query

    # --- WSGI entry ------------------------------------------------------------------

    def __call__(self, environ: dict, start_response: Callable) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/batchtop/"):
            return self._control(environ, start_response)
        if path.startswith("/moto-api"):
            if path.rstrip("/") == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
                self.book.reset_all()
                with self._router_lock:
                    self._s3_log.clear()
            return self.app(environ, start_response)
        call = self._identify(environ)
        if call is None:
            return self.app(environ, start_response)
        self.book.count_call(call.account, call.service, call.operation)
        if call.service == "s3":
            with self._router_lock:
                self._s3_log.setdefault(call.account, []).append({"operation": call.operation, **call.params})
        self.book.enter(call.account, call.operation)
        streaming = False  # StartLiveTail: the stream leaves the in-flight count when it ends
        try:
            fault = self.book.take(call.account, call.service, call.operation)
            if fault is not None and fault.kind == "apply_then_500":
                # The call takes effect; its answer is lost, as when AWS acted and then failed.
                self._forward(call, environ, _discard_answer)
                return error_response("http500", call, start_response)
            if fault is not None:
                if fault.kind != "delay":
                    return error_response(fault.kind, call, start_response)
                time.sleep(fault.delay_ms / 1000.0)
            if (call.service, call.operation) == ("logs", "StartLiveTail"):
                streaming = True
                return logs_tail.respond(call, environ, start_response,
                                         lambda: self.book.leave(call.account, call.operation))
            return self._forward(call, environ, start_response)
        finally:
            if not streaming:
                self.book.leave(call.account, call.operation)

    def _forward(self, call: CallInfo, environ: dict, start_response: Callable) -> list[bytes]:
        """Let moto (and the emulator's additions) answer; the work is done when this returns."""
        if call.service != "glue":
            return list(self.app(environ, start_response))
        number = glue_hooks.before_call(call.account, call.region)
        try:
            return list(self.app(environ, start_response))
        finally:
            glue_hooks.after_call(call.account, call.region, number)

    # --- recognising AWS calls -----------------------------------------------------------

    def _identify(self, environ: dict) -> CallInfo | None:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        match = CREDENTIAL_RE.search(auth)
        access_key, region, service = match.groups() if match else ("", DEFAULT_REGION, "")
        target = environ.get("HTTP_X_AMZ_TARGET")
        content_type = environ.get("CONTENT_TYPE", "")
        if target:
            body = _peek_body(environ)
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                params = {}
            protocol, operation = "json", target.rsplit(".", 1)[-1]
            if not service:  # unsigned call: guess the signing name from the target prefix
                prefix = target.split(".", 1)[0]
                service = TARGET_PREFIX_SERVICE.get(prefix, prefix.lower())
        elif content_type.startswith("application/x-www-form-urlencoded"):
            form = parse_qs((_peek_body(environ) or b"").decode("utf-8", "replace"))
            query = parse_qs(environ.get("QUERY_STRING", ""))
            action = (form.get("Action") or query.get("Action") or [None])[0]
            if not action:
                return None
            protocol, operation, params = "query", action, {}
        elif service:
            protocol, operation = "rest", self._rest_operation(service, environ)
            query = parse_qs(environ.get("QUERY_STRING", ""))
            params = {k: v[0] for k, v in query.items()} if service == "s3" else {}
            if service == "s3" and environ.get("HTTP_RANGE"):
                params["range"] = environ["HTTP_RANGE"]
        else:
            return None
        return CallInfo(
            account=_account_of(environ, access_key),
            region=region,
            service=service,
            protocol=protocol,
            operation=operation,
            params=params if isinstance(params, dict) else {},
        )

    def _rest_operation(self, service: str, environ: dict) -> str:
        """Operation name of a rest-json/rest-xml call, via moto's own router (best effort)."""
        fallback = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
        try:
            from moto.core.request import Request
            from moto.core.routing import get_service_router

            with self._router_lock:
                router = self._routers.get(service)
                if router is None:
                    router = self._routers[service] = get_service_router(service)
            # The router looks at method, path and query only: give it no body to read.
            shallow = dict(environ, **{"wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0"})
            operation, _ = router.match(Request(shallow))
            return operation.name
        except Exception:
            return fallback

    # --- control endpoints ---------------------------------------------------------------

    def _control(self, environ: dict, start_response: Callable) -> Any:
        method = environ.get("REQUEST_METHOD")
        path = environ.get("PATH_INFO", "").rstrip("/")
        try:
            if method == "GET" and path == "/batchtop/calls":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                account = _check_account((query.get("account_id") or [DEFAULT_ACCOUNT])[0])
                service = (query.get("service") or [None])[0]
                return _json(start_response, 200, self.book.calls(account, service))
            if method == "GET" and path == "/batchtop/s3-calls":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                account = _check_account((query.get("account_id") or [DEFAULT_ACCOUNT])[0])
                with self._router_lock:
                    return _json(start_response, 200, {"calls": list(self._s3_log.get(account, []))})
            if method == "GET" and path == "/batchtop/inflight":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                account = _check_account((query.get("account_id") or [DEFAULT_ACCOUNT])[0])
                return _json(start_response, 200, self.book.peaks(account))
            if method == "GET" and path == "/batchtop/call-times":
                query = parse_qs(environ.get("QUERY_STRING", ""))
                account = _check_account((query.get("account_id") or [DEFAULT_ACCOUNT])[0])
                operation = (query.get("operation") or [None])[0]
                service = (query.get("service") or [None])[0]
                return _json(start_response, 200, {"times_ms": self.book.call_times(account, operation, service)})
            if method != "POST":
                raise ControlError(f"no such endpoint: {method} {path}", 404)
            body = _read_json(environ)
            account = _check_account(body.get("account_id", DEFAULT_ACCOUNT))
            region = body.get("region") or DEFAULT_REGION
            if path.startswith("/batchtop/glue/"):
                with glue_hooks.LOCK:
                    answer = self._glue_control(path, account, region, body)
                    workflows.evaluate(account, region)  # a state may have changed: fire triggers
                return _json(start_response, 200, answer)
            if path.startswith("/batchtop/emr/"):
                with emr.LOCK:
                    return _json(start_response, 200, _emr_control(path, account, region, body))
            if path == "/batchtop/logs/live-tail":
                return _json(start_response, 200, logs_tail.configure(account, body))
            if path == "/batchtop/access-key":
                return _json(start_response, 200, _access_key(account))
            if path == "/batchtop/faults":
                return _json(start_response, 200, self._add_fault(account, body))
            if path == "/batchtop/faults/chaos":
                return _json(start_response, 200, self._set_chaos(account, body))
            if path == "/batchtop/faults/clear":
                self.book.clear(account)
                return _json(start_response, 200, {"cleared": account})
            if path == "/batchtop/s3/objects":
                return _json(start_response, 200, catalog_seed.put_objects(account, region, body))
            if path == "/batchtop/calls/reset":
                with self._router_lock:
                    self._s3_log.pop(account, None)
                self.book.reset_calls(account)
                return _json(start_response, 200, {"reset": account})
            raise ControlError(f"no such endpoint: {method} {path}", 404)
        except (ControlError, glue_ext.SeedError) as err:
            return _json(start_response, err.status, {"error": str(err)})
        except (TypeError, ValueError, KeyError) as err:  # malformed field values
            return _json(start_response, 400, {"error": f"{type(err).__name__}: {err}"})

    def _glue_control(self, path: str, account: str, region: str, body: dict) -> Any:
        if path == "/batchtop/glue/seed":
            jobs = body.get("jobs")
            if not isinstance(jobs, list):
                raise ControlError("'jobs' must be a list")
            return glue_ext.seed(account, region, jobs)
        if path in ("/batchtop/glue/job-run", "/batchtop/glue/bookmark"):
            job_name = body.get("job_name")
            if not isinstance(job_name, str):
                raise ControlError("'job_name' is required")
            if path.endswith("/bookmark"):
                return bookmarks.set_history(account, region, job_name, body.get("entries"))
            run = {k: v for k, v in body.items() if k not in ("account_id", "region", "job_name")}
            return {"run_id": glue_ext.put_run(account, region, job_name, run)}
        if path == "/batchtop/glue/crawler":
            return crawlers.put_crawler(account, region, body)
        if path == "/batchtop/glue/catalog":
            return catalog_seed.put_catalog(account, region, body)
        if path == "/batchtop/glue/workflow":
            return workflow_seed.put_workflow(account, region, body)
        if path.startswith("/batchtop/glue/dq-"):
            answer = dq_seed.handle(path, account, region, body)
            if answer is not None:
                return answer
        raise ControlError(f"no such endpoint: POST {path}", 404)

    def _set_chaos(self, account: str, body: dict) -> dict:
        """Faults by chance: {"throttle": 0.3, "http500": 0.05, "seed": 7, "operation": "*",
        "service": "*"} until /batchtop/faults/clear."""
        odds = {k: body[k] for k in KINDS if k in body}
        if not odds or any(not isinstance(p, (int, float)) or not 0 <= p <= 1 for p in odds.values()):
            raise ControlError(f"give each fault kind's probability (0 to 1), e.g. {{\"throttle\": 0.3}}; kinds: {list(KINDS)}")
        if sum(odds.values()) > 1:
            raise ControlError("the probabilities add up to more than 1")
        if "delay" in odds or "apply_then_500" in odds:
            raise ControlError("chaos answers errors only (not delay or apply_then_500)")
        seed = body.get("seed", 0)
        operation = body.get("operation") or "*"
        service = body.get("service") or "*"
        self.book.set_chaos(account, Chaos(odds, random.Random(seed), operation, service))
        return {"account_id": account, "odds": odds, "operation": operation, "service": service}

    def _add_fault(self, account: str, body: dict) -> dict:
        operation = body.get("operation")
        kind = body.get("kind")
        if not isinstance(operation, str) or not operation:
            raise ControlError("'operation' is required (e.g. \"GetJobRuns\", or \"*\" for any)")
        if kind not in KINDS:
            raise ControlError(f"'kind' must be one of {list(KINDS)}")
        count = body.get("count", 1)
        delay_ms = body.get("delay_ms", 0)
        if not isinstance(count, int) or count < 1:
            raise ControlError("'count' must be a positive integer")
        if not isinstance(delay_ms, (int, float)) or delay_ms < 0:
            raise ControlError("'delay_ms' must be a non-negative number")
        service = body.get("service") or "*"
        if not isinstance(service, str):
            raise ControlError("'service' must be a SigV4 signing name such as \"glue\"")
        self.book.add(account, Fault(kind, count, int(delay_ms), operation, service))
        return {"account_id": account, "service": service, "operation": operation, "kind": kind, "count": count}


# --- helpers -------------------------------------------------------------------------

def _discard_answer(_status: str, _headers: list, _exc_info: Any = None) -> Callable[[bytes], None]:
    """A WSGI start_response that drops the answer (its write callable drops the body too)."""
    return lambda _data: None


def _emr_control(path: str, account: str, region: str, body: dict) -> Any:
    if path == "/batchtop/emr/application":
        return emr_seed.put_application(account, region, body)
    if path == "/batchtop/emr/job-run":
        spec = {k: v for k, v in body.items() if k not in ("account_id", "region", "application_id")}
        ids = emr_seed.put_runs(account, region, body.get("application_id"), [spec])
        return {"job_run_id": ids[0]}
    if path == "/batchtop/emr/job-runs":
        runs = body.get("runs")
        if not isinstance(runs, list):
            raise ControlError("'runs' must be a list")
        extra = set(body) - {"account_id", "region", "application_id", "runs"}
        if extra:
            raise ControlError(f"unknown field(s): {sorted(extra)}")
        return {"job_run_ids": emr_seed.put_runs(account, region, body.get("application_id"), runs)}
    raise ControlError(f"no such endpoint: POST {path}", 404)


def _access_key(account: str) -> dict:
    """An IAM user with an access key in `account`: moto files calls signed with that key
    under the account, so a process that only has AWS_ACCESS_KEY_ID (the batchtop binary)
    lands in the test's own account through the standard credential chain."""
    from moto.iam.models import iam_backends

    iam = iam_backends[account]["aws"]
    name = f"batchtop-test-{len(iam.users) + 1}"
    iam.create_user(DEFAULT_REGION, name)
    key = iam.create_access_key(name)
    return {"access_key_id": key.access_key_id, "secret_access_key": key.secret_access_key, "user": name}


def _account_of(environ: dict, access_key: str) -> str:
    """The account moto will file this call under (same precedence as moto)."""
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if header:
        return header
    if access_key:
        from moto.iam.models import get_account_id_from

        return get_account_id_from(access_key)
    return DEFAULT_ACCOUNT


def _peek_body(environ: dict) -> bytes | None:
    """Read the request body and put it back for moto to read again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length <= 0:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _read_json(environ: dict) -> dict:
    raw = _peek_body(environ) or b"{}"
    try:
        body = json.loads(raw)
    except ValueError as err:
        raise ControlError(f"body is not JSON: {err}") from None
    if not isinstance(body, dict):
        raise ControlError("body must be a JSON object")
    return body


def _check_account(account: Any) -> str:
    if not isinstance(account, str) or not ACCOUNT_RE.match(account):
        raise ControlError("'account_id' must be 12 digits")
    return account


def _json(start_response: Callable, status: int, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found"}.get(status, "Error")
    start_response(
        f"{status} {reason}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
