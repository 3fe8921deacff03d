"""The official AWS CLI (`awscli` from PyPI) against the emulator: cp/sync/ls round trips, byte-identical,
multipart included (the CLI switches to it above 8 MB), configured only by environment variables."""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
from pathlib import Path

AWS = [sys.executable, "-m", "awscli"]


def aws(env, *args: str) -> str:
    r = subprocess.run([*AWS, *args, "--only-show-errors"] if args[0] == "s3" and args[1] in {"cp", "sync"} else [*AWS, *args],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, f"aws {' '.join(args)} failed: {r.stderr}"
    return r.stdout


def test_cp_sync_ls_round_trip(aws_env, tmp_path: Path):
    src = tmp_path / "src"
    (src / "shot010" / "beauty").mkdir(parents=True)
    (src / "shot010" / "beauty" / "beauty.1001.exr").write_bytes(os.urandom(300_000))
    (src / "shot010" / "beauty" / "beauty.1002.exr").write_bytes(os.urandom(20 * 1024 * 1024 + 17))  # multipart
    (src / "shot010" / "notes.txt").write_bytes(b"hello")
    (src / "empty.exr").write_bytes(b"")
    aws(aws_env, "s3", "mb", "s3://cli-roundtrip")
    aws(aws_env, "s3", "sync", str(src), "s3://cli-roundtrip/show")
    aws(aws_env, "s3", "cp", str(src / "shot010" / "beauty" / "beauty.1002.exr"), "s3://cli-roundtrip/single/big.exr")
    listing = aws(aws_env, "s3", "ls", "--recursive", "s3://cli-roundtrip/")
    keys = sorted(line.split()[-1] for line in listing.splitlines() if line.strip())
    assert keys == [
        "show/empty.exr",
        "show/shot010/beauty/beauty.1001.exr",
        "show/shot010/beauty/beauty.1002.exr",
        "show/shot010/notes.txt",
        "single/big.exr",
    ]
    top = aws(aws_env, "s3", "ls", "s3://cli-roundtrip/show/")
    assert "PRE shot010/" in top and "empty.exr" in top
    back = tmp_path / "back"
    aws(aws_env, "s3", "sync", "s3://cli-roundtrip/show", str(back))
    aws(aws_env, "s3", "cp", "s3://cli-roundtrip/single/big.exr", str(tmp_path / "big.exr"))
    cmp = filecmp.dircmp(src, back)
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files
    for rel in ["shot010/beauty/beauty.1001.exr", "shot010/beauty/beauty.1002.exr", "shot010/notes.txt", "empty.exr"]:
        assert (back / rel).read_bytes() == (src / rel).read_bytes(), rel
    assert (tmp_path / "big.exr").read_bytes() == (src / "shot010" / "beauty" / "beauty.1002.exr").read_bytes()
    head = aws(aws_env, "s3api", "head-object", "--bucket", "cli-roundtrip", "--key", "single/big.exr")
    assert '-3\\""' in head  # 20 MB in 8 MB parts: a multipart ETag of 3 parts
    # A second sync has nothing to do.
    again = subprocess.run([*AWS, "s3", "sync", str(src), "s3://cli-roundtrip/show"], env=aws_env,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "upload:" not in again.stdout
    aws(aws_env, "s3", "rm", "--recursive", "s3://cli-roundtrip/")
    aws(aws_env, "s3", "rb", "s3://cli-roundtrip")
