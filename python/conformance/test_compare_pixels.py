"""Pixel conformance: our decoded samples and stats vs the official bindings + numpy (compare_pixels.py)."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_pixels import compare, corpus_files, write_dwa_fixtures, write_fixtures, write_htj2k_fixtures  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not (ROOT / "dist/index.js").exists(), reason="run `npm run build` first")


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    out = tmp_path_factory.mktemp("pixel-fixtures")
    paths, notes = write_fixtures(str(out))
    return paths, notes


def test_every_fixture_we_decode_is_bit_identical_and_stats_match_numpy(fixtures, tmp_path):
    paths, notes = fixtures
    assert notes == [], notes
    assert len(paths) == 12 * 2 * 4
    mismatches, counts, _ = compare(paths, str(tmp_path))
    assert mismatches == []
    assert counts["files"] == len(paths)
    # none, rle, zips, zip, piz, pxr24, b44, b44a, dwaa, dwab, htj2k256, htj2k32: scanline + tiled x
    # half/float/uint/mixed, 3 channels each, every one decoded.
    assert counts["channels"] == 12 * 2 * 4 * 3
    assert counts["not_decoded_by_us"] == 0


def test_dwa_of_smooth_images_at_several_levels_is_bit_identical(tmp_path):
    paths = write_dwa_fixtures(str(tmp_path / "dwa"))
    assert len(paths) == 2 * 3 * 2
    mismatches, counts, _ = compare(paths, str(tmp_path))
    assert mismatches == []
    # R'G'B', a layered float R'G'B', Y, A, Z and id in each file.
    assert counts["channels"] == len(paths) * 10


def test_htj2k_of_smooth_images_is_bit_identical(tmp_path):
    paths = write_htj2k_fixtures(str(tmp_path / "htj2k"))
    mismatches, counts, _ = compare(paths, str(tmp_path))
    assert mismatches == []
    assert counts["not_decoded_by_us"] == 0
    assert counts["channels"] == len(paths) * 10


def test_every_valid_corpus_file_is_bit_identical(tmp_path):
    files = corpus_files()
    if not files:
        pytest.skip("EXR_CORPUS is unset: corpus conformance skipped")
    mismatches, counts, notes = compare(files, str(tmp_path))
    assert mismatches == []
    # 511 flat channels with the corpus of 2026-12-07; deep channels are counted apart (not compared here).
    assert counts["channels"] > 500


def test_a_flipped_bit_in_our_pixels_is_caught(fixtures, tmp_path):
    paths = [p for p in fixtures[0] if os.path.basename(p) == "piz_scanline_half.exr"]

    def flip(entries):
        f = entries[0]["parts"][0]["channels"][1]["file"]
        data = bytearray(Path(f).read_bytes())
        data[100] ^= 1
        Path(f).write_bytes(bytes(data))

    mismatches, _, _ = compare(paths, str(tmp_path), tamper=flip)
    assert [m["kind"] for m in mismatches] == ["pixels"]
    assert mismatches[0]["differing"] == 1


def test_a_wrong_mean_and_a_wrong_nan_count_are_caught(fixtures, tmp_path):
    paths = [p for p in fixtures[0] if os.path.basename(p) == "zip_scanline_float.exr"]

    def skew(entries):
        c = entries[0]["stats"]["parts"][0]["levels"][0]["channels"][0]
        c["mean"] = c["mean"] * (1 + 1e-7)
        c["nan_count"] += 1

    mismatches, _, _ = compare(paths, str(tmp_path), tamper=skew)
    assert sorted(m["kind"] for m in mismatches) == ["stats_mean", "stats_nan_count"]
    assert np.isfinite(mismatches[0].get("ours", 0))
