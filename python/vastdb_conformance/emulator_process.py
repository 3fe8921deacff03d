"""Starts the built TypeScript emulator (dist/vast/emulator/main.js) on an ephemeral port for Python tests."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MAIN_JS = REPO_ROOT / "dist" / "vast" / "emulator" / "main.js"


class EmulatorProcess:
    """Context manager: `with EmulatorProcess(["--data-dir", d]) as e: e.url` (stopped on exit)."""

    def __init__(self, args: list[str], log_path: Path | None = None, startup_timeout: float = 20.0):
        self.args = args
        self.log_path = log_path or Path(os.devnull)
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> "EmulatorProcess":
        if not MAIN_JS.exists():
            raise RuntimeError(f"{MAIN_JS} is missing: run `npm run build` first")
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            ["node", str(MAIN_JS), "--port", "0", *self.args],
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            cwd=REPO_ROOT,
        )
        deadline = time.monotonic() + self.startup_timeout
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on ") or time.monotonic() > deadline:
            self.stop()
            raise RuntimeError(f"emulator did not start (first line: {line!r}); see {self.log_path}")
        self.url = line.removeprefix("listening on ")
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def __enter__(self) -> "EmulatorProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
