"""Decoded pixels and statistics of exr-inspector against the official OpenEXR 3.5.3 bindings + numpy.

Writes fixtures with the bindings in every compression x pixel type x scanline/tiled combination they write,
adds every valid corpus file ($EXR_CORPUS), reads each with the bindings (level 0, channels the bindings
return) and compares our decoded samples bit for bit (half NaN payloads included) and our `stats` against numpy
on the bindings' arrays (min/max/counts exact; mean/stddev to 1e-9 relative, with the channel's magnitude as
the scale near zero: the mean of the absolute values). Run: .venv/bin/python python/conformance/compare_pixels.py [--json]
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import OpenEXR

ROOT = Path(__file__).resolve().parents[2]
COMPRESSIONS = ["NO", "RLE", "ZIPS", "ZIP", "PIZ", "PXR24", "B44", "B44A", "DWAA", "DWAB", "HTJ2K256", "HTJ2K32"]
DTYPES = {"half": np.float16, "float": np.float32, "uint": np.uint32}
BITS = {"half": np.uint16, "float": np.uint32, "uint": np.uint32}
BROKEN = ("comp_bad_", "comp_early_eof_", "comp_invalid_", "comp_short_decode_", "invalid", "_type.exr",
          "OpenEXRTest/tiled.exr", "unfinished_multipart.exr")


def random_plane(rng, kind, h, w):
    """Every bit pattern is fair game: NaN payloads, Inf, -0, denormals."""
    if kind == "half":
        return rng.integers(0, 1 << 16, size=(h, w), dtype=np.uint16).view(np.float16)
    if kind == "float":
        bits = rng.integers(0, 1 << 32, size=(h, w), dtype=np.uint32)
        # Half of the samples smooth, so lossy codecs see realistic data as well as noise.
        smooth = (np.sin(np.arange(h * w).reshape(h, w) / 7.0) * 100).astype(np.float32).view(np.uint32)
        return np.where(rng.random((h, w)) < 0.5, bits, smooth).view(np.float32)
    return rng.integers(0, 1 << 32, size=(h, w), dtype=np.uint32)


def write_fixtures(out):
    """Returns (paths, notes): one file per combination the bindings write; notes say which they refuse."""
    rng = np.random.default_rng(20261207)
    os.makedirs(out, exist_ok=True)
    paths, notes = [], []
    h, w = 45, 67
    for comp in COMPRESSIONS:
        for layout in ("scanline", "tiled"):
            for kind in ("half", "float", "uint", "mixed"):
                if kind == "mixed":
                    channels = {"R": random_plane(rng, "half", h, w), "Z": random_plane(rng, "float", h, w),
                                "id": random_plane(rng, "uint", h, w)}
                else:
                    channels = {n: random_plane(rng, kind, h, w) for n in ("B", "G", "R")}
                header = {"compression": getattr(OpenEXR, f"{comp}_COMPRESSION")}
                if layout == "tiled":
                    td = OpenEXR.TileDescription()
                    td.xSize, td.ySize, td.mode = 16, 8, OpenEXR.ONE_LEVEL
                    header["type"], header["tiles"] = OpenEXR.tiledimage, td
                else:
                    header["type"] = OpenEXR.scanlineimage
                path = os.path.join(out, f"{comp.lower()}_{layout}_{kind}.exr")
                try:
                    OpenEXR.File(header, channels).write(path)
                    paths.append(path)
                except Exception as e:  # the bindings' build may lack a codec
                    notes.append(f"bindings cannot write {comp} {layout} {kind}: {e}")
    return paths, notes


def write_dwa_fixtures(out):
    """DWA quantises, so random bits alone say little: smooth HDR content (plus a little noise) at several
    dwaCompressionLevel values, scan-line and tiled, with every DWA channel class: an R'G'B' triple (Y'CbCr),
    a layered triple in float, a lone lossy channel (Y), an RLE channel (A), and zlib'd ones (uint id, Z)."""
    rng = np.random.default_rng(20261208)
    os.makedirs(out, exist_ok=True)
    h, w = 83, 101
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.exp(np.sin(xx / 13.0) * np.cos(yy / 9.0) * 3) + rng.normal(0, 0.02, (h, w))
    paths = []
    for comp in ("DWAA", "DWAB"):
        for level in (0.0, 45.0, 500.0):
            for layout in ("scanline", "tiled"):
                channels = {
                    "R": base.astype(np.float16), "G": (base * 0.7).astype(np.float16),
                    "B": (base * rng.random((h, w))).astype(np.float16),
                    "diffuse.R": (base * 2).astype(np.float32), "diffuse.G": (-base).astype(np.float32),
                    "diffuse.B": (base / 3).astype(np.float32), "Y": (base * 0.25).astype(np.float16),
                    "A": (base > 2).astype(np.float16), "Z": (base * 100).astype(np.float32),
                    "id": rng.integers(0, 9, (h, w), dtype=np.uint32),
                }
                header = {"compression": getattr(OpenEXR, f"{comp}_COMPRESSION"), "dwaCompressionLevel": level}
                if layout == "tiled":
                    td = OpenEXR.TileDescription()
                    td.xSize, td.ySize, td.mode = 32, 16, OpenEXR.ONE_LEVEL
                    header["type"], header["tiles"] = OpenEXR.tiledimage, td
                else:
                    header["type"] = OpenEXR.scanlineimage
                path = os.path.join(out, f"{comp.lower()}_smooth_{layout}_{int(level)}.exr")
                OpenEXR.File(header, channels).write(path)
                paths.append(path)
    return paths


