"""Smoke checks of the CloudWatch Logs additions (run by smoke_test.py): StartLiveTail
streaming, filter patterns, FilterLogEvents paging/ids, the call-times endpoint."""

from __future__ import annotations

import json
import threading
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError, EventStreamError

ACCOUNT_TAIL = "141414141414"
ACCOUNT_FILTER = "151515151515"
ACCOUNT_TIMES = "161616161616"
ACCOUNT_LIMITS = "171717171717"


def client(emu, account: str):
    # The SDKs send StartLiveTail to `stream-<host>`: turn the host prefix off for 127.0.0.1.
    logs = boto3.client("logs", endpoint_url=emu.url, region_name="us-east-1",
                        aws_access_key_id="AKIDTEST", aws_secret_access_key="secret",
                        config=Config(inject_host_prefix=False, read_timeout=30,
                                      retries={"total_max_attempts": 1, "mode": "standard"}))
    logs.meta.events.register("before-sign.*.*", lambda request, **_: request.headers.__setitem__(
        "x-moto-account-id", account))
    return logs


def error_code(call) -> str:
    try:
        call()
    except ClientError as err:
        return err.response["Error"]["Code"]
    raise AssertionError("expected an error, call succeeded")


def now_ms() -> int:
    return int(time.time() * 1000)


def group(logs, name: str, streams: list[str]) -> str:
    logs.create_log_group(logGroupName=name)
    for stream in streams:
        logs.create_log_stream(logGroupName=name, logStreamName=stream)
    found = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    return next(g["logGroupArn"] for g in found if g["logGroupName"] == name)


def put(logs, name: str, stream: str, *messages: str) -> None:
    t = now_ms()
    logs.put_log_events(logGroupName=name, logStreamName=stream,
                        logEvents=[{"timestamp": t, "message": m} for m in messages])


def updates(stream, count: int):
    """The next `count` (elapsed s, sessionUpdate) pairs (the stream stays open)."""
    began = time.monotonic()
    for event in stream:
        if "sessionUpdate" in event:
            yield time.monotonic() - began, event["sessionUpdate"]
            count -= 1
        if count <= 0:
            return


def messages(update: dict) -> list[str]:
    return [e["message"] for e in update["sessionResults"]]


# --- checks ------------------------------------------------------------------------

def check_logs_live_tail_streams(emu) -> None:
    logs = client(emu, ACCOUNT_TAIL)
    arn_a = group(logs, "/aws-glue/jobs/output", ["jr_1", "jr_2"])
    group(logs, "/aws-glue/jobs/error", ["jr_1"])  # created last: moto tailed this one
    put(logs, "/aws-glue/jobs/output", "jr_1", "put before the session")
    answer = logs.start_live_tail(logGroupIdentifiers=[arn_a])
    stream = answer["responseStream"]
    first = next(iter(stream))
    start = first["sessionStart"]
    assert start["logGroupIdentifiers"] == [arn_a] and start["sessionId"] and start["requestId"], start

    def writer():
        time.sleep(0.3)
        put(logs, "/aws-glue/jobs/output", "jr_2", "put after the session started")
        time.sleep(0.2)
        put(logs, "/aws-glue/jobs/error", "jr_1", "put to the other group")

    threading.Thread(target=writer).start()
    seen, times = [], []
    for elapsed, update in updates(stream, 3):
        assert update["sessionMetadata"] == {"sampled": False}, update
        times.append(elapsed)
        seen += update["sessionResults"]
    stream.close()
    assert [e["message"] for e in seen] == ["put after the session started"], seen
    event = seen[0]
    assert event["logStreamName"] == "jr_2" and event["logGroupIdentifier"] == arn_a, event
    assert set(event) == {"logStreamName", "logGroupIdentifier", "message", "timestamp", "ingestionTime"}
    # one update a second, the empty ones included
    assert len(times) == 3 and all(abs(t - (i + 1)) < 0.35 for i, t in enumerate(times)), times


