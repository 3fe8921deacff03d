import { describe, expect, it } from "vitest";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { Finding, InspectionResult } from "../../src/core/model.js";
import type { AttributeSpec, ExrSpec, PartSpec } from "../../src/core/write/spec.js";
import { writeExr } from "../../src/core/write/write-exr.js";
import { b } from "./bytes.js";

// Every validation finding asserted whole: code, severity, part, attribute, chunk and byte offset (the
// offset of the attribute named, as the decoder reports it), and the values its message must name.

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});

const part = (extra: Partial<PartSpec> = {}): PartSpec => ({
  type: "scanlineimage",
  dataWindow: box(0, 0, 7, 3),
  channels: [
    { name: "B", type: "half" },
    { name: "G", type: "half" },
    { name: "R", type: "half" },
  ],
  ...extra,
});

const inspect = (spec: ExrSpec) => inspectBytes(writeExr(spec));
const single = (extra: Partial<PartSpec>, spec: Partial<ExrSpec> = {}) =>
  inspect({ parts: [part(extra)], ...spec });

/** The offset the decoder reports for attribute `name` of part `p`. */
function offsetOf(r: InspectionResult, p: number, name: string): number {
  const a = r.parts[p]!.attributes.find((x) => x.name === name);
  if (!a) throw new Error(`part ${p} has no attribute ${name}`);
  return a.offset;
}

/** Findings of `codes` (all but info when omitted), without messages; each message must name `mentions`. */
function found(r: InspectionResult, codes: string[] | null, ...mentions: string[]) {
  return r.validation.findings
    .filter((f) => (codes ? codes.includes(f.code) : f.severity !== "info"))
    .map(({ message, ...rest }) => {
      for (const m of mentions) expect(message).toContain(m);
      return rest;
    });
}

const at = (
  code: string,
  part_index: number | null,
  attribute: string | null,
  byte_offset: number | null,
  severity: Finding["severity"] = "error",
) => ({ code, severity, part_index, attribute, chunk_index: null, byte_offset });

/** A finding located at attribute `name` of part `p`. */
const atAttr = (r: InspectionResult, code: string, p: number, name: string, severity?: Finding["severity"]) =>
  at(code, p, name, offsetOf(r, p, name), severity);