def write_htj2k_fixtures(out):
    """HTJ2K of smooth images (random bits are stored raw: incompressible), so the codestream path is
    compared: a half R'G'B' triple (reversible colour transform), a layered red/green/blue triple, A and Z, and a
    float and a uint channel (32-bit components)."""
    rng = np.random.default_rng(20261209)
    os.makedirs(out, exist_ok=True)
    h, w = 290, 101
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.exp(np.sin(xx / 13.0) * np.cos(yy / 9.0) * 3) + rng.normal(0, 0.02, (h, w))
    paths = []
    for comp in ("HTJ2K256", "HTJ2K32"):
        for layout in ("scanline", "tiled"):
            channels = {
                "R": base.astype(np.float16), "G": (base * 0.7).astype(np.float16), "B": (-base).astype(np.float16),
                "light.red": (base * 2).astype(np.float16), "light.green": (base / 2).astype(np.float16),
                "light.blue": (base * base).astype(np.float16), "A": (base > 2).astype(np.float16),
                "Z": (base * 100).astype(np.float16), "depth": (base * 1e4 - 3e4).astype(np.float32),
                "id": (base * 1e8).astype(np.uint32),
            }
            header = {"compression": getattr(OpenEXR, f"{comp}_COMPRESSION")}
            if layout == "tiled":
                td = OpenEXR.TileDescription()
                td.xSize, td.ySize, td.mode = 64, 32, OpenEXR.ONE_LEVEL
                header["type"], header["tiles"] = OpenEXR.tiledimage, td
            else:
                header["type"] = OpenEXR.scanlineimage
            path = os.path.join(out, f"{comp.lower()}_smooth_{layout}.exr")
            OpenEXR.File(header, channels).write(path)
            paths.append(path)
    return paths


def corpus_files():
    root = os.environ.get("EXR_CORPUS")
    if not root or not os.path.isdir(root):
        return []
    out = []
    for p in sorted(Path(root).rglob("*.exr")):
        s = str(p)
        if "/Damaged/" in s or any(b in s for b in BROKEN):
            continue
        out.append(s)
    return out


def bindings_channels(path):
    f = OpenEXR.File(path, separate_channels=True)
    return [{n: c.pixels for n, c in part.channels.items()} for part in f.parts]


def close(ours, ref, scale):
    if ours is None or ref is None:
        return ours is None and ref is None
    return abs(ours - ref) <= 1e-9 * max(abs(ref), scale)


def compare_stats(ours, arr, kind, where, mismatches):
    with np.errstate(invalid="ignore"):
        a = arr.astype(np.float64)
    finite = a[np.isfinite(a)]
    want = {
        "nan_count": int(np.isnan(a).sum()),
        "inf_count": int(np.isinf(a).sum()),
        "finite_count": int(finite.size),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
    }
    for k, v in want.items():
        if ours[k] != v:
            mismatches.append({**where, "kind": f"stats_{k}", "ours": ours[k], "numpy": v})
    if finite.size:
        scale = float(np.abs(finite).mean())  # the size of float64 summation error, for means near zero
        mean, std = float(finite.mean()), float(finite.std())
        if not close(ours["mean"], mean, scale):
            mismatches.append({**where, "kind": "stats_mean", "ours": ours["mean"], "numpy": mean})
        if not close(ours["stddev"], std, scale):
            mismatches.append({**where, "kind": "stats_stddev", "ours": ours["stddev"], "numpy": std})
    bits = arr.view(BITS[kind]).ravel()
    constant = bool(bits.size == 0 or (bits == bits[0]).all())
    if ours["constant"] != constant:
        mismatches.append({**where, "kind": "stats_constant", "ours": ours["constant"], "numpy": constant})


