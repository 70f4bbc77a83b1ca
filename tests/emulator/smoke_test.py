"""Smoke test of the emulator launcher, through boto3 and raw HTTP.

    .venv-emulator/bin/python tests/emulator/smoke_test.py

Starts launcher.py on port 0, exercises the control endpoints, the Glue fixes and
fault injection, then stops it with SIGTERM.  Exits non-zero on any failure.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

import smoke_catalog
import smoke_dq
import smoke_emr
import smoke_logs
import smoke_workflows

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"
ACCOUNT_C = "333333333333"
ACCOUNT_BIG = "444444444444"
T0 = 1_700_000_000.0  # fixed epoch base for seeded runs


class Emulator:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "launcher.py"), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=None,  # inherit: the launcher's log goes to our stderr
            text=True,
        )
        ready, _, _ = select.select([self.proc.stdout], [], [], 30)
        if not ready:
            self.proc.kill()
            raise RuntimeError("launcher printed nothing within 30 s")
        line = self.proc.stdout.readline().strip()
        if not line.startswith("READY "):
            self.proc.kill()
            raise RuntimeError(f"unexpected first line: {line!r}")
        self.port = int(line.split()[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGTERM)
        try:
            rest, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, rest

    # --- control endpoints ---------------------------------------------------------
    def control(self, path: str, body: dict | None = None, method: str = "POST") -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")

    def calls(self, account: str) -> dict:
        status, body = self.control(f"/batchtop/calls?account_id={account}", method="GET")
        assert status == 200, body
        return body

    # --- AWS clients ---------------------------------------------------------------
    def client(self, service: str, account: str, region: str = "us-east-1"):
        client = boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )

        def add_account(request, **_):
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-sign.*.*", add_account)
        return client

    def raw_glue(self, operation: str, body: dict, account: str) -> tuple[int, dict, dict]:
        """A Glue call made by hand, to look at the bytes on the wire."""
        req = urllib.request.Request(
            self.url + "/",
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSGlue.{operation}",
                "x-moto-account-id": account,
                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240101/us-east-1/glue/"
                "aws4_request, SignedHeaders=host, Signature=00",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), json.loads(err.read())


def error_of(call) -> tuple[str, int, str]:
    try:
        call()
    except ClientError as err:
        return (err.response["Error"]["Code"], err.response["ResponseMetadata"]["HTTPStatusCode"],
                err.response["Error"].get("Message", ""))
    raise AssertionError("expected an error, call succeeded")


def run_spec(i: int, **extra) -> dict:
    spec = {"state": "SUCCEEDED", "started_on": T0 + i * 60, "completed_on": T0 + i * 60 + 30}
    spec.update(extra)
    return spec


# --- checks ------------------------------------------------------------------------

def check_seed_and_shapes(emu: Emulator) -> None:
    status, out = emu.control("/batchtop/glue/seed", {
        "account_id": ACCOUNT_A,
        "jobs": [{
            "name": "orders-daily", "tags": {"stream": "orders"}, "description": "orders",
            "glue_version": "4.0", "worker_type": "G.1X", "number_of_workers": 10,
            "max_capacity": None, "default_arguments": {"--k": "v"},
            "runs": [
                {"state": "FAILED", "started_on": T0, "completed_on": T0 + 95.5,
                 "error_message": "An error occurred while calling o123.pyWriteDynamicFrame. Boom",
                 "dpu_seconds": 950.0, "arguments": {"--day": "2023-11-14"}, "attempt": 0},
                {"id": "jr_" + "a" * 64, "state": "RUNNING", "started_on": T0 + 600,
                 "completed_on": None, "attempt": 1, "previous_run_id": "jr_" + "b" * 64,
                 "trigger_name": "nightly", "execution_class": "FLEX", "timeout": 60},
            ],
        }],
    })
    assert status == 200, out
    assert out["jobs"] == 1 and out["runs"] == 2, out
    failed_id, running_id = out["run_ids"]["orders-daily"]
    assert running_id == "jr_" + "a" * 64 and failed_id.startswith("jr_") and len(failed_id) == 67

    glue = emu.client("glue", ACCOUNT_A)
    job = glue.get_job(JobName="orders-daily")["Job"]
    assert job["WorkerType"] == "G.1X" and job["NumberOfWorkers"] == 10, job
    assert job["GlueVersion"] == "4.0" and job["DefaultArguments"] == {"--k": "v"}, job
    assert glue.get_tags(ResourceArn=f"arn:aws:glue:us-east-1:{ACCOUNT_A}:job/orders-daily")["Tags"] == {"stream": "orders"}
    assert glue.list_jobs(Tags={"stream": "orders"})["JobNames"] == ["orders-daily"]

    failed = glue.get_job_run(JobName="orders-daily", RunId=failed_id)["JobRun"]
    assert failed["JobRunState"] == "FAILED", failed
    assert failed["ErrorMessage"].endswith("Boom"), failed
    assert failed["ExecutionTime"] == 95, failed
    assert failed["DPUSeconds"] == 950.0 and failed["MaxCapacity"] == 10.0, failed
    assert failed["AllocatedCapacity"] == 10 and failed["WorkerType"] == "G.1X" and failed["NumberOfWorkers"] == 10
    assert failed["GlueVersion"] == "4.0" and failed["LogGroupName"] == "/aws-glue/jobs"
    assert failed["ExecutionClass"] == "STANDARD" and failed["Timeout"] == 2880, failed
    assert failed["Arguments"] == {"--day": "2023-11-14"} and failed["Attempt"] == 0
    assert failed["StartedOn"].timestamp() == T0 and failed["CompletedOn"].timestamp() == T0 + 95.5
    assert failed["LastModifiedOn"] == failed["CompletedOn"]
    for absent in ("PreviousRunId", "TriggerName"):
        assert absent not in failed, absent

    running = glue.get_job_run(JobName="orders-daily", RunId=running_id)["JobRun"]
    assert running["JobRunState"] == "RUNNING" and running["Attempt"] == 1, running
    assert running["PreviousRunId"] == "jr_" + "b" * 64 and running["TriggerName"] == "nightly"
    assert running["ExecutionClass"] == "FLEX" and running["Timeout"] == 60
    for absent in ("CompletedOn", "ErrorMessage", "DPUSeconds"):
        assert absent not in running, absent
    # A pinned state stays put however often it is read.
    for _ in range(3):
        assert glue.get_job_run(JobName="orders-daily", RunId=running_id)["JobRun"]["JobRunState"] == "RUNNING"

    # On the wire: timestamps are epoch-second numbers (awsJson1_1).
    status, _, body = emu.raw_glue("GetJobRuns", {"JobName": "orders-daily"}, ACCOUNT_A)
    assert status == 200, body
    first = body["JobRuns"][0]
    assert first["Id"] == running_id, "newest run first"
    assert isinstance(first["StartedOn"], (int, float)) and first["StartedOn"] == T0 + 600, first
    assert "NextToken" not in body

    # Overwrite the running run by id: it fails now.
    status, out = emu.control("/batchtop/glue/job-run", {
        "account_id": ACCOUNT_A, "job_name": "orders-daily", "id": running_id, "state": "TIMEOUT",
        "started_on": T0 + 600, "completed_on": T0 + 4200, "error_message": "Job run timed out",
        "attempt": 1, "timeout": 60})
    assert status == 200 and out == {"run_id": running_id}, out
    run = glue.get_job_run(JobName="orders-daily", RunId=running_id)["JobRun"]
    assert run["JobRunState"] == "TIMEOUT" and run["ErrorMessage"] == "Job run timed out", run
    assert run["ExecutionTime"] == 3600, run
    assert len(glue.get_job_runs(JobName="orders-daily")["JobRuns"]) == 2
    # Add one more (generated id).
    status, out = emu.control("/batchtop/glue/job-run", {
        "account_id": ACCOUNT_A, "job_name": "orders-daily", "state": "STOPPED", "started_on": T0 + 900})
    assert status == 200 and out["run_id"].startswith("jr_"), out
    assert glue.get_job_runs(JobName="orders-daily")["JobRuns"][0]["Id"] == out["run_id"]

    # Control endpoint errors.
    status, out = emu.control("/batchtop/glue/job-run", {"account_id": ACCOUNT_A, "job_name": "nope", "state": "FAILED"})
    assert status == 404, out
    status, out = emu.control("/batchtop/glue/job-run", {"account_id": ACCOUNT_A, "job_name": "orders-daily", "state": "BROKEN"})
    assert status == 400, out
    status, out = emu.control("/batchtop/glue/seed", {"account_id": "12", "jobs": []})
    assert status == 400, out


def check_not_found(emu: Emulator) -> None:
    glue = emu.client("glue", ACCOUNT_A)
    code, status, msg = error_of(lambda: glue.get_job_run(JobName="orders-daily", RunId="jr_" + "0" * 64))
    assert (code, status) == ("EntityNotFoundException", 400), (code, status, msg)
    code, status, msg = error_of(lambda: glue.get_job_run(JobName="no-such-job", RunId="jr_" + "0" * 64))
    assert (code, status) == ("EntityNotFoundException", 400), (code, status, msg)
    code, status, msg = error_of(lambda: glue.get_job_runs(JobName="no-such-job"))
    assert (code, status) == ("EntityNotFoundException", 400), (code, status, msg)
    # Other accounts do not see account A's jobs.
    other = emu.client("glue", ACCOUNT_B)
    code, _, _ = error_of(lambda: other.get_job(JobName="orders-daily"))
    assert code == "EntityNotFoundException"


def check_job_runs_paging(emu: Emulator) -> None:
    # 250 runs, seeded in shuffled order so that order can only come from StartedOn.
    order = [(i * 97) % 250 for i in range(250)]
    status, out = emu.control("/batchtop/glue/seed", {
        "account_id": ACCOUNT_C,
        "jobs": [{"name": "big", "worker_type": "G.2X", "number_of_workers": 5,
                  "runs": [run_spec(i, id=f"jr_{i:064x}") for i in order]}],
    })
    assert status == 200 and out["runs"] == 250, out
    glue = emu.client("glue", ACCOUNT_C)
    assert glue.get_job_runs(JobName="big", MaxResults=3)["JobRuns"][0]["MaxCapacity"] == 10.0

    pages, token = [], None
    while True:
        kwargs = {"JobName": "big", "MaxResults": 100}
        if token:
            kwargs["NextToken"] = token
        resp = glue.get_job_runs(**kwargs)
        pages.append([r["Id"] for r in resp["JobRuns"]])
        token = resp.get("NextToken")
        if len(pages) == 1:
            # A run started in between must not shift the following pages.
            emu.control("/batchtop/glue/job-run", {"account_id": ACCOUNT_C, "job_name": "big",
                                                   "id": "jr_" + "f" * 64, **run_spec(1000)})
        if not token:
            break
    assert [len(p) for p in pages] == [100, 100, 50], [len(p) for p in pages]
    ids = [i for p in pages for i in p]
    assert ids == [f"jr_{i:064x}" for i in range(249, -1, -1)], "pages are newest first, no gap or repeat"

    # Default page size 100; the newest (added during paging) now comes first.
    resp = glue.get_job_runs(JobName="big")
    assert len(resp["JobRuns"]) == 100 and "NextToken" in resp
    assert resp["JobRuns"][0]["Id"] == "jr_" + "f" * 64
    # The paginator walks everything.
    total = sum(len(p["JobRuns"]) for p in glue.get_paginator("get_job_runs").paginate(JobName="big"))
    assert total == 251, total
    # MaxResults outside 1..200 and a bad token are rejected.
    code, status, msg = error_of(lambda: glue.get_job_runs(JobName="big", MaxResults=201))
    assert (code, status) == ("ValidationException", 400) and "less than or equal to 200" in msg, msg
    assert len(glue.get_job_runs(JobName="big", MaxResults=200)["JobRuns"]) == 200
    code, _, _ = error_of(lambda: glue.get_job_runs(JobName="big", NextToken="garbage"))
    assert code == "InvalidInputException", code


def check_native_runs(emu: Emulator) -> None:
    glue = emu.client("glue", ACCOUNT_B)
    glue.create_job(Name="native", Role="r", Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"})
    status, _ = emu.control("/batchtop/glue/job-run", {"account_id": ACCOUNT_B, "job_name": "native", **run_spec(0)})
    assert status == 200
    run_id = glue.start_job_run(JobName="native")["JobRunId"]
    runs = glue.get_job_runs(JobName="native")["JobRuns"]
    assert runs[0]["Id"] == run_id and runs[0]["JobRunState"] == "SUCCEEDED", runs[0]
    assert glue.get_job_run(JobName="native", RunId=run_id)["JobRun"]["Id"] == run_id
    # A seeded RUNNING run counts against MaxConcurrentRuns (1), as on AWS.
    emu.control("/batchtop/glue/job-run", {"account_id": ACCOUNT_B, "job_name": "native",
                                           "state": "RUNNING", "started_on": time.time()})
    code, _, _ = error_of(lambda: glue.start_job_run(JobName="native"))
    assert code == "ConcurrentRunsExceededException", code
    # moto's state manager still drives native runs; an unfinished one has no CompletedOn.
    glue.create_job(Name="stepped", Role="r", Command={"Name": "glueetl"})
    manual = {"model_name": "glue::job_run", "transition": {"progression": "manual", "times": 1}}
    emu.control("/moto-api/state-manager/set-transition", manual)
    try:
        run_id = glue.start_job_run(JobName="stepped")["JobRunId"]
        run = glue.get_job_run(JobName="stepped", RunId=run_id)["JobRun"]
        assert run["JobRunState"] == "RUNNING" and "CompletedOn" not in run, run
        run = glue.get_job_runs(JobName="stepped")["JobRuns"][0]
        assert run["JobRunState"] == "SUCCEEDED" and "CompletedOn" in run, run
    finally:
        emu.control("/moto-api/state-manager/set-transition",
                    {"model_name": "glue::job_run", "transition": {"progression": "immediate"}})


def check_jobs_paging(emu: Emulator) -> None:
    jobs = [{"name": f"job-{i:03d}", "tags": {"stream": "even" if i % 2 == 0 else "odd"}} for i in range(130)]
    status, out = emu.control("/batchtop/glue/seed", {"account_id": ACCOUNT_B, "region": "eu-west-1", "jobs": jobs})
    assert status == 200 and out["jobs"] == 130, out
    glue = emu.client("glue", ACCOUNT_B, region="eu-west-1")
    names, token = [], None
    while True:
        resp = glue.list_jobs(MaxResults=50, **({"NextToken": token} if token else {}))
        names += resp["JobNames"]
        token = resp.get("NextToken")
        if not token:
            break
    assert sorted(names) == sorted(j["name"] for j in jobs) and len(names) == 130
    got, token = [], None
    while True:
        resp = glue.get_jobs(MaxResults=40, **({"NextToken": token} if token else {}))
        got += [j["Name"] for j in resp["Jobs"]]
        token = resp.get("NextToken")
        if not token:
            break
    assert len(got) == 130 and len(set(got)) == 130
    assert len(glue.get_jobs()["Jobs"]) == 100  # default page
    tagged = [n for p in glue.get_paginator("list_jobs").paginate(Tags={"stream": "even"}) for n in p["JobNames"]]
    assert len(tagged) == 65, len(tagged)
    # Region isolation: us-east-1 of the same account does not have them.
    assert "job-000" not in emu.client("glue", ACCOUNT_B).list_jobs()["JobNames"]


def check_faults(emu: Emulator) -> None:
    a, b = emu.client("glue", ACCOUNT_A), emu.client("glue", ACCOUNT_B)
    emu.control("/batchtop/calls/reset", {"account_id": ACCOUNT_A})
    emu.control("/batchtop/calls/reset", {"account_id": ACCOUNT_B})

    status, out = emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJobRuns",
                                                   "kind": "throttle", "count": 2})
    assert status == 200, out
    b.get_job_runs(JobName="native")  # account B is unaffected
    assert error_of(lambda: a.get_job_runs(JobName="orders-daily"))[:2] == ("ThrottlingException", 400)
    b.get_job_runs(JobName="native")
    # Raw wire shape of the second throttle.
    status, headers, body = emu.raw_glue("GetJobRuns", {"JobName": "orders-daily"}, ACCOUNT_A)
    assert status == 400 and body == {"__type": "ThrottlingException", "message": "Rate exceeded"}, body
    assert headers.get("x-amzn-ErrorType") == "ThrottlingException", headers
    a.get_job_runs(JobName="orders-daily")  # the third passes
    a.get_job(JobName="orders-daily")  # other operations never were affected

    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJobRun", "kind": "http500", "count": 1})
    code, status, _ = error_of(lambda: a.get_job_run(JobName="orders-daily", RunId="jr_" + "a" * 64))
    assert (code, status) == ("InternalServiceException", 500), (code, status)

    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJobs", "kind": "access_denied", "count": 1})
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJob", "kind": "access_denied", "count": 1})
    code, status, msg = error_of(lambda: a.get_jobs())
    assert (code, status) == ("AccessDeniedException", 400), (code, status)
    assert msg.startswith(f"User: arn:aws:iam::{ACCOUNT_A}:user/test is not authorized to perform: glue:GetJobs on resource: "), msg
    _, _, msg = error_of(lambda: a.get_job(JobName="orders-daily"))
    assert f"glue:GetJob on resource: arn:aws:glue:us-east-1:{ACCOUNT_A}:job/orders-daily" in msg, msg

    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "ListJobs", "kind": "expired_token", "count": 1})
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "ListJobs", "kind": "unrecognized_client", "count": 1})
    assert error_of(lambda: a.list_jobs()) == ("ExpiredTokenException", 400, "The security token included in the request is expired")
    assert error_of(lambda: a.list_jobs()) == ("UnrecognizedClientException", 400, "The security token included in the request is invalid.")
    a.list_jobs()

    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJob", "kind": "delay", "count": 1, "delay_ms": 400})
    started = time.monotonic()
    b.get_job(JobName="native")
    fast = time.monotonic() - started
    started = time.monotonic()
    a.get_job(JobName="orders-daily")
    slow = time.monotonic() - started
    assert slow >= 0.4 and fast < 0.4, (slow, fast)

    # "*" matches any operation; clear drops what is queued.
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "*", "kind": "throttle", "count": 5})
    assert error_of(lambda: a.get_job(JobName="orders-daily"))[0] == "ThrottlingException"
    status, _ = emu.control("/batchtop/faults/clear", {"account_id": ACCOUNT_A})
    assert status == 200
    a.get_job(JobName="orders-daily")

    # STS (query protocol): XML errors with STS's codes.
    sts = emu.client("sts", ACCOUNT_A)
    assert sts.get_caller_identity()["Account"] == ACCOUNT_A
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetCallerIdentity", "kind": "throttle"})
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetCallerIdentity", "kind": "expired_token"})
    assert error_of(sts.get_caller_identity)[:2] == ("Throttling", 400)
    assert error_of(sts.get_caller_identity)[:2] == ("ExpiredToken", 400)
    sts.get_caller_identity()

    # Bad fault requests.
    assert emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJob", "kind": "meteor"})[0] == 400
    assert emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "operation": "GetJob", "kind": "throttle", "count": 0})[0] == 400

    calls_a, calls_b = emu.calls(ACCOUNT_A), emu.calls(ACCOUNT_B)
    assert calls_a["GetJobRuns"] == 3 and calls_a["GetJobRun"] == 1 and calls_a["GetJobs"] == 1, calls_a
    assert calls_a["GetJob"] == 5 and calls_a["ListJobs"] == 3 and calls_a["GetCallerIdentity"] == 4, calls_a
    assert calls_b == {"GetJobRuns": 2, "GetJob": 1}, calls_b
    emu.control("/batchtop/calls/reset", {"account_id": ACCOUNT_A})
    assert emu.calls(ACCOUNT_A) == {}
    assert emu.calls(ACCOUNT_B) == {"GetJobRuns": 2, "GetJob": 1}

    # A rest-json service is counted by operation name too.
    emr = emu.client("emr-serverless", ACCOUNT_A)
    emr.list_applications()
    assert emu.calls(ACCOUNT_A).get("ListApplications") == 1, emu.calls(ACCOUNT_A)
    # A fault scoped to another service does not touch it; one scoped to it does.
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "service": "glue",
                                     "operation": "ListApplications", "kind": "throttle"})
    emr.list_applications()
    emu.control("/batchtop/faults/clear", {"account_id": ACCOUNT_A})
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_A, "service": "emr-serverless",
                                     "operation": "ListApplications", "kind": "throttle"})
    assert error_of(emr.list_applications)[:2] == ("ThrottlingException", 429)
    status, glue_only = emu.control(f"/batchtop/calls?account_id={ACCOUNT_A}&service=glue", method="GET")
    assert status == 200 and "ListApplications" not in glue_only and "ListApplications" in emu.calls(ACCOUNT_A)


def check_apply_then_500(emu: Emulator) -> None:
    """The call takes effect, the client gets Glue's 500; a plain http500 changes nothing."""
    acct = "111122223333"
    glue = emu.client("glue", acct)
    glue.create_job(Name="once", Role="r", Command={"Name": "glueetl", "ScriptLocation": "s3://b/s.py"},
                    ExecutionProperty={"MaxConcurrentRuns": 5})
    emu.control("/batchtop/calls/reset", {"account_id": acct})
    emu.control("/batchtop/faults", {"account_id": acct, "operation": "StartJobRun", "kind": "apply_then_500"})
    code, status, _ = error_of(lambda: glue.start_job_run(JobName="once", Arguments={"--day": "1"}))
    assert (code, status) == ("InternalServiceException", 500), (code, status)
    runs = glue.get_job_runs(JobName="once")["JobRuns"]
    assert len(runs) == 1 and runs[0]["Arguments"] == {"--day": "1"}, runs
    emu.control("/batchtop/faults", {"account_id": acct, "operation": "StartJobRun", "kind": "http500"})
    assert error_of(lambda: glue.start_job_run(JobName="once"))[:2] == ("InternalServiceException", 500)
    assert len(glue.get_job_runs(JobName="once")["JobRuns"]) == 1
    calls = emu.calls(acct)
    assert calls.get("StartJobRun") == 2, calls