describe("validation findings, located", () => {
  it("the tiled bit with the multipart or non-image bit, at the version field; alone it is fine", () => {
    for (const extra of [0x1000, 0x800]) {
      const r = inspect({
        parts: [part({ name: "a" }), part({ name: "b" })],
        versionField: 2 | 0x1000 | 0x200,
      });
      expect(found(r, ["EXR_INVALID_FLAG_COMBINATION"])).toEqual([
        at("EXR_INVALID_FLAG_COMBINATION", null, null, 4),
      ]);
      const deep = inspect({
        parts: [part({ type: "deepscanline" })],
        versionField: 2 | extra | 0x200,
      });
      expect(found(deep, ["EXR_INVALID_FLAG_COMBINATION"])).toHaveLength(1);
    }
    const tiled = single({ type: "tiledimage", tiles: { x_size: 4, y_size: 4 } });
    expect(tiled.file.flags?.tiled).toBe(true);
    expect(found(tiled, null)).toEqual([]);
  });

  it("a standard attribute stored with another type, at that attribute", () => {
    const r = single({ attributes: [{ name: "dataWindow", type: "box2f", value: box(0, 0, 7, 3) }] });
    expect(found(r, ["EXR_ATTRIBUTE_WRONG_TYPE"], '"dataWindow"', "box2f", "box2i")).toEqual([
      atAttr(r, "EXR_ATTRIBUTE_WRONG_TYPE", 0, "dataWindow"),
    ]);
  });

  for (const name of [
    "channels",
    "compression",
    "dataWindow",
    "displayWindow",
    "lineOrder",
    "pixelAspectRatio",
    "screenWindowCenter",
    "screenWindowWidth",
  ]) {
    it(`a missing ${name} is reported for its part, without an offset`, () => {
      const r = inspect({ parts: [part({ name: "a" }), part({ name: "b", omit: [name] })] });
      expect(found(r, ["EXR_MISSING_REQUIRED_ATTRIBUTE"], `"${name}"`)).toEqual([
        at("EXR_MISSING_REQUIRED_ATTRIBUTE", 1, name, null),
      ]);
    });
  }

  it("a tiled part without tiles", () => {
    const r = single({ type: "tiledimage", tiles: { x_size: 4, y_size: 4 }, omit: ["tiles"] });
    expect(found(r, ["EXR_MISSING_REQUIRED_ATTRIBUTE"])).toEqual([
      at("EXR_MISSING_REQUIRED_ATTRIBUTE", 0, "tiles", null),
    ]);
  });

  it("multi-part and deep parts need type and chunkCount; multi-part parts need a name; deep ones a version", () => {
    for (const name of ["type", "chunkCount", "name"]) {
      const r = inspect({ parts: [part({ name: "a", omit: [name] }), part({ name: "b" })] });
      expect(found(r, ["EXR_MISSING_REQUIRED_ATTRIBUTE"])).toEqual([
        at("EXR_MISSING_REQUIRED_ATTRIBUTE", 0, name, null),
      ]);
    }
    for (const name of ["type", "chunkCount", "version"]) {
      const r = single({ type: "deepscanline", omit: [name] });
      expect(found(r, ["EXR_MISSING_REQUIRED_ATTRIBUTE"])).toEqual([
        at("EXR_MISSING_REQUIRED_ATTRIBUTE", 0, name, null),
      ]);
    }
    // a single-part deep file needs no name; a single-part flat file needs none of them
    expect(found(single({ type: "deepscanline", omit: ["name"] }), null)).toEqual([]);
    expect(found(single({}), null)).toEqual([]);
    // a flat part in a multi-part file needs no version
    expect(
      found(inspect({ parts: [part({ name: "a" }), part({ name: "b", omit: ["version"] })] }), null),
    ).toEqual([]);
  });

  it("type attributes against the version flags", () => {
    const typed = (type: string, extra: Partial<PartSpec> = {}, spec: Partial<ExrSpec> = {}) =>
      single(
        { writeTypeAttributes: true, ...extra, attributes: [{ name: "type", type: "string", value: type }] },
        spec,
      );
    const mismatch = (r: InspectionResult, ...mentions: string[]) =>
      expect(found(r, ["EXR_TYPE_FLAG_MISMATCH", "EXR_UNKNOWN_PART_TYPE"], ...mentions)).toEqual([
        atAttr(r, "EXR_TYPE_FLAG_MISMATCH", 0, "type"),
      ]);
    mismatch(typed("tiledimage"), '"tiledimage"', "no tiled/non-image flag");
    mismatch(typed("deepscanline"), '"deepscanline"', "no tiled/non-image flag");
    mismatch(
      typed("scanlineimage", { type: "tiledimage", tiles: { x_size: 4, y_size: 4 } }),
      '"scanlineimage"',
      "tiled flag set",
    );
    mismatch(typed("tiledimage", { type: "deepscanline" }), '"tiledimage"', "non-image flag set");
    mismatch(typed("scanlineimage", { type: "deepscanline" }), "non-image flag set");
    // agreeing types
    expect(found(typed("scanlineimage"), null)).toEqual([]);
    // (a deep tiled part needs tiles: the only finding)
    expect(found(typed("deeptile", { type: "deepscanline" }), null).map((f) => f.code)).toEqual([
      "EXR_MISSING_REQUIRED_ATTRIBUTE",
    ]);
    expect(found(typed("deepscanline", { type: "deepscanline" }), null)).toEqual([]);
    // unknown type names
    const unknown = typed("flat");
    expect(found(unknown, ["EXR_TYPE_FLAG_MISMATCH", "EXR_UNKNOWN_PART_TYPE"], '"flat"')).toEqual([
      atAttr(unknown, "EXR_UNKNOWN_PART_TYPE", 0, "type"),
    ]);
    // multi-part: deep types need the non-image flag, flat ones anything
    const multi = (type: string, versionField?: number) =>
      inspect({
        parts: [
          part({
            name: "a",
            type: "deepscanline",
            attributes: [{ name: "type", type: "string", value: type }],
          }),
          part({ name: "b" }),
        ],
        ...(versionField === undefined ? {} : { versionField }),
      });
    const deepNoFlag = multi("deepscanline", 2 | 0x1000);
    expect(found(deepNoFlag, ["EXR_TYPE_FLAG_MISMATCH"], "0x800")).toEqual([
      atAttr(deepNoFlag, "EXR_TYPE_FLAG_MISMATCH", 0, "type"),
    ]);
    expect(found(multi("deeptile", 2 | 0x1000), ["EXR_TYPE_FLAG_MISMATCH"])).toHaveLength(1);
    expect(found(multi("deepscanline"), ["EXR_TYPE_FLAG_MISMATCH"])).toEqual([]);
    expect(found(multi("tiledimage", 2 | 0x1000), ["EXR_TYPE_FLAG_MISMATCH"])).toEqual([]);
    expect(found(multi("bogus", 2 | 0x1000), ["EXR_UNKNOWN_PART_TYPE"])).toHaveLength(1);
    // a type stored as another attribute type is only the wrong type
    const wrong = single({
      writeTypeAttributes: true,
      attributes: [{ name: "type", type: "int", value: 1 }],
    });
    expect(found(wrong, null).map((f) => f.code)).toEqual(["EXR_ATTRIBUTE_WRONG_TYPE"]);
  });

  it("part versions other than 1 are warnings at the version attribute", () => {
    const r = single({ type: "deepscanline", attributes: [{ name: "version", type: "int", value: 2 }] });
    expect(found(r, null, "part version 2")).toEqual([
      atAttr(r, "EXR_UNKNOWN_PART_VERSION", 0, "version", "warning"),
    ]);
    expect(r.validation.status).toBe("warning");
    const asFloat = single({
      type: "deepscanline",
      attributes: [{ name: "version", type: "float", value: 2 }],
    });
    expect(found(asFloat, null).map((f) => f.code)).toEqual(["EXR_ATTRIBUTE_WRONG_TYPE"]);
  });

  it("unknown compression and line order, and compressions deep parts cannot use", () => {
    const c = single({ attributes: [{ name: "compression", type: "compression", value: 42 }] });
    expect(found(c, ["EXR_UNKNOWN_COMPRESSION"], "42")).toEqual([
      atAttr(c, "EXR_UNKNOWN_COMPRESSION", 0, "compression"),
    ]);
    const l = single({ attributes: [{ name: "lineOrder", type: "lineOrder", value: 7 }] });
    expect(found(l, null, "lineOrder value 7")).toEqual([
      atAttr(l, "EXR_UNKNOWN_LINE_ORDER", 0, "lineOrder"),
    ]);
    const deep = single({ type: "deepscanline", compression: "piz", sampleCount: () => 1 });
    expect(found(deep, ["EXR_DEEP_COMPRESSION_UNSUPPORTED"], "piz")).toEqual([
      atAttr(deep, "EXR_DEEP_COMPRESSION_UNSUPPORTED", 0, "compression"),
    ]);
    for (const compression of ["none", "rle", "zips", "zip"] as const)
      expect(found(single({ type: "deepscanline", compression, sampleCount: () => 1 }), null)).toEqual([]);
    expect(found(single({ compression: "piz" }), null)).toEqual([]);
  });

  it("inverted data and display windows, at each window", () => {
    const dw = single({
      attributes: [{ name: "dataWindow", type: "box2i", value: box(4, 2, 3, 9) }],
      displayWindow: box(0, 0, 7, 3),
    });
    expect(found(dw, ["EXR_INVALID_WINDOW"], "dataWindow max (3,9) is below min (4,2)")).toEqual([
      atAttr(dw, "EXR_INVALID_WINDOW", 0, "dataWindow"),
    ]);
    const disp = single({ attributes: [{ name: "displayWindow", type: "box2i", value: box(0, 5, 9, 4) }] });
    expect(found(disp, ["EXR_INVALID_WINDOW"], "displayWindow")).toEqual([
      atAttr(disp, "EXR_INVALID_WINDOW", 0, "displayWindow"),
    ]);
    // a one-pixel window is not inverted
    expect(found(single({ dataWindow: box(3, 3, 3, 3) }), ["EXR_INVALID_WINDOW"])).toEqual([]);
  });

  it("pixel aspect ratio: finite and positive", () => {
    for (const v of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = single({ pixelAspectRatio: v });
      expect(found(r, null, `pixelAspectRatio ${String(v)}`), String(v)).toEqual([
        atAttr(r, "EXR_INVALID_PIXEL_ASPECT_RATIO", 0, "pixelAspectRatio"),
      ]);
    }
    for (const v of [1e-30, 1, 2.5])
      expect(found(single({ pixelAspectRatio: v }), null), String(v)).toEqual([]);
    // stored as a double: only the type is wrong, the value is not judged
    const dbl = single({ attributes: [{ name: "pixelAspectRatio", type: "double", value: -1 }] });
    expect(found(dbl, null).map((f) => f.code)).toEqual(["EXR_ATTRIBUTE_WRONG_TYPE"]);
  });

  it("screen window width: finite and >= 0", () => {
    for (const v of [-1, -1e-30, Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = single({ screenWindowWidth: v });
      expect(found(r, null, "screenWindowWidth"), String(v)).toEqual([
        atAttr(r, "EXR_INVALID_SCREEN_WINDOW_WIDTH", 0, "screenWindowWidth"),
      ]);
    }
    for (const v of [0, 1e-30, 3])
      expect(found(single({ screenWindowWidth: v }), null), String(v)).toEqual([]);
    const dbl = single({ attributes: [{ name: "screenWindowWidth", type: "double", value: -1 }] });
    expect(found(dbl, null).map((f) => f.code)).toEqual(["EXR_ATTRIBUTE_WRONG_TYPE"]);
  });

  it("tile descriptions: each problem named, at the tiles attribute", () => {
    const tiled = (value: { x_size: number; y_size: number; level_mode?: number; rounding_mode?: number }) =>
      single({
        type: "tiledimage",
        tiles: { x_size: 4, y_size: 4 },
        attributes: [{ name: "tiles", type: "tiledesc", value }],
      });
    const cases: Array<[Parameters<typeof tiled>[0], string]> = [
      [{ x_size: 0, y_size: 4 }, "tile size 0x4"],
      [{ x_size: 4, y_size: 0 }, "tile size 4x0"],
      [{ x_size: 4, y_size: 4, level_mode: 5 }, "level mode 5"],
      [{ x_size: 4, y_size: 4, rounding_mode: 3 }, "rounding mode 3"],
      [
        { x_size: 0, y_size: 4, level_mode: 7, rounding_mode: 2 },
        "tile size 0x4, level mode 7, rounding mode 2",
      ],
    ];
    for (const [value, text] of cases) {
      const r = tiled(value);
      expect(found(r, ["EXR_INVALID_TILE_DESCRIPTION"], `invalid tile description: ${text}`), text).toEqual([
        atAttr(r, "EXR_INVALID_TILE_DESCRIPTION", 0, "tiles"),
      ]);
    }
    expect(
      found(tiled({ x_size: 1, y_size: 1, level_mode: 1, rounding_mode: 1 }), [
        "EXR_INVALID_TILE_DESCRIPTION",
      ]),
    ).toEqual([]);
    // a scanline part's stray tiles attribute is not judged
    const stray = single({
      attributes: [{ name: "tiles", type: "tiledesc", value: { x_size: 0, y_size: 0 } }],
    });
    expect(found(stray, ["EXR_INVALID_TILE_DESCRIPTION"])).toEqual([]);
  });

  it("channel findings are located at the channel list", () => {
    const ch = (r: InspectionResult, code: string, severity?: Finding["severity"]) =>
      atAttr(r, code, 0, "channels", severity);
    const type7 = single({ channels: [{ name: "Y", type: 7 }] });
    expect(found(type7, ["EXR_INVALID_CHANNEL_TYPE"], '"Y"', "7")).toEqual([
      ch(type7, "EXR_INVALID_CHANNEL_TYPE"),
    ]);
    const empty = single({ channels: [] });
    expect(found(empty, null, "empty")).toEqual([ch(empty, "EXR_NO_CHANNELS", "warning")]);
    const entry = (name: string) => b().str(name, true).i32(1).u8(0, 0, 0, 0).i32(1, 1).build();
    const list = (...names: string[]) => {
      const out = b();
      for (const n of names) out.raw(entry(n));
      return out.u8(0).build();
    };
    const channelCodes = ["EXR_DUPLICATE_CHANNEL", "EXR_CHANNELS_NOT_SORTED", "EXR_NO_CHANNELS"];
    const dup = single({
      attributes: [{ name: "channels", type: "chlist", raw: list("A", "B", "A", "C", "B") }],
    });
    expect(found(dup, channelCodes)).toEqual([
      ch(dup, "EXR_DUPLICATE_CHANNEL"),
      ch(dup, "EXR_CHANNELS_NOT_SORTED", "warning"),
      ch(dup, "EXR_DUPLICATE_CHANNEL"),
    ]);
    expect(
      dup.validation.findings.filter((f) => channelCodes.includes(f.code)).map((f) => f.message),
    ).toEqual(['channel "A" appears twice', 'channel "A" follows "B"', 'channel "B" appears twice']);
    // equal neighbours are duplicates but not out of order
    const same = single({ attributes: [{ name: "channels", type: "chlist", raw: list("A", "A") }] });
    expect(found(same, channelCodes).map((f) => f.code)).toEqual(["EXR_DUPLICATE_CHANNEL"]);
    // sorted, distinct names: nothing
    expect(
      found(
        single({ attributes: [{ name: "channels", type: "chlist", raw: list("A", "B", "C") }] }),
        channelCodes,
      ),
    ).toEqual([]);
  });

  it("channel sampling: below 1, origin and size not multiples, both axes", () => {
    const sampled = (x: number, y: number, dataWindow = box(0, 0, 7, 3)) =>
      single({ dataWindow, channels: [{ name: "Y", type: "half", xSampling: x, ySampling: y }] });
    const messageOf = (r: InspectionResult) => {
      const f = found(r, ["EXR_INVALID_SAMPLING"]);
      expect(f).toEqual([atAttr(r, "EXR_INVALID_SAMPLING", 0, "channels")]);
      return r.validation.findings.find((x) => x.code === "EXR_INVALID_SAMPLING")!.message;
    };
    expect(messageOf(sampled(0, 1))).toBe('channel "Y": x sampling 0 < 1');
    expect(messageOf(sampled(1, 0))).toBe('channel "Y": y sampling 0 < 1');
    expect(messageOf(sampled(0, -1))).toBe('channel "Y": x sampling 0 < 1; y sampling -1 < 1');
    expect(messageOf(sampled(3, 1))).toBe(
      'channel "Y": data window x size 8 is not a multiple of x sampling 3',
    );
    expect(messageOf(sampled(1, 3))).toBe(
      'channel "Y": data window y size 4 is not a multiple of y sampling 3',
    );
    expect(messageOf(sampled(2, 1, box(1, 0, 8, 3)))).toBe(
      'channel "Y": data window x origin 1 is not a multiple of x sampling 2',
    );
    expect(messageOf(sampled(2, 2, box(1, 1, 9, 4)))).toBe(
      'channel "Y": data window x origin 1 is not a multiple of x sampling 2; ' +
        "data window x size 9 is not a multiple of x sampling 2; " +
        "data window y origin 1 is not a multiple of y sampling 2",
    );
    // dividing samplings are fine
    expect(found(sampled(2, 2), null)).toEqual([]);
    expect(found(sampled(8, 4), null)).toEqual([]);
    // with an inverted data window only the < 1 rule applies
    const inverted = sampled(3, 1, box(0, 0, -2, 3));
    expect(found(inverted, ["EXR_INVALID_SAMPLING"])).toEqual([]);
  });

  it("chunkCount: negative, or not what the header implies, at the chunkCount attribute", () => {
    const neg = inspect({
      parts: [
        part({ name: "a" }),
        part({ name: "b", attributes: [{ name: "chunkCount", type: "int", value: -1 }] }),
      ],
    });
    expect(found(neg, ["EXR_INVALID_CHUNK_COUNT", "EXR_CHUNK_COUNT_MISMATCH"], "chunkCount -1")).toEqual([
      atAttr(neg, "EXR_INVALID_CHUNK_COUNT", 1, "chunkCount"),
    ]);
    const off = inspect({
      parts: [
        part({ name: "a" }),
        part({ name: "b", attributes: [{ name: "chunkCount", type: "int", value: 3 }] }),
      ],
    });
    expect(found(off, ["EXR_CHUNK_COUNT_MISMATCH"], "chunkCount is 3", "implies 4")).toEqual([
      atAttr(off, "EXR_CHUNK_COUNT_MISMATCH", 1, "chunkCount"),
    ]);
    // the right count (4 scanline blocks of one line) passes
    const right = inspect({
      parts: [
        part({ name: "a" }),
        part({ name: "b", attributes: [{ name: "chunkCount", type: "int", value: 4 }] }),
      ],
    });
    expect(found(right, null)).toEqual([]);
  });

  it("attributes shared by all parts", () => {
    const tc = { name: "timeCode", type: "timecode", value: { time_and_flags: 1, user_data: 0 } } as const;
    const chroma: AttributeSpec = {
      name: "chromaticities",
      type: "chromaticities",
      value: [1, 2, 3, 4, 5, 6, 7, 8],
    };
    const r = inspect({
      parts: [
        part({ name: "a", attributes: [chroma] }),
        part({ name: "b", displayWindow: box(0, 0, 9, 9), pixelAspectRatio: 2, attributes: [tc] }),
        part({ name: "c", attributes: [chroma, tc] }),
      ],
    });
    expect(found(r, ["EXR_SHARED_ATTRIBUTE_MISMATCH"])).toEqual([
      atAttr(r, "EXR_SHARED_ATTRIBUTE_MISMATCH", 1, "displayWindow"),
      atAttr(r, "EXR_SHARED_ATTRIBUTE_MISMATCH", 1, "pixelAspectRatio"),
      atAttr(r, "EXR_SHARED_ATTRIBUTE_MISMATCH", 1, "timeCode"),
      at("EXR_SHARED_ATTRIBUTE_MISMATCH", 1, "chromaticities", null),
      atAttr(r, "EXR_SHARED_ATTRIBUTE_MISMATCH", 2, "timeCode"),
    ]);
    expect(r.validation.findings.map((f) => f.message)).toEqual([
      '"displayWindow" differs from part 0; it must be shared by all parts',
      '"pixelAspectRatio" differs from part 0; it must be shared by all parts',
      '"timeCode" is present in part 1 only; it must be shared by all parts',
      '"chromaticities" is present in part 0 only; it must be shared by all parts',
      '"timeCode" is present in part 2 only; it must be shared by all parts',
    ]);
    // a required shared attribute missing from one part is reported as missing, not as a mismatch
    const missing = inspect({
      parts: [part({ name: "a" }), part({ name: "b", omit: ["pixelAspectRatio"] })],
    });
    expect(found(missing, null).map((f) => f.code)).toEqual(["EXR_MISSING_REQUIRED_ATTRIBUTE"]);
    // equal values in every part: nothing
    expect(
      found(
        inspect({ parts: [part({ name: "a", attributes: [tc] }), part({ name: "b", attributes: [tc] })] }),
        null,
      ),
    ).toEqual([]);
  });

  it("duplicate part names, at the later part", () => {
    const r = inspect({
      parts: [part({ name: "x" }), part({ name: "y" }), part({ name: "x" }), part({ name: "y" })],
    });
    expect(found(r, null, "is used twice")).toEqual([
      at("EXR_DUPLICATE_PART_NAME", 2, "name", null),
      at("EXR_DUPLICATE_PART_NAME", 3, "name", null),
    ]);
  });
});
