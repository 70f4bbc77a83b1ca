"""Smoke checks of the Glue Data Quality additions (run by smoke_test.py).

    .venv-emulator/bin/python tests/emulator/smoke_dq.py   # these checks alone
"""

from __future__ import annotations

import sys
import urllib.request

from botocore.exceptions import ClientError

ACCOUNT_Q = "888888888888"
ACCOUNT_R = "888888888889"
ACCOUNT_E = "888888888890"
T0 = 1_700_000_000.0
RULES = 'Rules = [ RowCount > 0, IsComplete "order_id", ColumnValues "status" in ["NEW", "PAID"], (IsUnique "id") and (Completeness "id" > 0.9) ]'


def code_of(call) -> str:
    try:
        call()
    except ClientError as err:
        return err.response["Error"]["Code"]
    raise AssertionError("expected an error, call succeeded")


def ok(emu, path: str, body: dict) -> dict:
    status, out = emu.control(path, body)
    assert status == 200, (path, status, out)
    return out


def table(db: str, name: str) -> dict:
    return {"GlueTable": {"DatabaseName": db, "TableName": name}}


def result_ids(page: dict) -> list[str]:
    return [r["ResultId"] for r in page["Results"]]


def check_dq_rulesets(emu) -> None:
    glue = emu.client("glue", ACCOUNT_Q)
    target = {"DatabaseName": "sales", "TableName": "orders"}
    assert glue.create_data_quality_ruleset(Name="orders-dq", Ruleset=RULES, Description="orders checks",
                                            TargetTable=target, Tags={"team": "data"},
                                            ClientToken="tok-1")["Name"] == "orders-dq"
    # A retry with the same client token answers the same; another create is AlreadyExists.
    assert glue.create_data_quality_ruleset(Name="orders-dq", Ruleset=RULES, ClientToken="tok-1")["Name"] == "orders-dq"
    assert code_of(lambda: glue.create_data_quality_ruleset(Name="orders-dq", Ruleset=RULES)) == "AlreadyExistsException"
    assert code_of(lambda: glue.create_data_quality_ruleset(Name="bad", Ruleset="RowCount > 0")) == "InvalidInputException"
    assert code_of(lambda: glue.create_data_quality_ruleset(Name="bad", Ruleset="Rules = [ ]")) == "InvalidInputException"
    glue.create_data_quality_ruleset(Name="clicks-dq", Ruleset="Rules = [ RowCount > 10 ]",
                                     TargetTable={"DatabaseName": "web", "TableName": "clicks"})
    glue.create_data_quality_ruleset(Name="orders-extra", Ruleset="Rules = [ ColumnCount = 5 ]",
                                     TargetTable=target, Tags={"team": "ops"})

    got = glue.get_data_quality_ruleset(Name="orders-dq")
    assert got["Name"] == "orders-dq" and got["Ruleset"] == RULES and got["Description"] == "orders checks", got
    assert got["TargetTable"] == target and got["CreatedOn"] == got["LastModifiedOn"], got
    arn = f"arn:aws:glue:us-east-1:{ACCOUNT_Q}:dataQualityRuleset/orders-dq"
    assert glue.get_tags(ResourceArn=arn)["Tags"] == {"team": "data"}

    every = glue.list_data_quality_rulesets()["Rulesets"]
    assert [r["Name"] for r in every] == ["orders-dq", "clicks-dq", "orders-extra"], every
    assert every[0]["RuleCount"] == 4 and every[1]["RuleCount"] == 1, every
    by_table = glue.list_data_quality_rulesets(Filter={"TargetTable": target})["Rulesets"]
    assert [r["Name"] for r in by_table] == ["orders-dq", "orders-extra"], by_table
    assert [r["Name"] for r in glue.list_data_quality_rulesets(Tags={"team": "ops"})["Rulesets"]] == ["orders-extra"]
    assert [r["Name"] for r in glue.list_data_quality_rulesets(Filter={"Name": "clicks"})["Rulesets"]] == ["clicks-dq"]
    after = glue.list_data_quality_rulesets(Filter={"CreatedAfter": got["CreatedOn"]})["Rulesets"]
    assert "orders-dq" not in [r["Name"] for r in after], after
    first = glue.list_data_quality_rulesets(MaxResults=2)
    second = glue.list_data_quality_rulesets(MaxResults=2, NextToken=first["NextToken"])
    assert [r["Name"] for r in first["Rulesets"] + second["Rulesets"]] == [r["Name"] for r in every]
    assert "NextToken" not in second, second

    updated = glue.update_data_quality_ruleset(Name="clicks-dq", Ruleset="Rules = [ RowCount > 1, IsComplete \"ts\" ]")
    assert updated["Name"] == "clicks-dq" and updated["Ruleset"].endswith('"ts" ]'), updated
    assert glue.get_data_quality_ruleset(Name="clicks-dq")["LastModifiedOn"] >= got["LastModifiedOn"]
    glue.delete_data_quality_ruleset(Name="orders-extra")
    for call in (lambda: glue.get_data_quality_ruleset(Name="orders-extra"),
                 lambda: glue.update_data_quality_ruleset(Name="nope", Description="x"),
                 lambda: glue.delete_data_quality_ruleset(Name="nope")):
        assert code_of(call) == "EntityNotFoundException"
    # Per account.
    assert emu.client("glue", ACCOUNT_R).list_data_quality_rulesets()["Rulesets"] == []


