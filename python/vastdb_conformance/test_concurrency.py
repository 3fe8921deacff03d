"""Many SDK clients at once: parallel transactions on separate tables and many in-flight split selects."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
from vastdb.config import QueryConfig

BUCKET = "vastdb"
ROWS = 200_000


def test_parallel_writers_and_split_readers(start_emulator, connect):
    emulator = start_emulator()
    setup = connect(emulator.url)
    big = pa.table({"k": pa.array(range(ROWS), pa.int64()), "v": pa.array([i % 7 for i in range(ROWS)], pa.int8())})
    with setup.transaction() as tx:
        s = tx.bucket(BUCKET).create_schema("c")
        s.create_table("big", big.schema).insert(big)

    def writer(n: int) -> list[int]:
        session = connect(emulator.url)
        table = pa.table({"x": pa.array(range(n * 10, n * 10 + 10), pa.int32())})
        with session.transaction() as tx:
            t = tx.bucket(BUCKET).schema("c").create_table(f"w{n}", table.schema)
            ids = t.insert(table).to_pylist()
        with session.transaction() as tx:
            assert tx.bucket(BUCKET).schema("c").table(f"w{n}").select().read_all() == table
        return ids

    def reader(n: int) -> int:
        session = connect(emulator.url)
        config = QueryConfig(num_splits=4, num_sub_splits=2, num_row_groups_per_sub_split=1,
                             data_endpoints=[emulator.url] * 4, limit_rows_per_sub_split=20_000)
        with session.transaction() as tx:
            t = tx.bucket(BUCKET).schema("c").table("big")
            got = t.select(columns=["k"], predicate=t["v"] == n % 7, config=config).read_all()
        keys = sorted(got["k"].to_pylist())
        assert keys == [k for k in range(ROWS) if k % 7 == n % 7]
        return len(keys)

    with ThreadPoolExecutor(max_workers=12) as pool:
        readers = [pool.submit(reader, n) for n in range(6)]
        writers = [pool.submit(writer, n) for n in range(12)]
        assert all(f.result() == list(range(10)) for f in writers)
        assert sum(f.result() for f in readers) > 0

    with setup.transaction() as tx:
        assert sorted(tx.bucket(BUCKET).schema("c").tablenames()) == sorted(["big", *[f"w{n}" for n in range(12)]])
