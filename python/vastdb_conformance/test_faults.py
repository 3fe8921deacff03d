"""Fault injection: the SDK retries 503 SlowDown (its backoff path) and surfaces other injected errors."""

from __future__ import annotations

import json
import urllib.request

import pyarrow as pa
import pytest
from vastdb import errors
from vastdb._internal import QueryDataInternalError
from vastdb.config import BackoffConfig

BUCKET = "vastdb"


def set_faults(url: str, **settings) -> dict:
    req = urllib.request.Request(f"{url}/_emulator/faults", data=json.dumps(settings).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as res:
        return json.load(res)


def counting_backoff(max_tries: int):
    """A BackoffConfig whose wait generator counts how many retries the SDK performed."""
    waits = []

    def wait_gen(**_kwargs):
        yield  # backoff primes the generator before the first attempt
        while True:
            waits.append(1)
            yield 0.001

    return BackoffConfig(wait_gen=wait_gen, max_tries=max_tries, max_time=120), waits


def test_sdk_retries_slowdown(start_emulator, connect):
    emulator = start_emulator()
    config, waits = counting_backoff(max_tries=40)
    session = connect(emulator.url, backoff_config=config)
    assert set_faults(emulator.url, slowdown=0.3)["slowdown"] == 0.3

    table = pa.table({"a": pa.array(range(100), pa.int64()), "s": [f"v{i}" for i in range(100)]})
    for round_ in range(5):
        with session.transaction() as tx:
            s = tx.bucket(BUCKET).create_schema(f"s{round_}")
            t = s.create_table("t", table.schema)
            assert t.insert(table).to_pylist() == list(range(100))
            assert t.select(predicate=t["a"] >= 50).read_all() == table.slice(50)
    assert len(waits) > 0, "with 30% SlowDown answers the SDK must have retried"

    set_faults(emulator.url, slowdown=0.0)
    with session.transaction() as tx:
        assert [s.name for s in tx.bucket(BUCKET).schemas()] == [f"s{i}" for i in range(5)]


def test_slowdown_gives_up_after_max_tries(start_emulator, connect):
    emulator = start_emulator("--fault-slowdown", "1")
    config, waits = counting_backoff(max_tries=3)
    with pytest.raises(errors.Slowdown):
        connect(emulator.url, backoff_config=config).transaction().__enter__()
    assert len(waits) == 2


def test_internal_errors_are_not_retried(start_emulator, connect):
    emulator = start_emulator()
    config, waits = counting_backoff(max_tries=5)
    session = connect(emulator.url, backoff_config=config)
    set_faults(emulator.url, error500=1.0)
    with pytest.raises(errors.InternalServerError):
        session.transaction().__enter__()
    assert waits == []


def test_latency_and_admin_validation(start_emulator):
    emulator = start_emulator("--latency-ms", "5")
    assert set_faults(emulator.url)["latency_ms"] == 5
    bad = urllib.request.Request(f"{emulator.url}/_emulator/faults", data=b'{"slowdown": 2}', method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(bad)
    assert err.value.code == 400


def test_sdk_retries_reads_on_dropped_connections(start_emulator, connect):
    emulator = start_emulator()
    config, waits = counting_backoff(max_tries=40)
    session = connect(emulator.url, backoff_config=config)
    table = pa.table({"a": pa.array(range(1000), pa.int64())})
    with session.transaction() as tx:
        t = tx.bucket(BUCKET).create_schema("s").create_table("t", table.schema)
        t.insert(table)
        # SDK 2.1 discovers its data endpoints on the first select (a begin and a rollback per VIP, not retried
        # after a lost connection like every POST/DELETE): done here, before connections start being dropped.
        assert t.select(predicate=t["a"] < 10).read_all() == table.slice(0, 10)

    with session.transaction() as tx:
        # only reads (GET/HEAD) are safe to retry after a lost connection; the transaction's own POST/PUT are not
        set_faults(emulator.url, drop=0.3)
        try:
            for _ in range(5):
                t = tx.bucket(BUCKET).schema("s").table("t")
                assert t.select(predicate=t["a"] < 10).read_all() == table.slice(0, 10)
        finally:
            set_faults(emulator.url, drop=0.0)
    assert len(waits) > 0, "with 30% dropped connections the SDK must have retried"


def test_query_failed_frame_raises_query_data_internal_error(start_emulator, connect):
    """A query that breaks off mid-stream ends with VAST's "query failed" frame (stream id 0xFFFFFFFD, u64 error
    code, u32 termination length 0): every SDK raises QueryDataInternalError, never a parsing error."""
    emulator = start_emulator()
    session = connect(emulator.url)
    table = pa.table({"a": pa.array(range(1000), pa.int64())})
    with session.transaction() as tx:
        tx.bucket(BUCKET).create_schema("s").create_table("t", table.schema).insert(table)
    set_faults(emulator.url, query_failure=1.0)
    with session.transaction() as tx:
        t = tx.bucket(BUCKET).schema("s").table("t")
        with pytest.raises(QueryDataInternalError):
            t.select(predicate=t["a"] < 10).read_all()
    set_faults(emulator.url, query_failure=0.0)
    with session.transaction() as tx:
        t = tx.bucket(BUCKET).schema("s").table("t")
        assert t.select(predicate=t["a"] < 10).read_all() == table.slice(0, 10)
