"""The conformance harness must catch what it claims to: run with `.venv/bin/python -m pytest python/conformance`."""

import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compare_headers import compare_file, same  # noqa: E402
from raw_walk import walk  # noqa: E402


def attr(name, type_name, value):
    return name.encode() + b"\0" + type_name.encode() + b"\0" + struct.pack("<i", len(value)) + value


def sample_exr():
    """OpenEXRFileLayout.rst's sample file: 4x3, G half + Z float, uncompressed, 3 scanline chunks."""
    chlist = b"G\0" + struct.pack("<iB3xii", 1, 0, 1, 1) + b"Z\0" + struct.pack("<iB3xii", 2, 0, 1, 1) + b"\0"
    header = b"".join([
        attr("channels", "chlist", chlist),
        attr("compression", "compression", b"\0"),
        attr("dataWindow", "box2i", struct.pack("<4i", 0, 0, 3, 2)),
        attr("displayWindow", "box2i", struct.pack("<4i", 0, 0, 3, 2)),
        attr("lineOrder", "lineOrder", b"\0"),
        attr("pixelAspectRatio", "float", struct.pack("<f", 1.0)),
        attr("screenWindowCenter", "v2f", struct.pack("<2f", 0.0, -0.0)),
        attr("screenWindowWidth", "float", struct.pack("<f", 1.0)),
    ]) + b"\0"
    start = 8 + len(header) + 3 * 8
    chunk = lambda y: struct.pack("<ii", y, 24) + bytes(24)  # noqa: E731
    table = b"".join(struct.pack("<Q", start + 32 * y) for y in range(3))
    return struct.pack("<iI", 20000630, 2) + header + table + b"".join(chunk(y) for y in range(3))


def ours_from_raw(data):
    """A result as exr-inspector should give it, built from the independent walk."""
    parts = walk(data)
    return {
        "file": {"is_complete": True},
        "parts": [{"type": "scanlineimage", "width": 4, "height": 3, "attributes": [dict(a) for a in p]} for p in parts],
        "validation": {"findings": []},
    }


def run(tmp_path, ours):
    path = tmp_path / "sample.exr"
    path.write_bytes(sample_exr())
    mismatches, stats = [], {"files": 0, "attributes": 0, "library_attributes": 0, "derived": 0}
    compare_file(str(path), ours, mismatches, stats, str(tmp_path))
    return [m for m in mismatches if m["kind"] != "library_extra_attribute"], stats


def test_sample_file_layout_matches_the_document():
    data = sample_exr()
    assert len(data) == 415
    names = [(a["name"], a["offset"], a["size"]) for a in walk(data)[0]]
    assert names[0] == ("channels", 8, 37)
    assert walk(data)[0][6]["value"] == [0.0, -0.0]


def test_agreeing_result_has_no_mismatch(tmp_path):
    mismatches, stats = run(tmp_path, ours_from_raw(sample_exr()))
    assert mismatches == []
    assert stats["attributes"] == 8 and stats["library_attributes"] == 8 and stats["derived"] == 1


def test_a_one_ulp_float_difference_is_caught(tmp_path):
    ours = ours_from_raw(sample_exr())
    ours["parts"][0]["attributes"][5]["value"] = 1.0000001192092896  # next float32 after 1.0
    kinds = {m["kind"] for m in run(tmp_path, ours)[0]}
    assert kinds == {"raw_value", "library_value"}


def test_a_lost_negative_zero_is_caught(tmp_path):
    ours = ours_from_raw(sample_exr())
    ours["parts"][0]["attributes"][6]["value"] = [0, 0]
    assert {m["attribute"] for m in run(tmp_path, ours)[0]} == {"screenWindowCenter"}
    ours["parts"][0]["attributes"][6]["value"] = [0, "-0"]
    assert run(tmp_path, ours)[0] == []


def test_order_size_derivation_and_rejection_are_caught(tmp_path):
    ours = ours_from_raw(sample_exr())
    attrs = ours["parts"][0]["attributes"]
    attrs[0], attrs[1] = attrs[1], attrs[0]
    ours["parts"][0]["width"] = 5
    ours["file"]["is_complete"] = False
    kinds = {m["kind"] for m in run(tmp_path, ours)[0]}
    assert {"order", "derived_size", "ours_rejects_library_valid"} <= kinds


def test_same_is_exact():
    assert same("NaN", "NaN")
    assert not same(0, -0.0)
    assert same("-0", -0.0)
    assert same(999999984306749400, 9.999999843067494e17)
    assert not same(True, 1)
    assert not same([1, 2], [1, 2, 3])
