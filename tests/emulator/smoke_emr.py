"""Smoke checks of the EMR Serverless additions (run by smoke_test.py)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT_E = "888888888888"
ACCOUNT_F = "999999999999"
ACCOUNT_G = "101010101010"
T0 = 1_700_000_000.0
ROLE = "arn:aws:iam::{}:role/EMRServerlessJobRole"
DRIVER = {"sparkSubmit": {"entryPoint": "s3://code/etl.py", "entryPointArguments": ["--day", "2023-11-14"],
                          "sparkSubmitParameters": "--conf spark.executor.cores=4"}}


def ok(emu, path: str, body: dict) -> dict:
    status, out = emu.control(path, body)
    assert status == 200, (path, status, out)
    return out


def error_of(call) -> tuple[str, int, str]:
    try:
        call()
    except ClientError as err:
        return (err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"],
                err.response["Error"].get("Message", ""))
    raise AssertionError("expected an error, call succeeded")


def client(emu, account: str, region: str = "us-east-1", **config):
    config.setdefault("retries", {"total_max_attempts": 1, "mode": "standard"})
    emr = boto3.client("emr-serverless", endpoint_url=emu.url, region_name=region,
                       aws_access_key_id="AKIDTEST", aws_secret_access_key="secret", config=Config(**config))
    emr.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    return emr


def raw(emu, method: str, path: str, account: str) -> tuple[int, dict, bytes]:
    """A signed EMR Serverless call made by hand, to look at the bytes on the wire."""
    req = botocore.awsrequest.AWSRequest(method=method, url=emu.url + path,
                                         headers={"x-moto-account-id": account})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("AKIDTEST", "secret"),
                            "emr-serverless", "us-east-1").add_auth(req)
    request = urllib.request.Request(emu.url + path, method=method, headers=dict(req.headers))
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def seed_app(emu, account: str, name: str, **extra) -> str:
    return ok(emu, "/batchtop/emr/application", {"account_id": account, "name": name, **extra})["application_id"]


def seed_run(emu, account: str, app_id: str, **spec) -> str:
    return ok(emu, "/batchtop/emr/job-run", {"account_id": account, "application_id": app_id, **spec})["job_run_id"]


def start(emr, app_id: str, account: str, **extra) -> str:
    return emr.start_job_run(applicationId=app_id, executionRoleArn=ROLE.format(account),
                             jobDriver=DRIVER, name="etl", **extra)["jobRunId"]


# --- checks -------------------------------------------------------------------------------

def check_emr_applications(emu) -> None:
    acct = ACCOUNT_E
    app_id = seed_app(emu, acct, "analytics", type="SPARK", release_label="emr-7.1.0", state="STARTED",
                      maximum_capacity={"cpu": "400 vCPU", "memory": "3000 GB", "disk": "20000 GB"},
                      initial_capacity={"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4 vCPU", "memory": "16 GB"}}},
                      auto_start=False, auto_stop={"enabled": True, "idle_timeout_minutes": 30},
                      tags={"team": "data"}, scheduler_configuration={"maxConcurrentRuns": 10},
                      created_at=T0 + 0.25)
    emr = client(emu, acct)
    app = emr.get_application(applicationId=app_id)["application"]
    assert app["state"] == "STARTED" and app["type"] == "Spark" and app["releaseLabel"] == "emr-7.1.0", app
    assert app["maximumCapacity"] == {"cpu": "400 vCPU", "memory": "3000 GB", "disk": "20000 GB"}, app
    assert app["initialCapacity"]["Driver"]["workerCount"] == 1, app
    assert app["autoStartConfiguration"] == {"enabled": False}, app
    assert app["autoStopConfiguration"] == {"enabled": True, "idleTimeoutMinutes": 30}, app
    assert app["tags"] == {"team": "data"} and app["schedulerConfiguration"] == {"maxConcurrentRuns": 10}, app
    assert app["createdAt"].timestamp() == T0 + 0.25 and app["architecture"] == "X86_64", app
    assert app["arn"] == f"arn:aws:emr-serverless:us-east-1:{acct}:/applications/{app_id}"
    # A pinned state stays; Stop/Start move it through STOPPING/STARTING for one read.
    assert emr.get_application(applicationId=app_id)["application"]["state"] == "STARTED"
    emr.stop_application(applicationId=app_id)
    assert [emr.get_application(applicationId=app_id)["application"]["state"] for _ in range(3)] == \
        ["STOPPING", "STOPPED", "STOPPED"]
    # Auto-start disabled: a job run needs a started application.
    code, status, _ = error_of(lambda: start(emr, app_id, acct))
    assert (code, status) == ("ValidationException", 400), (code, status)
    emr.start_application(applicationId=app_id)
    summaries = emr.list_applications()["applications"]
    assert [(a["id"], a["state"]) for a in summaries] == [(app_id, "STARTING")], summaries
    assert emr.list_applications(states=["STARTED"])["applications"][0]["id"] == app_id
    # An unfinished run blocks StopApplication.
    run_id = seed_run(emu, acct, app_id, state="RUNNING", created_at=T0, started_at=T0 + 5)
    assert error_of(lambda: emr.stop_application(applicationId=app_id))[:2] == ("ValidationException", 400)
    seed_run(emu, acct, app_id, id=run_id, state="SUCCESS", ended_at=T0 + 65)
    assert error_of(lambda: emr.delete_application(applicationId=app_id))[:2] == ("ValidationException", 400)
    emr.stop_application(applicationId=app_id)

    # CreateApplication: CREATED, real timestamps, clientToken; StartJobRun auto-starts it.
    before = time.time()
    created = emr.create_application(name="adhoc", releaseLabel="emr-7.1.0", type="SPARK", clientToken="app-1",
                                     architecture="ARM64")
    again = emr.create_application(name="adhoc", releaseLabel="emr-7.1.0", type="SPARK", clientToken="app-1")
    assert created["applicationId"] == again["applicationId"], (created, again)
    adhoc = emr.get_application(applicationId=created["applicationId"])["application"]
    assert adhoc["state"] == "CREATED" and adhoc["architecture"] == "ARM64", adhoc
    assert adhoc["autoStartConfiguration"] == {"enabled": True}, adhoc
    assert before - 1 <= adhoc["createdAt"].timestamp() <= time.time() + 1, adhoc["createdAt"]
    start(emr, created["applicationId"], acct)
    states = [emr.get_application(applicationId=created["applicationId"])["application"]["state"] for _ in range(2)]
    assert states == ["STARTING", "STARTED"], states
    assert len(emr.list_applications()["applications"]) == 2
    assert len(emr.list_applications(maxResults=1)["applications"]) == 1
    paged = [a["id"] for p in emr.get_paginator("list_applications").paginate(PaginationConfig={"PageSize": 1})
             for a in p["applications"]]
    assert paged == [app_id, created["applicationId"]], paged
    emr.delete_application(applicationId=app_id)  # STOPPED by now (the listings read it)
    assert emr.get_application(applicationId=app_id)["application"]["state"] == "TERMINATED"
    # Other accounts and regions see none of it.
    assert client(emu, ACCOUNT_F).list_applications()["applications"] == []
    assert client(emu, acct, region="eu-west-1").list_applications()["applications"] == []
    assert error_of(lambda: emr.get_application(applicationId="nope"))[:2] == ("ResourceNotFoundException", 404)

    # An explicit id: created now; later calls with it change only what they give; a bad field changes nothing.
    fixed = seed_app(emu, acct, "fixed", id="00fixed01")
    got = emr.get_application(applicationId="00fixed01")["application"]
    assert fixed == "00fixed01" and got["state"] == "CREATED" and abs(got["createdAt"].timestamp() - time.time()) < 5, got
    ok(emu, "/batchtop/emr/application", {"account_id": acct, "id": fixed, "state": "STARTED", "release_label": "emr-6.15.0"})
    status, _ = emu.control("/batchtop/emr/application", {"account_id": acct, "id": fixed, "state": "STOPPED",
                                                          "auto_stop": {"bogus": 1}})
    assert status == 400
    got = emr.get_application(applicationId=fixed)["application"]
    assert (got["name"], got["state"], got["releaseLabel"]) == ("fixed", "STARTED", "emr-6.15.0"), got

    # Control errors.
    for bad in ({"name": "x", "colour": "red"}, {"name": "x", "state": "FLYING"}, {"name": "x", "type": "FLINK"},
                {"name": "x", "auto_stop": {"enabled": True, "idle": 3}}, {"name": "x", "maximum_capacity": {"cpu": "1"}}):
        status, out = emu.control("/batchtop/emr/application", {"account_id": acct, **bad})
        assert status == 400 and "error" in out, (bad, status, out)
    status, out = emu.control("/batchtop/emr/job-run", {"account_id": acct, "application_id": "nope"})
    assert status == 404, out
    for bad in ({"state": "DONE"}, {"created_at": "yesterday"}, {"job_driver": {"sparkSubmit": {}}},
                {"attempts": [{"attempt": 1, "colour": 1}]}, {"total_resource_utilization": {"cpu": 1}}):
        status, out = emu.control("/batchtop/emr/job-run", {"account_id": acct, "application_id": app_id, **bad})
        assert status == 400 and "error" in out, (bad, status, out)


def check_emr_client_token_retry(emu) -> None:
    acct = ACCOUNT_F
    app_id = seed_app(emu, acct, "retry", state="STARTED")
    emu.control("/batchtop/calls/reset", {"account_id": acct})
    delay = 0.7
    ok(emu, "/batchtop/faults", {"account_id": acct, "service": "emr-serverless", "operation": "StartJobRun",
                                 "kind": "delay", "delay_ms": int(delay * 1000)})
    # The first attempt times out client-side while the emulator still holds it; botocore
    # retries with the same (auto-filled) clientToken.
    impatient = client(emu, acct, read_timeout=0.25, connect_timeout=2,
                       retries={"total_max_attempts": 2, "mode": "standard"})
    started = time.monotonic()
    run_id = start(impatient, app_id, acct)
    time.sleep(max(0.0, started + delay + 0.2 - time.monotonic()))  # the late first attempt has finished
    emr = client(emu, acct)
    runs = emr.list_job_runs(applicationId=app_id)["jobRuns"]
    assert [r["id"] for r in runs] == [run_id], runs
    calls = emu.calls(acct)
    assert calls.get("StartJobRun") == 2, calls
    status, peaks = emu.control(f"/batchtop/inflight?account_id={acct}", method="GET")
    assert peaks.get("StartJobRun") == 2, peaks  # both attempts were in flight at once

    # The late answer itself carries the same run id.
    ok(emu, "/batchtop/faults", {"account_id": acct, "service": "emr-serverless", "operation": "StartJobRun",
                                 "kind": "delay", "delay_ms": 400})
    late: dict = {}
    patient = client(emu, acct, read_timeout=10)
    thread = threading.Thread(target=lambda: late.update(id=start(patient, app_id, acct, clientToken="tok-2")))
    thread.start()
    deadline = time.monotonic() + 5
    while emu.control(f"/batchtop/inflight?account_id={acct}", method="GET")[1].get("StartJobRun", 0) < 1 \
            and time.monotonic() < deadline:
        time.sleep(0.01)
    emu.control("/batchtop/calls/reset", {"account_id": acct})
    time.sleep(0.05)
    second = start(emr, app_id, acct, clientToken="tok-2")
    thread.join(5)
    assert late.get("id") == second, (late, second)
    # Same token with another body: still the same run; another token: a new run.
    assert start(emr, app_id, acct, clientToken="tok-2", tags={"other": "body"}) == second
    third = start(emr, app_id, acct, clientToken="tok-3")
    assert third not in (run_id, second)
    # Tokens are per application.
    other_app = seed_app(emu, acct, "retry-2", state="STARTED")
    assert start(emr, other_app, acct, clientToken="tok-2") != second
    assert len(emr.list_job_runs(applicationId=app_id)["jobRuns"]) == 3


def check_emr_paging(emu) -> None:
    acct = ACCOUNT_G
    app_id = seed_app(emu, acct, "paging", state="STARTED")
    emr = client(emu, acct)
    # Empty list (moto: 404) for an application without runs, on the wire too.
    assert emr.list_job_runs(applicationId=app_id)["jobRuns"] == []
    status, _, body = raw(emu, "GET", f"/applications/{app_id}/jobruns", acct)
    assert status == 200 and json.loads(body) == {"jobRuns": []}, (status, body)

    # 100 runs, one control call each, in shuffled order.
    started = time.monotonic()
    for i in [(k * 37) % 100 for k in range(100)]:
        seed_run(emu, acct, app_id, id=f"run{i:03d}", name=f"etl-{i}",
                 state="FAILED" if i % 10 == 0 else "SUCCESS", created_at=T0 + i * 60 + 0.5,
                 started_at=T0 + i * 60 + 10, ended_at=T0 + i * 60 + 70, execution_role=ROLE.format(acct),
                 job_driver=DRIVER)
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"seeding 100 runs took {elapsed:.2f} s"

    runs = emr.list_job_runs(applicationId=app_id, maxResults=3)["jobRuns"]
    assert [r["id"] for r in runs] == ["run099", "run098", "run097"], runs
    assert runs[0]["createdAt"].timestamp() == T0 + 99 * 60 + 0.5, runs[0]  # fraction kept
    # createdAtAfter: the 60 newest (40..99), pages of 25, newest first, stable while runs arrive.
    after = T0 + 39 * 60 + 0.5  # run039 was created exactly then: "after" excludes it
    pages, token = [], None
    while True:
        kwargs = {"applicationId": app_id, "maxResults": 25, "createdAtAfter": after}
        if token:
            kwargs["nextToken"] = token
        resp = emr.list_job_runs(**kwargs)
        pages.append([r["id"] for r in resp["jobRuns"]])
        token = resp.get("nextToken")
        if len(pages) == 1:
            seed_run(emu, acct, app_id, id="run999", created_at=T0 + 999 * 60)
        if not token:
            break
    assert [len(p) for p in pages] == [25, 25, 10], [len(p) for p in pages]
    assert [i for p in pages for i in p] == [f"run{i:03d}" for i in range(99, 39, -1)]
    total = [r["id"] for p in emr.get_paginator("list_job_runs").paginate(
        applicationId=app_id, createdAtAfter=after, PaginationConfig={"PageSize": 50}) for r in p["jobRuns"]]
    assert len(total) == 61 and total[0] == "run999", total[:3]
    before = emr.list_job_runs(applicationId=app_id, createdAtBefore=T0 + 2 * 60 + 0.5)["jobRuns"]
    assert [r["id"] for r in before] == ["run001", "run000"], before
    failed = emr.list_job_runs(applicationId=app_id, states=["FAILED"])["jobRuns"]
    assert len(failed) == 10 and failed[0]["id"] == "run090", failed[:1]
    assert len(emr.list_job_runs(applicationId=app_id)["jobRuns"]) == 50  # default page
    assert emr.list_job_runs(applicationId=app_id, states=["RUNNING", "QUEUED"])["jobRuns"] == []
    code, status, msg = error_of(lambda: emr.list_job_runs(applicationId=app_id, maxResults=51))
    assert (code, status) == ("ValidationException", 400) and "less than or equal to 50" in msg, (code, status, msg)
    status, _, body = raw(emu, "GET", f"/applications/{app_id}/jobruns?maxResults=0", acct)  # boto3 checks >= 1
    assert status == 400 and "greater than or equal to 1" in json.loads(body)["message"], body
    assert error_of(lambda: emr.list_job_runs(applicationId=app_id, nextToken="garbage"))[:2] == ("ValidationException", 400)
    # Pinned runs never move, however often they are read.
    assert emr.get_job_run(applicationId=app_id, jobRunId="run090")["jobRun"]["state"] == "FAILED"
    assert emr.list_job_runs(applicationId=app_id, maxResults=1, createdAtBefore=T0 + 91 * 60)["jobRuns"][0]["state"] == "FAILED"
    # The bulk endpoint.
    out = ok(emu, "/batchtop/emr/job-runs", {"account_id": acct, "application_id": app_id,
                                             "runs": [{"created_at": T0 - i} for i in range(1, 4)]})
    assert len(out["job_run_ids"]) == 3


def check_emr_progression_and_cancel(emu) -> None:
    acct = ACCOUNT_E
    app_id = seed_app(emu, acct, "progress", state="STARTED", tags={"app": "tag"})
    emr = client(emu, acct)
    run_id = start(emr, app_id, acct, tags={"run": "tag"}, retryPolicy={"maxAttempts": 2})
    seen = [emr.get_job_run(applicationId=app_id, jobRunId=run_id)["jobRun"] for _ in range(6)]
    assert [r["state"] for r in seen] == ["SUBMITTED", "PENDING", "SCHEDULED", "RUNNING", "SUCCESS", "SUCCESS"], \
        [r["state"] for r in seen]
    assert "startedAt" not in seen[2] and "startedAt" in seen[3] and "endedAt" in seen[4], seen[4]
    assert seen[5]["updatedAt"] >= seen[0]["updatedAt"] and seen[0]["createdAt"] == seen[5]["createdAt"]
    full = seen[5]
    assert full["jobDriver"] == DRIVER and full["executionRole"] == ROLE.format(acct), full
    assert full["releaseLabel"] == "emr-7.1.0" and full["mode"] == "BATCH" and full["attempt"] == 1, full
    assert full["retryPolicy"] == {"maxAttempts": 2} and full["tags"] == {"run": "tag"}, full
    assert full["createdBy"].startswith("arn:aws:") and full["stateDetails"] == "", full
    # A ListJobRuns that shows the run is a read too.
    second = start(emr, app_id, acct)
    listed = [next(r["state"] for r in emr.list_job_runs(applicationId=app_id)["jobRuns"] if r["id"] == second)
              for _ in range(3)]
    assert listed == ["SUBMITTED", "PENDING", "SCHEDULED"], listed
    # Now RUNNING (the next read would show it, then SUCCESS). Cancel: CANCELLING for one read, then CANCELLED.
    assert emr.cancel_job_run(applicationId=app_id, jobRunId=second)["jobRunId"] == second
    states = [emr.get_job_run(applicationId=app_id, jobRunId=second)["jobRun"]["state"] for _ in range(3)]
    assert states == ["CANCELLING", "CANCELLED", "CANCELLED"], states
    assert error_of(lambda: emr.cancel_job_run(applicationId=app_id, jobRunId=second))[:2] == ("ValidationException", 400)
    assert error_of(lambda: emr.cancel_job_run(applicationId=app_id, jobRunId="nope"))[:2] == ("ResourceNotFoundException", 404)
    # Pinning a run StartJobRun made keeps what the body leaves out; pinned states stay.
    third = start(emr, app_id, acct)
    seed_run(emu, acct, app_id, id=third, state="FAILED", state_details="Job failed: OOM")
    for _ in range(2):
        run = emr.get_job_run(applicationId=app_id, jobRunId=third)["jobRun"]
        assert run["state"] == "FAILED" and run["stateDetails"] == "Job failed: OOM", run
    assert run["jobDriver"] == DRIVER and "endedAt" in run, run
    for state in ("QUEUED", "PENDING", "SCHEDULED", "RUNNING"):
        pinned = seed_run(emu, acct, app_id, state=state, created_at=T0)
        assert [emr.get_job_run(applicationId=app_id, jobRunId=pinned)["jobRun"]["state"] for _ in range(2)] == [state] * 2
    emr.cancel_job_run(applicationId=app_id, jobRunId=pinned)  # a pinned RUNNING run cancels too
    assert [emr.get_job_run(applicationId=app_id, jobRunId=pinned)["jobRun"]["state"] for _ in range(2)] == \
        ["CANCELLING", "CANCELLED"]


def check_emr_dashboard_attempts_tags(emu) -> None:
    acct = ACCOUNT_G
    app_id = seed_app(emu, acct, "details", state="STARTED", tags={"team": "data"})
    emr = client(emu, acct)
    run_id = seed_run(
        emu, acct, app_id, id="retried01", name="nightly", state="SUCCESS", created_at=T0, updated_at=T0 + 900,
        started_at=T0 + 310, ended_at=T0 + 900, execution_role=ROLE.format(acct), job_driver=DRIVER,
        configuration_overrides={"monitoringConfiguration": {
            "s3MonitoringConfiguration": {"logUri": "s3://logs/emr/"},
            "cloudWatchLoggingConfiguration": {"enabled": True, "logGroupName": "/aws/emr-serverless"}}},
        total_resource_utilization={"vCPUHour": 1.5, "memoryGBHour": 6.0, "storageGBHour": 30.0},
        billed_resource_utilization={"vCPUHour": 2.0, "memoryGBHour": 8.0, "storageGBHour": 0.0},
        total_execution_duration_seconds=590, queued_duration_milliseconds=1200, retry_policy={"maxAttempts": 3},
        network_configuration={"subnetIds": ["subnet-1"], "securityGroupIds": ["sg-1"]}, tags={"run": "nightly"},
        attempts=[{"attempt": 1, "state": "FAILED", "state_details": "Container lost", "created_at": T0, "updated_at": T0 + 300},
                  {"attempt": 2, "created_at": T0 + 300, "updated_at": T0 + 900}])
    run = emr.get_job_run(applicationId=app_id, jobRunId=run_id)["jobRun"]
    assert run["attempt"] == 2 and run["attemptCreatedAt"].timestamp() == T0 + 300, run
    assert run["totalResourceUtilization"]["vCPUHour"] == 1.5 and run["billedResourceUtilization"]["vCPUHour"] == 2.0
    assert run["totalExecutionDurationSeconds"] == 590 and run["queuedDurationMilliseconds"] == 1200, run
    assert run["configurationOverrides"]["monitoringConfiguration"]["s3MonitoringConfiguration"]["logUri"] == "s3://logs/emr/"
    assert run["networkConfiguration"]["subnetIds"] == ["subnet-1"] and run["retryPolicy"] == {"maxAttempts": 3}
    first = emr.get_job_run(applicationId=app_id, jobRunId=run_id, attempt=1)["jobRun"]
    assert (first["state"], first["stateDetails"], first["attempt"]) == ("FAILED", "Container lost", 1), first
    attempts = emr.list_job_run_attempts(applicationId=app_id, jobRunId=run_id)["jobRunAttempts"]
    assert [(a["attempt"], a["state"]) for a in attempts] == [(1, "FAILED"), (2, "SUCCESS")], attempts
    assert attempts[0]["jobCreatedAt"].timestamp() == T0 and attempts[1]["createdAt"].timestamp() == T0 + 300
    assert attempts[0]["stateDetails"] == "Container lost" and attempts[1]["name"] == "nightly", attempts
    paged = emr.list_job_run_attempts(applicationId=app_id, jobRunId=run_id, maxResults=1)
    assert [a["attempt"] for a in paged["jobRunAttempts"]] == [1] and paged["nextToken"]
    rest = emr.list_job_run_attempts(applicationId=app_id, jobRunId=run_id, nextToken=paged["nextToken"])
    assert [a["attempt"] for a in rest["jobRunAttempts"]] == [2] and "nextToken" not in rest
    # A run StartJobRun made has one attempt that follows the run.
    live = start(emr, app_id, acct)
    assert [a["state"] for a in emr.list_job_run_attempts(applicationId=app_id, jobRunId=live)["jobRunAttempts"]] == ["SUBMITTED"]

    url = emr.get_dashboard_for_job_run(applicationId=app_id, jobRunId=run_id)["url"]
    prefix = f"https://{app_id}.dashboard.emr-serverless.us-east-1.amazonaws.com/?authToken="
    assert url.startswith(prefix) and len(url) > len(prefix) + 20, url
    assert emr.get_dashboard_for_job_run(applicationId=app_id, jobRunId=run_id, attempt=1)["url"] != url
    assert error_of(lambda: emr.get_dashboard_for_job_run(applicationId=app_id, jobRunId=run_id, attempt=7))[:2] == \
        ("ResourceNotFoundException", 404)
    assert error_of(lambda: emr.get_dashboard_for_job_run(applicationId=app_id, jobRunId="nope"))[:2] == \
        ("ResourceNotFoundException", 404)

    app_arn = f"arn:aws:emr-serverless:us-east-1:{acct}:/applications/{app_id}"
    assert emr.list_tags_for_resource(resourceArn=app_arn)["tags"] == {"team": "data"}
    assert emr.list_tags_for_resource(resourceArn=f"{app_arn}/jobruns/{run_id}")["tags"] == {"run": "nightly"}
    emr.tag_resource(resourceArn=f"{app_arn}/jobruns/{run_id}", tags={"owner": "ana"})
    emr.untag_resource(resourceArn=f"{app_arn}/jobruns/{run_id}", tagKeys=["run"])
    assert emr.get_job_run(applicationId=app_id, jobRunId=run_id)["jobRun"]["tags"] == {"owner": "ana"}
    assert error_of(lambda: emr.list_tags_for_resource(resourceArn="arn:aws:emr-serverless:us-east-1:1:/nope/x" + "x" * 40))[:2] == \
        ("ValidationException", 400)
    missing = f"arn:aws:emr-serverless:us-east-1:{acct}:/applications/nope00000000000"
    assert error_of(lambda: emr.list_tags_for_resource(resourceArn=missing))[:2] == ("ResourceNotFoundException", 404)


def check_emr_faults_and_wire(emu) -> None:
    acct = ACCOUNT_G
    emr = client(emu, acct)
    app_id = next(a["id"] for a in emr.list_applications()["applications"] if a["name"] == "details")
    emu.control("/batchtop/calls/reset", {"account_id": acct})
    for op in ("ListJobRuns", "GetDashboardForJobRun", "ListJobRunAttempts", "ListTagsForResource"):
        ok(emu, "/batchtop/faults", {"account_id": acct, "service": "emr-serverless", "operation": op, "kind": "throttle"})
    assert error_of(lambda: emr.list_job_runs(applicationId=app_id))[:2] == ("ThrottlingException", 429)
    assert error_of(lambda: emr.get_dashboard_for_job_run(applicationId=app_id, jobRunId="retried01"))[0] == "ThrottlingException"
    assert error_of(lambda: emr.list_job_run_attempts(applicationId=app_id, jobRunId="retried01"))[0] == "ThrottlingException"
    arn = f"arn:aws:emr-serverless:us-east-1:{acct}:/applications/{app_id}"
    assert error_of(lambda: emr.list_tags_for_resource(resourceArn=arn))[0] == "ThrottlingException"
    emr.list_job_runs(applicationId=app_id)
    ok(emu, "/batchtop/faults", {"account_id": acct, "service": "emr-serverless", "operation": "GetJobRun", "kind": "http500"})
    assert error_of(lambda: emr.get_job_run(applicationId=app_id, jobRunId="retried01"))[:2] == ("InternalServerException", 500)
    calls = emu.calls(acct)
    assert calls == {"ListJobRuns": 2, "GetDashboardForJobRun": 1, "ListJobRunAttempts": 1,
                     "ListTagsForResource": 1, "GetJobRun": 1}, calls
    # restJson1 errors: the model's status, x-amzn-ErrorType, body {"message"}.
    status, headers, body = raw(emu, "GET", f"/applications/{app_id}/jobruns/nope", acct)
    assert status == 404 and json.loads(body) == {"message": "Job run nope does not exist"}, (status, body)
    assert {k.lower(): v for k, v in headers.items()}["x-amzn-errortype"] == "ResourceNotFoundException", headers
    status, headers, body = raw(emu, "GET", f"/applications/{app_id}/jobruns?maxResults=99", acct)
    assert status == 400 and list(json.loads(body)) == ["message"], (status, body)
    ok(emu, "/batchtop/faults", {"account_id": acct, "operation": "GetJobRun", "kind": "throttle"})
    status, headers, body = raw(emu, "GET", f"/applications/{app_id}/jobruns/retried01", acct)
    assert status == 429 and json.loads(body) == {"message": "Rate exceeded"}, (status, body)
    assert {k.lower(): v for k, v in headers.items()}["x-amzn-errortype"] == "ThrottlingException", headers
    # On the wire, createdAt is epoch seconds with a fraction.
    status, _, body = raw(emu, "GET", f"/applications/{app_id}/jobruns/retried01", acct)
    assert status == 200 and json.loads(body)["jobRun"]["createdAt"] == T0, body
    status, _, body = raw(emu, "GET", f"/applications/{app_id}/jobruns?maxResults=1&createdAtBefore={T0 - 0.5}", acct)
    assert status == 200, body


CHECKS = [check_emr_applications, check_emr_client_token_retry, check_emr_paging,
          check_emr_progression_and_cancel, check_emr_dashboard_attempts_tags, check_emr_faults_and_wire]
