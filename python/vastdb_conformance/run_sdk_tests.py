#!/usr/bin/env python3
"""Run the official vastdb SDK's own test suite (from the installed package) against the TS emulator.

Usage (from the repository root, after `npm run build`):
    .venv/bin/python python/vastdb_conformance/run_sdk_tests.py [--skip-sdk-suite] [--skip-own-tests] [-- PYTEST ARGS]

Phase 1 starts `node dist/vast/emulator/main.js --port 0` with a generated access key, runs pytest on the
selected SDK test modules (SELECTED_MODULES minus EXCLUDED in selection.py) and requires at least 90% of the
selected tests to pass, every failure being listed in KNOWN_FAILURES. Phase 2 runs our own tests in this
directory (SDK round trip with restart and persistence, SlowDown retry), which start their own emulators.
Exits non-zero when either phase fails.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import vastdb  # noqa: E402

from emulator_process import EmulatorProcess  # noqa: E402
from selection import EXCLUDED, EXCLUDED_MODULES, KNOWN_FAILURES, SELECTED_MODULES  # noqa: E402

MIN_PASS_RATE = 0.90


def check_selection_documented() -> None:
    text = (HERE / "SELECTION.md").read_text(encoding="utf-8")
    missing = [n for n in [*EXCLUDED, *EXCLUDED_MODULES, *KNOWN_FAILURES] if n.split("::")[-1] not in text]
    if missing:
        raise SystemExit(f"SELECTION.md does not mention: {', '.join(missing)}")


def run_sdk_suite(extra: list[str]) -> bool:
    package_dir = Path(vastdb.__file__).resolve().parent
    tests_dir = package_dir / "tests"
    missing = [m for m in SELECTED_MODULES if not (tests_dir / f"{m}.py").exists()]
    if missing:
        raise SystemExit(f"the installed vastdb package does not ship {', '.join(missing)} in {tests_dir}")
    access, secret = f"AK{secrets.token_hex(6)}", secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as tmp, EmulatorProcess(
        ["--access-key", access, "--secret-key", secret, "--bucket", "vastdb", "--verify-signatures"], log_path=Path(tmp) / "emulator.log"
    ) as emulator:
        junit = Path(tmp) / "sdk.xml"
        args = [
            "-p", "no:cacheprovider",
            "-q",
            f"--rootdir={package_dir}",
            f"--junitxml={junit}",
            f"--tabular-endpoint-url={emulator.url}",
            f"--tabular-access-key={access}",
            f"--tabular-secret-key={secret}",
            "--tabular-bucket-name=vastdb",
            *[str(tests_dir / f"{m}.py") for m in SELECTED_MODULES],
        ]
        for node in EXCLUDED:
            args += ["--deselect", f"tests/{node}"]
        subprocess.run([sys.executable, "-m", "pytest", *args, *extra], check=False)
        results = parse_junit(junit)
        if emulator.log_path.exists() and emulator.log_path.stat().st_size:
            print("\n--- emulator stderr (internal errors) ---")
            print(emulator.log_path.read_text(encoding="utf-8")[-4000:])

    passed = [n for n, r in results.items() if r == "passed"]
    skipped = [n for n, r in results.items() if r == "skipped"]
    failed = [n for n, r in results.items() if r == "failed"]
    counted = len(results) - len(skipped)
    rate = len(passed) / counted if counted else 0.0
    unexplained = [n for n in failed if not any(n.startswith(k) or k in n for k in KNOWN_FAILURES)]
    print(f"\nSDK suite against the emulator: {len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped "
          f"of {len(results)} selected; pass rate {rate:.1%} (minimum {MIN_PASS_RATE:.0%})")
    for n in failed:
        print(f"  FAILED {n}" + (f"  [known: {KNOWN_FAILURES.get(n, '')}]" if n not in unexplained else "  [UNEXPLAINED]"))
    for n in skipped:
        print(f"  skipped {n}")
    return counted > 0 and rate >= MIN_PASS_RATE and not unexplained


def parse_junit(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname', '').split('.')[-1]}.py::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            out[name] = "failed"
        elif case.find("skipped") is not None:
            out[name] = "skipped"
        else:
            out[name] = "passed"
    return out


def run_own_tests(extra: list[str]) -> bool:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"--rootdir={HERE}", str(HERE), *extra]
    return subprocess.run(cmd, check=False).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-sdk-suite", action="store_true")
    parser.add_argument("--skip-own-tests", action="store_true")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    ns = parser.parse_args()
    check_selection_documented()
    ok = True
    if not ns.skip_sdk_suite:
        ok = run_sdk_suite(ns.pytest_args) and ok
    if not ns.skip_own_tests:
        ok = run_own_tests(ns.pytest_args) and ok
    print("vastdb conformance:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
