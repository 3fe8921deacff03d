"""The official vastdb SDK's `test_imports` module (of the SDK in this interpreter, the pinned one in `.venv`)
against the emulator: it uploads Parquet files through S3 (put_object, managed copy) and imports them with
`import_files` / `import_partitioned_files` (`POST ?data`), reads the imports sub-table and checks the import
errors. The newest SDK's `test_imports` runs in `run_sdk_tests.py --sdk newest`."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import vastdb


def test_official_test_imports_pass(emulator, s3, tmp_path: Path):
    package_dir = Path(vastdb.__file__).resolve().parent
    junit = tmp_path / "imports.xml"
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
            f"--rootdir={package_dir}", f"--junitxml={junit}",
            f"--tabular-endpoint-url={emulator.url}",
            f"--tabular-access-key={emulator.access}",
            f"--tabular-secret-key={emulator.secret}",
            "--tabular-bucket-name=vastdb",
            str(package_dir / "tests" / "test_imports.py"),
        ],
        check=False, capture_output=True, text=True, timeout=900,
    )
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    assert len(cases) >= 5
    failures = []
    for case in cases:
        problem = case.find("failure") if case.find("failure") is not None else case.find("error")
        if problem is not None:
            failures.append((case.get("name"), problem.get("message", "")[:400]))
    assert failures == [], run.stdout[-4000:]
    # The Parquet objects the tests uploaded (put_object and managed copies) are all there.
    keys = {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket="vastdb", Prefix="prq")
            for o in page.get("Contents", [])}
    assert {"prq0", "prq1"} <= keys
