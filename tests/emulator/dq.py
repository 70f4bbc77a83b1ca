"""Glue Data Quality: shared plumbing and the result operations (moto 5.2.5 answers
HTTP 500 for every Data Quality operation).

State lives on moto's Glue backend (glue_hooks.state), so it is per account and
region and /moto-api/reset wipes it.  Times are kept as integer milliseconds since
the epoch and go out as epoch seconds with milliseconds, so a StartedOn read back
and sent as StartedAfter excludes exactly that result.

* ListDataQualityResults: newest first (StartedOn, then ResultId, descending);
  Filter DataSource / JobName / JobRunId / StartedAfter / StartedBefore (exclusive) /
  EvaluationRunMode / DataQualityEvaluationConfig; MaxResults 1..1000 (default 100);
  NextToken is a cursor (results added between pages neither repeat nor shift pages).
* GetDataQualityResult: the DataQualityResult; unknown id EntityNotFoundException.
* BatchGetDataQualityResult: Results (order asked) + ResultsNotFound (left out when empty).

Rulesets are in dq_rulesets.py, evaluation runs in dq_runs.py, the control
endpoints in dq_seed.py.
"""

from __future__ import annotations

import base64
import json
import re
import time
from datetime import datetime, timedelta
from typing import Any

from moto.core.responses import ActionResult
from moto.glue.exceptions import EntityNotFoundException, GlueClientError
from moto.glue.responses import GlueResponse
from moto.moto_api._internal import mock_random

import glue_hooks

EPOCH = datetime(1970, 1, 1)
PAGE_DEFAULT = 100
PAGE_MAX = 1000  # PageSize in the model
RUN_MODES = ("ON_DEMAND", "EVALUATION_CONFIG")
RULE_RESULTS = ("PASS", "FAIL", "ERROR")
TIME_KEYS = ("StartedOn", "CompletedOn", "CreatedOn", "LastModifiedOn")


# --- state, ids, times --------------------------------------------------------------

def store(glue_backend) -> dict[str, Any]:
    """{"rulesets": {name: rec}, "runs": {id: rec}, "results": {id: rec},
        "tokens": {client token: run id}, "seq": int}"""
    return glue_hooks.state(glue_backend, "dq", lambda: {
        "rulesets": {}, "runs": {}, "results": {}, "tokens": {}, "seq": 0})


def next_seq(glue_backend) -> int:
    st = store(glue_backend)
    st["seq"] += 1
    return st["seq"]


def new_id(prefix: str) -> str:
    return f"{prefix}-{mock_random.getrandbits(160):040x}"


def now_ms() -> int:
    return int(time.time() * 1000)


def ms_of(value: Any, member: str) -> int:
    """Epoch seconds (what the SDKs send for a Timestamp in awsJson) -> milliseconds."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise validation(member, value, "be a timestamp in epoch seconds")
    return int(round(float(value) * 1000))


def render(rec: dict[str, Any], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """A stored record as the model shapes it: private keys (leading _) and None left out,
    times as datetimes (moto's serializer writes them as epoch seconds)."""
    out: dict[str, Any] = {}
    for key, value in rec.items():
        if key.startswith("_") or value is None or (keys is not None and key not in keys):
            continue
        if key in TIME_KEYS:
            value = EPOCH + timedelta(milliseconds=value)
        out[key] = value
    return out


# --- errors and input checks ----------------------------------------------------------

def validation(member: str, value: Any, constraint: str) -> GlueClientError:
    shown = "null" if value is None else f"'{value}'"
    return GlueClientError("ValidationException", f"1 validation error detected: Value {shown} at "
                           f"'{member}' failed to satisfy constraint: Member must {constraint}")


def invalid(message: str) -> GlueClientError:
    return GlueClientError("InvalidInputException", message)


def not_found(message: str) -> EntityNotFoundException:
    return EntityNotFoundException(message)


def required(params: dict[str, Any], key: str, member: str) -> Any:
    value = params.get(key)
    if value is None or value == "":
        raise validation(member, None, "not be null")
    return value


def text(params: dict[str, Any], key: str, member: str, lo: int = 1, hi: int = 255,
         must: bool = False) -> str | None:
    value = required(params, key, member) if must else params.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise validation(member, value, "be a string")
    if not lo <= len(value) <= hi:
        raise validation(member, value, f"have length between {lo} and {hi}")
    return value


def page_size(value: Any) -> int:
    if value is None:
        return PAGE_DEFAULT
    if isinstance(value, bool) or not isinstance(value, int):
        raise validation("maxResults", value, "be an integer")
    limit = value
    if not 1 <= limit <= PAGE_MAX:
        raise validation("maxResults", limit, f"have value between 1 and {PAGE_MAX}")
    return limit


def encode_token(kind: str, key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([kind, key]).encode()).decode()


def decode_token(kind: str, token: str) -> list[Any]:
    try:
        got_kind, key = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError):
        raise invalid("Invalid pagination token") from None
    if got_kind != kind or not isinstance(key, list):
        raise invalid("Invalid pagination token")
    return key


