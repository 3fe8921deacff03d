"""Cross-language round trip between exr-inspector's TypeScript VAST client and the official `vastdb` SDK.

1. A render tree is scanned twice: into VAST (the emulator) by our adapter, and into DuckDB by the default
   backend. Every row of the four VAST tables, read with the official SDK, must equal the DuckDB catalog's row
   (vectors, lists and timestamps included); only the two inspection times differ between the runs.
2. Rows written in the seed document's VAST schema by the official SDK are read back by our CLI
   (`sql --backend vast`), value for value.

Needs `npm run build` (dist/) and this venv (python/requirements.txt). Run: .venv/bin/python -m pytest python/vast_interop
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import pathlib
import re
import subprocess
import sys

import pyarrow as pa
import pytest
import vastdb

REPO = pathlib.Path(__file__).resolve().parents[2]
CLI = REPO / "dist" / "cli" / "main.js"
EMULATOR = REPO / "dist" / "vast" / "emulator" / "main.js"

# The seed document's table definitions live with the SDK conformance harness.
sys.path.insert(0, str(REPO / "python" / "vastdb_conformance"))
import seed_tables  # noqa: E402
ACCESS, SECRET, BUCKET = "interop-access", "interop-secret-Zq9xWv7Lk3Pm", "vastdb"

# Set by the inspection runs, not by the data: they differ between the two scans.
VOLATILE = {"inspection_timestamp", "last_inspected"}
SORT_KEYS = {
    "files": ["file_id"],
    "parts": ["file_id", "part_index"],
    "channels": ["file_id", "part_index", "channel_name"],
    "attributes": ["file_id", "part_index", "attribute_index"],
}


@pytest.fixture(scope="module")
def emulator():
    if not CLI.exists() or not EMULATOR.exists():
        pytest.skip("dist/ is not built (run npm run build)")
    proc = subprocess.Popen(
        ["node", str(EMULATOR), "--port", "0", "--quiet", "--access-key", ACCESS, "--secret-key", SECRET],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"listening on (http://\S+)", line)
    assert match, f"emulator did not start: {line!r}"
    yield match.group(1)
    proc.terminate()
    proc.wait(timeout=10)


def cli(args: list[str], endpoint: str, schema: str) -> str:
    env = dict(os.environ)
    env.update(
        VAST_DB_ENDPOINT=endpoint,
        VAST_DB_ACCESS_KEY=ACCESS,
        VAST_DB_SECRET_KEY=SECRET,
        VAST_DB_BUCKET=BUCKET,
        VAST_DB_SCHEMA=schema,
    )
    run = subprocess.run(["node", str(CLI), *args], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, f"exr-inspector {' '.join(args)} failed: {run.stderr}"
    assert SECRET not in run.stdout + run.stderr
    return run.stdout


def sdk_table(session, schema: str, table: str) -> pa.Table:
    with session.transaction() as tx:
        t = tx.bucket(BUCKET).schema(schema).table(table)
        return t.select().read_all()


def normalize(value):
    """Values as our CLI's JSON prints them: timestamps as ISO-8601 UTC with milliseconds, non-finite floats
    as null (JSON has no NaN/Infinity), floats as the doubles of their float32 values."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def sort_rows(rows: list[dict], keys: list[str]) -> list[dict]:
    return sorted(rows, key=lambda r: tuple((r[k] is None, r[k] if r[k] is not None else 0) for k in keys))


