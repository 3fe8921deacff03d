"""The seed's catalog pipeline, as the anchor of bench/scan.ts: walk a tree, read every EXR header with
OpenImageIO's Python bindings, build the seed's payload (files / parts / channels / attributes rows, the
hash-of-payload embeddings) and persist it into DuckDB with the seed's schema and keys (files PRIMARY KEY and
UNIQUE (file_path_normalized, header_hash); parts, channels, attributes PRIMARY KEY + FOREIGN KEY to files), as the
seed's `persist_to_vast_database` does: look the file up by (path, header hash); a known one gets
inspection_count + 1, a new one is inserted with all its child rows. One transaction per file (the seed's
`persist_to_vast_database` per payload), or one per N files (`--files-per-transaction`, the seed's
`batch_persist`).

Usage: python seed_pipeline.py ROOT --db FILE [--files-per-transaction 1] [--limit N]
  -> prints one JSON line {"files", "seconds", "files_per_second", "rows", ...}
"""

import argparse
import hashlib
import json
import os
import struct
import time
from datetime import datetime, timezone

import duckdb
import OpenImageIO as oiio

SCHEMA = """
CREATE SCHEMA IF NOT EXISTS exr_metadata;
CREATE TABLE IF NOT EXISTS exr_metadata.files (
    file_id VARCHAR PRIMARY KEY,
    file_path VARCHAR NOT NULL,
    file_path_normalized VARCHAR NOT NULL,
    header_hash VARCHAR NOT NULL,
    size_bytes BIGINT,
    mtime VARCHAR,
    multipart_count INTEGER,
    is_deep BOOLEAN,
    metadata_embedding FLOAT[],
    inspection_timestamp VARCHAR,
    inspection_count INTEGER DEFAULT 1,
    last_inspected VARCHAR,
    UNIQUE (file_path_normalized, header_hash)
);
CREATE TABLE IF NOT EXISTS exr_metadata.parts (
    file_id VARCHAR NOT NULL REFERENCES exr_metadata.files (file_id),
    file_path VARCHAR NOT NULL,
    part_index INTEGER NOT NULL,
    part_name VARCHAR,
    view_name VARCHAR,
    multi_view BOOLEAN,
    data_window VARCHAR,
    display_window VARCHAR,
    pixel_aspect_ratio FLOAT,
    line_order VARCHAR,
    compression VARCHAR,
    is_tiled BOOLEAN,
    tile_width INTEGER,
    tile_height INTEGER,
    tile_depth INTEGER,
    is_deep BOOLEAN,
    PRIMARY KEY (file_id, part_index)
);
CREATE TABLE IF NOT EXISTS exr_metadata.channels (
    file_id VARCHAR NOT NULL REFERENCES exr_metadata.files (file_id),
    file_path VARCHAR NOT NULL,
    part_index INTEGER NOT NULL,
    channel_name VARCHAR NOT NULL,
    channel_type VARCHAR,
    x_sampling INTEGER,
    y_sampling INTEGER,
    channel_fingerprint FLOAT[],
    PRIMARY KEY (file_id, part_index, channel_name)
);
CREATE TABLE IF NOT EXISTS exr_metadata.attributes (
    file_id VARCHAR NOT NULL REFERENCES exr_metadata.files (file_id),
    file_path VARCHAR NOT NULL,
    part_index INTEGER NOT NULL,
    attribute_name VARCHAR NOT NULL,
    attribute_type VARCHAR,
    attribute_value VARCHAR,
    PRIMARY KEY (file_id, part_index, attribute_name)
);
"""


def hash_embedding(payload, dimensions):
    """The seed's scheme: SHA-256 of the JSON payload expanded into values in [-1, 1], L2-normalized."""
    seed = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).digest()
    values = []
    counter = 0
    block = b""
    for i in range(dimensions):
        at = (i * 2) % 32
        if at == 0:
            block = hashlib.sha256(seed + str(counter).encode()).digest()
            counter += 1
        values.append(struct.unpack_from(">H", block, at)[0] / 32767.5 - 1)
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return [v / norm for v in values]


def window(spec, display):
    if display:
        return json.dumps(
            {"min": [spec.full_x, spec.full_y], "max": [spec.full_x + spec.full_width - 1, spec.full_y + spec.full_height - 1]}
        )
    return json.dumps({"min": [spec.x, spec.y], "max": [spec.x + spec.width - 1, spec.y + spec.height - 1]})


