"""What the official OpenEXR bindings read from each file, for cross-checking policy fixtures.

Usage: official_facts.py FILE...  -> one JSON line per file:
  {path, ok, error, size, parts: [{headers: {name: fingerprint}, pixel_types: {channel: uint|half|float},
   channels: [{name, nan_count, inf_count}]}]}
`headers` holds a stable text fingerprint of every header value the library returns (enums by name, arrays as
lists); `channels` are the NaN/Inf counts of each flat channel's decoded pixels (numpy), in the field names of
`exr-inspector stats`. Nothing here knows about policies: the TypeScript test compares these facts.
"""

import json
import os
import sys

import numpy as np
import OpenEXR

DTYPE_NAMES = {"uint32": "uint", "float16": "half", "float32": "float"}


def fingerprint(v):
    if isinstance(v, np.ndarray):
        return fingerprint(v.tolist())
    if isinstance(v, np.generic):
        return fingerprint(v.item())
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(fingerprint(x) for x in v) + "]"
    if hasattr(v, "name") and hasattr(v, "value") and not isinstance(v, (str, bytes)):
        return str(v.name)  # an enum
    if isinstance(v, float):
        return repr(v)
    return repr(v)


def part_facts(header, channels):
    pixel_types, counts = {}, []
    for name, ch in channels.items():
        px = ch.pixels
        if px is None or px.dtype == object:  # deep: per-pixel sample arrays
            continue
        pixel_types[name] = DTYPE_NAMES.get(str(px.dtype), str(px.dtype))
        values = px.astype(np.float64) if px.dtype != np.uint32 else None
        counts.append({
            "name": name,
            "nan_count": int(np.isnan(values).sum()) if values is not None else 0,
            "inf_count": int(np.isinf(values).sum()) if values is not None else 0,
        })
    return {
        "headers": {k: fingerprint(v) for k, v in header.items()},
        "pixel_types": pixel_types,
        "channels": counts,
    }


def read(path):
    out = {"path": path, "ok": False, "error": None, "size": os.path.getsize(path), "parts": []}
    try:
        f = OpenEXR.File(path, separate_channels=True)
        out["parts"] = [part_facts(dict(p.header), p.channels) for p in f.parts]
        out["ok"] = True
    except Exception as e:  # reported, not raised: the test asserts on it
        out["error"] = f"{type(e).__name__}: {e}"
    return out


if __name__ == "__main__":
    for p in sys.argv[1:]:
        print(json.dumps(read(p)), flush=True)
