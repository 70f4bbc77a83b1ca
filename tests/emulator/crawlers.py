"""Crawlers: deterministic crawls, LastCrawl as the model shapes it, GetCrawlerMetrics.

* StartCrawler: the crawl reads RUNNING in the first GetCrawler/GetCrawlers/
  BatchGetCrawlers answer that shows it, and SUCCEEDED (crawler READY) from the next.
  (moto's crawl is COMPLETED at once, and its LastCrawl.Status "COMPLETED" is not in
  the LastCrawlStatus enum.)
* StopCrawler: State STOPPING in the next Glue call, then READY, LastCrawl CANCELLED.
* Crawls started by a workflow trigger stay RUNNING until pinned with
  POST /batchtop/glue/crawler {"last_crawl": ...}.
* LastCrawl is the newest finished crawl (LastCrawlStatus SUCCEEDED|CANCELLED|FAILED).
"""

from __future__ import annotations

import statistics
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.glue.exceptions import CrawlerNotRunningException, CrawlerRunningException
from moto.glue.models import FakeCrawl, FakeCrawler
from moto.glue.responses import GlueResponse

import glue_hooks
from glue_ext import SeedError, _epoch, _to_datetime

# CrawlState (workflow graph) -> CrawlerHistoryState (ListCrawls) / LastCrawlStatus.
HISTORY_STATE = {"RUNNING": "RUNNING", "CANCELLING": "STOPPING", "SUCCEEDED": "COMPLETED",
                 "FAILED": "FAILED", "ERROR": "FAILED", "CANCELLED": "STOPPED"}
FROM_HISTORY = {"RUNNING": "RUNNING", "STOPPING": "CANCELLING", "COMPLETED": "SUCCEEDED",
                "FAILED": "FAILED", "STOPPED": "CANCELLED"}
LAST_CRAWL_STATUS = {"SUCCEEDED": "SUCCEEDED", "FAILED": "FAILED", "ERROR": "FAILED",
                     "CANCELLED": "CANCELLED"}
UNFINISHED_CRAWL = {"RUNNING", "CANCELLING"}
CRAWLER_FIELDS = {"account_id", "region", "name", "role", "database_name", "targets", "schedule",
                  "state", "last_crawl", "metrics", "description", "table_prefix"}
LAST_CRAWL_FIELDS = {"status", "started_on", "completed_on", "error_message", "log_group",
                     "log_stream", "message_prefix"}
METRIC_FIELDS = {"tables_created", "tables_updated", "tables_deleted", "last_runtime_seconds",
                 "median_runtime_seconds", "time_left_seconds", "still_estimating"}


class EmuCrawl(FakeCrawl):
    """A crawl whose state moves only when the emulator says so."""

    def __init__(self, crawler_name: str, state: str = "RUNNING", auto_reads: int | None = None):
        super().__init__(crawler_name)
        self.crawl_state = state
        self.auto_reads = auto_reads  # answers left showing RUNNING before SUCCEEDED
        self.error_message: str | None = None

    @property  # type: ignore[override]
    def status(self) -> str:  # moto's vocabulary (CrawlerHistoryState)
        return HISTORY_STATE[self.crawl_state]

    @status.setter
    def status(self, value: str) -> None:
        self.crawl_state = FROM_HISTORY.get(value, value)

    def advance(self) -> None:
        pass

    def finish(self, state: str, completed_on=None) -> None:
        self.crawl_state = state
        self.end_time = completed_on or utcnow()
        self.auto_reads = None

    def as_dict(self) -> dict[str, Any]:  # ListCrawls (CrawlerHistory)
        out = super().as_dict()
        if self.error_message:
            out["ErrorMessage"] = self.error_message
        return out

    def node_dict(self) -> dict[str, Any]:  # workflow graph (Crawl)
        out = {"State": self.crawl_state, "StartedOn": self.start_time, "CompletedOn": self.end_time,
               "ErrorMessage": self.error_message, "LogGroup": self.log_group, "LogStream": self.log_stream}
        return {k: v for k, v in out.items() if v is not None}


def crawl_state(crawl: FakeCrawl) -> str:
    return crawl.crawl_state if isinstance(crawl, EmuCrawl) else FROM_HISTORY.get(crawl.status, crawl.status)


def start_crawl(crawler: FakeCrawler, auto_reads: int | None = None) -> EmuCrawl:
    if crawler.crawls and crawl_state(crawler.crawls[-1]) in UNFINISHED_CRAWL:
        raise CrawlerRunningException(f"Crawler with name {crawler.name} has already started")
    crawl = EmuCrawl(crawler.name, auto_reads=auto_reads)
    crawler.crawls.append(crawl)
    return crawl