def test_catalog_written_by_our_adapter_reads_identically_with_the_official_sdk(emulator, tmp_path):
    tree = tmp_path / "tree"
    subprocess.run(["node", str(CLI), "generate", str(tree), "--sequences", "6", "--frames", "3"], check=True,
                   capture_output=True)
    cli(["scan", str(tree), "--backend", "vast", "-j", "0", "--no-progress"], emulator, "interop_ours")
    duck = tmp_path / "catalog.duckdb"
    subprocess.run(["node", str(CLI), "scan", str(tree), "--db", str(duck), "-j", "0", "--no-progress"], check=True,
                   capture_output=True)

    session = vastdb.connect(endpoint=emulator, access=ACCESS, secret=SECRET)
    for table, keys in SORT_KEYS.items():
        actual_table = sdk_table(session, "interop_ours", table)
        # The catalog columns are what VAST holds minus our write tag; the DuckDB adapter has them all (plus its
        # own bookkeeping columns, which are not part of the catalog).
        columns = [c for c in actual_table.column_names if c != "ingest_token" and c not in VOLATILE]
        assert set(SEED_COLUMNS[table]) <= set(actual_table.column_names), f"{table}: seed columns missing"
        # The oracle: the same files scanned into the DuckDB backend, printed by our CLI as JSON.
        dumped = subprocess.run(["node", str(CLI), "sql", "--db", str(duck), "--format", "json",
                                 f"SELECT {', '.join(columns)} FROM exr_metadata.{table}"],
                                check=True, capture_output=True, text=True)
        expected = json.loads(dumped.stdout)
        actual = [{c: normalize(r[c]) for c in columns} for r in actual_table.select(columns).to_pylist()]
        assert len(actual) == len(expected) > 0, table
        assert sort_rows(actual, keys) == sort_rows(expected, keys), table
        # Types VAST accepts: utf8 (not large), fixed-size float32 vectors, real timestamps.
        for field in actual_table.schema:
            assert not pa.types.is_large_string(field.type), field
        if table == "files":
            vector = pa.list_(pa.field("item", pa.float32(), False), 384)
            assert actual_table.schema.field("metadata_embedding").type == vector
            for volatile in VOLATILE:
                assert pa.types.is_timestamp(actual_table.schema.field(volatile).type)
                assert actual_table.column(volatile).null_count == 0
        if table == "channels":
            vector = pa.list_(pa.field("item", pa.float32(), False), 128)
            assert actual_table.schema.field("channel_fingerprint").type == vector


def _with_plain_vectors(schema: pa.Schema) -> pa.Schema:
    # Written here as the seed document declares them: vectors as plain list<float>, not fixed-size lists.
    return pa.schema([
        pa.field(f.name, pa.list_(pa.float32())) if pa.types.is_fixed_size_list(f.type) else f for f in schema
    ])


SEED_FILES = _with_plain_vectors(seed_tables.FILES)
SEED_PARTS = _with_plain_vectors(seed_tables.PARTS)
SEED_CHANNELS = _with_plain_vectors(seed_tables.CHANNELS)
SEED_ATTRIBUTES = _with_plain_vectors(seed_tables.ATTRIBUTES)


SEED_COLUMNS = {
    "files": SEED_FILES.names,
    "parts": SEED_PARTS.names,
    "channels": SEED_CHANNELS.names,
    "attributes": SEED_ATTRIBUTES.names,
}


def seed_rows(n: int):
    files, parts, channels, attributes = [], [], [], []
    for i in range(n):
        fid = f"{i:064x}"
        path = f"/seed/shot/frame.{1001 + i}.exr"
        embedding = [0.0] * 384
        embedding[i % 384] = 1.0
        files.append(dict(file_id=fid, file_path=path, file_path_normalized=path, header_hash=f"{i:064d}",
                          size_bytes=1000 + i, mtime="2025-06-01T12:00:00Z", multipart_count=1, is_deep=False,
                          metadata_embedding=embedding, inspection_timestamp="2025-06-02T08:30:00.250000",
                          inspection_count=1 + i, last_inspected=f"2025-06-0{3 + i}T09:00:00"))
        parts.append(dict(file_id=fid, file_path=path, part_index=0, part_name=None, view_name=None, multi_view=False,
                          data_window='{"min":[0,0],"max":[1919,1079]}', display_window='{"min":[0,0],"max":[1919,1079]}',
                          pixel_aspect_ratio=1.0, line_order="INCREASING_Y", compression=["zip", "piz", "dwaa"][i % 3],
                          is_tiled=False, tile_width=None, tile_height=None, tile_depth=None, is_deep=False))
        for c, name in enumerate(["R", "G", "B"]):
            channels.append(dict(file_id=fid, file_path=path, part_index=0, channel_name=name, channel_type="half",
                                 x_sampling=1, y_sampling=1,
                                 channel_fingerprint=[float(c)] * 128 if c == 0 else None))
        attributes.append(dict(file_id=fid, file_path=path, part_index=0, attribute_name="software",
                               attribute_type="string", attribute_value=json.dumps(f"Arnold 7.{i}")))
    return files, parts, channels, attributes


