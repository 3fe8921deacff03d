"""Helper of `npm run bench:stats`: the corpus has no HTJ2K file, so the official OpenEXR bindings rewrite one
(the pixels of SOURCE, every channel as read) with HTJ2K256 and HTJ2K32 compression: OUT_DIR/htj2k256.exr and
OUT_DIR/htj2k32.exr.
Usage: .venv/bin/python python/bench/to_htj2k.py SOURCE OUT_DIR
"""

import sys
from pathlib import Path

import OpenEXR


def main(source, out_dir):
    channels = {n: c.pixels for n, c in OpenEXR.File(source, separate_channels=True).parts[0].channels.items()}
    for name, compression in (("htj2k256", OpenEXR.HTJ2K256_COMPRESSION), ("htj2k32", OpenEXR.HTJ2K32_COMPRESSION)):
        header = {"compression": compression, "type": OpenEXR.scanlineimage}
        OpenEXR.File(header, channels).write(str(Path(out_dir) / f"{name}.exr"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