def request_cancel(glue_backend, crawl: FakeCrawl) -> None:
    crawl.status = "STOPPING"
    if isinstance(crawl, EmuCrawl):
        crawl.auto_reads = None
        glue_hooks.later(glue_backend, lambda: crawl.crawl_state == "CANCELLING" and crawl.finish("CANCELLED"))


def _start_crawler(self: FakeCrawler) -> None:
    with glue_hooks.LOCK:
        start_crawl(self, auto_reads=1)


def _stop_crawler(self: FakeCrawler) -> None:
    with glue_hooks.LOCK:
        if not self.crawls or crawl_state(self.crawls[-1]) != "RUNNING":
            raise CrawlerNotRunningException(f"Crawler with name {self.name} isn't running")
        request_cancel(self.backend, self.crawls[-1])


_moto_crawler_as_dict = FakeCrawler.as_dict


def _crawler_as_dict(self: FakeCrawler) -> dict[str, Any]:
    with glue_hooks.LOCK:
        last = self.crawls[-1] if self.crawls else None
        if isinstance(last, EmuCrawl) and last.crawl_state == "RUNNING" and last.auto_reads is not None:
            if last.auto_reads <= 0:
                last.finish("SUCCEEDED")
            else:
                last.auto_reads -= 1
        data = _moto_crawler_as_dict(self)
        data.pop("LastCrawl", None)
        finished = [c for c in self.crawls if crawl_state(c) not in UNFINISHED_CRAWL]
        if finished:
            crawl = finished[-1]
            data["LastCrawl"] = {
                "Status": LAST_CRAWL_STATUS.get(crawl_state(crawl), "FAILED"),
                "ErrorMessage": getattr(crawl, "error_message", None),
                "LogGroup": crawl.log_group, "LogStream": crawl.log_stream,
                "MessagePrefix": crawl.message_prefix, "StartTime": crawl.start_time,
            }
        running = last is not None and crawl_state(last) in UNFINISHED_CRAWL
        data["CrawlElapsedTime"] = int((utcnow() - last.start_time).total_seconds() * 1000) if running else 0
        return {k: v for k, v in data.items() if v is not None}


def batch_get_crawlers(self: GlueResponse) -> ActionResult:
    """Each named crawler read once (moto renders every crawler to compare names,
    which would move StartCrawler's RUNNING -> SUCCEEDED for crawlers not asked for)."""
    names = self._get_param("CrawlerNames") or []
    crawlers = self.glue_backend.crawlers
    found = [crawlers[n].as_dict() for n in dict.fromkeys(names) if n in crawlers]
    return ActionResult({"Crawlers": found, "CrawlersNotFound": [n for n in names if n not in crawlers]})


# --- GetCrawlerMetrics ------------------------------------------------------------

def _metrics(crawler: FakeCrawler) -> dict[str, Any]:
    pinned = getattr(crawler, "_batchtop_metrics", {})
    runtimes = [(c.end_time - c.start_time).total_seconds() for c in crawler.crawls
                if crawl_state(c) not in UNFINISHED_CRAWL and c.end_time]
    last_runtime = pinned.get("last_runtime_seconds", runtimes[-1] if runtimes else 0.0)
    median = pinned.get("median_runtime_seconds", statistics.median(runtimes) if runtimes else 0.0)
    running = crawler.crawls and crawl_state(crawler.crawls[-1]) in UNFINISHED_CRAWL
    time_left, estimating = 0.0, False
    if running:
        elapsed = (utcnow() - crawler.crawls[-1].start_time).total_seconds()
        time_left, estimating = max(0.0, median - elapsed), not median
    return {
        "CrawlerName": crawler.name,
        "TimeLeftSeconds": float(pinned.get("time_left_seconds", time_left)),
        "StillEstimating": bool(pinned.get("still_estimating", estimating)),
        "LastRuntimeSeconds": float(last_runtime),
        "MedianRuntimeSeconds": float(median),
        "TablesCreated": int(pinned.get("tables_created", 0)),
        "TablesUpdated": int(pinned.get("tables_updated", 0)),
        "TablesDeleted": int(pinned.get("tables_deleted", 0)),
    }


def get_crawler_metrics(self: GlueResponse) -> ActionResult:
    from glue_ext import _validation_error

    names = self._get_param("CrawlerNameList") or []
    max_results = self._get_param("MaxResults")
    limit = 1000 if max_results is None else int(max_results)
    if not 1 <= limit <= 1000:
        raise _validation_error(limit, "maxResults", "between 1 and 1000")
    if len(names) > 100:
        raise _validation_error(names, "crawlerNameList", "length less than or equal to 100")
    crawlers = self.glue_backend.crawlers
    with glue_hooks.LOCK:
        chosen = [crawlers[n] for n in names if n in crawlers] if names else list(crawlers.values())
        start = int(self._get_param("NextToken") or 0)
        page = chosen[start:start + limit]
        result: dict[str, Any] = {"CrawlerMetricsList": [_metrics(c) for c in page]}
    if start + limit < len(chosen):
        result["NextToken"] = str(start + limit)
    return ActionResult(result)


