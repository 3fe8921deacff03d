"""Prints, as JSON {case: hex}, the query-data request bodies the official SDK builds for every comparison
operator and every literal type the TypeScript client compiles (test/vast/client/predicate-sdk.test.ts builds
ours for the same cases, one for one, and compares them structurally)."""

import datetime as dt
import json
import sys

import warnings

import ibis
import pyarrow as pa
from vastdb import _internal

SCHEMA = pa.schema([
    ("i8", pa.int8()),
    ("i16", pa.int16()),
    ("i32", pa.int32()),
    ("i64", pa.int64()),
    ("u8", pa.uint8()),
    ("u16", pa.uint16()),
    ("u32", pa.uint32()),
    ("u64", pa.uint64()),
    ("f32", pa.float32()),
    ("f64", pa.float64()),
    ("flag", pa.bool_()),
    ("s", pa.string()),
    ("bin", pa.binary()),
    ("ts_s", pa.timestamp("s")),
    ("ts_ms", pa.timestamp("ms")),
    ("ts_us", pa.timestamp("us")),
    ("ts_ns", pa.timestamp("ns")),
    ("day", pa.date32()),
    ("f16", pa.float16()),
])

AT = dt.datetime(2026, 2, 15, 1, 2, 3, 456000)


def cases():
    t = ibis.table(SCHEMA, name="t")
    yield "op_eq", t.i32 == 7
    yield "op_ne", t.i32 != 7
    yield "op_lt", t.i32 < 7
    yield "op_le", t.i32 <= 7
    yield "op_gt", t.i32 > 7
    yield "op_ge", t.i32 >= 7
    yield "lit_i8", t.i8 == -5
    yield "lit_i16", t.i16 == 300
    yield "lit_i64", t.i64 == 2**40 + 3
    yield "lit_u8", t.u8 == 200
    yield "lit_u16", t.u16 == 60000
    yield "lit_u32", t.u32 == 4_000_000_000
    yield "lit_u64", t.u64 == ibis.literal(2**63 + 5, type="uint64")
    yield "lit_f32", t.f32 == 0.5
    yield "lit_f64", t.f64 < -2.25
    yield "lit_bool", t.flag == False  # noqa: E712
    yield "lit_string_utf8", t.s == "h\u00e9llo \u2603"
    yield "lit_binary", t.bin == b"\x00\xff\x10"
    yield "lit_ts_s", t.ts_s >= AT
    yield "lit_ts_ms", t.ts_ms >= AT
    yield "lit_ts_us", t.ts_us >= AT
    yield "lit_ts_ns", t.ts_ns >= AT
    yield "lit_date", t.day == dt.date(2026, 2, 15)
    yield "lit_f16", t.f16 == 0.5
    yield "lit_f16_rounded", t.f16 < 0.3
    yield "lit_f16_tie_to_even_down", t.f16 == 2049.0
    yield "lit_f16_tie_to_even_up", t.f16 == 2051.0
    yield "lit_f16_subnormal", t.f16 > 6e-8
    yield "lit_f16_underflow", t.f16 >= 1e-8
    yield "lit_f16_negative_zero", t.f16 == -0.0
    yield "lit_f16_max", t.f16 <= 65504.0
    yield "lit_f16_overflow", t.f16 < 65520.0
    yield "between_f16", t.f16.between(-1.5, 2.5)
    yield "isin_one", t.i64.isin([5])
    yield "isin_strings", t.s.isin(["a", "b"])
    yield "startswith_empty", t.s.startswith("")
    yield "startswith_multibyte", t.s.startswith("\u00e9")
    yield "between_float", t.f64.between(-1.5, 2.5)
    yield "between_ts", t.ts_ms.between(AT, dt.datetime(2026, 3, 1))
    yield "or_three", (t.s == "a") | (t.s < "b") | t.s.isnull()


# The SDK converts float16 literals with numpy, which warns when one overflows to infinity (as intended here).
warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning)
out = {}
for name, predicate in cases():
    req = _internal.build_query_data_request(schema=SCHEMA, predicate=predicate, field_names=["i32"])
    out[name] = bytes(req.serialized).hex()
json.dump(out, sys.stdout)