def test_rows_written_in_the_seed_schema_by_the_official_sdk_are_read_by_our_cli(emulator):
    files, parts, channels, attributes = seed_rows(4)
    session = vastdb.connect(endpoint=emulator, access=ACCESS, secret=SECRET)
    with session.transaction() as tx:
        schema = tx.bucket(BUCKET).create_schema("seed_compat")
        for name, pa_schema, rows in [("files", SEED_FILES, files), ("parts", SEED_PARTS, parts),
                                      ("channels", SEED_CHANNELS, channels),
                                      ("attributes", SEED_ATTRIBUTES, attributes)]:
            table = schema.create_table(name, pa_schema)
            table.insert(pa.Table.from_pylist(rows, schema=pa_schema))

    out = json.loads(cli(["sql", "--backend", "vast", "--format", "json",
                          "SELECT file_id, file_path, size_bytes, mtime, inspection_count, last_inspected, "
                          "len(metadata_embedding) AS dim, list_position(metadata_embedding, 1.0) AS hot "
                          "FROM files ORDER BY file_id"], emulator, "seed_compat"))
    rows = out if isinstance(out, list) else out["rows"]
    assert len(rows) == 4
    for i, row in enumerate(rows):
        got = row if isinstance(row, dict) else dict(zip(out["columns"], row))
        assert got["file_id"] == files[i]["file_id"]
        assert got["file_path"] == files[i]["file_path"]
        assert got["size_bytes"] == files[i]["size_bytes"]
        assert got["inspection_count"] == files[i]["inspection_count"]
        assert str(got["mtime"]).startswith("2025-06-01")
        assert str(got["last_inspected"]).startswith(f"2025-06-0{3 + i}")
        assert got["dim"] == 384 and got["hot"] == (i % 384) + 1

    agg = json.loads(cli(["sql", "--backend", "vast", "--format", "json",
                          "SELECT compression, count(*) AS n FROM parts GROUP BY 1 ORDER BY 1"], emulator, "seed_compat"))
    agg_rows = agg if isinstance(agg, list) else agg["rows"]
    flat = [(r["compression"], r["n"]) if isinstance(r, dict) else tuple(r) for r in agg_rows]
    assert flat == [("dwaa", 1), ("piz", 1), ("zip", 2)]

    chans = json.loads(cli(["sql", "--backend", "vast", "--format", "json",
                            "SELECT channel_name, count(DISTINCT file_id) AS files, "
                            "count(channel_fingerprint) AS fps FROM channels GROUP BY 1 ORDER BY 1"],
                           emulator, "seed_compat"))
    chan_rows = chans if isinstance(chans, list) else chans["rows"]
    flat = [(r["channel_name"], r["files"], r["fps"]) if isinstance(r, dict) else tuple(r) for r in chan_rows]
    assert flat == [("B", 4, 0), ("G", 4, 0), ("R", 4, 4)]

    software = json.loads(cli(["sql", "--backend", "vast", "--format", "json",
                               "SELECT attribute_value FROM attributes WHERE attribute_name = 'software' "
                               "ORDER BY file_id"], emulator, "seed_compat"))
    sw_rows = software if isinstance(software, list) else software["rows"]
    values = [r["attribute_value"] if isinstance(r, dict) else r[0] for r in sw_rows]
    assert values == [a["attribute_value"] for a in attributes]


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
