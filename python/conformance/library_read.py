"""Read EXR files with the official OpenEXR bindings and print one JSON line per file.

Usage: library_read.py [--pixels] FILE...

Each line: {"path", "ok", "error", "parts": [{"type", "attributes": [names], "channels": {name: summary}}]}.
With --pixels every channel is decoded and summarised as {"dtype", "shape", "sum", "samples"} (deep channels:
total sample count and sum of all samples), so callers can check pixel layout without shipping arrays.
"""

import json
import sys

import numpy as np
import OpenEXR


def channel_summary(channel):
    px = channel.pixels
    if px.dtype == object:
        total, count = 0.0, 0
        for v in px.flat:
            if v is not None:
                total += float(np.asarray(v, dtype=np.float64).sum())
                count += len(v)
        return {"dtype": "deep", "shape": list(px.shape), "sum": total, "samples": count}
    return {
        "dtype": str(px.dtype),
        "shape": list(px.shape),
        "sum": float(px.astype(np.float64).sum()),
        "samples": int(px.size),
    }


def read(path, pixels):
    try:
        f = OpenEXR.File(path, separate_channels=True, header_only=not pixels)
        parts = []
        for part in f.parts:
            entry = {"type": str(part.header.get("type")), "attributes": sorted(part.header.keys())}
            if pixels:
                entry["channels"] = {n: channel_summary(c) for n, c in part.channels.items()}
            parts.append(entry)
        return {"path": path, "ok": True, "error": None, "parts": parts}
    except Exception as e:  # the library's refusal is data for the caller
        return {"path": path, "ok": False, "error": f"{type(e).__name__}: {e}", "parts": []}


def main(argv):
    pixels = "--pixels" in argv
    for path in [a for a in argv if a != "--pixels"]:
        print(json.dumps(read(path, pixels)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
