"""Files in every lossless and lossy codec the official OpenEXR 3.5.3 bindings write, with the pixels the bindings
decode from them, for test/core/codecs/official-codecs.test.ts (which decodes the same files with exr-inspector and
compares bit for bit). Run: .venv/bin/python python/conformance/codec_fixtures.py OUT_DIR   (writes OUT_DIR/index.json)

Planes cover what each codec treats specially: random bits (NaN payloads, Inf, -0, denormals), smooth ramps,
constant 4x4 blocks (B44A's 3-byte blocks), runs (RLE), and sizes that are not multiples of the block or tile size.
HTJ2K also gets scan-line parts with subsampled channels (coded planar); the bindings write a subsampled channel
from the first samples of the array they are given and decode it at its own size, which is what we compare.
Each channel also carries numpy's statistics of the decoded values (what `stats` must report).
"""

import json
import os
import sys

import numpy as np
import OpenEXR

COMPRESSIONS = ["NO", "RLE", "ZIPS", "ZIP", "PIZ", "PXR24", "B44", "B44A", "DWAA", "DWAB", "HTJ2K256", "HTJ2K32"]
BITS = {np.dtype(np.float16): ("half", np.uint16), np.dtype(np.float32): ("float", np.uint32),
        np.dtype(np.uint32): ("uint", np.uint32)}


def plane(rng, kind, h, w, style):
    if style == "noise":
        if kind == "half":
            return rng.integers(0, 1 << 16, size=(h, w), dtype=np.uint16).view(np.float16)
        if kind == "float":
            return rng.integers(0, 1 << 32, size=(h, w), dtype=np.uint32).view(np.float32)
        return rng.integers(0, 1 << 32, size=(h, w), dtype=np.uint32)
    yy, xx = np.mgrid[0:h, 0:w]
    if style == "smooth":
        v = np.sin(xx / 5.0) * 40 + np.cos(yy / 3.0) * 7 + xx * 0.25
    else:  # "blocks": constant 4x4 blocks and runs, a few extreme values
        v = ((xx // 4) * 3 + (yy // 4) * 5) % 11 - 5.0
        v[::7, ::9] = 65504.0 if kind == "half" else 1e30
        v[h // 2, :] = -0.0
    if kind == "half":
        return v.astype(np.float16)
    if kind == "float":
        return v.astype(np.float32)
    return np.clip(np.abs(v) * 1000, 0, 2**32 - 1).astype(np.uint32)


def stats(arr):
    """What `stats` must report for a plane, from numpy over the bindings' decoded values."""
    with np.errstate(invalid="ignore"):
        a = arr.astype(np.float64)
    finite = a[np.isfinite(a)]
    bits = np.ascontiguousarray(arr).view(BITS[arr.dtype][1]).ravel()
    return {
        "nan_count": int(np.isnan(a).sum()),
        "inf_count": int(np.isinf(a).sum()),
        "finite_count": int(finite.size),
        "min": float(finite.min()) if finite.size else None,
        "max": float(finite.max()) if finite.size else None,
        "mean": float(finite.mean()) if finite.size else None,
        "stddev": float(finite.std()) if finite.size else None,
        # the scale of float64 summation error, for means near zero
        "scale": float(np.abs(finite).mean()) if finite.size else None,
        "constant": bool(bits.size == 0 or (bits == bits[0]).all()),
    }


def add(out, index, notes, comp, name, header, channels):
    """Writes one file with the bindings and records the pixels and statistics they decode from it."""
    path = os.path.join(out, f"{name}.exr")
    try:
        OpenEXR.File(header, channels).write(path)
    except Exception as e:  # the bindings' build may lack a codec
        notes.append(f"bindings cannot write {name}: {e}")
        return
    decoded = OpenEXR.File(path, separate_channels=True).parts[0].channels
    entry = {"file": f"{name}.exr", "compression": "none" if comp == "NO" else comp.lower(), "channels": []}
    for cname, ch in decoded.items():
        arr = np.ascontiguousarray(ch.pixels)
        kind_name, bits = BITS[arr.dtype]
        binfile = f"{name}.{cname}.bin"
        arr.view(bits).astype("<" + np.dtype(bits).str[1:]).tofile(os.path.join(out, binfile))
        entry["channels"].append({"name": cname, "type": kind_name, "height": arr.shape[0],
                                  "width": arr.shape[1], "bin": binfile, "stats": stats(arr)})
    index.append(entry)


def main(out):
    rng = np.random.default_rng(20261207)
    os.makedirs(out, exist_ok=True)
    index, notes = [], []
    shapes = {"main": (45, 67), "small": (3, 5)}
    for comp in COMPRESSIONS:
        for layout in ("scanline", "tiled"):
            for kind in ("half", "float", "uint", "mixed"):
                for style in ("noise", "smooth", "blocks"):
                    for size_name, (h, w) in shapes.items():
                        if size_name == "small" and (kind != "half" or style == "noise"):
                            continue
                        if kind == "mixed":
                            channels = {"R": plane(rng, "half", h, w, style), "Z": plane(rng, "float", h, w, style),
                                        "id": plane(rng, "uint", h, w, style)}
                        else:
                            channels = {n: plane(rng, kind, h, w, style) for n in ("B", "G", "R")}
                        header = {"compression": getattr(OpenEXR, f"{comp}_COMPRESSION")}
                        if layout == "tiled":
                            td = OpenEXR.TileDescription()
                            td.xSize, td.ySize, td.mode = 16, 8, OpenEXR.ONE_LEVEL
                            header["type"], header["tiles"] = OpenEXR.tiledimage, td
                        else:
                            header["type"] = OpenEXR.scanlineimage
                        name = f"{comp.lower()}_{layout}_{kind}_{style}_{size_name}"
                        add(out, index, notes, comp, name, header, channels)
        if comp.startswith("HTJ2K"):
            for kind in ("half", "float", "uint", "mixed"):
                h, w = 46, 66
                types = {"Y": "half", "BY": "float", "RY": "uint", "A": "half"} if kind == "mixed" else {}
                full = {n: plane(rng, types.get(n, kind), h, w, "smooth") for n in ("Y", "BY", "RY", "A")}
                channels = {"Y": OpenEXR.Channel(full["Y"]), "BY": OpenEXR.Channel(full["BY"], 2, 2),
                            "RY": OpenEXR.Channel(full["RY"], 2, 1), "A": OpenEXR.Channel(full["A"], 1, 2)}
                header = {"compression": getattr(OpenEXR, f"{comp}_COMPRESSION"), "type": OpenEXR.scanlineimage}
                add(out, index, notes, comp, f"{comp.lower()}_scanline_{kind}_subsampled", header, channels)
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"files": index, "notes": notes}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
