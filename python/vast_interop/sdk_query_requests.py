"""Prints, as JSON {case: hex}, the query-data request bodies the official SDK builds for a fixed set of
projections and predicates, so the TypeScript client's encoding can be compared with it structurally
(test/vast/client/sdk-requests.test.ts). The cases mirror those of the TypeScript test one for one."""

import datetime as dt
import json
import sys

import ibis
import pyarrow as pa
from vastdb import _internal

SCHEMA = pa.schema([
    ("name", pa.string()),
    ("n", pa.int32()),
    ("big", pa.int64()),
    ("at", pa.timestamp("us")),
    ("ok", pa.bool_()),
    ("x", pa.float64()),
    ("vec", pa.list_(pa.field("item", pa.float32(), False), 4)),
])
ROW_ID = pa.field("$row_id", pa.uint64())


def cases():
    t = ibis.table(SCHEMA, name="t")
    t_rid = ibis.table(pa.schema([ROW_ID, *SCHEMA]), name="t")
    yield "eq_string", SCHEMA, t.name == "beta", ["n"]
    yield "isin", SCHEMA, t.name.isin(["a", "b", "c"]), ["name", "n"]
    yield "null_checks", SCHEMA, (t.name.isnull()) & (~t.big.isnull()), ["name", "n"]
    yield "startswith", SCHEMA, t.name.startswith("alp"), ["n", "vec"]
    yield "contains", SCHEMA, t.name.contains("ray"), ["n"]
    yield "between_int", SCHEMA, t.n.between(2, 4), ["n"]
    yield "timestamp_lt", SCHEMA, t.at < dt.datetime(2026, 2, 15), ["n", "at"]
    yield "or_and", SCHEMA, ((t.n == 1) | (t.n >= 5)) & (t.x != 0.5) & (t.ok == True), ["name", "n", "x"]  # noqa: E712
    yield "big_gt_rowid", pa.schema([ROW_ID, *SCHEMA]), t_rid.big > 10, ["name", "$row_id"]
    yield "no_filter", SCHEMA, None, ["vec", "name"]


out = {}
for name, schema, predicate, columns in cases():
    req = _internal.build_query_data_request(schema=schema, predicate=predicate, field_names=columns)
    out[name] = bytes(req.serialized).hex()
json.dump(out, sys.stdout)
