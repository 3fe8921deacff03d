"""Round trip through the official SDK: the seed's four tables, predicates, update/delete by row id across
several transactions, then a restart of the emulator on the same --data-dir and everything read back."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from vastdb import errors
from vastdb.table import INTERNAL_ROW_ID

from seed_tables import TABLES, sample_rows

BUCKET = "vastdb"
SCHEMA = "exr_metadata"


def read(tx, name: str, **kwargs) -> pa.Table:
    return tx.bucket(BUCKET).schema(SCHEMA).table(name).select(**kwargs).read_all()


def test_seed_tables_round_trip_with_restart(tmp_path, start_emulator, connect):
    data_dir = tmp_path / "data"
    emulator = start_emulator("--data-dir", str(data_dir), "--bucket", BUCKET)
    session = connect(emulator.url)
    rows = sample_rows()

    # tx 1: DDL
    with session.transaction() as tx:
        schema = tx.bucket(BUCKET).create_schema(SCHEMA)
        for name, arrow_schema in TABLES.items():
            schema.create_table(name, arrow_schema)

    # tx 2: inserts, row ids ascend from 0 per table
    with session.transaction() as tx:
        schema = tx.bucket(BUCKET).schema(SCHEMA)
        for name, table in rows.items():
            row_ids = schema.table(name).insert(table)
            assert row_ids.to_pylist() == list(range(table.num_rows))

    # tx 3: selects with predicates, checked against pyarrow's evaluation of the same filter
    files = rows["files"]
    with session.transaction() as tx:
        t = tx.bucket(BUCKET).schema(SCHEMA).table("files")
        assert t.arrow_schema == TABLES["files"]
        assert t.select().read_all() == files
        cases = [
            (t["size_bytes"] > 1500, pc.field("size_bytes") > 1500),
            (t["is_deep"] == True, pc.field("is_deep") == True),  # noqa: E712 - ibis expression
            (t["size_bytes"].isnull(), pc.field("size_bytes").is_null()),
            (~t["mtime"].isnull(), pc.field("mtime").is_valid()),
            (t["file_id"].isin(["id01", "id03"]), pc.field("file_id").isin(["id01", "id03"])),
            (t["size_bytes"].between(1000, 2000), (pc.field("size_bytes") >= 1000) & (pc.field("size_bytes") <= 2000)),
            (t["file_path"].startswith("/shots/a/"), pc.starts_with(pc.field("file_path"), "/shots/a/")),
            (t["file_path"].contains("ünï"), pc.match_substring(pc.field("file_path"), "ünï")),
            ((t["multipart_count"] == 1) & (t["size_bytes"] < 3000),
             (pc.field("multipart_count") == 1) & (pc.field("size_bytes") < 3000)),
        ]
        for predicate, expected in cases:
            assert t.select(predicate=predicate).read_all() == files.filter(expected), str(predicate)
        projected = t.select(columns=["file_path", "metadata_embedding"], predicate=t["is_deep"] == False)  # noqa: E712
        assert projected.read_all() == files.filter(pc.field("is_deep") == False).select(  # noqa: E712
            ["file_path", "metadata_embedding"])
        channels = tx.bucket(BUCKET).schema(SCHEMA).table("channels")
        assert channels.select(predicate=channels["channel_name"] == "Z").read_all() == rows["channels"].slice(4, 1)

    # tx 4: update one file by row id, delete one attribute by row id
    with session.transaction() as tx:
        schema = tx.bucket(BUCKET).schema(SCHEMA)
        t = schema.table("files")
        hit = t.select(columns=["inspection_count"], predicate=t["file_id"] == "id01", internal_row_id=True).read_all()
        assert hit[INTERNAL_ROW_ID].to_pylist() == [1]
        t.update(pa.table({INTERNAL_ROW_ID: pa.array([1], pa.uint64()),
                           "inspection_count": pa.array([2], pa.int32()),
                           "last_inspected": ["2026-03-01T00:00:00Z"]}))
        attrs = schema.table("attributes")
        doomed = attrs.select(columns=[], predicate=attrs["attribute_name"] == "owner", internal_row_id=True).read_all()
        attrs.delete(doomed)

    # tx 5: rolled back, so its delete never happens
    with pytest.raises(ZeroDivisionError):
        with session.transaction() as tx:
            t = tx.bucket(BUCKET).schema(SCHEMA).table("files")
            t.delete(t.select(columns=[], internal_row_id=True).read_all())
            assert t.select().read_all().num_rows == 0
            1 / 0

    expected_files = files.set_column(
        files.schema.get_field_index("inspection_count"), "inspection_count",
        pa.array([1, 2, 1, 1], pa.int32())).set_column(
        files.schema.get_field_index("last_inspected"), "last_inspected",
        pa.array(["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-02-01T00:00:00Z", "2026-02-01T00:00:00Z"]))
    expected_attributes = rows["attributes"].slice(1)
    expected = {**rows, "files": expected_files, "attributes": expected_attributes}

    def check_everything(session) -> None:
        with session.transaction() as tx:
            schema = tx.bucket(BUCKET).schema(SCHEMA)
            assert sorted(schema.tablenames()) == sorted(TABLES)
            for name, table in expected.items():
                t = schema.table(name)
                assert t.arrow_schema == TABLES[name]
                assert t.select().read_all() == table, name
            ids = schema.table("attributes").select(columns=[], internal_row_id=True).read_all()
            assert ids[INTERNAL_ROW_ID].to_pylist() == [1, 2, 3]

    check_everything(session)

    # restart on the same data directory: everything committed is still there
    emulator.stop()
    emulator = start_emulator("--data-dir", str(data_dir), "--bucket", BUCKET)
    session = connect(emulator.url)
    check_everything(session)

    # row ids keep ascending after the restart (deleted ids are not reused)
    with session.transaction() as tx:
        t = tx.bucket(BUCKET).schema(SCHEMA).table("attributes")
        assert t.insert(rows["attributes"].slice(0, 1)).to_pylist() == [4]


def test_concurrent_ddl_conflicts(start_emulator, connect):
    session = connect(start_emulator().url)
    with session.transaction() as tx:
        tx.bucket(BUCKET).create_schema("s").create_table("t", pa.schema([("a", pa.int32())]))
    with pytest.raises(errors.Conflict):
        with session.transaction() as tx1, session.transaction() as tx2:
            tx1.bucket(BUCKET).schema("s").table("t").rename("t1")
            tx2.bucket(BUCKET).schema("s").table("t").rename("t2")
    with session.transaction() as tx:
        assert tx.bucket(BUCKET).schema("s").tablenames() == ["t"]


def test_unsupported_column_types_are_refused(start_emulator, connect):
    session = connect(start_emulator().url)
    with session.transaction() as tx:
        s = tx.bucket(BUCKET).create_schema("s")
        for bad in [pa.large_string(), pa.large_binary(), pa.date64(),
                    pa.list_(pa.field("item", pa.float32(), nullable=True), 4),
                    pa.list_(pa.field("item", pa.string(), nullable=False), 4)]:
            with pytest.raises(errors.NotSupportedSchema):
                s.create_table("t", pa.schema([("c", bad)]))
        with pytest.raises(errors.BadRequest, match="TabularInvalidColumnTypeParam"):
            s.create_table("t", pa.schema([("c", pa.list_(pa.field("item", pa.float32(), nullable=False), 0))]))


def test_unknown_key_or_wrong_secret_is_forbidden(start_emulator, connect):
    import vastdb

    emulator = start_emulator()
    with pytest.raises(errors.Forbidden):
        with vastdb.connect(access="nobody", secret="x", endpoint=emulator.url).transaction():
            pass
    access = emulator.args[emulator.args.index("--access-key") + 1]
    with pytest.raises(errors.Forbidden, match="SignatureDoesNotMatch"):
        with vastdb.connect(access=access, secret="wrong secret", endpoint=emulator.url).transaction():
            pass
    with connect(emulator.url).transaction() as tx:
        assert tx.txid is not None
