"""Peer for `npm run bench:stats`: the official OpenEXR bindings decode each file and numpy computes per-channel
min/max/mean/stddev/NaN/Inf counts over the finite values. Prints the wall time in seconds (one line).
Usage: .venv/bin/python python/bench/stats_numpy.py FILE...
"""

import sys
import time

import numpy as np
import OpenEXR


def stats(path):
    out = []
    for part in OpenEXR.File(path, separate_channels=True).parts:
        for name, ch in part.channels.items():
            a = ch.pixels.astype(np.float64)
            finite = a[np.isfinite(a)]
            out.append((name, finite.min() if finite.size else None, finite.max() if finite.size else None,
                        finite.mean() if finite.size else None, finite.std() if finite.size else None,
                        int(np.isnan(a).sum()), int(np.isinf(a).sum())))
    return out


if __name__ == "__main__":
    t = time.perf_counter()
    with np.errstate(invalid="ignore"):
        for p in sys.argv[1:]:
            stats(p)
    print(time.perf_counter() - t)
