"""boto3 (an official client nobody here wrote) against the emulator's S3 API, signatures verified."""

from __future__ import annotations

import hashlib
import os
import urllib.request

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError


def code_of(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_buckets(s3):
    s3.create_bucket(Bucket="b3-buckets")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert "b3-buckets" in names and "vastdb" in names
    s3.head_bucket(Bucket="b3-buckets")
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="b3-buckets")
    assert code_of(e) == "BucketAlreadyOwnedByYou"
    s3.delete_bucket(Bucket="b3-buckets")
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket="b3-buckets")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_ranges_preconditions_and_metadata(s3):
    body = os.urandom(100_000)
    put = s3.put_object(Bucket="vastdb", Key="b3/obj.exr", Body=body, Metadata={"shot": "010"})
    assert put["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    got = s3.get_object(Bucket="vastdb", Key="b3/obj.exr", Range="bytes=65536-65599")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == "bytes 65536-65599/100000"
    assert got["Body"].read() == body[65536:65600]
    assert s3.head_object(Bucket="vastdb", Key="b3/obj.exr")["Metadata"] == {"shot": "010"}
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="vastdb", Key="b3/obj.exr", Range="bytes=100000-")
    assert code_of(e) == "InvalidRange"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="vastdb", Key="b3/obj.exr", IfMatch='"00000000000000000000000000000000"')
    assert code_of(e) == "PreconditionFailed"
    same = s3.get_object(Bucket="vastdb", Key="b3/obj.exr", IfMatch=put["ETag"], Range="bytes=0-9")
    assert same["Body"].read() == body[:10]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="vastdb", Key="b3/missing")
    assert code_of(e) == "NoSuchKey"


def test_listing_pages_prefixes_and_delimiters(s3):
    s3.create_bucket(Bucket="b3-list")
    keys = [f"shot{s:02d}/beauty/beauty.{f:04d}.exr" for s in range(3) for f in range(1001, 1008)] + ["top.exr"]
    for k in keys:
        s3.put_object(Bucket="b3-list", Key=k, Body=k.encode())
    paginator = s3.get_paginator("list_objects_v2")
    listed = [o["Key"] for page in paginator.paginate(Bucket="b3-list", PaginationConfig={"PageSize": 4}) for o in page.get("Contents", [])]
    assert listed == sorted(keys)
    top = s3.list_objects_v2(Bucket="b3-list", Delimiter="/")
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["shot00/", "shot01/", "shot02/"]
    assert [o["Key"] for o in top["Contents"]] == ["top.exr"]
    one = s3.list_objects_v2(Bucket="b3-list", Prefix="shot01/beauty/", MaxKeys=3)
    assert one["IsTruncated"] and one["KeyCount"] == 3
    rest = s3.list_objects_v2(Bucket="b3-list", Prefix="shot01/beauty/", ContinuationToken=one["NextContinuationToken"])
    assert len(rest["Contents"]) == 4 and not rest["IsTruncated"]
    deleted = s3.delete_objects(Bucket="b3-list", Delete={"Objects": [{"Key": k} for k in keys]})
    assert len(deleted["Deleted"]) == len(keys)
    s3.delete_bucket(Bucket="b3-list")


def test_managed_multipart_upload_copy_and_download(s3, tmp_path):
    data = os.urandom(23 * 1024 * 1024 + 123)
    src = tmp_path / "big.exr"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
    s3.upload_file(str(src), "vastdb", "b3/big.exr", Config=config)
    head = s3.head_object(Bucket="vastdb", Key="b3/big.exr")
    parts = [data[i : i + 8 * 1024 * 1024] for i in range(0, len(data), 8 * 1024 * 1024)]
    expected = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    assert head["ETag"] == f'"{expected}-{len(parts)}"'
    assert head["ContentLength"] == len(data)
    # Managed copy: CopyObject below the threshold, UploadPartCopy above it.
    s3.copy({"Bucket": "vastdb", "Key": "b3/big.exr"}, "vastdb", "b3/big-copy.exr", Config=config)
    out = tmp_path / "back.exr"
    s3.download_file("vastdb", "b3/big-copy.exr", str(out), Config=config)
    assert out.read_bytes() == data


@pytest.mark.parametrize("signature_version", [None, "s3v4"])
def test_presigned_get(s3, emulator, signature_version):
    s3.put_object(Bucket="vastdb", Key="b3/presigned.exr", Body=b"0123456789")
    signer = s3 if signature_version is None else boto3.client(
        "s3", endpoint_url=emulator.url, aws_access_key_id=emulator.access,
        aws_secret_access_key=emulator.secret, region_name="us-east-1",
        config=Config(signature_version=signature_version),
    )
    url = signer.generate_presigned_url("get_object", Params={"Bucket": "vastdb", "Key": "b3/presigned.exr"}, ExpiresIn=60)
    req = urllib.request.Request(url, headers={"Range": "bytes=2-5"})
    with urllib.request.urlopen(req, timeout=10) as res:
        assert res.status == 206
        assert res.read() == b"2345"
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(url.replace("presigned.exr", "other.exr"), timeout=10)
    assert e.value.code == 403
