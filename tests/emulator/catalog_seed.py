"""Landing zones and the Data Catalog, seeded in one call each (moto has both, but a test of
"no full listing" needs 10,000 objects with chosen LastModified, and partitions with chosen
CreationTime, which PutObject and CreatePartition cannot set).

POST /batchtop/s3/objects
  {"account_id", "region", "bucket": "landing", "objects": [{"key": "orders/dt=2026-11-24/a.parquet",
   "size": 100, "last_modified": 1764000000}],
   "bulk": {"prefix": "orders/dt=", "days": ["2025-01-01", ...], "per_day": 100, "size": 10,
            "last_modified": 1700000000}}
  Creates the bucket when missing; `bulk` adds per_day objects under each day's partition.
  Answer {"bucket": ..., "objects": N}.

POST /batchtop/glue/catalog
  {"account_id", "region", "databases": [{"name": "curated", "tables": [{"name": "orders_publish",
   "partition_keys": ["dt"], "update_time": 1764000000,
   "partitions": [{"values": ["2026-11-24"], "created": 1764000000}]}]}]}
  Creates what is missing as CreateDatabase/CreateTable/CreatePartition would, with those times.
  Answer {"databases": N, "tables": N, "partitions": N}.
"""

from __future__ import annotations

from typing import Any

from moto.glue.exceptions import DatabaseAlreadyExistsException, TableAlreadyExistsException
from moto.s3.models import s3_backends

import glue_hooks
from glue_ext import SeedError, _to_datetime


def _objects(body: dict[str, Any]) -> list[dict[str, Any]]:
    objects = list(body.get("objects") or [])
    bulk = body.get("bulk")
    if bulk:
        for day in bulk.get("days", []):
            for i in range(int(bulk.get("per_day", 1))):
                objects.append({"key": f"{bulk['prefix']}{day}/part-{i:05d}.parquet",
                                "size": bulk.get("size", 10), "last_modified": bulk.get("last_modified")})
    return objects


def put_objects(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    bucket = body.get("bucket")
    if not isinstance(bucket, str) or not bucket:
        raise SeedError("'bucket' is required")
    backend = s3_backends[account]["global"]
    if bucket not in backend.buckets:
        backend.create_bucket(bucket, region)
    objects = _objects(body)
    for o in objects:
        if not isinstance(o, dict) or not isinstance(o.get("key"), str):
            raise SeedError("every object needs a 'key'")
        key = backend.put_object(bucket, o["key"], b"x" * int(o.get("size", 0)), disable_notification=True)
        when = _to_datetime(o.get("last_modified"))
        if when is not None:
            key.last_modified = when
    return {"bucket": bucket, "objects": len(objects)}


def put_catalog(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    glue_backend = glue_hooks.backend(account, region)
    counts = {"databases": 0, "tables": 0, "partitions": 0}
    for db in body.get("databases") or []:
        name = db.get("name")
        if not isinstance(name, str):
            raise SeedError("every database needs a 'name'")
        try:
            glue_backend.create_database(name, {"Name": name})
            counts["databases"] += 1
        except DatabaseAlreadyExistsException:
            pass
        for t in db.get("tables") or []:
            keys = [{"Name": k, "Type": "string"} for k in t.get("partition_keys", [])]
            table_input = {"Name": t["name"], "PartitionKeys": keys,
                           "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "string"}]}}
            try:
                glue_backend.create_table(name, t["name"], table_input)
                counts["tables"] += 1
            except TableAlreadyExistsException:
                pass
            table = glue_backend.get_table(name, t["name"])
            if t.get("update_time") is not None:
                table.updated_time = _to_datetime(t["update_time"])
            for p in t.get("partitions") or []:
                glue_backend.create_partition(name, t["name"], {"Values": p["values"]})
                part = table.partitions[str(p["values"])]
                if p.get("created") is not None:
                    part.creation_time = _to_datetime(p["created"])
                counts["partitions"] += 1
    return counts