def check_big_seed(emu: Emulator) -> None:
    jobs = [{
        "name": f"etl-{j:03d}", "tags": {"stream": f"s{j % 7}"}, "glue_version": "4.0",
        "worker_type": "G.1X", "number_of_workers": 2 + j % 10,
        "runs": [run_spec(r, state=("FAILED" if r % 5 == 0 else "SUCCEEDED"),
                          error_message=("boom" if r % 5 == 0 else None)) for r in range(20)],
    } for j in range(300)]
    started = time.monotonic()
    status, out = emu.control("/batchtop/glue/seed", {"account_id": ACCOUNT_BIG, "jobs": jobs})
    elapsed = time.monotonic() - started
    assert status == 200 and out["jobs"] == 300 and out["runs"] == 6000, out
    print(f"seed 300 jobs x 20 runs: {elapsed:.2f} s", file=sys.stderr)
    assert elapsed < 3.0, f"seed took {elapsed:.2f} s"
    glue = emu.client("glue", ACCOUNT_BIG)
    names = [n for p in glue.get_paginator("list_jobs").paginate() for n in p["JobNames"]]
    assert len(names) == 300
    runs = glue.get_job_runs(JobName="etl-123")["JobRuns"]
    assert len(runs) == 20 and runs[0]["StartedOn"].timestamp() == T0 + 19 * 60
    assert runs[-1]["JobRunState"] == "FAILED" and runs[-1]["ErrorMessage"] == "boom"


