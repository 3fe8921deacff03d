"""The seed's way of reading objects, as the baseline of bench/s3.ts: for each object (sequentially, as its
DataEngine handler does) one 256 KiB range GET with boto3, the bytes written to a temporary .exr file, the
header read with OpenImageIO (ImageInput.open -> spec of every subimage -> close).

Usage: python seed_s3_inspect.py ENDPOINT BUCKET PREFIX [--limit N] [--key KEY]
Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. Prints one JSON line:
{"files", "seconds", "files_per_second", "bytes", "requests", "opened", "failed", "attributes"}; with --key, the
attributes OpenImageIO saw for that one object ({"opened", "attributes": {name: length of its text}}).
"""

import argparse
import json
import os
import tempfile
import time

import boto3
import OpenImageIO as oiio

RANGE_BYTES = 256 * 1024


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
            parts.append({a.name: str(a.value) for a in spec.extra_attribs})
            subimage += 1
    finally:
        inp.close()
    return parts


def inspect_object(s3, bucket, key, tmpdir):
    obj = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{RANGE_BYTES - 1}")
    data = obj["Body"].read()
    path = os.path.join(tmpdir, "object.exr")
    with open(path, "wb") as f:
        f.write(data)
    return len(data), header_of(path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("endpoint")
    ap.add_argument("bucket")
    ap.add_argument("prefix")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--key")
    a = ap.parse_args()
    s3 = boto3.client("s3", endpoint_url=a.endpoint, region_name="us-east-1")
    with tempfile.TemporaryDirectory() as tmpdir:
        if a.key:
            n, parts = inspect_object(s3, a.bucket, a.key, tmpdir)
            attrs = {k: len(v) for p in parts or [] for k, v in p.items()}
            print(json.dumps({"bytes": n, "opened": parts is not None, "attributes": attrs}))
            return
        start = time.perf_counter()
        keys = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=a.bucket, Prefix=a.prefix):
            keys += [o["Key"] for o in page.get("Contents", []) if o["Key"].lower().endswith(".exr")]
            if a.limit and len(keys) >= a.limit:
                keys = keys[: a.limit]
                break
        total = opened = failed = attributes = 0
        for key in keys:
            n, parts = inspect_object(s3, a.bucket, key, tmpdir)
            total += n
            if parts is None:
                failed += 1
            else:
                opened += 1
                attributes += sum(len(p) for p in parts)
        seconds = time.perf_counter() - start
    print(json.dumps({
        "files": len(keys), "seconds": seconds, "files_per_second": len(keys) / seconds, "bytes": total,
        "requests": len(keys), "opened": opened, "failed": failed, "attributes": attributes,
    }))


if __name__ == "__main__":
    main()