def check_logs_live_tail_filters(emu) -> None:
    logs = client(emu, ACCOUNT_TAIL)
    arn = group(logs, "/aws/emr-serverless", ["/applications/a1/jobs/r1/SPARK_DRIVER/stderr",
                                             "/applications/a1/jobs/r2/SPARK_DRIVER/stderr"])
    stream = logs.start_live_tail(logGroupIdentifiers=[arn], logEventFilterPattern="ERROR -Retry",
                                  logStreamNamePrefixes=["/applications/a1/jobs/r1/"])["responseStream"]
    start = next(iter(stream))["sessionStart"]
    assert start["logStreamNamePrefixes"] == ["/applications/a1/jobs/r1/"]
    assert start["logEventFilterPattern"] == "ERROR -Retry"
    put(logs, "/aws/emr-serverless", "/applications/a1/jobs/r1/SPARK_DRIVER/stderr",
        "ERROR boom", "ERROR Retry 1", "INFO ok", "error lower case")
    put(logs, "/aws/emr-serverless", "/applications/a1/jobs/r2/SPARK_DRIVER/stderr", "ERROR other run")
    seen = [m for _, update in updates(stream, 1) for m in messages(update)]
    stream.close()
    assert seen == ["ERROR boom"], seen

    # validation, before any stream
    arn_other = group(logs, "/aws-glue/crawlers", [])
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=["/aws/emr-serverless"])) \
        == "InvalidParameterException"  # the API wants ARNs
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[arn + ":*"])) == "InvalidParameterException"
    missing = arn.replace("/aws/emr-serverless", "/no/such/group")
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[missing])) == "ResourceNotFoundException"
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[arn, arn_other],
                                                   logStreamNames=["x"])) == "InvalidParameterException"
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[arn], logStreamNames=["x"],
                                                   logStreamNamePrefixes=["y"])) == "InvalidParameterException"
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[arn] * 11)) == "InvalidParameterException"
    assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[arn],
                                                   logEventFilterPattern='"open')) == "InvalidParameterException"


def check_logs_live_tail_sampled(emu) -> None:
    logs = client(emu, ACCOUNT_TAIL)
    arn = group(logs, "/aws-glue/jobs/logs-v2", ["jr_9-driver"])
    stream = logs.start_live_tail(logGroupIdentifiers=[arn])["responseStream"]
    next(iter(stream))
    put(logs, "/aws-glue/jobs/logs-v2", "jr_9-driver", *[f"line {i}" for i in range(600)])
    got = [update for _, update in updates(stream, 2)]
    stream.close()
    assert got[0]["sessionMetadata"] == {"sampled": True} and len(got[0]["sessionResults"]) == 500, \
        (got[0]["sessionMetadata"], len(got[0]["sessionResults"]))
    assert len(set(messages(got[0]))) == 500
    assert got[1] == {"sessionMetadata": {"sampled": False}, "sessionResults": []}, got[1]


def check_logs_live_tail_end(emu) -> None:
    logs = client(emu, ACCOUNT_LIMITS)
    arn = group(logs, "/aws-glue/jobs/error", ["jr_1"])
    status, body = emu.control("/batchtop/logs/live-tail", {"account_id": ACCOUNT_LIMITS, "max_seconds": 2.5})
    assert status == 200 and body["max_seconds"] == 2.5 and body["interval_ms"] == 1000, body
    began = time.monotonic()
    kinds = []
    try:
        for event in logs.start_live_tail(logGroupIdentifiers=[arn])["responseStream"]:
            kinds.append(next(iter(event)))
        raise AssertionError(f"stream ended without SessionTimeoutException: {kinds}")
    except EventStreamError as err:
        assert err.response["Error"]["Code"] == "SessionTimeoutException", err.response
    ended = time.monotonic() - began
    assert kinds == ["sessionStart", "sessionUpdate", "sessionUpdate"] and 2.3 < ended < 3.5, (kinds, ended)

    # a client that goes away ends the session (and its in-flight call) within a tick
    emu.control("/batchtop/logs/live-tail", {"account_id": ACCOUNT_LIMITS, "max_seconds": None})
    stream = logs.start_live_tail(logGroupIdentifiers=[arn])["responseStream"]
    next(iter(stream))
    assert emu.control("/batchtop/logs/live-tail", {"account_id": ACCOUNT_LIMITS})[1]["active_sessions"] == 1
    stream.close()
    deadline = time.monotonic() + 3
    while emu.control("/batchtop/logs/live-tail", {"account_id": ACCOUNT_LIMITS})[1]["active_sessions"]:
        assert time.monotonic() < deadline, "session outlived its client"
        time.sleep(0.1)

    # faults refuse StartLiveTail as a plain JSON error, before any stream
    for kind, code in (("access_denied", "AccessDeniedException"), ("throttle", "ThrottlingException")):
        emu.control("/batchtop/faults", {"account_id": ACCOUNT_LIMITS, "operation": "StartLiveTail", "kind": kind})
        assert error_code(lambda: logs.start_live_tail(logGroupIdentifiers=[arn])) == code
    status, body = emu.control("/batchtop/logs/live-tail", {"account_id": ACCOUNT_LIMITS, "max_seconds": -1})
    assert status == 400, body


