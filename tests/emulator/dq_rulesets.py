"""Glue Data Quality rulesets: Create/Get/List/Update/DeleteDataQualityRuleset.

* CreateDataQualityRuleset(Name, Ruleset[, Description, Tags, TargetTable,
  DataQualitySecurityConfiguration, ClientToken]) -> {Name}.  The ruleset must be DQDL
  with a `Rules = [ ... ]` list of at least one rule (else InvalidInputException); an
  existing name is AlreadyExistsException, unless the same ClientToken created it (a
  retry).  Tags go on arn:aws:glue:<region>:<account>:dataQualityRuleset/<name>, so
  GetTags/TagResource see them.  The TargetTable is not checked against the catalog.
* GetDataQualityRuleset -> Name, Description, Ruleset, TargetTable, CreatedOn,
  LastModifiedOn, DataQualitySecurityConfiguration.
* ListDataQualityRulesets: creation order; Filter Name / Description (substrings),
  CreatedBefore/After, LastModifiedBefore/After (exclusive), TargetTable; Tags (every
  tag given must be on the ruleset); MaxResults 1..1000 (default 100); cursor NextToken.
  Each entry carries RuleCount (the rules of the DQDL).
* UpdateDataQualityRuleset(Name[, Description, Ruleset]) -> {Name, Description, Ruleset};
  LastModifiedOn = now.
* DeleteDataQualityRuleset(Name) -> {} (its tags go too).
Unknown names are EntityNotFoundException.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.glue.exceptions import GlueClientError
from moto.glue.responses import GlueResponse

import glue_hooks
from dq import (ms_of, next_seq, not_found, now_ms, page, page_size, parse_rules, render, store, text,
                validation)

RULESET_KEYS = ("Name", "Description", "Ruleset", "TargetTable", "CreatedOn", "LastModifiedOn",
                "RecommendationRunId", "DataQualitySecurityConfiguration")
LIST_KEYS = ("Name", "Description", "CreatedOn", "LastModifiedOn", "TargetTable", "RecommendationRunId",
             "RuleCount")


def ruleset_arn(glue_backend, name: str) -> str:
    return f"arn:aws:glue:{glue_backend.region_name}:{glue_backend.account_id}:dataQualityRuleset/{name}"


def lookup(glue_backend, name: str) -> dict[str, Any]:
    rec = store(glue_backend)["rulesets"].get(name)
    if rec is None:
        raise not_found(f"Cannot find Data Quality Ruleset with name: {name}")
    return rec


def _ruleset_text(params: dict[str, Any], must: bool) -> str | None:
    value = text(params, "Ruleset", "ruleset", 1, 65536, must=must)
    if value is not None:
        parse_rules(value)  # InvalidInputException when it is not DQDL
    return value


def _target_table(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise validation("targetTable", value, "be a structure")
    for key, member in (("TableName", "targetTable.tableName"), ("DatabaseName", "targetTable.databaseName")):
        text(value, key, member, must=True)
    text(value, "CatalogId", "targetTable.catalogId")
    return {k: value[k] for k in ("TableName", "DatabaseName", "CatalogId") if value.get(k) is not None}


def _tags(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > 50:
        raise validation("tags", value, "have at most 50 entries")
    return value


def create_data_quality_ruleset(self: GlueResponse) -> ActionResult:
    params = self.parameters
    name = text(params, "Name", "name", must=True)
    ruleset = _ruleset_text(params, must=True)
    description = text(params, "Description", "description", 0, 2048)
    target = _target_table(params.get("TargetTable"))
    security = text(params, "DataQualitySecurityConfiguration", "dataQualitySecurityConfiguration")
    token = text(params, "ClientToken", "clientToken")
    tags = _tags(params.get("Tags"))
    with glue_hooks.LOCK:
        rulesets = store(self.glue_backend)["rulesets"]
        existing = rulesets.get(name)
        if existing is not None:
            if token and existing.get("_token") == token:
                return ActionResult({"Name": name})
            raise GlueClientError("AlreadyExistsException", f"Data Quality Ruleset with name {name} already exists.")
        now = now_ms()
        rulesets[name] = {
            "Name": name, "Description": description, "Ruleset": ruleset, "TargetTable": target,
            "CreatedOn": now, "LastModifiedOn": now, "DataQualitySecurityConfiguration": security,
            "_token": token, "_seq": next_seq(self.glue_backend),
        }
        if tags:
            self.glue_backend.tag_resource(ruleset_arn(self.glue_backend, name), tags)
    return ActionResult({"Name": name})


def get_data_quality_ruleset(self: GlueResponse) -> ActionResult:
    name = text(self.parameters, "Name", "name", must=True)
    with glue_hooks.LOCK:
        return ActionResult(render(lookup(self.glue_backend, name), RULESET_KEYS))


def _time_ok(value: int, params: dict[str, Any], before: str, after: str, member: str) -> bool:
    if params.get(before) is not None and not value < ms_of(params[before], f"filter.{member}Before"):
        return False
    if params.get(after) is not None and not value > ms_of(params[after], f"filter.{member}After"):
        return False
    return True


def _matches(glue_backend, rec: dict[str, Any], flt: dict[str, Any], tags: dict[str, str]) -> bool:
    if flt.get("Name") is not None and flt["Name"] not in rec["Name"]:
        return False
    if flt.get("Description") is not None and flt["Description"] not in (rec.get("Description") or ""):
        return False
    if not _time_ok(rec["CreatedOn"], flt, "CreatedBefore", "CreatedAfter", "created"):
        return False
    if not _time_ok(rec["LastModifiedOn"], flt, "LastModifiedBefore", "LastModifiedAfter", "lastModified"):
        return False
    want = flt.get("TargetTable")
    if want is not None:
        have = rec.get("TargetTable") or {}
        if (have.get("DatabaseName"), have.get("TableName")) != (want["DatabaseName"], want["TableName"]):
            return False
        if want.get("CatalogId") and want["CatalogId"] != have.get("CatalogId", glue_backend.account_id):
            return False
    if tags:
        have_tags = glue_backend.get_tags(ruleset_arn(glue_backend, rec["Name"]))
        if any(have_tags.get(k) != v for k, v in tags.items()):
            return False
    return True


def list_data_quality_rulesets(self: GlueResponse) -> ActionResult:
    params = self.parameters
    flt = params.get("Filter") or {}
    _target_table(flt.get("TargetTable"))
    limit = page_size(params.get("MaxResults"))
    tags = _tags(params.get("Tags"))
    with glue_hooks.LOCK:
        found = [r for r in store(self.glue_backend)["rulesets"].values()
                 if _matches(self.glue_backend, r, flt, tags)]
        # page() walks keys in descending order: negate the creation sequence.
        found.sort(key=lambda r: -r["_seq"], reverse=True)
        chosen, more = page(found, lambda r: [-r["_seq"]], "dq-rulesets", params.get("NextToken"), limit)
        out: dict[str, Any] = {"Rulesets": [
            render(dict(r, RuleCount=len(parse_rules(r["Ruleset"]))), LIST_KEYS) for r in chosen]}
    if more:
        out["NextToken"] = more
    return ActionResult(out)


def update_data_quality_ruleset(self: GlueResponse) -> ActionResult:
    params = self.parameters
    name = text(params, "Name", "name", must=True)
    ruleset = _ruleset_text(params, must=False)
    description = text(params, "Description", "description", 0, 2048)
    with glue_hooks.LOCK:
        rec = lookup(self.glue_backend, name)
        if ruleset is not None:
            rec["Ruleset"] = ruleset
        if description is not None:
            rec["Description"] = description
        rec["LastModifiedOn"] = now_ms()
        return ActionResult(render(rec, ("Name", "Description", "Ruleset")))


def delete_data_quality_ruleset(self: GlueResponse) -> ActionResult:
    name = text(self.parameters, "Name", "name", must=True)
    with glue_hooks.LOCK:
        lookup(self.glue_backend, name)
        del store(self.glue_backend)["rulesets"][name]
        self.glue_backend.tagger.delete_all_tags_for_resource(ruleset_arn(self.glue_backend, name))
    return ActionResult({})


def rules_of(glue_backend, names: list[str]) -> dict[str, list[str]]:
    """Ruleset name -> its rules (for an evaluation run); EntityNotFoundException if unknown."""
    return {name: parse_rules(lookup(glue_backend, name)["Ruleset"]) for name in names}


def install() -> None:
    GlueResponse.create_data_quality_ruleset = create_data_quality_ruleset  # type: ignore[attr-defined]
    GlueResponse.get_data_quality_ruleset = get_data_quality_ruleset  # type: ignore[attr-defined]
    GlueResponse.list_data_quality_rulesets = list_data_quality_rulesets  # type: ignore[attr-defined]
    GlueResponse.update_data_quality_ruleset = update_data_quality_ruleset  # type: ignore[attr-defined]
    GlueResponse.delete_data_quality_ruleset = delete_data_quality_ruleset  # type: ignore[attr-defined]