def compare(files, workdir, tamper=None):
    """Returns (mismatches, counts, notes). `tamper(entries)` may alter our dump first (the harness's own tests)."""
    dump = os.path.join(workdir, "ours")
    subprocess.run(["node", str(ROOT / "python/conformance/dump_pixels.mjs"), dump, *files], check=True)
    # Integers as floats: JavaScript prints a float like 2.1531791182318797e18 as 2153179118231879700.
    entries = [json.loads(line, parse_int=float) for line in Path(dump, "index.ndjson").read_text().splitlines() if line]
    if tamper:
        tamper(entries)
    mismatches, notes = [], []
    counts = {"files": 0, "channels": 0, "samples": 0, "stats": 0, "not_decoded_by_us": 0, "unreadable_by_bindings": 0,
              "deep_not_compared": 0}
    for e in entries:
        path = e["path"]
        try:
            ref_parts = bindings_channels(path)
        except Exception as ex:
            counts["unreadable_by_bindings"] += 1
            notes.append(f"bindings cannot read {path}: {ex}")
            continue
        counts["files"] += 1
        ours = {p["part_index"]: p for p in e["parts"]}
        stats = {p["part_index"]: p for p in e["stats"]["parts"]}
        for pi, ref in enumerate(ref_parts):
            pi = float(pi)
            if pi not in ours:
                counts["not_decoded_by_us"] += 1
                codes = sorted({f["code"] for f in e["stats"]["findings"] if f.get("part_index") == pi})
                notes.append(f"{path} part {pi}: not decoded by exr-inspector ({', '.join(codes) or 'no finding'})")
                continue
            by_name = {c["name"]: c for c in ours[pi]["channels"]}
            level0 = {c["name"]: c for c in stats[pi]["levels"][0]["channels"]}
            for name, arr in ref.items():
                where = {"path": path, "part": pi, "channel": name}
                c = by_name.get(name)
                if c is None:
                    mismatches.append({**where, "kind": "missing_channel"})
                    continue
                if arr.dtype == object:
                    # Deep parts: the bindings give one sample array per pixel; our deep decoding is compared with
                    # what our writer wrote (test/inspect/pixels-generated.test.ts), not here.
                    counts["deep_not_compared"] += 1
                    notes.append(f"{path} part {pi} channel {name}: deep (per-pixel sample arrays), not compared")
                    continue
                kind = c["type"]
                shape = (int(c["height"]), int(c["width"]))
                if arr.dtype != DTYPES[kind] or arr.shape != shape:
                    mismatches.append({**where, "kind": "shape", "ours": [kind, c["height"], c["width"]],
                                       "bindings": [str(arr.dtype), *arr.shape]})
                    continue
                mine = np.fromfile(c["file"], dtype=BITS[kind]).reshape(arr.shape)
                theirs = np.ascontiguousarray(arr).view(BITS[kind])
                diff = np.argwhere(mine != theirs)
                counts["channels"] += 1
                counts["samples"] += int(arr.size)
                if diff.size:
                    y, x = (int(v) for v in diff[0])
                    mismatches.append({**where, "kind": "pixels", "differing": int(len(diff)), "first": [x, y],
                                       "ours": int(mine[y, x]), "bindings": int(theirs[y, x])})
                compare_stats(level0[name], arr, kind, where, mismatches)
                counts["stats"] += 1
    return mismatches, counts, notes


def main():
    with tempfile.TemporaryDirectory() as tmp:
        fixtures, notes = write_fixtures(os.path.join(tmp, "fixtures"))
        fixtures += write_dwa_fixtures(os.path.join(tmp, "dwa"))
        fixtures += write_htj2k_fixtures(os.path.join(tmp, "htj2k"))
        files = fixtures + corpus_files()
        mismatches, counts, more = compare(files, tmp)
    notes += more
    counts["fixtures"] = len(fixtures)
    if "--json" in sys.argv:
        print(json.dumps({"counts": counts, "mismatches": mismatches, "notes": notes}, indent=1))
    else:
        for n in notes:
            print("note:", n)
        for m in mismatches[:50]:
            print("MISMATCH", json.dumps(m))
        print(json.dumps(counts))
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
