"""Smoke checks of the landing-zone and Data Catalog additions (catalog_seed.py, the S3 call
log), through boto3: run by smoke_test.py."""

from __future__ import annotations

ACCOUNT = "555555555501"


def check_s3_objects_and_call_log(emu) -> None:
    status, out = emu.control("/batchtop/s3/objects", {
        "account_id": ACCOUNT, "bucket": "smoke-landing-555555555501",
        "objects": [{"key": "orders/dt=2026-11-24/a.parquet", "size": 7, "last_modified": 1_764_000_000}],
        "bulk": {"prefix": "orders/dt=", "days": ["2025-01-01", "2025-01-02"], "per_day": 3, "size": 1,
                 "last_modified": 1_700_000_000}})
    assert status == 200 and out["objects"] == 7, out
    s3 = emu.client("s3", ACCOUNT)
    page = s3.list_objects_v2(Bucket="smoke-landing-555555555501", Prefix="orders/dt=2026-11-24/")
    [obj] = page["Contents"]
    assert obj["Size"] == 7 and int(obj["LastModified"].timestamp()) == 1_764_000_000, obj
    page = s3.list_objects_v2(Bucket="smoke-landing-555555555501", Prefix="", Delimiter="/")
    assert [p["Prefix"] for p in page["CommonPrefixes"]] == ["orders/"], page
    status, log = emu.control(f"/batchtop/s3-calls?account_id={ACCOUNT}", method="GET")
    listed = [(c.get("prefix"), c.get("delimiter")) for c in log["calls"] if c.get("list-type") == "2"]
    assert listed == [("orders/dt=2026-11-24/", None), (None, "/")], log  # boto3 leaves an empty Prefix out
    emu.control("/batchtop/calls/reset", {"account_id": ACCOUNT})
    _, log = emu.control(f"/batchtop/s3-calls?account_id={ACCOUNT}", method="GET")
    assert log["calls"] == [], log


def check_catalog_seed_and_expression(emu) -> None:
    parts = [{"values": [f"2026-11-{d:02d}"], "created": 1_764_000_000 + d} for d in range(1, 25)]
    status, out = emu.control("/batchtop/glue/catalog", {
        "account_id": ACCOUNT, "databases": [{"name": "curated", "tables": [
            {"name": "orders_publish", "partition_keys": ["dt"], "update_time": 1_764_100_000, "partitions": parts}]}]})
    assert status == 200 and out == {"databases": 1, "tables": 1, "partitions": 24}, out
    glue = emu.client("glue", ACCOUNT)
    got = glue.get_partitions(DatabaseName="curated", TableName="orders_publish",
                              Expression="(dt = '2026-11-24') OR (dt = '2026-11-23')")["Partitions"]
    assert sorted(p["Values"][0] for p in got) == ["2026-11-23", "2026-11-24"], got
    assert {int(p["CreationTime"].timestamp()) for p in got} == {1_764_000_023, 1_764_000_024}, got
    [table] = glue.get_tables(DatabaseName="curated", Expression="orders_.*")["TableList"]
    assert int(table["UpdateTime"].timestamp()) == 1_764_100_000, table


CHECKS = [check_s3_objects_and_call_log, check_catalog_seed_and_expression]
