"""Writes the small DWA fixtures committed under test/fixtures/dwa/ with the official OpenEXR bindings, and
expected.json: per file and channel the SHA-256 of the bindings' decoded samples (raw little-endian bits,
rows top to bottom). test/core/dwa.test.ts decodes the files and compares, so a checkout without the bindings
still tests DWA against OpenEXR's own decode. Run: .venv/bin/python python/conformance/make_dwa_fixtures.py
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import OpenEXR

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test/fixtures/dwa"
BITS = {np.dtype(np.float16): np.uint16, np.dtype(np.float32): np.uint32, np.dtype(np.uint32): np.uint32}


def image(h, w, seed):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.exp(np.sin(xx / 6.0) * np.cos(yy / 5.0) * 3) + rng.normal(0, 0.03, (h, w))
    return base, rng


def write(name, compression, channels, tiles=None, level=45.0):
    header = {"compression": compression, "dwaCompressionLevel": level}
    if tiles:
        td = OpenEXR.TileDescription()
        td.xSize, td.ySize, td.mode = tiles[0], tiles[1], OpenEXR.ONE_LEVEL
        header["type"], header["tiles"] = OpenEXR.tiledimage, td
    else:
        header["type"] = OpenEXR.scanlineimage
    path = OUT / name
    OpenEXR.File(header, channels).write(str(path))
    return path


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    base, rng = image(45, 37, 1)
    files = [
        # 2 chunks of 32 lines, Huffman AC: an R'G'B' triple, Y (lone lossy, float), A (RLE), Z and id (zlib).
        write("dwaa_scanline.exr", OpenEXR.DWAA_COMPRESSION, {
            "R": base.astype(np.float16), "G": (base * 0.6).astype(np.float16),
            "B": (base * rng.random(base.shape)).astype(np.float16), "Y": (base / 3).astype(np.float32),
            "A": (base > 2).astype(np.float16), "Z": (base * 10).astype(np.float32),
            "id": rng.integers(0, 5, base.shape, dtype=np.uint32)}),
    ]
    base, rng = image(30, 40, 2)
    files.append(
        # 16x16 tiles, deflated AC: a layered float triple, A, id; a high compression level.
        write("dwab_tiled.exr", OpenEXR.DWAB_COMPRESSION, {
            "diffuse.R": (base * 2).astype(np.float32), "diffuse.G": (-base).astype(np.float32),
            "diffuse.B": (base / 4).astype(np.float32), "A": (base / 8).astype(np.float16),
            "id": rng.integers(0, 3, base.shape, dtype=np.uint32)}, tiles=(16, 16), level=400.0))
    expected = {}
    for path in files:
        f = OpenEXR.File(str(path), separate_channels=True)
        expected[path.name] = {
            n: hashlib.sha256(np.ascontiguousarray(c.pixels).view(BITS[c.pixels.dtype]).astype("<u" + str(c.pixels.dtype.itemsize)).tobytes()).hexdigest()
            for n, c in f.parts[0].channels.items()
        }
    (OUT / "expected.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")
    for path in files:
        print(path.name, os.path.getsize(path))


if __name__ == "__main__":
    main()
