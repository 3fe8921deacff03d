"""The seed's approach, as the baseline of bench/scan.ts: walk a tree and read every EXR header with
OpenImageIO's Python bindings in one process (ImageInput.open -> spec of every subimage -> close), collecting the
metadata into Python dicts the way the seed's inspector did, with no database at all.

Usage: python oiio_header_walk.py ROOT  -> prints one JSON line {"files", "seconds", "files_per_second", ...}
"""

import json
import os
import sys
import time

import OpenImageIO as oiio


def header_of(path):
    inp = oiio.ImageInput.open(path)
    if inp is None:
        oiio.geterror()
        return None
    parts = []
    try:
        subimage = 0
        while inp.seek_subimage(subimage, 0):
            spec = inp.spec()
            parts.append(
                {
                    "width": spec.width,
                    "height": spec.height,
                    "channels": list(spec.channelnames),
                    "formats": [str(f) for f in spec.channelformats] or [str(spec.format)],
                    "tile_width": spec.tile_width,
                    "deep": spec.deep,
                    "attributes": {a.name: str(a.value) for a in spec.extra_attribs},
                }
            )
            subimage += 1
    finally:
        inp.close()
    return parts


def main():
    root = sys.argv[1]
    paths = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.lower().endswith(".exr"):
                paths.append(os.path.join(dirpath, name))
    start = time.perf_counter()
    ok = failed = attributes = 0
    for path in paths:
        st = os.stat(path)
        parts = header_of(path)
        if parts is None:
            failed += 1
            continue
        ok += 1
        attributes += sum(len(p["attributes"]) for p in parts)
        _ = (st.st_size, st.st_mtime)
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "files": len(paths),
                "ok": ok,
                "failed": failed,
                "attributes": attributes,
                "seconds": seconds,
                "files_per_second": len(paths) / seconds if seconds > 0 else 0,
                "oiio_version": oiio.VERSION_STRING,
            }
        )
    )


if __name__ == "__main__":
    main()