def page(items: list[dict[str, Any]], key_of, kind: str, token: str | None, limit: int):
    """items sorted by key_of descending: (the page, NextToken or None)."""
    if token:
        cursor = decode_token(kind, token)
        items = [i for i in items if list(key_of(i)) < cursor]
    chosen = items[:limit]
    more = encode_token(kind, list(key_of(chosen[-1]))) if len(items) > limit else None
    return chosen, more


# --- data sources ---------------------------------------------------------------------

def check_data_source(ds: Any, member: str) -> dict[str, Any]:
    """A DataSource as the API takes it: GlueTable or DataQualityGlueTable, each with
    DatabaseName and TableName."""
    if not isinstance(ds, dict):
        raise validation(member, None, "not be null")
    tables = [k for k in ("GlueTable", "DataQualityGlueTable") if ds.get(k) is not None]
    if not tables:
        raise invalid("DataSource must have a GlueTable or a DataQualityGlueTable")
    for key in tables:
        table = ds[key]
        if not isinstance(table, dict):
            raise validation(f"{member}.{key[0].lower()}{key[1:]}", table, "be a structure")
        for name in ("DatabaseName", "TableName"):
            text(table, name, f"{member}.{key[0].lower()}{key[1:]}.{name[0].lower()}{name[1:]}", must=True)
    return ds


def table_of(ds: dict[str, Any] | None) -> tuple[str, str, str | None] | None:
    if not ds:
        return None
    table = ds.get("GlueTable") or ds.get("DataQualityGlueTable")
    if not table:
        return None
    return table["DatabaseName"], table["TableName"], table.get("CatalogId")


def source_matches(wanted: dict[str, Any], ds: dict[str, Any] | None, account: str) -> bool:
    want, have = table_of(wanted), table_of(ds)
    if have is None or want is None or want[:2] != have[:2]:
        return False
    return want[2] is None or want[2] == (have[2] or account)


def glue_table(database: str, table: str, catalog_id: str | None = None) -> dict[str, Any]:
    out = {"DatabaseName": database, "TableName": table}
    if catalog_id:
        out["CatalogId"] = catalog_id
    return {"GlueTable": out}


# --- DQDL -----------------------------------------------------------------------------

def parse_rules(ruleset: str) -> list[str]:
    """The rules of a DQDL ruleset (`Rules = [ rule, rule, ... ]`), split on the commas
    that are not inside quotes, brackets or parentheses."""
    found = re.search(r"\bRules\s*=\s*\[", ruleset)
    if not found:
        raise invalid("Invalid DQDL ruleset: expected 'Rules = [ ... ]'")
    items, current, depth, quote, i = [], [], 1, None, found.end()
    while i < len(ruleset):
        char = ruleset[i]
        if quote:
            if char == "\\" and i + 1 < len(ruleset):
                current.append(char)
                i += 1
                char = ruleset[i]
            elif char == quote:
                quote = None
        elif char == '"':
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
            if depth == 0:
                break
        elif char == "," and depth == 1:
            items.append("".join(current).strip())
            current = []
            i += 1
            continue
        current.append(char)
        i += 1
    if depth != 0:
        raise invalid("Invalid DQDL ruleset: unbalanced brackets in Rules")
    items.append("".join(current).strip())
    rules = [r for r in items if r]
    if not rules:
        raise invalid("Invalid DQDL ruleset: Rules must contain at least one rule")
    return rules


def passing_rule_result(index: int, rule: str) -> dict[str, Any]:
    """The DataQualityRuleResult of a generated (all-pass) evaluation."""
    metrics: dict[str, float] = {}
    column = re.match(r'\s*(IsComplete|Completeness|IsUnique|Uniqueness)\s+"([^"]+)"', rule)
    if column:
        kind = "Completeness" if "omplete" in column.group(1) else "Uniqueness"
        metrics[f"Column.{column.group(2)}.{kind}"] = 1.0
    return {"Name": f"Rule_{index + 1}", "Description": rule, "Result": "PASS",
            "EvaluatedMetrics": metrics, "EvaluatedRule": rule}