def seed_results(emu, account: str) -> list[str]:
    """Five results, one a minute, oldest first; returns their ids (oldest first)."""
    specs = [("sales", "orders", "orders-daily", "jr_1"), ("sales", "orders", "orders-daily", "jr_2"),
             ("web", "clicks", "clicks-hourly", "jr_3"), ("sales", "orders", None, None),
             ("web", "clicks", "clicks-hourly", "jr_5")]
    ids = []
    for i, (db, tbl, job, run) in enumerate(specs):
        body = {"account_id": account, "data_source": {"database": db, "table": tbl},
                "ruleset_name": f"{tbl}-dq", "started_on": T0 + 60 * i, "completed_on": T0 + 60 * i + 42.5,
                "evaluation_context": "EvaluateDataQuality_node1",
                "rules": [{"name": "Rule_1", "result": "PASS", "description": "RowCount > 0",
                           "evaluated_rule": "RowCount > 0", "evaluated_metrics": {"Dataset.*.RowCount": 1200}},
                          {"name": "Rule_2", "result": "FAIL" if i % 2 else "PASS",
                           "message": "Value: 0.87 does not meet the constraint requirement!",
                           "description": 'Completeness "id" > 0.95', "evaluated_rule": 'Completeness "id" > 0.95',
                           "evaluated_metrics": {"Column.id.Completeness": 0.87}}]}
        if job:
            body.update(job_name=job, job_run_id=run)
        if i == 0:
            body["result_id"] = "dqresult-first"
        ids.append(ok(emu, "/batchtop/glue/dq-result", body)["result_id"])
    return ids


