"""Conformance harness: exr-inspector's headers vs the official OpenEXR library and an independent byte walk.

For every valid corpus file ($EXR_CORPUS, skipping Damaged/ and the deliberately broken files the corpus README
lists) and every file the project's EXR writer generates, it compares
  1. our attributes' order, names, types, sizes and offsets with a raw byte walk (raw_walk.py),
  2. our values with the raw walk's independent decode (floats bit-exact: the same double; -0 is not 0),
  3. names, types and values with the official bindings' header dicts (NaN equals NaN; strings exact),
  4. our derived part type, width and height with the library's,
  5. that a file whose headers the library opens is not reported invalid or incomplete by us.
Known library differences are listed, each with a reason, in allowlist.json. Exit status 1 on any other mismatch.

Usage: compare_headers.py [--corpus DIR] [--no-fixtures] [--cli dist/cli/main.js] [--verbose]
(corpus default: $EXR_CORPUS, else ../shared/corpus next to the repository)
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import OpenEXR

from library_values import pixel_types_of, to_json
from raw_walk import WalkError, walk

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

# Deliberately broken corpus files (corpus README): not valid EXR, so not conformance material.
BROKEN = [
    r"(^|/)Damaged/",
    r"OpenEXRTest/comp_bad_[^/]*$",
    r"OpenEXRTest/comp_early_eof_[^/]*$",
    r"OpenEXRTest/comp_invalid_[^/]*$",
    r"OpenEXRTest/comp_short_decode_[^/]*$",
    r"OpenEXRTest/invalid[^/]*\.exr$",
    r"OpenEXRTest/[^/]*_with_[^/]*_type\.exr$",
    r"OpenEXRTest/tiled\.exr$",
]


def corpus_files(corpus):
    out = []
    for dirpath, _, names in os.walk(corpus):
        for n in names:
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, corpus)
            if n.lower().endswith(".exr") and not any(re.search(b, rel) for b in BROKEN):
                out.append(p)
    return sorted(out)


def fixture_files(tmp):
    run = subprocess.run(["node", str(HERE / "make_fixtures.mjs"), tmp], capture_output=True, text=True, check=True)
    return [line for line in run.stdout.splitlines() if line]


def inspect_all(cli, files):
    run = subprocess.run(["node", cli, "inspect", "--format", "ndjson", "-"], input="\n".join(files),
                         capture_output=True, text=True)
    if run.returncode == 2:
        sys.exit(f"exr-inspector usage error: {run.stderr}")
    lines = [json.loads(line) for line in run.stdout.splitlines() if line]
    if [r["file"]["path"] for r in lines] != files:
        sys.exit("exr-inspector did not return one result per file in input order")
    return lines


def same(a, b):
    """Exact equality: numbers by value and zero sign, NaN equal NaN (as the string "NaN"), no int/bool mixing."""
    a = -0.0 if a == "-0" else a  # negative zero, should our encoding spell it as a string (JSON numbers cannot)
    b = -0.0 if b == "-0" else b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) or isinstance(b, float):
            # JS prints the shortest text that round-trips the double; Python may parse it as an int.
            a, b = float(a), float(b)
        return a == b and (a != 0 or math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        if "ratio" in b and set(a) == {"numerator", "denominator"}:
            return a["denominator"] != 0 and Fraction(a["numerator"], a["denominator"]) == b["ratio"]
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def subset_matches(ours, other):
    """For idmanifest: each side knows only some keys (raw walk: sizes; library: group/entry counts)."""
    return isinstance(ours, dict) and all(k in ours and same(ours[k], v) for k, v in other.items())


def library_value_matches(type_name, ours, lib):
    if type_name == "idmanifest":
        return subset_matches(ours, lib)
    if type_name == "chlist" and isinstance(ours, list):
        # The library keeps channels in a name-sorted map: compare as sorted lists; compare pixel types only
        # for channels whose type the library could report (see library_values.channel).
        key = lambda c: c["name"] if isinstance(c["name"], str) else c["name"]["text"]  # noqa: E731
        lib_by_name = {c["name"]: c for c in lib}
        ours_cmp = [{k: v for k, v in c.items() if k != "type" or "type" in lib_by_name.get(key(c), {})} for c in ours]
        return same(sorted(ours_cmp, key=key), sorted(lib, key=key))
    if isinstance(ours, dict) and ours.get("valid_utf8") is False:
        return False
    return same(ours, lib)


def short(v, n=160):
    s = json.dumps(v, default=str)
    return s if len(s) <= n else s[:n] + f"... ({len(s)} chars)"


class Allow:
    def __init__(self, path):
        self.entries = json.loads(Path(path).read_text())["differences"]
        self.used = {e["id"]: 0 for e in self.entries}

    def match(self, m):
        for e in self.entries:
            if e["kind"] != m["kind"]:
                continue
            if "attribute" in e and not re.fullmatch(e["attribute"], m.get("attribute") or ""):
                continue
            if "type" in e and e["type"] != m.get("type"):
                continue
            if "detail" in e and not re.search(e["detail"], m.get("detail") or ""):
                continue
            if "file" in e and not re.search(e["file"], m["file"]):
                continue
            if "stored_type_attribute" in e and e["stored_type_attribute"] != m.get("stored_type_attribute"):
                continue
            self.used[e["id"]] += 1
            return e
        return None


def part_size(part):
    """The library's (width, height) of a part. Part.width()/height() come from the decoded pixel arrays: 0 when
    reading headers only, and a ValueError when subsampled channels have different shapes (then None: skipped)."""
    try:
        return part.width(), part.height()
    except ValueError:
        return None


class LibraryRefusal(Exception):
    def __init__(self, detail):
        super().__init__(detail)
        self.detail = detail


REFUSED_TYPE = re.compile(r"unsupported attribute type: (\S+)")


def _invalid_utf8(value):
    if isinstance(value, dict):
        return value.get("valid_utf8") is False or any(_invalid_utf8(v) for v in value.values())
    if isinstance(value, list):
        return any(_invalid_utf8(v) for v in value)
    return False


def library_readable_copy(path, data, raw, tmpdir):
    """(path the bindings can read, [(part, name, type, why) masked]); raises LibraryRefusal when masking cannot help."""
    masked = []
    buf = bytearray(data)
    for _ in range(16):
        target = path if not masked else os.path.join(tmpdir, f"masked-{os.getpid()}.exr")
        if masked:
            Path(target).write_bytes(buf)
        try:
            OpenEXR.File(target, header_only=True)
            return target, masked
        except Exception as e:
            detail = f"{type(e).__name__}: {e}"
            m = REFUSED_TYPE.search(str(e))
            if m:
                victims = [(pi, a) for pi, attrs in enumerate(raw) for a in attrs if a["type"] == m.group(1)]
                why = f"bindings: unsupported attribute type {m.group(1)}"
            elif isinstance(e, UnicodeDecodeError):
                victims = [(pi, a) for pi, attrs in enumerate(raw) for a in attrs
                           if a["type"] in ("string", "stringvector") and _invalid_utf8(a["value"])]
                why = "bindings: text is not UTF-8"
            else:
                raise LibraryRefusal(detail) from None
            victims = [(pi, a) for pi, a in victims if (pi, a["name"]) not in {(p, n) for p, n, _, _ in masked}]
            if not victims:
                raise LibraryRefusal(detail) from None
            for pi, a in victims:
                at = data.index(b"\0", a["offset"]) + 1  # the type name follows the name's NUL
                buf[at] = ord("_") if buf[at] != ord("_") else ord("-")
                masked.append((pi, a["name"], a["type"], why))
    raise LibraryRefusal("too many attributes to mask")


def compare_file(path, ours, mismatches, stats, tmpdir):
    def report(kind, part=None, attribute=None, type_name=None, detail="", **extra):
        mismatches.append({"file": path, "part": part, "attribute": attribute, "type": type_name, "kind": kind,
                           "detail": detail, **extra})

    data = Path(path).read_bytes()
    try:
        raw = walk(data)
    except WalkError as e:
        report("raw_walk_error", detail=str(e))
        return
    our_parts = [p["attributes"] for p in ours["parts"]]
    stats["files"] += 1

    # 1 + 2: order, sizes, offsets and values against the raw walk.
    if len(our_parts) != len(raw):
        report("part_count", detail=f"ours {len(our_parts)}, raw walk {len(raw)}")
    for pi, (oa, ra) in enumerate(zip(our_parts, raw)):
        o_seq = [(a["name"], a["type"], a["size"], a["offset"]) for a in oa]
        r_seq = [(a["name"], a["type"], a["size"], a["offset"]) for a in ra]
        if o_seq != r_seq:
            report("order", pi, detail=f"ours {short(o_seq)} vs raw {short(r_seq)}")
        for a, r in zip(oa, ra):
            stats["attributes"] += 1
            if a["name"] != r["name"]:
                continue
            if a["type"] == "idmanifest" and "base64" not in r["value"]:
                ok = subset_matches(a["value"], r["value"])
            else:
                ok = same(a["value"], r["value"])
            if not ok:
                report("raw_value", pi, a["name"], a["type"], f"ours {short(a['value'])} vs raw {short(r['value'])}")

    # 3: the official library. When the bindings refuse a header because of one attribute (a type they cannot
    # convert, text that is not UTF-8), that attribute's type name is masked in a copy (same length, so every
    # offset stays put) and the copy is read instead: every other attribute is still compared with the library.
    try:
        lib_path, masked = library_readable_copy(path, data, raw, tmpdir)
    except LibraryRefusal as e:
        report("library_error", detail=e.detail)
        return
    for pi, name, type_name, why in masked:
        report("library_masked_attribute", pi, name, type_name, why)
    masked_names = {(pi, name) for pi, name, _, _ in masked}
    lib = OpenEXR.File(lib_path, header_only=True)
    lib_parts = [dict(p.header) for p in lib.parts]
    try:
        full = OpenEXR.File(lib_path, separate_channels=True)
        pixel_types = [pixel_types_of(p.channels) for p in full.parts]
        lib_sizes = [part_size(p) for p in full.parts]
    except Exception as e:
        pixel_types, lib_sizes = [], []
        report("library_pixels_unreadable", detail=f"{type(e).__name__}: {e}")
    # A full read drops the parts whose pixels do not decode (unfinished files, raw HTJ2K test chunks).
    pixel_types += [None] * (len(lib_parts) - len(pixel_types))
    lib_sizes += [None] * (len(lib_parts) - len(lib_sizes))
    errors = [f["code"] for f in ours["validation"]["findings"] if f["severity"] == "error"]
    if errors or not ours["file"]["is_complete"]:
        report("ours_rejects_library_valid", detail=f"complete {ours['file']['is_complete']}, errors {sorted(set(errors))}")
    if len(lib_parts) != len(our_parts):
        report("library_part_count", detail=f"ours {len(our_parts)}, library {len(lib_parts)}")
    for pi, (oa, lh, lib_size) in enumerate(zip(our_parts, lib_parts, lib_sizes)):
        # Derived facts the library also derives: part type (even when not stored), width and height.
        derived = ours["parts"][pi]
        lib_type = getattr(lh.get("type"), "name", None)
        if lib_type is not None and derived["type"] != lib_type:
            report("derived_type", pi, "type", None, f"ours {derived['type']} vs library {lib_type}")
        stats["derived"] += 1
        if lib_size is not None and lib_size != (0, 0) and (derived["width"], derived["height"]) != lib_size:
            report("derived_size", pi, None, None,
                   f"ours {derived['width']}x{derived['height']} vs library {lib_size[0]}x{lib_size[1]}")
        stored_type = any(a["name"] == "type" for a in oa)
        names = {a["name"] for a in oa}
        for extra in sorted(set(lh) - names):
            report("library_extra_attribute", pi, extra, None, f"library value {short(lh[extra], 80)}",
                   stored_type_attribute=stored_type)
        for a in oa:
            if (pi, a["name"]) in masked_names:
                continue
            if a["name"] not in lh:
                report("library_missing_attribute", pi, a["name"], a["type"])
                continue
            stats["library_attributes"] += 1
            types = pixel_types[pi] if pi < len(pixel_types) else None
            try:
                lv = to_json(a["type"], lh[a["name"]], types)
            except Exception as e:
                report("library_type_not_expressible", pi, a["name"], a["type"], f"{type(e).__name__}: {e}")
                continue
            if lv is None:
                report("library_type_not_expressible", pi, a["name"], a["type"],
                       f"library gives {type(lh[a['name']]).__name__}")
            elif not library_value_matches(a["type"], a["value"], lv):
                report("library_value", pi, a["name"], a["type"], f"ours {short(a['value'])} vs library {short(lv)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.environ.get("EXR_CORPUS") or str(ROOT.parent / "shared" / "corpus"),
                    help="default: $EXR_CORPUS, else ../shared/corpus next to the repository")
    ap.add_argument("--no-fixtures", action="store_true", help="skip the writer-generated fixtures")
    ap.add_argument("--cli", default=str(ROOT / "dist/cli/main.js"))
    ap.add_argument("--allow", default=str(HERE / "allowlist.json"))
    ap.add_argument("--verbose", "-v", action="store_true", help="also list documented (allow-listed) differences")
    args = ap.parse_args()

    files = []
    if args.corpus and os.path.isdir(args.corpus):
        files += corpus_files(os.path.abspath(args.corpus))
        print(f"corpus: {os.path.abspath(args.corpus)} ({len(files)} valid files)")
    else:
        print(f"corpus: {args.corpus!r} not found (set EXR_CORPUS): corpus files skipped")
    with tempfile.TemporaryDirectory(prefix="exr-conformance-") as tmp:
        if not args.no_fixtures:
            files += fixture_files(tmp)
        if not files:
            sys.exit("no files to compare")
        results = inspect_all(args.cli, files)
        mismatches, stats = [], {"files": 0, "attributes": 0, "library_attributes": 0, "derived": 0}
        for path, ours in zip(files, results):
            compare_file(path, ours, mismatches, stats, tmp)

    allow = Allow(args.allow)
    undocumented = []
    documented = []
    for m in mismatches:
        e = allow.match(m)
        (documented if e else undocumented).append((m, e))

    print(f"{stats['files']} files, {stats['attributes']} attributes "
          f"({stats['library_attributes']} also compared with the OpenEXR {OpenEXR.__version__} bindings; "
          f"derived type and size of {stats['derived']} parts too), "
          f"{len(mismatches)} mismatches: {len(undocumented)} undocumented, {len(documented)} documented")
    for eid, n in allow.used.items():
        if n:
            print(f"  documented difference {eid}: {n}")
    if args.verbose:
        for m, e in documented:
            print(f"DOCUMENTED [{e['id']}] {m['file']} part {m['part']} {m['attribute']} ({m['type']}): {m['kind']} {m['detail']}")
    for m, _ in undocumented:
        print(f"MISMATCH {m['file']} part {m['part']} {m['attribute']} ({m['type']}): {m['kind']} {m['detail']}")
    return 1 if undocumented else 0


if __name__ == "__main__":
    sys.exit(main())
