"""The seed's DataEngine handler pattern, as the baseline of bench/serve.ts: per event, one 256 KiB range GET with
boto3, the bytes written to a temporary .exr file and its header read with OpenImageIO (every subimage's spec:
parts, channels, attributes), then ONE vastdb SDK transaction for that file: look the path up in `files`, insert
the `files` row, its `parts` and `channels` rows. Clients are created once per worker (the seed's init creates
them once per container); `--concurrency` workers each handle one event at a time, as that many function pods.

Usage: python seed_serve.py ENDPOINT BUCKET SCHEMA KEYS_FILE --object-bucket B [--concurrency N]
AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are used for both S3 and the tabular API (as on VAST). Prints one JSON
line: {"events", "seconds", "events_per_second", "p50_ms", "p99_ms", "inserted", "failed"}.
"""

import argparse
import json
import os
import queue
import resource
import tempfile
import threading
import time
import uuid

import boto3
import OpenImageIO as oiio
import pyarrow as pa
import vastdb

RANGE_BYTES = 256 * 1024

FILES = pa.schema([("file_id", pa.string()), ("file_path", pa.string()), ("size_bytes", pa.int64()),
                   ("part_count", pa.int32()), ("inspection_count", pa.int32())])
PARTS = pa.schema([("file_id", pa.string()), ("part_index", pa.int32()), ("width", pa.int32()),
                   ("height", pa.int32()), ("channel_count", pa.int32()), ("attributes_json", pa.string())])
CHANNELS = pa.schema([("file_id", pa.string()), ("part_index", pa.int32()), ("channel_name", pa.string()),
                      ("channel_type", pa.string())])


def header_of(path):
    inp = oiio.ImageInput.open(path)
    if inp is None:
        oiio.geterror()
        return None
    parts = []
    try:
        subimage = 0
        while inp.seek_subimage(subimage, 0):
            spec = inp.spec()
            parts.append({
                "width": spec.width,
                "height": spec.height,
                "channels": [(spec.channelnames[i], str(spec.channelformat(i))) for i in range(spec.nchannels)],
                "attributes": {a.name: str(a.value) for a in spec.extra_attribs},
            })
            subimage += 1
    finally:
        inp.close()
    return parts


def create_tables(session, bucket, schema):
    with session.transaction() as tx:
        s = tx.bucket(bucket).create_schema(schema, fail_if_exists=False)
        for name, columns in (("files", FILES), ("parts", PARTS), ("channels", CHANNELS)):
            s.create_table(name, columns, fail_if_exists=False)


def handle(s3, session, a, key, tmpdir):
    """One event: returns True when a row was inserted."""
    obj = s3.get_object(Bucket=a.object_bucket, Key=key, Range=f"bytes=0-{RANGE_BYTES - 1}")
    data = obj["Body"].read()
    path = os.path.join(tmpdir, "object.exr")
    with open(path, "wb") as f:
        f.write(data)
    parts = header_of(path) or []
    file_path = f"s3://{a.object_bucket}/{key}"
    file_id = uuid.uuid5(uuid.NAMESPACE_URL, file_path).hex
    with session.transaction() as tx:
        s = tx.bucket(a.bucket).schema(a.schema)
        files = s.table("files")
        if files.select(columns=["file_id"], predicate=files["file_path"] == file_path).read_all().num_rows:
            return False
        files.insert(pa.table({"file_id": [file_id], "file_path": [file_path], "size_bytes": [len(data)],
                               "part_count": [len(parts)], "inspection_count": [1]}, schema=FILES))
        if parts:
            s.table("parts").insert(pa.table({
                "file_id": [file_id] * len(parts),
                "part_index": list(range(len(parts))),
                "width": [p["width"] for p in parts],
                "height": [p["height"] for p in parts],
                "channel_count": [len(p["channels"]) for p in parts],
                "attributes_json": [json.dumps(p["attributes"]) for p in parts],
            }, schema=PARTS))
            rows = [(i, n, t) for i, p in enumerate(parts) for n, t in p["channels"]]
            s.table("channels").insert(pa.table({
                "file_id": [file_id] * len(rows),
                "part_index": [r[0] for r in rows],
                "channel_name": [r[1] for r in rows],
                "channel_type": [r[2] for r in rows],
            }, schema=CHANNELS))
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("endpoint")
    ap.add_argument("bucket")
    ap.add_argument("schema")
    ap.add_argument("keys_file")
    ap.add_argument("--object-bucket", required=True)
    ap.add_argument("--concurrency", type=int, default=1)
    a = ap.parse_args()
    access, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
    with open(a.keys_file) as f:
        keys = [line.strip() for line in f if line.strip()]
    create_tables(vastdb.connect(endpoint=a.endpoint, access=access, secret=secret), a.bucket, a.schema)
    work = queue.Queue()
    for key in keys:
        work.put(key)
    latencies, lock = [], threading.Lock()
    counts = {"inserted": 0, "failed": 0}

    def worker():
        # The seed's init: clients made once per function instance.
        s3 = boto3.client("s3", endpoint_url=a.endpoint, region_name="us-east-1")
        session = vastdb.connect(endpoint=a.endpoint, access=access, secret=secret)
        with tempfile.TemporaryDirectory() as tmpdir:
            while True:
                try:
                    key = work.get_nowait()
                except queue.Empty:
                    return
                t0 = time.perf_counter()
                try:
                    inserted = handle(s3, session, a, key, tmpdir)
                    outcome = "inserted" if inserted else None
                except Exception:  # the seed's handler reports persistence errors in its result
                    outcome = "failed"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    latencies.append(ms)
                    if outcome:
                        counts[outcome] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(a.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    latencies.sort()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print(json.dumps({
        "events": len(keys), "seconds": seconds, "events_per_second": len(keys) / seconds,
        "p50_ms": pick(0.5), "p99_ms": pick(0.99), **counts,
        "cpu_seconds": resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
    }))


if __name__ == "__main__":
    main()