def payload_of(path):
    """The seed inspector's payload from OpenImageIO: one entry per subimage (part)."""
    inp = oiio.ImageInput.open(path)
    if inp is None:
        oiio.geterror()
        return None
    parts = []
    try:
        subimage = 0
        while inp.seek_subimage(subimage, 0):
            spec = inp.spec()
            formats = [str(f) for f in spec.channelformats] or [str(spec.format)] * spec.nchannels
            parts.append(
                {
                    "part_index": subimage,
                    "part_name": spec.getattribute("name"),
                    "view_name": spec.getattribute("view"),
                    "data_window": window(spec, False),
                    "display_window": window(spec, True),
                    "pixel_aspect_ratio": spec.getattribute("PixelAspectRatio"),
                    "line_order": spec.getattribute("openexr:lineOrder"),
                    "compression": spec.getattribute("compression"),
                    "is_tiled": spec.tile_width > 0,
                    "tile_width": spec.tile_width or None,
                    "tile_height": spec.tile_height or None,
                    "tile_depth": spec.tile_depth or None,
                    "is_deep": bool(spec.deep),
                    "channels": [
                        {"name": n, "type": formats[i] if i < len(formats) else None}
                        for i, n in enumerate(spec.channelnames)
                    ],
                    "attributes": [(a.name, str(a.type), str(a.value)) for a in spec.extra_attribs],
                }
            )
            subimage += 1
    finally:
        inp.close()
    return parts


def persist(con, path, parts, now):
    """The seed's persist_to_vast_database: look up, then update the count or insert the file and its children."""
    st = os.stat(path)
    normalized = os.path.normpath(os.path.abspath(path))
    header_hash = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
    file_id = hashlib.sha256(f"{normalized}\0{header_hash}".encode()).hexdigest()
    found = con.execute(
        "SELECT file_id FROM exr_metadata.files WHERE file_path_normalized = ? AND header_hash = ?",
        [normalized, header_hash],
    ).fetchone()
    if found:
        con.execute(
            "UPDATE exr_metadata.files SET inspection_count = inspection_count + 1, last_inspected = ? WHERE file_id = ?",
            [now, file_id],
        )
        return 0
    channels = [c for p in parts for c in p["channels"]]
    con.execute(
        "INSERT INTO exr_metadata.files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        [
            file_id,
            path,
            normalized,
            header_hash,
            st.st_size,
            datetime.fromtimestamp(st.st_mtime, timezone.utc).isoformat(),
            len(parts),
            any(p["is_deep"] for p in parts),
            hash_embedding({"parts": parts}, 384),
            now,
            now,
        ],
    )
    con.executemany(
        "INSERT INTO exr_metadata.parts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                file_id,
                path,
                p["part_index"],
                p["part_name"],
                p["view_name"],
                p["view_name"] is not None,
                p["data_window"],
                p["display_window"],
                p["pixel_aspect_ratio"],
                p["line_order"],
                p["compression"],
                p["is_tiled"],
                p["tile_width"],
                p["tile_height"],
                p["tile_depth"],
                p["is_deep"],
            ]
            for p in parts
        ],
    )
    fingerprint = hash_embedding(channels, 128)
    rows = []
    for p in parts:
        for c in p["channels"]:
            rows.append([file_id, path, p["part_index"], c["name"], c["type"], 1, 1, fingerprint if not rows else None])
    if rows:
        con.executemany("INSERT INTO exr_metadata.channels VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    attributes = [[file_id, path, p["part_index"], n, t, json.dumps(v)] for p in parts for (n, t, v) in p["attributes"]]
    if attributes:
        con.executemany("INSERT INTO exr_metadata.attributes VALUES (?, ?, ?, ?, ?, ?)", attributes)
    return 1 + len(parts) + len(rows) + len(attributes)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--db", required=True)
    parser.add_argument("--files-per-transaction", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="stop after this many files (0: all)")
    args = parser.parse_args()
    paths = []
    for dirpath, _dirs, files in os.walk(args.root):
        for name in files:
            if name.lower().endswith(".exr"):
                paths.append(os.path.join(dirpath, name))
    paths.sort()
    if args.limit > 0:
        paths = paths[: args.limit]
    con = duckdb.connect(args.db)
    con.execute(SCHEMA)
    start = time.perf_counter()
    now = datetime.now(timezone.utc).isoformat()
    rows = failed = pending = 0
    con.execute("BEGIN TRANSACTION")
    for path in paths:
        parts = payload_of(path)
        if parts is None:
            failed += 1
            continue
        rows += persist(con, path, parts, now)
        pending += 1
        if pending >= args.files_per_transaction:
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
            pending = 0
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    con.close()
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "files": len(paths),
                "failed": failed,
                "rows": rows,
                "files_per_transaction": args.files_per_transaction,
                "seconds": seconds,
                "files_per_second": len(paths) / seconds if seconds > 0 else 0,
                "oiio_version": oiio.VERSION_STRING,
                "duckdb_version": duckdb.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