def check_dq_results(emu) -> None:
    ids = seed_results(emu, ACCOUNT_Q)
    assert ids[0] == "dqresult-first" and all(i.startswith("dqresult-") and len(i) == 49 for i in ids[1:]), ids
    glue = emu.client("glue", ACCOUNT_Q)
    newest_first = list(reversed(ids))
    listed = glue.list_data_quality_results()
    assert result_ids(listed) == newest_first and "NextToken" not in listed, listed
    row = listed["Results"][-1]
    assert set(row) == {"ResultId", "DataSource", "JobName", "JobRunId", "StartedOn"}, row
    assert row["DataSource"] == table("sales", "orders") and row["StartedOn"].timestamp() == T0, row

    def ids_for(**flt):
        return result_ids(glue.list_data_quality_results(Filter=flt))

    assert ids_for(DataSource=table("web", "clicks")) == [ids[4], ids[2]]
    assert ids_for(DataSource=table("sales", "orders")) == [ids[3], ids[1], ids[0]]
    assert ids_for(JobName="orders-daily") == [ids[1], ids[0]]
    assert ids_for(JobRunId="jr_3") == [ids[2]]
    assert ids_for(StartedAfter=T0 + 60) == [ids[4], ids[3], ids[2]]  # exclusive
    assert ids_for(StartedBefore=T0 + 120) == [ids[1], ids[0]]
    assert ids_for(StartedAfter=T0, StartedBefore=T0 + 240, JobName="clicks-hourly") == [ids[2]]
    assert ids_for(EvaluationRunMode="ON_DEMAND") == []

    # Paging: 5 results, MaxResults=2 -> 2, 2, 1; a newer result added meanwhile shifts nothing.
    pages, token = [], None
    while True:
        kwargs = {"MaxResults": 2, **({"NextToken": token} if token else {})}
        page = glue.list_data_quality_results(**kwargs)
        pages.append(result_ids(page))
        if len(pages) == 1:
            ok(emu, "/batchtop/glue/dq-result", {"account_id": ACCOUNT_Q, "result_id": "dqresult-late",
                                                 "started_on": T0 + 3600, "rules": []})
        token = page.get("NextToken")
        if not token:
            break
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]], pages
    assert result_ids(glue.list_data_quality_results(MaxResults=1))[0] == "dqresult-late"
    assert code_of(lambda: glue.list_data_quality_results(NextToken="garbage")) == "InvalidInputException"
    status, _, body = emu.raw_glue("ListDataQualityResults", {"MaxResults": 1001}, ACCOUNT_Q)
    assert status == 400 and body["__type"] == "ValidationException", body

    got = glue.get_data_quality_result(ResultId=ids[1])
    assert got["ResultId"] == ids[1] and got["Score"] == 0.5 and got["RulesetName"] == "orders-dq", got
    assert got["DataSource"] == table("sales", "orders") and got["EvaluationContext"] == "EvaluateDataQuality_node1"
    assert got["JobName"] == "orders-daily" and got["JobRunId"] == "jr_2", got
    assert got["StartedOn"].timestamp() == T0 + 60 and got["CompletedOn"].timestamp() == T0 + 102.5, got
    assert got["AnalyzerResults"] == [] and got["Observations"] == [] and "EvaluationRunMode" not in got, got
    rule1, rule2 = got["RuleResults"]
    assert rule1 == {"Name": "Rule_1", "Description": "RowCount > 0", "Result": "PASS",
                     "EvaluatedMetrics": {"Dataset.*.RowCount": 1200.0}, "EvaluatedRule": "RowCount > 0"}, rule1
    assert rule2["Result"] == "FAIL" and rule2["EvaluationMessage"].startswith("Value: 0.87"), rule2
    assert rule2["EvaluatedMetrics"] == {"Column.id.Completeness": 0.87}, rule2
    assert glue.get_data_quality_result(ResultId=ids[0])["Score"] == 1.0

    batch = glue.batch_get_data_quality_result(ResultIds=[ids[2], "dqresult-missing", ids[0]])
    assert [r["ResultId"] for r in batch["Results"]] == [ids[2], ids[0]], batch
    assert batch["ResultsNotFound"] == ["dqresult-missing"], batch
    assert batch["Results"][0]["RuleResults"][1]["Result"] == "PASS", batch
    assert "ResultsNotFound" not in glue.batch_get_data_quality_result(ResultIds=[ids[3]])
    assert code_of(lambda: glue.get_data_quality_result(ResultId="dqresult-missing")) == "EntityNotFoundException"

    # Per account and per region.
    assert emu.client("glue", ACCOUNT_R).list_data_quality_results()["Results"] == []
    assert emu.client("glue", ACCOUNT_Q, region="eu-west-1").list_data_quality_results()["Results"] == []

    # Control endpoint checks.
    for bad in ({"bogus": 1}, {"score": 1.5}, {"rules": [{"result": "WARN"}]}, {"rules": [{"nme": "x"}]},
                {"data_source": {"database": "x"}}, {"started_on": T0 + 10, "completed_on": T0},
                {"evaluation_run_mode": "SOMETIMES"}):
        status, out = emu.control("/batchtop/glue/dq-result", {"account_id": ACCOUNT_Q, **bad})
        assert status == 400 and "error" in out, (bad, status, out)
    assert emu.control("/batchtop/glue/dq-nothing", {"account_id": ACCOUNT_Q})[0] == 404


def _run_states(glue, run_id: str, reads: int) -> list[str]:
    return [glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)["Status"] for _ in range(reads)]


