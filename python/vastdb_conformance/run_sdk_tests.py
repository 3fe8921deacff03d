#!/usr/bin/env python3
"""Run the official vastdb SDK's own test suite (from the installed package) against the TS emulator.

Usage (from the repository root, after `npm run build`):
    .venv/bin/python python/vastdb_conformance/run_sdk_tests.py [--sdk pinned|newest] [--skip-sdk-suite]
        [--skip-own-tests] [-- PYTEST ARGS]

`--sdk pinned` (default) uses the interpreter it runs in (`.venv`, vastdb from python/requirements.txt).
`--sdk newest` first makes `.cache/venv-vastdb-newest` from requirements-newest.txt (again whenever that file
changes) and re-runs itself there, so the newest SDK never touches `.venv`.

Phase 1 starts `node dist/vast/emulator/main.js --port 0` with a generated access key and the selection's
`--vast-version`, runs pytest on the selection's SDK test modules (minus its exclusions, see selection.py) and
requires the selection's minimum pass rate, every failure being listed in its known failures. Phase 2 runs our
own tests in this directory (SDK round trip with restart and persistence, SlowDown retry), which start their own
emulators. Exits non-zero when either phase fails.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
NEWEST_VENV = REPO_ROOT / ".cache" / "venv-vastdb-newest"
NEWEST_REQUIREMENTS = HERE / "requirements-newest.txt"
sys.path.insert(0, str(HERE))

from emulator_process import EmulatorProcess  # noqa: E402
from selection import SELECTIONS, Selection  # noqa: E402


def ensure_newest_venv() -> Path:
    """Creates (or refreshes, when requirements-newest.txt changed) the newest SDK's venv; returns its python."""
    python = NEWEST_VENV / "bin" / "python"
    digest = hashlib.sha256(NEWEST_REQUIREMENTS.read_bytes()).hexdigest()
    stamp = NEWEST_VENV / "requirements.sha256"
    if python.exists() and stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest:
        return python
    print(f"creating {NEWEST_VENV} from {NEWEST_REQUIREMENTS.name}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(NEWEST_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(NEWEST_REQUIREMENTS)], check=True, timeout=1200)
    stamp.write_text(digest + "\n", encoding="utf-8")
    return python


def check_selection_documented(selection: Selection) -> None:
    text = (HERE / "SELECTION.md").read_text(encoding="utf-8")
    names = [*selection.excluded, *selection.excluded_modules, *selection.known_failures]
    missing = [n for n in names if n.split("::")[-1] not in text]
    if missing:
        raise SystemExit(f"SELECTION.md does not mention: {', '.join(missing)}")


def run_sdk_suite(selection: Selection, extra: list[str]) -> bool:
    import vastdb

    package_dir = Path(vastdb.__file__).resolve().parent
    installed = vastdb.version()
    if installed != selection.sdk_version:
        raise SystemExit(f"the selection is for vastdb {selection.sdk_version}, this interpreter has {installed}")
    tests_dir = package_dir / "tests"
    missing = [m for m in selection.modules if not (tests_dir / f"{m}.py").exists()]
    if missing:
        raise SystemExit(f"the installed vastdb package does not ship {', '.join(missing)} in {tests_dir}")
    access, secret = f"AK{secrets.token_hex(6)}", secrets.token_hex(16)
    args = ["--access-key", access, "--secret-key", secret, "--bucket", "vastdb", "--verify-signatures",
            "--vast-version", selection.vast_version]
    print(f"vastdb {installed} against the emulator posing as VAST {selection.vast_version}", flush=True)
    with tempfile.TemporaryDirectory() as tmp, EmulatorProcess(args, log_path=Path(tmp) / "emulator.log") as emulator:
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
            *[str(tests_dir / f"{m}.py") for m in selection.modules],
        ]
        for node in selection.excluded:
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
    known = selection.known_failures
    unexplained = [n for n in failed if not any(n.startswith(k) or k in n for k in known)]
    print(f"\nvastdb {installed} suite against the emulator: {len(passed)} passed, {len(failed)} failed, "
          f"{len(skipped)} skipped of {len(results)} selected; pass rate {rate:.1%} "
          f"(minimum {selection.min_pass_rate:.0%})")
    for n in failed:
        reason = next((r for k, r in known.items() if n.startswith(k) or k in n), None)
        print(f"  FAILED {n}" + (f"  [known: {reason}]" if reason is not None else "  [UNEXPLAINED]"))
    for n in skipped:
        print(f"  skipped {n}")
    return counted > 0 and rate >= selection.min_pass_rate and not unexplained


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
    parser.add_argument("--sdk", choices=sorted(SELECTIONS), default="pinned")
    parser.add_argument("--skip-sdk-suite", action="store_true")
    parser.add_argument("--skip-own-tests", action="store_true")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    ns = parser.parse_args()
    if ns.sdk == "newest" and Path(sys.prefix).resolve() != NEWEST_VENV.resolve():
        python = ensure_newest_venv()
        os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])
    selection = SELECTIONS[ns.sdk]
    check_selection_documented(selection)
    ok = True
    if not ns.skip_sdk_suite:
        ok = run_sdk_suite(selection, ns.pytest_args) and ok
    if not ns.skip_own_tests:
        ok = run_own_tests(ns.pytest_args) and ok
    print(f"vastdb conformance ({ns.sdk} SDK):", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
