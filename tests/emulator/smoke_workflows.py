"""Smoke checks of workflows, bookmarks, BatchStopJobRun and crawlers (run by smoke_test.py)."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

ACCOUNT_W = "555555555555"
ACCOUNT_S = "666666666666"
ACCOUNT_K = "777777777777"
STREAMS = ["stream-orders", "stream-clicks", "stream-refunds"]
T0 = 1_700_000_000.0


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


def nodes_by_name(graph: dict) -> dict:
    return {(n["Type"], n["Name"]): n for n in graph["Nodes"]}


def only_run(glue, job: str) -> dict:
    runs = glue.get_job_runs(JobName=job)["JobRuns"]
    assert len(runs) == 1, (job, runs)
    return runs[0]


def pin(emu, account: str, job: str, run_id: str, state: str, **extra) -> None:
    ok(emu, "/batchtop/glue/job-run", {"account_id": account, "job_name": job, "id": run_id, "state": state, **extra})


def check_workflow_fan_out_converge(emu) -> None:
    acct = ACCOUNT_W
    ok(emu, "/batchtop/glue/seed", {"account_id": acct, "jobs": [
        {"name": n, "glue_version": "4.0", "worker_type": "G.1X", "number_of_workers": 2,
         "default_arguments": {"--stream": n}} for n in STREAMS + ["consolidate"]]})
    seeded = ok(emu, "/batchtop/glue/workflow", {
        "account_id": acct, "name": "nightly", "description": "fan out, converge",
        "default_run_properties": {"day": "2023-11-14"},
        "triggers": [
            {"name": "start", "type": "ON_DEMAND", "actions": [{"job_name": n} for n in STREAMS]},
            {"name": "converge", "type": "CONDITIONAL", "actions": [{"job_name": "consolidate", "arguments": {"--mode": "full"}}],
             "predicate": {"logical": "AND", "conditions": [{"job_name": n, "state": "SUCCEEDED"} for n in STREAMS]}},
        ]})
    ids = seeded["node_ids"]
    assert set(ids["JOB"]) == set(STREAMS + ["consolidate"]) and set(ids["TRIGGER"]) == {"start", "converge"}, ids
    glue = emu.client("glue", acct)

    wf = glue.get_workflow(Name="nightly", IncludeGraph=True)["Workflow"]
    assert wf["Description"] == "fan out, converge" and "LastRun" not in wf, wf
    graph = wf["Graph"]
    assert len(graph["Nodes"]) == 6 and len(graph["Edges"]) == 7, graph
    nodes = nodes_by_name(graph)
    assert all(n["UniqueId"] == ids[t][name] and n["UniqueId"].startswith("wnode_") for (t, name), n in nodes.items())
    assert nodes[("TRIGGER", "converge")]["TriggerDetails"]["Trigger"]["Predicate"]["Logical"] == "AND"
    edges = {(e["SourceId"], e["DestinationId"]) for e in graph["Edges"]}
    assert (ids["TRIGGER"]["start"], ids["JOB"]["stream-orders"]) in edges
    assert (ids["JOB"]["stream-refunds"], ids["TRIGGER"]["converge"]) in edges
    assert (ids["TRIGGER"]["converge"], ids["JOB"]["consolidate"]) in edges

    run_id = glue.start_workflow_run(Name="nightly", RunProperties={"extra": "1"})["RunId"]
    run = glue.get_workflow_run(Name="nightly", RunId=run_id)["Run"]
    assert run["Status"] == "RUNNING" and "CompletedOn" not in run and "PreviousRunId" not in run, run
    assert run["WorkflowRunProperties"] == {"day": "2023-11-14", "extra": "1"}, run
    assert run["Statistics"]["TotalActions"] == 3 and run["Statistics"]["RunningActions"] == 3, run
    assert glue.get_workflow_run_properties(Name="nightly", RunId=run_id)["RunProperties"]["extra"] == "1"
    stream_runs = {}
    for name in STREAMS:
        job_run = only_run(glue, name)
        assert job_run["JobRunState"] == "RUNNING" and job_run["TriggerName"] == "start", job_run
        assert job_run["Arguments"] == {"--stream": name, "--WORKFLOW_NAME": "nightly", "--WORKFLOW_RUN_ID": run_id}
        stream_runs[name] = job_run
    assert glue.get_job_runs(JobName="consolidate")["JobRuns"] == []

    # Two streams succeed, one fails: the AND trigger must not fire; the run completes.
    pin(emu, acct, "stream-orders", stream_runs["stream-orders"]["Id"], "SUCCEEDED")
    pin(emu, acct, "stream-clicks", stream_runs["stream-clicks"]["Id"], "SUCCEEDED")
    assert glue.get_workflow_run(Name="nightly", RunId=run_id)["Run"]["Status"] == "RUNNING"
    pin(emu, acct, "stream-refunds", stream_runs["stream-refunds"]["Id"], "FAILED", error_message="boom")
    failed = only_run(glue, "stream-refunds")
    assert failed["JobRunState"] == "FAILED" and failed["TriggerName"] == "start" and "CompletedOn" in failed, failed
    assert failed["StartedOn"] == stream_runs["stream-refunds"]["StartedOn"] and failed["ErrorMessage"] == "boom"
    assert glue.get_job_runs(JobName="consolidate")["JobRuns"] == []
    run = glue.get_workflow_run(Name="nightly", RunId=run_id, IncludeGraph=True)["Run"]
    assert run["Status"] == "COMPLETED" and "CompletedOn" in run and "ErrorMessage" not in run, run
    assert run["Statistics"] == {"TotalActions": 3, "TimeoutActions": 0, "FailedActions": 1, "StoppedActions": 0,
                                 "SucceededActions": 2, "RunningActions": 0, "ErroredActions": 0,
                                 "WaitingActions": 0}, run["Statistics"]
    nodes = nodes_by_name(run["Graph"])
    assert nodes[("JOB", "stream-refunds")]["JobDetails"]["JobRuns"][0]["JobRunState"] == "FAILED"
    assert nodes[("JOB", "stream-orders")]["JobDetails"]["JobRuns"][0]["Id"] == stream_runs["stream-orders"]["Id"]
    assert "JobRuns" not in nodes[("JOB", "consolidate")]["JobDetails"], nodes[("JOB", "consolidate")]
    last = glue.get_workflow(Name="nightly")["Workflow"]["LastRun"]
    assert last["WorkflowRunId"] == run_id and last["Statistics"]["FailedActions"] == 1 and "Graph" not in last

    # ResumeWorkflowRun validation.
    assert code_of(lambda: glue.resume_workflow_run(Name="nightly", RunId=run_id, NodeIds=[ids["JOB"]["consolidate"]])) == "InvalidInputException"
    assert code_of(lambda: glue.resume_workflow_run(Name="nightly", RunId=run_id, NodeIds=["wnode_nope"])) == "InvalidInputException"
    assert code_of(lambda: glue.resume_workflow_run(Name="nightly", RunId=run_id, NodeIds=[ids["TRIGGER"]["start"]])) == "InvalidInputException"
    assert code_of(lambda: glue.resume_workflow_run(Name="nightly", RunId="wr_nope", NodeIds=[ids["JOB"]["stream-refunds"]])) == "EntityNotFoundException"

    # Resume the failed node only.
    resumed = glue.resume_workflow_run(Name="nightly", RunId=run_id, NodeIds=[ids["JOB"]["stream-refunds"]])
    new_id = resumed["RunId"]
    assert new_id != run_id and resumed["NodeIds"] == [ids["JOB"]["stream-refunds"]], resumed
    new = glue.get_workflow_run(Name="nightly", RunId=new_id, IncludeGraph=True)["Run"]
    assert new["PreviousRunId"] == run_id and new["Status"] == "RUNNING", new
    assert new["Statistics"]["TotalActions"] == 1 and new["Statistics"]["RunningActions"] == 1, new
    assert new["WorkflowRunProperties"] == run["WorkflowRunProperties"]
    nodes = nodes_by_name(new["Graph"])
    assert nodes[("JOB", "stream-orders")]["JobDetails"]["JobRuns"][0]["JobRunState"] == "SUCCEEDED"
    assert [r["JobRunState"] for r in nodes[("JOB", "stream-refunds")]["JobDetails"]["JobRuns"]] == ["RUNNING"]
    for name in ("stream-orders", "stream-clicks"):
        assert len(glue.get_job_runs(JobName=name)["JobRuns"]) == 1, name  # not restarted
    refunds = glue.get_job_runs(JobName="stream-refunds")["JobRuns"]
    assert len(refunds) == 2 and refunds[0]["JobRunState"] == "RUNNING", refunds
    assert refunds[0]["Arguments"]["--WORKFLOW_RUN_ID"] == new_id
    assert code_of(lambda: glue.resume_workflow_run(Name="nightly", RunId=new_id, NodeIds=[ids["JOB"]["stream-refunds"]])) == "IllegalWorkflowStateException"

    # The restarted stream succeeds: the converge trigger fires in the resumed run.
    pin(emu, acct, "stream-refunds", refunds[0]["Id"], "SUCCEEDED")
    consolidate = only_run(glue, "consolidate")
    assert consolidate["JobRunState"] == "RUNNING" and consolidate["TriggerName"] == "converge", consolidate
    assert consolidate["Arguments"]["--mode"] == "full" and consolidate["Arguments"]["--WORKFLOW_RUN_ID"] == new_id
    assert sorted(p["JobName"] for p in consolidate["PredecessorRuns"]) == sorted(STREAMS), consolidate
    assert glue.get_workflow_run(Name="nightly", RunId=new_id)["Run"]["Status"] == "RUNNING"
    pin(emu, acct, "consolidate", consolidate["Id"], "SUCCEEDED")
    new = glue.get_workflow_run(Name="nightly", RunId=new_id)["Run"]
    assert new["Status"] == "COMPLETED" and new["Statistics"]["SucceededActions"] == 2, new
    assert glue.get_workflow_run(Name="nightly", RunId=run_id)["Run"]["Status"] == "COMPLETED"

    # GetWorkflowRuns: newest first, paged.
    runs = glue.get_workflow_runs(Name="nightly")["Runs"]
    assert [r["WorkflowRunId"] for r in runs] == [new_id, run_id] and "Graph" not in runs[0]
    page = glue.get_workflow_runs(Name="nightly", MaxResults=1, IncludeGraph=True)
    assert [r["WorkflowRunId"] for r in page["Runs"]] == [new_id] and "Graph" in page["Runs"][0]
    page = glue.get_workflow_runs(Name="nightly", MaxResults=1, NextToken=page["NextToken"])
    assert [r["WorkflowRunId"] for r in page["Runs"]] == [run_id] and "NextToken" not in page
    assert glue.batch_get_workflows(Names=["nightly", "nope"], IncludeGraph=True)["MissingWorkflows"] == ["nope"]

    # Other accounts and regions do not see it.
    assert code_of(lambda: emu.client("glue", ACCOUNT_S).get_workflow(Name="nightly")) == "EntityNotFoundException"
    assert code_of(lambda: emu.client("glue", acct, region="eu-west-1").get_workflow(Name="nightly")) == "EntityNotFoundException"
    # Control endpoint errors.
    assert emu.control("/batchtop/glue/workflow", {"account_id": acct, "name": "nightly"})[0] == 400
    assert emu.control("/batchtop/glue/workflow", {"account_id": acct, "name": "x", "triggers": [
        {"name": "t", "type": "ON_DEMAND", "actions": [{"job_name": "ghost"}]}]})[0] == 404


def check_workflow_api_and_stop(emu) -> None:
    acct = ACCOUNT_S
    ok(emu, "/batchtop/glue/seed", {"account_id": acct, "jobs": [{"name": "load"}, {"name": "after"}]})
    ok(emu, "/batchtop/glue/crawler", {"account_id": acct, "name": "raw-crawler"})
    glue = emu.client("glue", acct)
    glue.create_workflow(Name="api-wf", MaxConcurrentRuns=1)
    glue.create_trigger(Name="go", WorkflowName="api-wf", Type="ON_DEMAND",
                        Actions=[{"JobName": "load"}, {"CrawlerName": "raw-crawler"}])
    glue.create_trigger(Name="then", WorkflowName="api-wf", Type="CONDITIONAL", StartOnCreation=True,
                        Actions=[{"JobName": "after"}],
                        Predicate={"Conditions": [{"LogicalOperator": "EQUALS", "JobName": "load", "State": "SUCCEEDED"}]})
    assert glue.get_trigger(Name="then")["Trigger"]["Predicate"]["Logical"] == "AND"
    two = [{"LogicalOperator": "EQUALS", "JobName": j, "State": "SUCCEEDED"} for j in ("load", "after")]
    assert code_of(lambda: glue.create_trigger(Name="bad", WorkflowName="api-wf", Type="CONDITIONAL",
                                               Actions=[{"JobName": "after"}], Predicate={"Conditions": two})) == "InvalidInputException"
    assert code_of(lambda: glue.create_trigger(Name="bad", WorkflowName="ghost", Type="ON_DEMAND",
                                               Actions=[{"JobName": "after"}])) == "EntityNotFoundException"
    assert len(glue.get_workflow(Name="api-wf", IncludeGraph=True)["Workflow"]["Graph"]["Nodes"]) == 5

    run_id = glue.start_workflow_run(Name="api-wf")["RunId"]
    assert glue.get_crawler(Name="raw-crawler")["Crawler"]["State"] == "RUNNING"
    second = glue.start_workflow_run(Name="api-wf")["RunId"]  # MaxConcurrentRuns 1
    err = glue.get_workflow_run(Name="api-wf", RunId=second)["Run"]
    assert err["Status"] == "ERROR" and err["ErrorMessage"] == "Concurrent runs exceeded for workflow: api-wf.", err
    load_id = only_run(glue, "load")["Id"]

    glue.stop_workflow_run(Name="api-wf", RunId=run_id)
    run = glue.get_workflow_run(Name="api-wf", RunId=run_id)["Run"]  # the next call sees STOPPING
    assert run["Status"] == "STOPPING", run
    run = glue.get_workflow_run(Name="api-wf", RunId=run_id, IncludeGraph=True)["Run"]  # then STOPPED
    assert run["Status"] == "STOPPED" and "CompletedOn" in run, run
    assert run["Statistics"]["StoppedActions"] == 2 and run["Statistics"]["TotalActions"] == 2, run["Statistics"]
    stopped = glue.get_job_run(JobName="load", RunId=load_id)["JobRun"]
    assert stopped["JobRunState"] == "STOPPED" and "CompletedOn" in stopped, stopped
    crawler = glue.get_crawler(Name="raw-crawler")["Crawler"]
    assert crawler["State"] == "READY" and crawler["LastCrawl"]["Status"] == "CANCELLED", crawler
    crawls = nodes_by_name(run["Graph"])[("CRAWLER", "raw-crawler")]["CrawlerDetails"]["Crawls"]
    assert crawls[0]["State"] == "CANCELLED", crawls
    assert glue.get_job_runs(JobName="after")["JobRuns"] == []
    assert code_of(lambda: glue.stop_workflow_run(Name="api-wf", RunId=run_id)) == "IllegalWorkflowStateException"
    assert code_of(lambda: glue.stop_workflow_run(Name="api-wf", RunId="wr_x")) == "EntityNotFoundException"
    # A stopped run can be resumed.
    resumed = glue.resume_workflow_run(Name="api-wf", RunId=run_id,
                                       NodeIds=[nodes_by_name(run["Graph"])[("JOB", "load")]["UniqueId"]])
    assert glue.get_workflow_run(Name="api-wf", RunId=resumed["RunId"])["Run"]["Status"] == "RUNNING"


def check_workflow_any_and_downstream_resume(emu) -> None:
    acct = ACCOUNT_S
    ok(emu, "/batchtop/glue/seed", {"account_id": acct, "jobs": [{"name": n} for n in ("a", "b", "on-fail", "d")]})
    ids = ok(emu, "/batchtop/glue/workflow", {"account_id": acct, "name": "any-wf", "triggers": [
        {"name": "s", "type": "ON_DEMAND", "actions": [{"job_name": "a"}, {"job_name": "b"}]},
        {"name": "any-failed", "type": "CONDITIONAL", "actions": [{"job_name": "on-fail"}], "predicate": {
            "logical": "ANY", "conditions": [{"job_name": "a", "state": "FAILED"}, {"job_name": "b", "state": "FAILED"}]}},
        {"name": "chain", "type": "CONDITIONAL", "actions": [{"job_name": "d"}],
         "predicate": {"conditions": [{"job_name": "on-fail", "state": "SUCCEEDED"}]}}]})["node_ids"]["JOB"]
    glue = emu.client("glue", acct)
    run_id = glue.start_workflow_run(Name="any-wf")["RunId"]
    pin(emu, acct, "a", only_run(glue, "a")["Id"], "FAILED")
    fired = only_run(glue, "on-fail")  # ANY: one failure is enough, b still runs
    assert fired["TriggerName"] == "any-failed" and fired["PredecessorRuns"][0]["JobName"] == "a", fired
    pin(emu, acct, "b", only_run(glue, "b")["Id"], "SUCCEEDED")
    pin(emu, acct, "on-fail", fired["Id"], "SUCCEEDED")
    pin(emu, acct, "d", only_run(glue, "d")["Id"], "SUCCEEDED")
    assert glue.get_workflow_run(Name="any-wf", RunId=run_id)["Run"]["Status"] == "COMPLETED"
    # Asking for a node and one downstream of it restarts only the upstream one.
    resumed = glue.resume_workflow_run(Name="any-wf", RunId=run_id, NodeIds=[ids["d"], ids["a"]])
    assert resumed["NodeIds"] == [ids["a"]], resumed
    graph = glue.get_workflow_run(Name="any-wf", RunId=resumed["RunId"], IncludeGraph=True)["Run"]["Graph"]
    states = {name: [r["JobRunState"] for r in n["JobDetails"].get("JobRuns", [])]
              for (kind, name), n in nodes_by_name(graph).items() if kind == "JOB"}
    assert states == {"a": ["RUNNING"], "b": ["SUCCEEDED"], "on-fail": [], "d": []}, states


def check_bookmarks(emu) -> None:
    acct = ACCOUNT_K
    ok(emu, "/batchtop/glue/seed", {"account_id": acct, "jobs": [{"name": "bm"}]})
    glue = emu.client("glue", acct)
    assert code_of(lambda: glue.get_job_bookmark(JobName="bm")) == "EntityNotFoundException"
    assert code_of(lambda: glue.get_job_bookmark(JobName="ghost")) == "EntityNotFoundException"
    assert code_of(lambda: glue.reset_job_bookmark(JobName="ghost")) == "EntityNotFoundException"
    entries = [{"run_id": f"jr_{i}", "previous_run_id": f"jr_{i - 1}" if i > 1 else None, "run": i, "attempt": 0,
                "version": i, "job_bookmark": {"datasource0": {"timestamps": {"CURR_RUN_START_TIME": i}}}} for i in (1, 2, 3)]
    entries[0].pop("previous_run_id")
    out = ok(emu, "/batchtop/glue/bookmark", {"account_id": acct, "job_name": "bm", "entries": entries})
    assert out["entries"] == 3, out
    entry = glue.get_job_bookmark(JobName="bm")["JobBookmarkEntry"]
    assert entry["RunId"] == "jr_3" and entry["PreviousRunId"] == "jr_2" and entry["Version"] == 3 and entry["Run"] == 3, entry
    assert json.loads(entry["JobBookmark"])["datasource0"]["timestamps"]["CURR_RUN_START_TIME"] == 3
    assert glue.get_job_bookmark(JobName="bm", RunId="jr_1")["JobBookmarkEntry"]["Version"] == 1
    rewound = glue.reset_job_bookmark(JobName="bm", RunId="jr_2")["JobBookmarkEntry"]
    assert rewound["RunId"] == "jr_2" and rewound["Run"] == 2 and rewound["Version"] == 4, rewound
    assert glue.get_job_bookmark(JobName="bm")["JobBookmarkEntry"] == rewound
    assert code_of(lambda: glue.reset_job_bookmark(JobName="bm", RunId="jr_9")) == "EntityNotFoundException"
    reset = glue.reset_job_bookmark(JobName="bm")["JobBookmarkEntry"]
    assert reset == {"JobName": "bm", "Version": 5, "Run": 0, "Attempt": 0, "JobBookmark": "{}"}, reset
    assert glue.get_job_bookmark(JobName="bm")["JobBookmarkEntry"] == reset
    ok(emu, "/batchtop/glue/bookmark", {"account_id": acct, "job_name": "bm", "entries": [{"job_bookmark": "{\"a\":1}"}]})
    assert glue.get_job_bookmark(JobName="bm")["JobBookmarkEntry"]["JobBookmark"] == "{\"a\":1}"
    assert emu.control("/batchtop/glue/bookmark", {"account_id": acct, "job_name": "ghost", "entries": []})[0] == 404
    assert emu.control("/batchtop/glue/bookmark", {"account_id": acct, "job_name": "bm", "entries": [{"runid": "x"}]})[0] == 400


def check_batch_stop_job_run(emu) -> None:
    acct = ACCOUNT_K
    out = ok(emu, "/batchtop/glue/seed", {"account_id": acct, "jobs": [{"name": "stoppable", "max_concurrent_runs": 3, "runs": [
        {"state": "RUNNING", "started_on": T0}, {"state": "WAITING", "started_on": T0 + 1},
        {"state": "SUCCEEDED", "started_on": T0 - 100, "completed_on": T0 - 50}]}]})
    running, waiting, done = out["run_ids"]["stoppable"]
    glue = emu.client("glue", acct)
    resp = glue.batch_stop_job_run(JobName="stoppable", JobRunIds=[running, waiting, done, "jr_nope"])
    assert resp["SuccessfulSubmissions"] == [{"JobName": "stoppable", "JobRunId": running},
                                             {"JobName": "stoppable", "JobRunId": waiting}], resp
    errors = {e["JobRunId"]: e["ErrorDetail"]["ErrorCode"] for e in resp["Errors"]}
    assert errors == {done: "InvalidInputException", "jr_nope": "EntityNotFoundException"}, resp["Errors"]
    assert all(e["JobName"] == "stoppable" and e["ErrorDetail"]["ErrorMessage"] for e in resp["Errors"])
    first = glue.get_job_run(JobName="stoppable", RunId=running)["JobRun"]
    assert first["JobRunState"] == "STOPPING" and "CompletedOn" not in first, first
    states = {r["Id"]: r["JobRunState"] for r in glue.get_job_runs(JobName="stoppable")["JobRuns"]}
    assert states == {running: "STOPPED", waiting: "STOPPED", done: "SUCCEEDED"}, states
    assert "CompletedOn" in glue.get_job_run(JobName="stoppable", RunId=running)["JobRun"]
    resp = glue.batch_stop_job_run(JobName="ghost", JobRunIds=[running])
    assert resp["SuccessfulSubmissions"] == [] and resp["Errors"][0]["ErrorDetail"]["ErrorCode"] == "EntityNotFoundException"


def check_crawlers(emu) -> None:
    acct = ACCOUNT_K
    out = ok(emu, "/batchtop/glue/crawler", {
        "account_id": acct, "name": "sales-crawler", "database_name": "sales", "schedule": "cron(0 2 * * ? *)",
        "targets": {"S3Targets": [{"Path": "s3://sales/raw/"}]},
        "last_crawl": {"status": "FAILED", "started_on": T0, "completed_on": T0 + 90, "error_message": "Access Denied",
                       "log_group": "/aws-glue/crawlers", "log_stream": "sales-crawler", "message_prefix": "abc-123"},
        "metrics": {"tables_created": 3, "tables_updated": 2, "tables_deleted": 1, "median_runtime_seconds": 80.5}})
    assert out["state"] == "READY", out
    glue = emu.client("glue", acct)
    crawler = glue.get_crawler(Name="sales-crawler")["Crawler"]
    assert crawler["State"] == "READY" and crawler["DatabaseName"] == "sales", crawler
    assert crawler["Schedule"] == {"ScheduleExpression": "cron(0 2 * * ? *)", "State": "SCHEDULED"}, crawler
    assert crawler["Targets"]["S3Targets"][0]["Path"] == "s3://sales/raw/"
    last = crawler["LastCrawl"]
    assert last["Status"] == "FAILED" and last["ErrorMessage"] == "Access Denied" and last["MessagePrefix"] == "abc-123", last
    assert last["LogGroup"] == "/aws-glue/crawlers" and last["LogStream"] == "sales-crawler" and last["StartTime"].timestamp() == T0
    metrics = glue.get_crawler_metrics(CrawlerNameList=["sales-crawler", "ghost"])["CrawlerMetricsList"]
    assert metrics == [{"CrawlerName": "sales-crawler", "TimeLeftSeconds": 0.0, "StillEstimating": False,
                        "LastRuntimeSeconds": 90.0, "MedianRuntimeSeconds": 80.5, "TablesCreated": 3,
                        "TablesUpdated": 2, "TablesDeleted": 1}], metrics
    # StartCrawler: RUNNING once, then READY with a SUCCEEDED last crawl.
    glue.start_crawler(Name="sales-crawler")
    assert code_of(lambda: glue.start_crawler(Name="sales-crawler")) == "CrawlerRunningException"
    got = glue.batch_get_crawlers(CrawlerNames=["sales-crawler", "ghost"])
    assert [c["State"] for c in got["Crawlers"]] == ["RUNNING"] and got["CrawlersNotFound"] == ["ghost"], got
    assert glue.get_crawler_metrics()["CrawlerMetricsList"][0]["StillEstimating"] is False
    crawler = glue.get_crawler(Name="sales-crawler")["Crawler"]
    assert crawler["State"] == "READY" and crawler["LastCrawl"]["Status"] == "SUCCEEDED", crawler
    assert [c["State"] for c in glue.list_crawls(CrawlerName="sales-crawler")["Crawls"]] == ["FAILED", "COMPLETED"]
    # StopCrawler: STOPPING for one call, then READY / CANCELLED.
    glue.start_crawler(Name="sales-crawler")
    glue.stop_crawler(Name="sales-crawler")
    assert glue.get_crawler(Name="sales-crawler")["Crawler"]["State"] == "STOPPING"
    crawler = glue.get_crawler(Name="sales-crawler")["Crawler"]
    assert crawler["State"] == "READY" and crawler["LastCrawl"]["Status"] == "CANCELLED", crawler

    # A crawler in a workflow: its crawl stays RUNNING until pinned, then the job waiting on it starts.
    ok(emu, "/batchtop/glue/seed", {"account_id": acct, "jobs": [{"name": "after-crawl"}]})
    ids = ok(emu, "/batchtop/glue/workflow", {"account_id": acct, "name": "crawl-wf", "triggers": [
        {"name": "crawl-start", "type": "SCHEDULED", "schedule": "cron(0 2 * * ? *)", "actions": [{"crawler_name": "sales-crawler"}]},
        {"name": "crawl-done", "type": "CONDITIONAL", "actions": [{"job_name": "after-crawl"}],
         "predicate": {"conditions": [{"crawler_name": "sales-crawler", "state": "SUCCEEDED"}]}}]})["node_ids"]
    run_id = glue.start_workflow_run(Name="crawl-wf")["RunId"]
    for _ in range(2):
        assert glue.get_crawler(Name="sales-crawler")["Crawler"]["State"] == "RUNNING"
    assert glue.get_job_runs(JobName="after-crawl")["JobRuns"] == []
    ok(emu, "/batchtop/glue/crawler", {"account_id": acct, "name": "sales-crawler", "last_crawl": {"status": "SUCCEEDED"},
                                      "metrics": {"tables_updated": 7}})
    assert only_run(glue, "after-crawl")["TriggerName"] == "crawl-done"
    run = glue.get_workflow_run(Name="crawl-wf", RunId=run_id, IncludeGraph=True)["Run"]
    crawls = nodes_by_name(run["Graph"])[("CRAWLER", "sales-crawler")]["CrawlerDetails"]["Crawls"]
    assert [c["State"] for c in crawls] == ["SUCCEEDED"] and "CompletedOn" in crawls[0], crawls
    assert nodes_by_name(run["Graph"])[("CRAWLER", "sales-crawler")]["UniqueId"] == ids["CRAWLER"]["sales-crawler"]
    assert run["Statistics"]["SucceededActions"] == 1 and run["Statistics"]["RunningActions"] == 1, run["Statistics"]
    assert glue.get_crawler_metrics(CrawlerNameList=["sales-crawler"])["CrawlerMetricsList"][0]["TablesUpdated"] == 7
    assert emu.control("/batchtop/glue/crawler", {"account_id": acct, "name": "c2", "last_crawl": {"status": "DONE"}})[0] == 400


CHECKS = [check_workflow_fan_out_converge, check_workflow_api_and_stop,
          check_workflow_any_and_downstream_resume, check_bookmarks,
          check_batch_stop_job_run, check_crawlers]
