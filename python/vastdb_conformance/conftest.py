"""Fixtures for our own SDK-driven tests of the emulator."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import vastdb

from emulator_process import EmulatorProcess


@pytest.fixture
def credentials() -> tuple[str, str]:
    return f"AK{secrets.token_hex(6)}", secrets.token_hex(16)


@pytest.fixture
def start_emulator(tmp_path: Path, credentials):
    """Returns a function starting an emulator (extra CLI args) and stops every one started at teardown."""
    started: list[EmulatorProcess] = []
    access, secret = credentials

    def start(*extra: str) -> EmulatorProcess:
        e = EmulatorProcess(["--access-key", access, "--secret-key", secret, "--verify-signatures", *extra],
                            log_path=tmp_path / f"emulator{len(started)}.log")
        started.append(e.start())
        return e

    yield start
    for e in started:
        e.stop()


@pytest.fixture
def connect(credentials):
    access, secret = credentials

    def make(url: str, **kwargs) -> vastdb.session.Session:
        return vastdb.connect(access=access, secret=secret, endpoint=url, **kwargs)

    return make