def check_reset(emu: Emulator) -> None:
    emu.control("/batchtop/faults", {"account_id": ACCOUNT_C, "operation": "GetJob", "kind": "throttle", "count": 9})
    urllib.request.urlopen(urllib.request.Request(emu.url + "/moto-api/reset", data=b"", method="POST")).read()
    glue = emu.client("glue", ACCOUNT_C)
    assert error_of(lambda: glue.get_job(JobName="big"))[0] == "EntityNotFoundException"


CHECKS = [check_seed_and_shapes, check_not_found, check_job_runs_paging, check_native_runs,
          check_jobs_paging, check_faults, check_apply_then_500, check_big_seed, *smoke_workflows.CHECKS,
          *smoke_emr.CHECKS, *smoke_dq.CHECKS, *smoke_logs.CHECKS,
          *smoke_catalog.CHECKS, check_reset]


def main() -> int:
    started = time.monotonic()
    emu = Emulator()
    print(f"emulator ready on port {emu.port} in {time.monotonic() - started:.2f} s", file=sys.stderr)
    passed = failed = 0
    try:
        for check in CHECKS:
            try:
                began = time.monotonic()
                check(emu)
                passed += 1
                print(f"ok   {check.__name__} ({time.monotonic() - began:.2f} s)", file=sys.stderr)
            except Exception:
                failed += 1
                print(f"FAIL {check.__name__}", file=sys.stderr)
                traceback.print_exc()
    finally:
        code, rest = emu.stop()
    if code != 0:
        failed += 1
        print(f"FAIL launcher exited with {code} on SIGTERM", file=sys.stderr)
    elif rest.strip():
        failed += 1
        print(f"FAIL launcher wrote more to stdout: {rest!r}", file=sys.stderr)
    else:
        passed += 1
        print("ok   clean shutdown", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
