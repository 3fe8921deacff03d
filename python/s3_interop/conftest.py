"""Fixtures: one built TS emulator (dist/vast/emulator/main.js) with a generated key pair and --verify-signatures,
and clients configured the way a newcomer would (endpoint + key environment variables)."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "vastdb_conformance"))

from emulator_process import EmulatorProcess  # noqa: E402


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    access, secret = f"AK{secrets.token_hex(6)}", secrets.token_hex(16)
    log = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with EmulatorProcess(
        ["--access-key", access, "--secret-key", secret, "--bucket", "vastdb", "--verify-signatures"], log_path=log
    ) as e:
        e.access, e.secret = access, secret
        yield e


@pytest.fixture(scope="session")
def s3(emulator):
    return boto3.client(
        "s3",
        endpoint_url=emulator.url,
        aws_access_key_id=emulator.access,
        aws_secret_access_key=emulator.secret,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture()
def aws_env(emulator, tmp_path):
    """Environment for the `aws` CLI: only variables, no config files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=emulator.access,
        AWS_SECRET_ACCESS_KEY=emulator.secret,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=emulator.url,
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
    )
    return env