# --- results --------------------------------------------------------------------------

RESULT_KEYS = ("ResultId", "EvaluationRunMode", "DataQualityEvaluationConfig", "ProfileId", "Score",
               "DataSource", "RulesetName", "EvaluationContext", "StartedOn", "CompletedOn", "JobName",
               "JobRunId", "RulesetEvaluationRunId", "RuleResults", "AnalyzerResults", "Observations",
               "AggregatedMetrics")
DESCRIPTION_KEYS = ("ResultId", "EvaluationRunMode", "DataQualityEvaluationConfig", "DataSource",
                    "JobName", "JobRunId", "StartedOn")


def add_result(glue_backend, rec: dict[str, Any]) -> str:
    """Store (or replace) a result record; links it to its evaluation run if that is known."""
    rec.setdefault("AnalyzerResults", [])
    rec.setdefault("Observations", [])
    st = store(glue_backend)
    st["results"][rec["ResultId"]] = rec
    run = st["runs"].get(rec.get("RulesetEvaluationRunId"))
    if run is not None and rec["ResultId"] not in run["ResultIds"]:
        run["ResultIds"].append(rec["ResultId"])
    return rec["ResultId"]


def _result_key(rec: dict[str, Any]) -> tuple[int, str]:
    return rec.get("StartedOn") or 0, rec["ResultId"]


def _result_matches(rec: dict[str, Any], flt: dict[str, Any], account: str) -> bool:
    if flt.get("DataSource") is not None and not source_matches(flt["DataSource"], rec.get("DataSource"), account):
        return False
    for key in ("JobName", "JobRunId", "EvaluationRunMode", "DataQualityEvaluationConfig"):
        if flt.get(key) is not None and rec.get(key) != flt[key]:
            return False
    started = rec.get("StartedOn") or 0
    if flt.get("StartedAfter") is not None and not started > ms_of(flt["StartedAfter"], "filter.startedAfter"):
        return False
    if flt.get("StartedBefore") is not None and not started < ms_of(flt["StartedBefore"], "filter.startedBefore"):
        return False
    return True


def list_data_quality_results(self: GlueResponse) -> ActionResult:
    flt = self._get_param("Filter") or {}
    limit = page_size(self._get_param("MaxResults"))
    if flt.get("DataSource") is not None:
        check_data_source(flt["DataSource"], "filter.dataSource")
    if flt.get("EvaluationRunMode") not in (None, *RUN_MODES):
        raise validation("filter.evaluationRunMode", flt["EvaluationRunMode"],
                         f"satisfy enum value set: [{', '.join(RUN_MODES)}]")
    with glue_hooks.LOCK:
        account = self.glue_backend.account_id
        found = [r for r in store(self.glue_backend)["results"].values() if _result_matches(r, flt, account)]
        found.sort(key=_result_key, reverse=True)
        chosen, more = page(found, _result_key, "dq-results", self._get_param("NextToken"), limit)
        out: dict[str, Any] = {"Results": [render(r, DESCRIPTION_KEYS) for r in chosen]}
    if more:
        out["NextToken"] = more
    return ActionResult(out)


def _result_or_raise(glue_backend, result_id: str) -> dict[str, Any]:
    rec = store(glue_backend)["results"].get(result_id)
    if rec is None:
        raise not_found(f"Cannot find Data Quality result with id: {result_id}")
    return rec


def get_data_quality_result(self: GlueResponse) -> ActionResult:
    result_id = text(self.parameters, "ResultId", "resultId", must=True)
    with glue_hooks.LOCK:
        return ActionResult(render(_result_or_raise(self.glue_backend, result_id), RESULT_KEYS))


def batch_get_data_quality_result(self: GlueResponse) -> ActionResult:
    ids = self._get_param("ResultIds")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise validation("resultIds", ids, "have length between 1 and 100")
    with glue_hooks.LOCK:
        results = store(self.glue_backend)["results"]
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Any] = {"Results": [render(results[i], RESULT_KEYS) for i in wanted if i in results]}
        missing = [i for i in wanted if i not in results]
    if missing:
        out["ResultsNotFound"] = missing
    return ActionResult(out)


def install() -> None:
    import dq_rulesets
    import dq_runs

    GlueResponse.list_data_quality_results = list_data_quality_results  # type: ignore[attr-defined]
    GlueResponse.get_data_quality_result = get_data_quality_result  # type: ignore[attr-defined]
    GlueResponse.batch_get_data_quality_result = batch_get_data_quality_result  # type: ignore[attr-defined]
    dq_rulesets.install()
    dq_runs.install()
