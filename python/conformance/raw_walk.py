"""An independent raw byte walk of EXR headers (no OpenEXR code): attribute order, sizes, offsets and values.

Values are decoded straight from the bytes into exr-inspector's JSON encoding (issue 2), so the harness can
compare them exactly: floats as the exact double of the stored float32/float64, non-finite as "NaN" etc.
"""

import base64
import hashlib
import math
import struct

MAGIC = 20000630


class WalkError(Exception):
    pass


def _f(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def _b64(b):
    return base64.b64encode(b).decode("ascii")


def text(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return {"text": b.decode("utf-8", "replace"), "base64": _b64(b), "valid_utf8": False}


def preview_hash(b):
    """exr-inspector's preview fingerprint: SHA-256 of the RGBA pixel bytes."""
    return f"sha256:{hashlib.sha256(b).hexdigest()}"


COMPRESSION = ["none", "rle", "zips", "zip", "piz", "pxr24", "b44", "b44a", "dwaa", "dwab", "htj2k256", "htj2k32"]
LINE_ORDER = ["INCREASING_Y", "DECREASING_Y", "RANDOM_Y"]
ENVMAP = ["LATLONG", "CUBE"]
DEEP_STATE = ["MESSY", "SORTED", "NON_OVERLAPPING", "TIDY"]
LEVEL = ["ONE_LEVEL", "MIPMAP_LEVELS", "RIPMAP_LEVELS"]
ROUND = ["ROUND_DOWN", "ROUND_UP"]
PIXEL = ["uint", "half", "float"]


def _name(table, v):
    return table[v] if 0 <= v < len(table) else v


def _fixed(fmt, conv=None):
    size = struct.calcsize("<" + fmt)

    def dec(b):
        if len(b) != size:
            return None
        vals = struct.unpack("<" + fmt, b)
        return conv(vals) if conv else [_f(v) if isinstance(v, float) else v for v in vals]

    return dec


def _box(kind):
    return _fixed(kind * 4, lambda v: {"min": [_f(v[0]) if kind == "f" else v[0], _f(v[1]) if kind == "f" else v[1]],
                                       "max": [_f(v[2]) if kind == "f" else v[2], _f(v[3]) if kind == "f" else v[3]]})


def _chlist(b):
    out, p = [], 0
    while True:
        if p >= len(b):
            return None
        if b[p] == 0:
            return out if p + 1 == len(b) else None
        end = b.find(b"\0", p)
        if end < 0 or p + (end - p) + 17 > len(b):
            return None
        name = text(b[p:end])
        ptype, plin, xs, ys = struct.unpack_from("<iB3xii", b, end + 1)
        out.append({"name": name, "type": _name(PIXEL, ptype), "p_linear": plin != 0, "x_sampling": xs, "y_sampling": ys})
        p = end + 17


def _stringvector(b):
    out, p = [], 0
    while p < len(b):
        if p + 4 > len(b):
            return None
        (n,) = struct.unpack_from("<i", b, p)
        p += 4
        if n < 0 or p + n > len(b):
            return None
        out.append(text(b[p:p + n]))
        p += n
    return out


def _preview(b):
    if len(b) < 8:
        return None
    w, h = struct.unpack_from("<II", b)
    if 4 * w * h != len(b) - 8:
        return None
    return {"width": w, "height": h, "hash": preview_hash(b[8:])}


def _bytes(b):
    if len(b) < 4:
        return None
    (n,) = struct.unpack_from("<I", b)
    if 4 + n > len(b):
        return None
    return {"base64": _b64(b[4 + n:]), "hint": text(b[4:4 + n])}


def _enum(table):
    return lambda b: _name(table, b[0]) if len(b) == 1 else None


def _tiledesc(b):
    if len(b) != 9:
        return None
    x, y, m = struct.unpack("<IIB", b)
    return {"x_size": x, "y_size": y, "level_mode": _name(LEVEL, m & 15), "rounding_mode": _name(ROUND, m >> 4)}


def _floatvector(b):
    if len(b) % 4:
        return None
    return [_f(v) for v in struct.unpack("<%df" % (len(b) // 4), b)]


def _idmanifest(b):
    """OpenEXR >= 3.2 stores the uncompressed size as 8 bytes, 3.0/3.1 as 4; the zlib stream (first byte 0x78)
    follows. Bytes 4..7 are zero only in the 8-byte form (in the 4-byte form they start the zlib stream)."""
    if len(b) >= 9 and b[4:8] == b"\0\0\0\0":
        (n,) = struct.unpack_from("<Q", b)
        return {"uncompressed_size": n, "compressed_size": len(b) - 8}
    if len(b) < 4:
        return None
    (n,) = struct.unpack_from("<i", b)
    return {"uncompressed_size": n, "compressed_size": len(b) - 4}


DECODERS = {
    "box2i": _box("i"),
    "box2f": _box("f"),
    "bytes": _bytes,
    "chlist": _chlist,
    "chromaticities": _fixed("8f", lambda v: {k: [_f(v[2 * i]), _f(v[2 * i + 1])] for i, k in enumerate(["red", "green", "blue", "white"])}),
    "compression": _enum(COMPRESSION),
    "deepImageState": _enum(DEEP_STATE),
    "double": _fixed("d", lambda v: _f(v[0])),
    "envmap": _enum(ENVMAP),
    "float": _fixed("f", lambda v: _f(v[0])),
    "floatvector": _floatvector,
    "idmanifest": _idmanifest,
    "int": _fixed("i", lambda v: v[0]),
    "keycode": _fixed("7i", lambda v: dict(zip(["film_mfc_code", "film_type", "prefix", "count", "perf_offset", "perfs_per_frame", "perfs_per_count"], v))),
    "lineOrder": _enum(LINE_ORDER),
    "m33f": _fixed("9f"), "m33d": _fixed("9d"), "m44f": _fixed("16f"), "m44d": _fixed("16d"),
    "preview": _preview,
    "rational": _fixed("iI", lambda v: {"numerator": v[0], "denominator": v[1]}),
    "string": text,
    "stringvector": _stringvector,
    "tiledesc": _tiledesc,
    "timecode": _fixed("II", lambda v: {"time_and_flags": v[0], "user_data": v[1]}),
    "v2i": _fixed("2i"), "v2f": _fixed("2f"), "v2d": _fixed("2d"),
    "v3i": _fixed("3i"), "v3f": _fixed("3f"), "v3d": _fixed("3d"),
}


def decode_value(type_name, b):
    dec = DECODERS.get(type_name)
    value = dec(b) if dec else None
    return {"base64": _b64(b)} if value is None else value


def walk(data):
    """[[{name, type, size, offset, value}, ...] per part]; raises WalkError on a malformed header."""
    if len(data) < 8:
        raise WalkError("shorter than magic + version")
    magic, version = struct.unpack_from("<iI", data)
    if magic != MAGIC:
        raise WalkError("bad magic")
    multipart = bool(version & 0x1000)
    p, parts = 8, []
    while True:
        attrs = []
        if multipart and p < len(data) and data[p] == 0:
            break  # the empty header ending the header list
        while True:
            if p >= len(data):
                raise WalkError("header runs past the end of the file")
            if data[p] == 0:
                p += 1
                break
            start = p
            n_end = data.find(b"\0", p)
            t_end = data.find(b"\0", n_end + 1) if n_end >= 0 else -1
            if n_end < 0 or t_end < 0 or t_end + 5 > len(data):
                raise WalkError(f"attribute at {start} is truncated")
            name = data[p:n_end].decode("utf-8", "replace")
            type_name = data[n_end + 1:t_end].decode("utf-8", "replace")
            (size,) = struct.unpack_from("<i", data, t_end + 1)
            vstart = t_end + 5
            if size < 0 or vstart + size > len(data):
                raise WalkError(f"attribute {name!r} size {size} runs past the end")
            attrs.append({"name": name, "type": type_name, "size": size, "offset": start,
                          "value": decode_value(type_name, data[vstart:vstart + size])})
            p = vstart + size
        parts.append(attrs)
        if not multipart:
            break
    return parts
