"""Convert the official OpenEXR bindings' header values into exr-inspector's JSON encoding (issue 2)."""

import base64
import math
from fractions import Fraction

import numpy as np
import OpenEXR

from raw_walk import preview_hash

COMPRESSION_NAMES = {
    "NO_COMPRESSION": "none", "RLE_COMPRESSION": "rle", "ZIPS_COMPRESSION": "zips", "ZIP_COMPRESSION": "zip",
    "PIZ_COMPRESSION": "piz", "PXR24_COMPRESSION": "pxr24", "B44_COMPRESSION": "b44", "B44A_COMPRESSION": "b44a",
    "DWAA_COMPRESSION": "dwaa", "DWAB_COMPRESSION": "dwab", "HTJ2K256_COMPRESSION": "htj2k256",
    "HTJ2K32_COMPRESSION": "htj2k32",
}
PIXEL_NAMES = {"UINT": "uint", "HALF": "half", "FLOAT": "float"}


def num(v):
    v = v.item() if isinstance(v, np.generic) else v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
    return v


def flat(a):
    return [num(x) for x in np.asarray(a).reshape(-1).tolist()]


def enum_name(v):
    return v.name if hasattr(v, "name") else v


def channel(c, pixel_types):
    """A chlist entry. The bindings' header Channel has no pixel type (Channel.type() needs decoded pixels), so
    the type comes from a full read (`pixel_types`); without it the entry has no "type" key."""
    out = {"name": c.name, "p_linear": bool(c.pLinear), "x_sampling": c.xSampling, "y_sampling": c.ySampling}
    if pixel_types is not None and c.name in pixel_types:
        out["type"] = pixel_types[c.name]
    return out


DTYPE_NAMES = {"uint32": "uint", "float16": "half", "float32": "float"}


def pixel_types_of(channels):
    """{channel name: uint|half|float} from decoded channels (deep channels: the dtype of any sample array)."""
    out = {}
    for name, ch in channels.items():
        px = ch.pixels
        if px.dtype == object:
            sample = next((v for v in px.flat if v is not None), None)
            if sample is None:
                continue
            out[name] = DTYPE_NAMES.get(str(sample.dtype), str(sample.dtype))
        else:
            out[name] = DTYPE_NAMES.get(str(px.dtype), str(px.dtype))
    return out


def _bcd(n):
    return ((n // 10) << 4) | (n % 10)


def timecode_bits(t):
    """The stored TV60-packed word, rebuilt from the decoded fields: the bindings cannot return it directly
    (timeAndFlags() needs a Packing enum they do not export). Exact for valid BCD digits."""
    return (_bcd(t.frame) | int(t.dropFrame) << 6 | int(t.colorFrame) << 7
            | _bcd(t.seconds) << 8 | int(t.fieldPhase) << 15
            | _bcd(t.minutes) << 16 | int(t.bgf0) << 23
            | _bcd(t.hours) << 24 | int(t.bgf1) << 30 | int(t.bgf2) << 31)


def to_json(type_name, v, pixel_types=None):
    """The library's value for a stored attribute of `type_name`, in our encoding (None: not expressible)."""
    if isinstance(v, OpenEXR.OpaqueAttribute):
        if v.typeName != type_name:
            raise ValueError(f"opaque attribute type {v.typeName!r}, stored {type_name!r}")
        return {"base64": base64.b64encode(bytes(v.data)).decode("ascii")}
    if type_name == "bytes" and isinstance(v, OpenEXR.Bytes):
        return {"base64": base64.b64encode(bytes(v.data)).decode("ascii"), "hint": v.type_hint}
    if type_name == "idmanifest":
        # A decoded OpenEXR.IDManifest: group and entry counts, no stored sizes (the raw walk checks those).
        # Index only below size(): iterating it, or indexing past the end, crashes the bindings.
        groups = v.size()
        return {"groups": groups, "entries": sum(v[i].size() for i in range(groups))}
    if type_name in ("box2i", "box2f"):
        lo, hi = v
        return {"min": flat(lo), "max": flat(hi)}
    if type_name == "chlist":
        return [channel(c, pixel_types) for c in v]
    if type_name == "chromaticities":
        x = [num(float(f)) for f in v]
        return {"red": x[0:2], "green": x[2:4], "blue": x[4:6], "white": x[6:8]}
    if type_name == "compression":
        return COMPRESSION_NAMES.get(enum_name(v), enum_name(v))
    if type_name in ("lineOrder",):
        return enum_name(v)
    if type_name == "envmap":
        return enum_name(v).replace("ENVMAP_", "")
    if type_name in ("double", "float"):
        return num(float(np.asarray(v).reshape(-1)[0])) if isinstance(v, np.ndarray) else num(float(v))
    if type_name == "int":
        return int(v)
    if type_name == "floatvector":
        return [num(float(f)) for f in v]
    if type_name == "keycode":
        return {"film_mfc_code": v.filmMfcCode, "film_type": v.filmType, "prefix": v.prefix, "count": v.count,
                "perf_offset": v.perfOffset, "perfs_per_frame": v.perfsPerFrame, "perfs_per_count": v.perfsPerCount}
    if type_name in ("m33f", "m33d", "m44f", "m44d", "v2i", "v2f", "v2d", "v3i", "v3f", "v3d"):
        return flat(v)
    if type_name == "preview":
        px = np.ascontiguousarray(v.pixels)
        h, w = px.shape[:2]
        return {"width": int(w), "height": int(h), "hash": preview_hash(px.tobytes())}
    if type_name == "rational":
        if isinstance(v, Fraction):
            return {"ratio": v}
        return {"numerator": v[0], "denominator": v[1]}
    if type_name == "string":
        return enum_name(v) if isinstance(v, OpenEXR.Storage) else v
    if type_name == "stringvector":
        return list(v)
    if type_name == "tiledesc":
        return {"x_size": v.xSize, "y_size": v.ySize, "level_mode": enum_name(v.mode),
                "rounding_mode": enum_name(v.roundingMode)}
    if type_name == "timecode":
        return {"time_and_flags": timecode_bits(v), "user_data": v.userData}
    return None