def check_dq_evaluation_runs(emu) -> None:
    glue = emu.client("glue", ACCOUNT_E)
    source = table("sales", "orders")
    glue.create_data_quality_ruleset(Name="orders-dq", Ruleset=RULES)
    glue.create_data_quality_ruleset(Name="orders-min", Ruleset="Rules = [ RowCount > 0 ]")
    role = f"arn:aws:iam::{ACCOUNT_E}:role/dq"
    run_id = glue.start_data_quality_ruleset_evaluation_run(
        DataSource=source, Role=role, RulesetNames=["orders-dq", "orders-min"], ClientToken="ct-1")["RunId"]
    assert run_id.startswith("dqrun-"), run_id
    again = glue.start_data_quality_ruleset_evaluation_run(DataSource=source, Role=role,
                                                           RulesetNames=["orders-dq"], ClientToken="ct-1")
    assert again["RunId"] == run_id
    first = glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)
    assert first["Status"] == "STARTING" and "CompletedOn" not in first and "ResultIds" not in first, first
    assert first["RulesetNames"] == ["orders-dq", "orders-min"] and first["DataSource"] == source, first
    assert first["Role"] == role and first["NumberOfWorkers"] == 5 and first["Timeout"] == 2880, first
    assert _run_states(glue, run_id, 1) == ["RUNNING"]
    done = glue.get_data_quality_ruleset_evaluation_run(RunId=run_id)
    assert done["Status"] == "SUCCEEDED" and done["CompletedOn"] >= done["StartedOn"], done
    assert len(done["ResultIds"]) == 2 and isinstance(done["ExecutionTime"], int), done
    assert _run_states(glue, run_id, 2) == ["SUCCEEDED", "SUCCEEDED"]

    results = glue.batch_get_data_quality_result(ResultIds=done["ResultIds"])["Results"]
    by_ruleset = {r["RulesetName"]: r for r in results}
    full = by_ruleset["orders-dq"]
    assert full["Score"] == 1.0 and full["RulesetEvaluationRunId"] == run_id, full
    assert full["EvaluationRunMode"] == "ON_DEMAND" and full["DataSource"] == source, full
    assert [r["Name"] for r in full["RuleResults"]] == ["Rule_1", "Rule_2", "Rule_3", "Rule_4"], full
    assert all(r["Result"] == "PASS" for r in full["RuleResults"]), full
    assert full["RuleResults"][1]["EvaluatedRule"] == 'IsComplete "order_id"', full
    assert full["RuleResults"][1]["EvaluatedMetrics"] == {"Column.order_id.Completeness": 1.0}, full
    assert full["RuleResults"][3]["EvaluatedRule"] == '(IsUnique "id") and (Completeness "id" > 0.9)', full
    listed = glue.list_data_quality_results(Filter={"DataSource": source})["Results"]
    assert sorted(r["ResultId"] for r in listed) == sorted(done["ResultIds"]), listed
    assert all(r["EvaluationRunMode"] == "ON_DEMAND" for r in listed), listed
    assert len(glue.list_data_quality_results(Filter={"EvaluationRunMode": "ON_DEMAND"})["Results"]) == 2

    # A second run, on another table; the list moves runs on like a read does.
    other = glue.start_data_quality_ruleset_evaluation_run(
        DataSource=table("web", "clicks"), Role=role, RulesetNames=["orders-min"])["RunId"]
    runs = glue.list_data_quality_ruleset_evaluation_runs()["Runs"]
    assert [r["RunId"] for r in runs] == [other, run_id] and runs[0]["Status"] == "STARTING", runs
    assert set(runs[0]) == {"RunId", "Status", "StartedOn", "DataSource"}, runs[0]
    flt_runs = glue.list_data_quality_ruleset_evaluation_runs(Filter={"DataSource": source})["Runs"]
    assert [r["RunId"] for r in flt_runs] == [run_id], flt_runs
    by_name = glue.list_data_quality_ruleset_evaluation_runs(
        Filter={"DataSource": table("web", "clicks"), "RulesetName": "orders-dq"})["Runs"]
    assert by_name == [], by_name
    started = glue.get_data_quality_ruleset_evaluation_run(RunId=other)
    assert started["Status"] == "RUNNING", started
    after = glue.list_data_quality_ruleset_evaluation_runs(
        Filter={"DataSource": table("web", "clicks"), "StartedAfter": started["StartedOn"]})["Runs"]
    assert after == [], after
    before = glue.list_data_quality_ruleset_evaluation_runs(
        Filter={"DataSource": table("web", "clicks"), "StartedBefore": started["StartedOn"].timestamp() + 1})["Runs"]
    assert [r["RunId"] for r in before] == [other], before
    page1 = glue.list_data_quality_ruleset_evaluation_runs(MaxResults=1)
    page2 = glue.list_data_quality_ruleset_evaluation_runs(MaxResults=1, NextToken=page1["NextToken"])
    assert [page1["Runs"][0]["RunId"], page2["Runs"][0]["RunId"]] == [other, run_id] and "NextToken" not in page2

    # Cancel: STOPPING on the next Glue call, STOPPED after it (the call clock).
    cancel_me = glue.start_data_quality_ruleset_evaluation_run(DataSource=source, Role=role,
                                                               RulesetNames=["orders-min"])["RunId"]
    glue.cancel_data_quality_ruleset_evaluation_run(RunId=cancel_me)
    assert _run_states(glue, cancel_me, 2) == ["STOPPING", "STOPPED"]
    stopped = glue.get_data_quality_ruleset_evaluation_run(RunId=cancel_me)
    assert "CompletedOn" in stopped and "ResultIds" not in stopped, stopped
    assert code_of(lambda: glue.cancel_data_quality_ruleset_evaluation_run(RunId=cancel_me)) == "InvalidInputException"

    # Errors.
    assert code_of(lambda: glue.start_data_quality_ruleset_evaluation_run(
        DataSource=source, Role=role, RulesetNames=["orders-dq", "nope"])) == "EntityNotFoundException"
    for call in (lambda: glue.get_data_quality_ruleset_evaluation_run(RunId="dqrun-nope"),
                 lambda: glue.cancel_data_quality_ruleset_evaluation_run(RunId="dqrun-nope")):
        assert code_of(call) == "EntityNotFoundException"

    # Pin a started run FAILED; it never moves.
    failing = glue.start_data_quality_ruleset_evaluation_run(DataSource=source, Role=role,
                                                             RulesetNames=["orders-dq"])["RunId"]
    pinned = ok(emu, "/batchtop/glue/dq-evaluation-run", {"account_id": ACCOUNT_E, "run_id": failing,
                                                           "status": "FAILED", "error_string": "Table not found"})
    assert pinned == {"run_id": failing, "status": "FAILED"}, pinned
    for _ in range(3):
        failed = glue.get_data_quality_ruleset_evaluation_run(RunId=failing)
        assert failed["Status"] == "FAILED" and failed["ErrorString"] == "Table not found", failed
    assert failed["RulesetNames"] == ["orders-dq"] and failed["Role"] == role and "CompletedOn" in failed, failed

    # A new pinned run, and a result linked to it.
    made = ok(emu, "/batchtop/glue/dq-evaluation-run", {
        "account_id": ACCOUNT_E, "data_source": {"database": "web", "table": "clicks"}, "ruleset_names": ["clicks-dq"],
        "status": "TIMEOUT", "error_string": "Timed out", "started_on": T0, "completed_on": T0 + 600})
    pin_id = made["run_id"]
    res = ok(emu, "/batchtop/glue/dq-result", {"account_id": ACCOUNT_E, "ruleset_evaluation_run_id": pin_id,
                                               "ruleset_name": "clicks-dq", "started_on": T0, "completed_on": T0 + 500,
                                               "data_source": {"database": "web", "table": "clicks"},
                                               "rules": [{"result": "ERROR", "message": "Column ts not found",
                                                          "evaluated_rule": 'IsComplete "ts"'}]})
    timeout_run = glue.get_data_quality_ruleset_evaluation_run(RunId=pin_id)
    assert timeout_run["Status"] == "TIMEOUT" and timeout_run["ExecutionTime"] == 600, timeout_run
    assert timeout_run["ResultIds"] == [res["result_id"]] and timeout_run["StartedOn"].timestamp() == T0, timeout_run
    linked = glue.get_data_quality_result(ResultId=res["result_id"])
    assert linked["EvaluationRunMode"] == "ON_DEMAND" and linked["Score"] == 0.0, linked
    assert linked["RuleResults"] == [{"Name": "Rule_1", "Description": 'IsComplete "ts"', "Result": "ERROR",
                                      "EvaluationMessage": "Column ts not found", "EvaluatedMetrics": {},
                                      "EvaluatedRule": 'IsComplete "ts"'}], linked
    for bad in ({"status": "ERROR", "run_id": failing}, {"ruleset_names": ["x"]}, {"run_id": failing, "colour": 1}):
        status, out = emu.control("/batchtop/glue/dq-evaluation-run", {"account_id": ACCOUNT_E, **bad})
        assert status == 400 and "error" in out, (bad, status, out)


def check_dq_reset(emu) -> None:
    glue = emu.client("glue", ACCOUNT_Q)
    assert glue.list_data_quality_results()["Results"]
    urllib.request.urlopen(urllib.request.Request(emu.url + "/moto-api/reset", data=b"", method="POST")).read()
    assert glue.list_data_quality_results()["Results"] == []
    assert glue.list_data_quality_rulesets()["Rulesets"] == []
    assert code_of(lambda: glue.get_data_quality_result(ResultId="dqresult-first")) == "EntityNotFoundException"


CHECKS = [check_dq_rulesets, check_dq_results, check_dq_evaluation_runs, check_dq_reset]


if __name__ == "__main__":
    import smoke_test

    smoke_test.CHECKS = CHECKS
    sys.exit(smoke_test.main())

