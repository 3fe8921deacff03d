"""The seed document's four catalog tables (schema exr_metadata) as Arrow schemas, plus sample rows."""

from __future__ import annotations

import pyarrow as pa

EMBEDDING_DIM = 384
FINGERPRINT_DIM = 128


def vector(dim: int) -> pa.DataType:
    return pa.list_(pa.field("item", pa.float32(), nullable=False), dim)


FILES = pa.schema([
    ("file_id", pa.string()),
    ("file_path", pa.string()),
    ("file_path_normalized", pa.string()),
    ("header_hash", pa.string()),
    ("size_bytes", pa.int64()),
    ("mtime", pa.string()),
    ("multipart_count", pa.int32()),
    ("is_deep", pa.bool_()),
    ("metadata_embedding", vector(EMBEDDING_DIM)),
    ("inspection_timestamp", pa.string()),
    ("inspection_count", pa.int32()),
    ("last_inspected", pa.string()),
])

PARTS = pa.schema([
    ("file_id", pa.string()),
    ("file_path", pa.string()),
    ("part_index", pa.int32()),
    ("part_name", pa.string()),
    ("view_name", pa.string()),
    ("multi_view", pa.bool_()),
    ("data_window", pa.string()),
    ("display_window", pa.string()),
    ("pixel_aspect_ratio", pa.float32()),
    ("line_order", pa.string()),
    ("compression", pa.string()),
    ("is_tiled", pa.bool_()),
    ("tile_width", pa.int32()),
    ("tile_height", pa.int32()),
    ("tile_depth", pa.int32()),
    ("is_deep", pa.bool_()),
])

CHANNELS = pa.schema([
    ("file_id", pa.string()),
    ("file_path", pa.string()),
    ("part_index", pa.int32()),
    ("channel_name", pa.string()),
    ("channel_type", pa.string()),
    ("x_sampling", pa.int32()),
    ("y_sampling", pa.int32()),
    ("channel_fingerprint", vector(FINGERPRINT_DIM)),
])

ATTRIBUTES = pa.schema([
    ("file_id", pa.string()),
    ("file_path", pa.string()),
    ("part_index", pa.int32()),
    ("attribute_name", pa.string()),
    ("attribute_type", pa.string()),
    ("attribute_value", pa.string()),
])

TABLES = {"files": FILES, "parts": PARTS, "channels": CHANNELS, "attributes": ATTRIBUTES}


def embedding(seed: int, dim: int) -> list[float]:
    # exact float32 values so equality after the round trip is meaningful
    return [float(((seed * 31 + i * 7) % 97) / 8.0) for i in range(dim)]


def sample_rows() -> dict[str, pa.Table]:
    paths = ["/shots/a/beauty.0001.exr", "/shots/a/beauty.0002.exr", "/shots/b/deep.0001.exr", "/tmp/ünïcode ☃.exr"]
    n = len(paths)
    files = pa.table({
        "file_id": [f"id{i:02d}" for i in range(n)],
        "file_path": paths,
        "file_path_normalized": [p.lower() for p in paths],
        "header_hash": [f"{i:064x}" for i in range(n)],
        "size_bytes": [1000, 2000, None, 4_000_000_000],
        "mtime": ["2026-01-01T00:00:00Z", None, "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"],
        "multipart_count": [1, 1, 2, 1],
        "is_deep": [False, False, True, None],
        "metadata_embedding": [embedding(i, EMBEDDING_DIM) if i != 2 else None for i in range(n)],
        "inspection_timestamp": ["2026-02-01T00:00:00Z"] * n,
        "inspection_count": [1] * n,
        "last_inspected": ["2026-02-01T00:00:00Z"] * n,
    }, schema=FILES)
    parts = pa.table({
        "file_id": ["id00", "id01", "id02", "id02"],
        "file_path": [paths[0], paths[1], paths[2], paths[2]],
        "part_index": [0, 0, 0, 1],
        "part_name": [None, None, "rgba", "depth"],
        "view_name": [None, None, None, None],
        "multi_view": [False, False, False, False],
        "data_window": ['{"xMin":0}'] * 4,
        "display_window": ['{"xMin":0}'] * 4,
        "pixel_aspect_ratio": [1.0, 1.0, 1.0, 2.0],
        "line_order": ["INCREASING_Y"] * 4,
        "compression": ["ZIP", "PIZ", "ZIPS", None],
        "is_tiled": [False, True, False, False],
        "tile_width": [None, 64, None, None],
        "tile_height": [None, 64, None, None],
        "tile_depth": [None, None, None, None],
        "is_deep": [False, False, True, True],
    }, schema=PARTS)
    channels = pa.table({
        "file_id": ["id00"] * 4 + ["id02"],
        "file_path": [paths[0]] * 4 + [paths[2]],
        "part_index": [0, 0, 0, 0, 1],
        "channel_name": ["R", "G", "B", "A", "Z"],
        "channel_type": ["HALF", "HALF", "HALF", "HALF", "FLOAT"],
        "x_sampling": [1] * 5,
        "y_sampling": [1] * 5,
        "channel_fingerprint": [embedding(10, FINGERPRINT_DIM), None, None, None, embedding(11, FINGERPRINT_DIM)],
    }, schema=CHANNELS)
    attributes = pa.table({
        "file_id": ["id00", "id00", "id01", "id02"],
        "file_path": [paths[0], paths[0], paths[1], paths[2]],
        "part_index": [None, 0, 0, 1],
        "attribute_name": ["owner", "compression", "compression", "chromaticities"],
        "attribute_type": ["string", "compression", "compression", "chromaticities"],
        "attribute_value": ['"me"', '"ZIP"', '"PIZ"', '{"red":[0.64,0.33]}'],
    }, schema=ATTRIBUTES)
    return {"files": files, "parts": parts, "channels": channels, "attributes": attributes}
