"""Writes the small DWA and HTJ2K fixtures committed under test/fixtures/{dwa,htj2k}/ with the official OpenEXR
bindings, and per folder expected.json: per file and channel the SHA-256 of the bindings' decoded samples (raw
little-endian bits, rows top to bottom). test/inspect/pixels-{dwa,htj2k}.test.ts decode the files and compare, so
a checkout without the bindings still tests these codecs against OpenEXR's own decode.
Run: .venv/bin/python python/conformance/make_codec_fixtures.py
"""

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import OpenEXR

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "test/fixtures"
BITS = {np.dtype(np.float16): np.uint16, np.dtype(np.float32): np.uint32, np.dtype(np.uint32): np.uint32}


def image(h, w, seed):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.exp(np.sin(xx / 6.0) * np.cos(yy / 5.0) * 3) + rng.normal(0, 0.03, (h, w))
    return base, rng


def write(out, name, compression, channels, tiles=None, level=45.0):
    header = {"compression": compression, "dwaCompressionLevel": level}
    if tiles:
        td = OpenEXR.TileDescription()
        td.xSize, td.ySize, td.mode = tiles[0], tiles[1], OpenEXR.ONE_LEVEL
        header["type"], header["tiles"] = OpenEXR.tiledimage, td
    else:
        header["type"] = OpenEXR.scanlineimage
    path = out / name
    OpenEXR.File(header, channels).write(str(path))
    return path


def write_expected(out, files):
    expected = {}
    for path in files:
        f = OpenEXR.File(str(path), separate_channels=True)
        expected[path.name] = {
            n: hashlib.sha256(np.ascontiguousarray(c.pixels).view(BITS[c.pixels.dtype]).tobytes()).hexdigest()
            for n, c in f.parts[0].channels.items()
        }
    (out / "expected.json").write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n")
    for path in files:
        print(path.name, os.path.getsize(path))


def htj2k():
    """Half, float and uint channels (16- and 32-bit components), full-resolution and subsampled (planar)."""
    out = FIXTURES / "htj2k"
    out.mkdir(parents=True, exist_ok=True)
    base, rng = image(70, 45, 3)
    noise = rng.integers(0, 1 << 16, size=base.shape, dtype=np.uint16).view(np.float16)
    files = [
        # 256-line chunks, an R'G'B' triple (reversible colour transform) and A.
        write(out, "htj2k256_scanline.exr", OpenEXR.HTJ2K256_COMPRESSION, {
            "R": base.astype(np.float16), "G": (base * 0.6).astype(np.float16),
            "B": (-base).astype(np.float16), "A": (base / 8).astype(np.float16)}),
        # 32-line chunks of 16x16 tiles, a layered triple named red/green/blue, and noise (NaN payloads, Inf).
        write(out, "htj2k32_tiled.exr", OpenEXR.HTJ2K32_COMPRESSION, {
            "diffuse.red": base.astype(np.float16), "diffuse.green": (base * 2).astype(np.float16),
            "diffuse.blue": (base / 3).astype(np.float16), "Z": np.where(base > 3, noise, base).astype(np.float16)},
            tiles=(16, 16)),
        # One float channel (a signed 32-bit component).
        write(out, "htj2k256_float.exr", OpenEXR.HTJ2K256_COMPRESSION, {"Z": (base[:24, :20] * 100).astype(np.float32)}),
        # Planar: half Y, float BY sampled 2x2, uint RY sampled 2x1, float Z and uint id at full resolution, in
        # 32-line chunks. The bindings write a subsampled channel from the first samples of the array given.
        write(out, "htj2k32_subsampled.exr", OpenEXR.HTJ2K32_COMPRESSION, {
            "Y": OpenEXR.Channel(base[:40, :44].astype(np.float16)),
            "BY": OpenEXR.Channel((base[:40, :44] * -7).astype(np.float32), 2, 2),
            "RY": OpenEXR.Channel((base[:40, :44] * 1000).astype(np.uint32), 2, 1),
            "Z": OpenEXR.Channel((base[:40, :44] * 1e5).astype(np.float32)),
            "id": OpenEXR.Channel((base[:40, :44] * 1.5e8).astype(np.uint32))}),
    ]
    write_expected(out, files)


def many_channels(i, h, w):
    """Channel i's samples in htj2k256_1100_channels.exr: row y holds 3i + y mod 2048, exact in half (the test
    recomputes them); smooth, so the chunk compresses and is not stored raw."""
    return np.repeat(((np.arange(h) + i * 3) % 2048)[:, None], w, axis=1).astype(np.float16)


def htj2k_many_channels():
    """1,100 channels in one HTJ2K chunk (one component each): more than our decoder once allowed (1,024)."""
    out = FIXTURES / "htj2k"
    write(out, "htj2k256_1100_channels.exr", OpenEXR.HTJ2K256_COMPRESSION,
          {f"c{i:04d}": many_channels(i, 4, 8) for i in range(1100)})


def dwa():
    out = FIXTURES / "dwa"
    out.mkdir(parents=True, exist_ok=True)
    base, rng = image(45, 37, 1)
    files = [
        # 2 chunks of 32 lines, Huffman AC: an R'G'B' triple, Y (lone lossy, float), A (RLE), Z and id (zlib).
        write(out, "dwaa_scanline.exr", OpenEXR.DWAA_COMPRESSION, {
            "R": base.astype(np.float16), "G": (base * 0.6).astype(np.float16),
            "B": (base * rng.random(base.shape)).astype(np.float16), "Y": (base / 3).astype(np.float32),
            "A": (base > 2).astype(np.float16), "Z": (base * 10).astype(np.float32),
            "id": rng.integers(0, 5, base.shape, dtype=np.uint32)}),
    ]
    base, rng = image(30, 40, 2)
    files.append(
        # 16x16 tiles, deflated AC: a layered float triple, A, id; a high compression level.
        write(out, "dwab_tiled.exr", OpenEXR.DWAB_COMPRESSION, {
            "diffuse.R": (base * 2).astype(np.float32), "diffuse.G": (-base).astype(np.float32),
            "diffuse.B": (base / 4).astype(np.float32), "A": (base / 8).astype(np.float16),
            "id": rng.integers(0, 3, base.shape, dtype=np.uint32)}, tiles=(16, 16), level=400.0))
    write_expected(out, files)


def main():
    dwa()
    htj2k()
    htj2k_many_channels()


if __name__ == "__main__":
    main()
