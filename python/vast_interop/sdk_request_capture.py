"""Drives the official vastdb SDK through one fixed sequence of operations against an endpoint (a recording proxy in
front of the emulator, test/vast/client/sdk-requests.test.ts), so the requests it sends can be compared header by
header with those exr-inspector's client sends for the same operations.

argv: endpoint access_key secret_key bucket schema. Prints "ok" when every operation succeeded."""

import sys

import pyarrow as pa
import vastdb
from vastdb.config import QueryConfig

endpoint, access, secret, bucket_name, schema_name = sys.argv[1:6]

ARROW = pa.schema([("name", pa.string()), ("n", pa.int64())])

session = vastdb.connect(endpoint=endpoint, access=access, secret=secret)  # version probe
with session.transaction() as tx:  # begin … commit
    bucket = tx.bucket(bucket_name)  # HEAD /bucket
    schema = bucket.create_schema(schema_name)  # list schemas, POST ?schema
    table = schema.create_table("t", ARROW)  # list tables, POST ?table
    row_ids = table.insert(pa.table({"name": ["a", "b", "c"], "n": [1, 2, 3]}))  # POST ?rows
    config = QueryConfig(num_splits=1, num_sub_splits=4)
    rows = table.select(columns=["name"], predicate=table["n"] > 1, internal_row_id=True, config=config).read_all()
    assert rows.num_rows == 2, rows
    update = pa.table({"$row_id": pa.array([row_ids[0].as_py()], pa.uint64()), "n": pa.array([9], pa.int64())})
    table.update(update)  # PUT ?rows
    table.delete(pa.table({"$row_id": pa.array([row_ids[1].as_py()], pa.uint64())}))  # DELETE ?rows
    table.columns()  # GET ?column
    table.get_stats()  # GET ?stats
print("ok")
