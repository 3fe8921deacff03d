"""Fixtures: the built emulator (VAST DataBase + S3 on one port) and the shim configured against it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "dataengine"))
EMULATOR = REPO / "dist" / "vast" / "emulator" / "main.js"
CLI = REPO / "dist" / "cli" / "launch.cjs"
ACCESS = "DeAccK3y"
SECRET = "DeS3cretQm5Wv8"


@pytest.fixture(scope="session")
def emulator_url():
    if not EMULATOR.exists() or not CLI.exists():
        pytest.skip("run `npm run build` first (dist/ is missing)")
    proc = subprocess.Popen(
        ["node", str(EMULATOR), "--port", "0", "--bucket", "vastdb", "--quiet", "--access-key", ACCESS, "--secret-key", SECRET],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError("emulator did not start: %r" % line)
    try:
        yield line.removeprefix("listening on ")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture()
def vast_env(emulator_url, monkeypatch):
    """The seed's variables pointing at the emulator, a fresh schema per test."""
    schema = "de_%d_%d" % (os.getpid(), time.monotonic_ns())
    for name, value in {
        "VAST_DB_ENDPOINT": emulator_url,
        "VAST_DB_REGION": "us-east-1",
        "VAST_DB_ACCESS_KEY": ACCESS,
        "VAST_DB_SECRET_KEY": SECRET,
        "VAST_DB_BUCKET": "vastdb",
        "VAST_DB_SCHEMA": schema,
        "LOG_LEVEL": "warn",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "EXR_INSPECTOR_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    import main

    main.shutdown()
    yield {"schema": schema, "url": emulator_url}
    main.shutdown()


def catalog_sql(sql: str) -> list:
    """Reads the catalog through the engine's own `sql` command (same environment)."""
    out = subprocess.run(
        ["node", str(CLI), "sql", "--backend", "vast", "--format", "json", sql],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    import json

    return json.loads(out.stdout)