# --- control endpoint ------------------------------------------------------------

def _check(spec: Any, allowed: set[str], what: str) -> dict:
    if not isinstance(spec, dict):
        raise SeedError(f"'{what}' must be an object")
    unknown = set(spec) - allowed
    if unknown:
        raise SeedError(f"unknown {what} field(s): {sorted(unknown)}")
    return spec


def put_crawler(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    """Create or update a crawler, with its last crawl, running state and metrics."""
    _check(body, CRAWLER_FIELDS, "crawler")
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise SeedError("'name' is required")
    state = body.get("state")
    if state not in (None, "READY", "RUNNING", "STOPPING"):
        raise SeedError("'state' must be READY, RUNNING or STOPPING")
    if "last_crawl" in body:
        status = _check(body["last_crawl"], LAST_CRAWL_FIELDS, "last_crawl").get("status", "SUCCEEDED")
        if status not in ("SUCCEEDED", "CANCELLED", "FAILED"):
            raise SeedError("last_crawl 'status' must be SUCCEEDED, CANCELLED or FAILED")
    if "metrics" in body:
        _check(body["metrics"], METRIC_FIELDS, "metrics")
    glue_backend = glue_hooks.backend(account, region)
    with glue_hooks.LOCK:
        crawler = glue_backend.crawlers.get(name)
        if crawler is None:
            glue_backend.create_crawler(
                name=name, role=body.get("role") or f"arn:aws:iam::{account}:role/GlueCrawlerRole",
                database_name=body.get("database_name") or "default",
                description=body.get("description"),
                targets=body.get("targets") or {"S3Targets": [{"Path": f"s3://{name}/"}]},
                schedule=body.get("schedule"), classifiers=[], table_prefix=body.get("table_prefix"),
                schema_change_policy={"UpdateBehavior": "UPDATE_IN_DATABASE", "DeleteBehavior": "LOG"},
                recrawl_policy={"RecrawlBehavior": "CRAWL_EVERYTHING"},
                lineage_configuration={"CrawlerLineageSettings": "DISABLE"},
                configuration=None, crawler_security_configuration=None, tags={},
            )
            crawler = glue_backend.crawlers[name]
        else:
            for field, attr in (("role", "role"), ("database_name", "database_name"), ("targets", "targets"),
                                ("schedule", "schedule"), ("description", "description"),
                                ("table_prefix", "table_prefix")):
                if field in body:
                    setattr(crawler, attr, body[field])
            crawler.last_updated = utcnow()
        if "last_crawl" in body:
            _put_last_crawl(crawler, body["last_crawl"])
        last = crawler.crawls[-1] if crawler.crawls else None
        unfinished = last is not None and crawl_state(last) in UNFINISHED_CRAWL
        if state in ("RUNNING", "STOPPING") and not unfinished:
            last = start_crawl(crawler)
        if state == "STOPPING":
            last.crawl_state = "CANCELLING"
        elif state == "RUNNING":
            last.crawl_state, last.auto_reads = "RUNNING", None
        elif state == "READY" and unfinished:
            last.finish("CANCELLED")
        if "metrics" in body:
            crawler._batchtop_metrics = dict(body["metrics"])
    return {"name": name, "state": crawler.status, "crawls": len(crawler.crawls)}


def _put_last_crawl(crawler: FakeCrawler, spec: dict[str, Any]) -> None:
    status = spec.get("status", "SUCCEEDED")
    started = _to_datetime(spec.get("started_on"))
    completed = _to_datetime(spec.get("completed_on")) or utcnow()
    if started is not None and _epoch(completed) < _epoch(started):
        raise SeedError("last_crawl 'completed_on' is before 'started_on'")
    last = crawler.crawls[-1] if crawler.crawls else None
    if not (isinstance(last, EmuCrawl) and last.crawl_state in UNFINISHED_CRAWL):
        last = EmuCrawl(crawler.name)  # a new finished crawl; a running one is finished instead
        crawler.crawls.append(last)
    if started is not None:
        last.start_time = started
    last.finish(status, completed)
    last.error_message = spec.get("error_message")
    for field in ("log_group", "log_stream", "message_prefix"):
        if spec.get(field):
            setattr(last, field, spec[field])


def install() -> None:
    FakeCrawler.start_crawler = _start_crawler  # type: ignore[method-assign]
    FakeCrawler.stop_crawler = _stop_crawler  # type: ignore[method-assign]
    FakeCrawler.as_dict = _crawler_as_dict  # type: ignore[method-assign]
    GlueResponse.get_crawler_metrics = get_crawler_metrics  # type: ignore[attr-defined]
    GlueResponse.batch_get_crawlers = batch_get_crawlers  # type: ignore[method-assign]