def check_logs_filter_patterns(emu) -> None:
    logs = client(emu, ACCOUNT_FILTER)
    arn = group(logs, "/aws-glue/jobs/error", ["jr_a", "jr_b", "other"])
    t = now_ms() - 60_000
    rows = {"jr_a": ["ERROR boom", "ERROR Retry 2 of 3", "Caused by: java.io.IOException"],
            "jr_b": ["WARN slow", "java.lang.OutOfMemoryError: Java heap space", "Out of memory, killed"],
            "other": ["INFO fine", "ERROR elsewhere"]}
    for offset, (stream, lines) in enumerate(rows.items()):
        logs.put_log_events(logGroupName="/aws-glue/jobs/error", logStreamName=stream, logEvents=[
            {"timestamp": t + 10 * i + offset, "message": m} for i, m in enumerate(lines)])

    def found(pattern: str | None = None, **extra) -> list[str]:
        args = {**({} if "logGroupIdentifier" in extra else {"logGroupName": "/aws-glue/jobs/error"}), **extra}
        if pattern is not None:
            args["filterPattern"] = pattern
        return [e["message"] for e in logs.filter_log_events(**args)["events"]]

    assert found("?WARN ?INFO") == ["WARN slow", "INFO fine"]
    assert found("ERROR -Retry") == ["ERROR boom", "ERROR elsewhere"]
    assert found('"Caused by"') == ["Caused by: java.io.IOException"]
    assert found('?"Out of memory" ?OutOfMemoryError') == ["java.lang.OutOfMemoryError: Java heap space",
                                                           "Out of memory, killed"]
    assert found("error") == [] and found("ERROR boom") == ["ERROR boom"]  # case-sensitive, ANDed
    assert len(found("")) == len(found()) == 8
    assert len(found("{ $.level = \"ERROR\" }")) == 8  # JSON patterns: accepted, match everything
    assert found("ERROR", logStreamNamePrefix="jr_") == ["ERROR boom", "ERROR Retry 2 of 3"]
    assert found("ERROR", logStreamNames=["other"]) == ["ERROR elsewhere"]
    assert found(None, logGroupIdentifier=arn, startTime=t + 10, endTime=t + 11) == [
        "ERROR Retry 2 of 3", "java.lang.OutOfMemoryError: Java heap space"]  # endTime inclusive, interleaved
    assert error_code(lambda: logs.filter_log_events(logGroupName="/aws-glue/jobs/error",
                                                     filterPattern='"open')) == "InvalidParameterException"
    assert error_code(lambda: logs.filter_log_events(logGroupName="/aws-glue/jobs/error", logStreamNames=["a"],
                                                     logStreamNamePrefix="a")) == "InvalidParameterException"

    # paging: timestamp order across streams, stable ids, newest first with startFromHead=false
    pages, token = [], None
    while True:
        args = {"logGroupName": "/aws-glue/jobs/error", "limit": 3, **({"nextToken": token} if token else {})}
        page = logs.filter_log_events(**args)
        pages.append(page["events"])
        token = page.get("nextToken")
        if not token:
            break
    events = [e for p in pages for e in p]
    assert [len(p) for p in pages] == [3, 3, 2] and [e["timestamp"] for e in events] == sorted(
        e["timestamp"] for e in events)
    ids = [e["eventId"] for e in events]
    assert len(set(ids)) == 8 and all(len(i) == 56 and i.isdigit() for i in ids), ids
    assert [e["eventId"] for e in logs.filter_log_events(logGroupName="/aws-glue/jobs/error")["events"]] == ids
    newest = logs.filter_log_events(logGroupName="/aws-glue/jobs/error", startFromHead=False, startTime=t, limit=2)
    assert [e["eventId"] for e in newest["events"]] == ids[::-1][:2] and newest["nextToken"]


def check_logs_call_times(emu) -> None:
    logs = client(emu, ACCOUNT_TIMES)
    logs.create_log_group(logGroupName="g")
    emu.control("/batchtop/calls/reset", {"account_id": ACCOUNT_TIMES})
    before = now_ms()
    for _ in range(4):
        logs.filter_log_events(logGroupName="g")
    logs.describe_log_groups()
    after = now_ms()

    def times(query: str) -> list[int]:
        with urllib.request.urlopen(f"{emu.url}/batchtop/call-times?account_id={ACCOUNT_TIMES}{query}") as resp:
            return json.loads(resp.read())["times_ms"]

    filtered = times("&operation=FilterLogEvents")
    assert len(filtered) == 4 and filtered == sorted(filtered), filtered
    assert before - 5 <= filtered[0] and filtered[-1] <= after + 5, (before, filtered, after)
    assert len(times("")) == 5 and len(times("&service=logs&operation=DescribeLogGroups")) == 1
    assert times("&service=glue") == []
    emu.control("/batchtop/calls/reset", {"account_id": ACCOUNT_TIMES})
    assert times("&operation=FilterLogEvents") == []


CHECKS = [check_logs_live_tail_streams, check_logs_live_tail_filters, check_logs_live_tail_sampled,
          check_logs_live_tail_end, check_logs_filter_patterns, check_logs_call_times]
