import { deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { halfToFloatTable } from "../../../src/core/codecs/half.js";
import { inspectBytes } from "../../../src/core/inspection-plan.js";
import type { InspectionResult } from "../../../src/core/model.js";
import {
  BINDINGS_UNREADABLE_ATTRIBUTES,
  cryptomatteManifest,
  type SampleFile,
  sampleFiles,
} from "../../../src/core/write/sample-files.js";
import type { ExrSpec, PartSpec } from "../../../src/core/write/spec.js";
import { buildExr, writeExr } from "../../../src/core/write/write-exr.js";

// The assembled file: version flags, where headers, tables and chunks land, each chunk's prefix, the
// standard attributes and their defaults, damage; and the sample-file catalogue, read back by the inspector.

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d));
const scan = (extra: Partial<PartSpec> = {}): PartSpec => ({
  type: "scanlineimage",
  dataWindow: box(0, 0, 3, 2),
  channels: [{ name: "Y", type: "half" }],
  ...extra,
});
const flags = (spec: ExrSpec) => dv(writeExr(spec)).getInt32(4, true);
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    const err = e as Error & { code?: string };
    return { code: err.code, message: err.message };
  }
  throw new Error("did not throw");
};
const attrs = (r: InspectionResult, part = 0) =>
  Object.fromEntries(r.parts[part]!.attributes.map((a) => [a.name, a.value]));
const names = (r: InspectionResult, part = 0) => r.parts[part]!.attributes.map((a) => a.name);

describe("version field", () => {
  it("long-name bit from 32 bytes of a channel name, attribute name or attribute type name, unless forced", () => {
    const n = (k: number) => "n".repeat(k);
    expect(flags({ parts: [scan({ channels: [{ name: n(31), type: "half" }] })] })).toBe(2);
    expect(flags({ parts: [scan({ channels: [{ name: n(32), type: "half" }] })] })).toBe(0x402);
    const mixed = [
      { name: n(32), type: "half" as const },
      { name: "Y", type: "half" as const },
    ];
    expect(flags({ parts: [scan({ channels: mixed })] })).toBe(0x402);
    expect(flags({ parts: [scan()], versionField: 0x7fff02 })).toBe(0x7fff02);
    expect(flags({ parts: [scan({ attributes: [{ name: n(31), type: "int", value: 1 }] })] })).toBe(2);
    expect(flags({ parts: [scan({ attributes: [{ name: n(32), type: "int", value: 1 }] })] })).toBe(0x402);
    expect(
      flags({ parts: [scan({ attributes: [{ name: "x", type: n(31), raw: new Uint8Array(1) }] })] }),
    ).toBe(2);
    expect(
      flags({ parts: [scan({ attributes: [{ name: "x", type: n(32), raw: new Uint8Array(1) }] })] }),
    ).toBe(0x402);
    expect(flags({ parts: [scan(), scan({ attributes: [{ name: n(32), type: "int", value: 1 }] })] })).toBe(
      0x1402,
    );
    expect(flags({ parts: [scan({ channels: [{ name: n(40), type: "half" }] })], longNames: false })).toBe(2);
    expect(flags({ parts: [scan()], longNames: true })).toBe(0x402);
  });

  it("tiled bit for a single tiled image only; non-image for any deep part; multipart when forced", () => {
    const tiles = { x_size: 2, y_size: 2 };
    expect(flags({ parts: [scan({ type: "deeptile", tiles })] })).toBe(0x802);
    expect(flags({ parts: [scan({ type: "tiledimage", tiles })], multipart: true })).toBe(0x1002);
    expect(flags({ parts: [scan({ type: "tiledimage", tiles }), scan()] })).toBe(0x1002);
    expect(flags({ parts: [scan({ type: "tiledimage", tiles }), scan()], multipart: false })).toBe(0x202);
    expect(flags({ parts: [scan(), scan({ type: "deepscanline" })], multipart: false })).toBe(0x802);
  });

  it("refuses a file without parts and a tiled part without tiles", () => {
    expect(thrown(() => writeExr({ parts: [] }))).toEqual({
      code: "EXR_WRITE_NO_PARTS",
      message: "an EXR file needs a part",
    });
    expect(thrown(() => writeExr({ parts: [scan(), scan({ type: "deeptile" })] }))).toEqual({
      code: "EXR_WRITE_MISSING_TILES",
      message: "part 1 is deeptile but has no tiles",
    });
  });
});

describe("file layout", () => {
  it("headers, tables and chunks of a multi-part file where the layout says, each chunk prefixed", () => {
    const { bytes, layout } = buildExr({
      parts: [
        scan({ name: "s" }),
        {
          ...scan({ name: "t" }),
          type: "tiledimage",
          tiles: { x_size: 2, y_size: 4, level_mode: "MIPMAP_LEVELS" },
        },
      ],
    });
    const v = dv(bytes);
    const [s, t] = layout.parts;
    expect(s!.headerOffset).toBe(8);
    expect(bytes[t!.headerOffset - 1]).toBe(0);
    expect(t!.headerOffset).toBeGreaterThan(8);
    expect([bytes[layout.headerBytes - 2], bytes[layout.headerBytes - 1]]).toEqual([0, 0]);
    expect(s!.offsetTableOffset).toBe(layout.headerBytes);
    expect(t!.offsetTableOffset).toBe(layout.headerBytes + 3 * 8);
    // 4x3 tiled 2x4, mip-mapped: level 0 has 2 tiles, level 1 (2x1) one, level 2 (1x1) one
    expect(t!.chunks.map((c) => [c.tileX, c.tileY, c.levelX])).toEqual([
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
      [0, 0, 2],
    ]);
    let next = t!.offsetTableOffset + 4 * 8;
    for (const [pi, p] of layout.parts.entries()) {
      p.chunkOffsets.forEach((off, ci) => {
        expect(off).toBe(next);
        expect(Number(v.getBigUint64(p.offsetTableOffset + 8 * ci, true))).toBe(off);
        expect(v.getInt32(off, true)).toBe(pi);
        const c = p.chunks[ci]!;
        const coords = pi === 0 ? [c.y!] : [c.tileX!, c.tileY!, c.levelX!, c.levelY!];
        coords.forEach((k, i) => {
          expect(v.getInt32(off + 4 + 4 * i, true)).toBe(k);
        });
        const dataSize = v.getInt32(off + 4 + 4 * coords.length, true);
        expect(dataSize).toBe(c.width * c.height * 2);
        expect(p.chunkSizes[ci]).toBe(4 + 4 * coords.length + 4 + dataSize);
        next += p.chunkSizes[ci]!;
      });
    }
    expect(layout.size).toBe(next);
    expect(bytes.length).toBe(next);
  });

  it("single-part chunks have no part number; scanline DECREASING_Y (by name or code) stores bottom first, tiles do not", () => {
    const single = buildExr({ parts: [scan()] });
    const off = single.layout.parts[0]!.chunkOffsets;
    expect(off).toEqual([
      single.layout.headerBytes + 24,
      single.layout.headerBytes + 24 + 16,
      single.layout.headerBytes + 24 + 32,
    ]);
    expect(dv(single.bytes).getInt32(off[1]!, true)).toBe(1);
    for (const lineOrder of ["DECREASING_Y", 1] as const) {
      const { layout } = buildExr({ parts: [scan({ lineOrder })] });
      const o = layout.parts[0]!.chunkOffsets;
      expect(o[0]! > o[1]! && o[1]! > o[2]!, String(lineOrder)).toBe(true);
    }
    const tiled = buildExr({
      parts: [
        { ...scan({ lineOrder: "DECREASING_Y" }), type: "tiledimage", tiles: { x_size: 2, y_size: 2 } },
      ],
    });
    const o = tiled.layout.parts[0]!.chunkOffsets;
    expect([...o].sort((a, b) => a - b)).toEqual(o);
  });

  it("deep chunks: table size, packed and unpacked data size (equal, uncompressed), table, data", () => {
    const { bytes, layout } = buildExr({
      parts: [
        {
          type: "deepscanline",
          dataWindow: box(0, 0, 2, 1),
          channels: [{ name: "Z", type: "float" }],
          sampleCount: (x, y) => x + y,
          sample: (_c, x, y, i) => x * 10 + y + i / 2,
        },
      ],
    });
    const v = dv(bytes);
    const p = layout.parts[0]!;
    expect(p.chunkOffsets).toHaveLength(2);
    const at = p.chunkOffsets[1]!;
    expect(v.getInt32(at, true)).toBe(1);
    expect(v.getBigUint64(at + 4, true)).toBe(12n);
    expect(v.getBigUint64(at + 12, true)).toBe(24n);
    expect(v.getBigUint64(at + 20, true)).toBe(24n);
    expect([0, 1, 2].map((i) => v.getInt32(at + 28 + 4 * i, true))).toEqual([1, 3, 6]);
    expect([0, 1, 2, 3, 4, 5].map((i) => v.getFloat32(at + 40 + 4 * i, true))).toEqual([
      1, 11, 11.5, 21, 21.5, 22,
    ]);
    expect(p.chunkSizes[1]).toBe(4 + 24 + 12 + 24);
    const r = inspectBytes(bytes);
    expect(attrs(r)).toMatchObject({
      name: "part0",
      type: "deepscanline",
      chunkCount: 2,
      version: 1,
      maxSamplesPerPixel: 3,
    });
    const fixed = inspectBytes(
      writeExr({ parts: [{ ...scan({ type: "deepscanline" }), maxSamplesPerPixel: 9 }] }),
    );
    expect(attrs(fixed).maxSamplesPerPixel).toBe(9);
  });

  it("zip and zips chunks are deflated only with deflate and when smaller; other codes and given chunk data never", () => {
    const big = (compression: PartSpec["compression"], extra: Partial<PartSpec> = {}) =>
      scan({ compression, dataWindow: box(0, 0, 63, 15), pixel: () => 0.5, ...extra });
    const firstSize = (spec: ExrSpec) => {
      const { bytes, layout } = buildExr(spec);
      return dv(bytes).getInt32(layout.parts[0]!.chunkOffsets[0]! + 4, true);
    };
    const raw = 64 * 2;
    expect(firstSize({ parts: [big("zips")], deflate })).toBeLessThan(raw);
    expect(firstSize({ parts: [big("zips")] })).toBe(raw);
    expect(firstSize({ parts: [big("zip")], deflate })).toBeLessThan(16 * raw);
    expect(firstSize({ parts: [big("rle")], deflate })).toBe(raw);
    expect(firstSize({ parts: [big("piz")], deflate })).toBe(16 * raw);
    const given = Uint8Array.of(1, 2, 3);
    expect(firstSize({ parts: [big("zip", { chunkData: () => given })], deflate })).toBe(3);
    const noise = scan({ compression: "zips", pixel: (_c, x, y) => ((x * 7919 + y * 104729) % 997) / 7 });
    expect(firstSize({ parts: [noise], deflate })).toBe(8);
  });
});

describe("header attributes", () => {
  it("standard attributes with their defaults, sorted by name bytes; type attributes on request", () => {
    const r = inspectBytes(writeExr({ parts: [scan({ writeTypeAttributes: true })] }));
    expect(names(r)).toEqual([
      "channels",
      "chunkCount",
      "compression",
      "dataWindow",
      "displayWindow",
      "lineOrder",
      "name",
      "pixelAspectRatio",
      "screenWindowCenter",
      "screenWindowWidth",
      "type",
    ]);
    expect(attrs(r)).toMatchObject({
      chunkCount: 3,
      compression: "none",
      dataWindow: box(0, 0, 3, 2),
      displayWindow: box(0, 0, 3, 2),
      lineOrder: "INCREASING_Y",
      name: "part0",
      pixelAspectRatio: 1,
      screenWindowCenter: [0, 0],
      screenWindowWidth: 1,
      type: "scanlineimage",
    });
    expect(names(inspectBytes(writeExr({ parts: [scan()] })))).not.toContain("type");
  });

  it("given values replace the defaults; multi-part names default to part<N>; tiles are written", () => {
    const r = inspectBytes(
      writeExr({
        parts: [
          scan({
            displayWindow: box(-1, -1, 5, 5),
            lineOrder: "RANDOM_Y",
            pixelAspectRatio: 2,
            screenWindowCenter: [0.5, -0.5],
            screenWindowWidth: 1.5,
            compression: "rle",
          }),
          { ...scan(), type: "tiledimage", tiles: { x_size: 2, y_size: 3 } },
        ],
      }),
    );
    expect(attrs(r, 0)).toMatchObject({
      displayWindow: box(-1, -1, 5, 5),
      lineOrder: "RANDOM_Y",
      pixelAspectRatio: 2,
      screenWindowCenter: [0.5, -0.5],
      screenWindowWidth: 1.5,
      compression: "rle",
      name: "part0",
    });
    expect(attrs(r, 1)).toMatchObject({
      name: "part1",
      type: "tiledimage",
      chunkCount: 2,
      tiles: { x_size: 2, y_size: 3, level_mode: "ONE_LEVEL", rounding_mode: "ROUND_DOWN" },
    });
  });

  it("extras replace standard attributes of the same name bytes, omit drops them, order is by bytes or as given", () => {
    const extras = [
      { name: "b", type: "int" as const, value: 1 },
      { name: "B", type: "int" as const, value: 2 },
      { name: Uint8Array.of(0xe9), type: "int" as const, value: 3 },
      { name: Uint8Array.of(0x9f), type: "int" as const, value: 5 },
      { name: "compression", type: "int" as const, value: 4 },
    ];
    const sorted = inspectBytes(
      writeExr({ parts: [scan({ attributes: extras, omit: ["lineOrder", "nothing"] })] }),
    );
    expect(names(sorted).slice(0, -2)).toEqual([
      "B",
      "b",
      "channels",
      "compression",
      "dataWindow",
      "displayWindow",
      "pixelAspectRatio",
      "screenWindowCenter",
      "screenWindowWidth",
    ]);
    // bytes 0x80-0x9f sort below 0xe9 (by byte, not by a code page's characters)
    expect(sorted.parts[0]!.attributes.slice(-2).map((a) => a.value)).toEqual([5, 3]);
    expect(sorted.parts[0]!.attributes.at(-1)!.size).toBe(4);
    expect(attrs(sorted).compression).toBe(4);
    const given = inspectBytes(writeExr({ parts: [scan({ attributes: extras, attributeOrder: "given" })] }));
    expect(given.parts[0]!.attributes.slice(-5).map((a) => a.value)).toEqual([1, 2, 3, 5, 4]);
    expect(names(given).at(-1)).toBe("compression");
    expect(names(given).slice(0, 2)).toEqual(["channels", "dataWindow"]);
  });

  it("channel lists are stored sorted by name bytes, pixel data in the same order", () => {
    const { bytes, layout } = buildExr({
      parts: [
        scan({
          dataWindow: box(0, 0, 0, 0),
          channels: [
            { name: "R", type: "float" },
            { name: "B", type: "float" },
            { name: "G", type: "float" },
          ],
          pixel: (c) => c.charCodeAt(0),
        }),
      ],
    });
    const r = inspectBytes(bytes);
    expect(r.channels.map((c) => c.name)).toEqual(["B", "G", "R"]);
    const at = layout.parts[0]!.chunkOffsets[0]! + 8;
    expect([0, 1, 2].map((i) => dv(bytes).getFloat32(at + 4 * i, true))).toEqual([66, 71, 82]);
  });
});

describe("damage", () => {
  it("zeroes or sets table entries that exist, refuses others, truncates (never below 0 bytes)", () => {
    const spec = { parts: [scan()] };
    const { bytes, layout } = buildExr({
      ...spec,
      damage: { zeroOffsets: [{ part: 0, chunk: 0 }], setOffsets: [{ part: 0, chunk: 2, value: 77 }] },
    });
    const t = layout.parts[0]!.offsetTableOffset;
    expect([0, 1, 2].map((i) => dv(bytes).getBigUint64(t + 8 * i, true))).toEqual([
      0n,
      BigInt(layout.parts[0]!.chunkOffsets[1]!),
      77n,
    ]);
    for (const [part, chunk] of [
      [1, 0],
      [0, -1],
      [0, 3],
    ] as const) {
      expect(thrown(() => writeExr({ ...spec, damage: { zeroOffsets: [{ part, chunk }] } }))).toEqual({
        code: "EXR_WRITE_BAD_DAMAGE",
        message: `no offset entry for part ${part} chunk ${chunk}`,
      });
    }
    const cut = buildExr({ ...spec, damage: { truncateAt: -5 } });
    expect([cut.bytes.length, cut.layout.size]).toEqual([0, 0]);
    const whole = buildExr(spec);
    const longer = buildExr({ ...spec, damage: { truncateAt: whole.bytes.length + 10 } });
    expect(longer.layout.size).toBe(whole.bytes.length);
    expect(buildExr({ ...spec, damage: { truncateAt: 20 } }).layout.size).toBe(20);
  });
});

describe("sample files", () => {
  // Built inside each test (not in beforeAll): a mutant of the catalogue must be active while it is built.
  const get = (list: SampleFile[], name: string) => list.find((f) => f.name === name)!.bytes;

  it("the catalogue, each file valid and complete; only zip/zips differ with deflate", () => {
    const plain = sampleFiles();
    const packed = sampleFiles(deflate);
    expect(packed.map((f) => f.name)).toEqual([
      "scanline_rgb_none.exr",
      "scanline_channel_types.exr",
      "scanline_zips.exr",
      "scanline_zip.exr",
      "every_attribute_type.exr",
      "bindings_attribute_types.exr",
      "tiled_one_level.exr",
      "tiled_mipmap_down.exr",
      "tiled_mipmap_up.exr",
      "tiled_ripmap_down.exr",
      "tiled_ripmap_up.exr",
      "deep_scanline.exr",
      "deep_tiled.exr",
      "multipart_mixed.exr",
      "long_names.exr",
      "huge_header.exr",
      "htj2k_header.exr",
    ]);
    for (const [i, f] of packed.entries()) {
      const r = inspectBytes(f.bytes);
      const codes = r.validation.findings.map((x) => x.code);
      expect(codes, f.name).toEqual(f.name === "every_attribute_type.exr" ? ["EXR_INVALID_UTF8"] : []);
      expect(r.file.is_complete, f.name).toBe(true);
      const zipped = f.name === "scanline_zip.exr" || f.name === "scanline_zips.exr";
      if (zipped) expect(f.bytes.length, f.name).toBeLessThan(plain[i]!.bytes.length / 2);
      else expect(Buffer.compare(f.bytes, plain[i]!.bytes), f.name).toBe(0);
    }
  });

  it("every attribute type, with the awkward values it promises", () => {
    const plain = sampleFiles();
    const r = inspectBytes(get(plain, "every_attribute_type.exr"));
    const got = r.parts[0]!.attributes.filter((a) => a.name.startsWith("a")).map((a) => [
      a.name,
      a.type,
      a.value,
    ]);
    expect(got).toEqual([
      ["aBox2f", "box2f", { min: [-0.5, 1.25], max: [37499998208, "NaN"] }],
      ["aBox2i", "box2i", { min: [-2147483648, -1], max: [2147483647, 0] }],
      ["aBytes", "bytes", { base64: "AAH+/w==", hint: "application/x-test" }],
      [
        "aChromaticities",
        "chromaticities",
        {
          red: [0.6399999856948853, 0.33000001311302185],
          green: [0.30000001192092896, 0.6000000238418579],
          blue: [0.15000000596046448, 0.05999999865889549],
          white: [0.3127000033855438, 0.32899999618530273],
        },
      ],
      ["aCustom", "myCustomType", { base64: "AQIDBAU=" }],
      ["aDeepImageState", "deepImageState", "NON_OVERLAPPING"],
      ["aDouble", "double", 1 / 3],
      ["aEnvmap", "envmap", "CUBE"],
      ["aFloat", "float", "-0"],
      ["aFloatInf", "float", "-Infinity"],
      ["aFloatNaN", "float", "NaN"],
      ["aFloatvector", "floatvector", [1.5, "Infinity", 1.401298464324817e-45]],
      ["aIdManifest", "idmanifest", { uncompressed_size: 152, compressed_size: 124 }],
      ["aInt", "int", -123456789],
      [
        "aKeycode",
        "keycode",
        {
          film_mfc_code: 1,
          film_type: 2,
          prefix: 3,
          count: 4,
          perf_offset: 5,
          perfs_per_frame: 6,
          perfs_per_count: 20,
        },
      ],
      ["aM33d", "m33d", [1, 2, 3, 4, 5, 6, 7, 8, 0.1]],
      ["aM33f", "m33f", [1, 0, 0, 0, 1, 0, 0, 0, Math.fround(0.1)]],
      ["aM44d", "m44d", Array.from({ length: 16 }, (_, i) => i / 7)],
      ["aM44f", "m44f", Array.from({ length: 16 }, (_, i) => Math.fround(i % 5 === 0 ? 1 : i / 3))],
      ["aPreview", "preview", { width: 3, height: 2, hash: "fnv1a64:879588869bb314b5" }],
      ["aRational", "rational", { numerator: -24000, denominator: 1001 }],
      ["aString", "string", "héllo, wörld"],
      ["aStringLatin1", "string", { text: "caf\ufffd", base64: "Y2Fm6Q==", valid_utf8: false }],
      ["aStringvector", "stringvector", ["one", "", "three"]],
      [
        "aTiledesc",
        "tiledesc",
        { x_size: 64, y_size: 32, level_mode: "RIPMAP_LEVELS", rounding_mode: "ROUND_UP" },
      ],
      ["aTimecode", "timecode", { time_and_flags: 0x12345678, user_data: 0xdeadbeef }],
      ["aV2d", "v2d", [Number.MIN_VALUE, -Number.MAX_VALUE]],
      ["aV2f", "v2f", [Math.fround(0.1), Math.fround(-0.2)]],
      ["aV2i", "v2i", [7, -7]],
      ["aV3d", "v3d", [1e300, -1e-300, 0.5]],
      ["aV3f", "v3f", [1, 2, 3]],
      ["aV3i", "v3i", [1, -2, 3]],
    ]);
    const bindings = inspectBytes(get(plain, "bindings_attribute_types.exr")).parts[0]!.attributes.map(
      (a) => a.name,
    );
    expect(BINDINGS_UNREADABLE_ATTRIBUTES).toEqual(["aDeepImageState", "aStringLatin1"]);
    expect(r.parts[0]!.attributes.map((a) => a.name).filter((n) => !bindings.includes(n))).toEqual(
      BINDINGS_UNREADABLE_ATTRIBUTES,
    );
  });

  it("the ID manifest is the official bindings' zlib stream: it inflates to its 152 bytes naming the 4 entries", () => {
    const bytes = get(sampleFiles(), "every_attribute_type.exr");
    const label = new TextEncoder().encode("aIdManifest\0idmanifest\0");
    const at = Buffer.from(bytes).indexOf(Buffer.from(label)) + label.length;
    const size = new DataView(bytes.buffer, bytes.byteOffset + at).getInt32(0, true);
    expect(size).toBe(8 + 124);
    const text = inflateSync(bytes.subarray(at + 4 + 8, at + 4 + size)).toString("latin1");
    expect(text.length).toBe(152);
    // later paths share their prefix with the one before (OpenEXR stores only the new suffix)
    for (const s of ["objectId", "MurmurHash3_32", "chair", "/set/chair", "lamp", "table", "floor"])
      expect(text).toContain(s);
  });

  it("scanline samples: the ramp values, channel types, sampling, windows and header values", () => {
    const plain = sampleFiles();
    const bytes = get(plain, "scanline_rgb_none.exr");
    const r = inspectBytes(bytes);
    expect(r.parts[0]).toMatchObject({ data_window: box(0, 0, 7, 5), compression: "none" });
    expect(r.channels.map((c) => [c.name, c.type])).toEqual([
      ["B", "half"],
      ["G", "half"],
      ["R", "half"],
    ]);
    // chunk of line y: y, size, then B, G, R lines of 8 halves; ramp = (last char code % 7) + x/4 + y/2
    const v = dv(bytes);
    const tables = r.parts[0]!.offset_table_offset!;
    for (let y = 0; y < 6; y++) {
      const off = Number(v.getBigUint64(tables + 8 * y, true));
      expect(v.getInt32(off, true)).toBe(y);
      ["B", "G", "R"].forEach((c, ci) => {
        for (let x = 0; x < 8; x++) {
          const got = halfToFloatTable[v.getUint16(off + 8 + 2 * (ci * 8 + x), true)];
          expect(got).toBe((c.charCodeAt(0) % 7) + x * 0.25 + y * 0.5);
        }
      });
    }
    const types = inspectBytes(get(plain, "scanline_channel_types.exr"));
    expect(types.parts[0]).toMatchObject({
      data_window: box(-4, -2, 11, 9),
      display_window: box(0, 0, 9, 7),
      line_order: "DECREASING_Y",
      pixel_aspect_ratio: 2,
    });
    expect(attrs(types)).toMatchObject({ screenWindowCenter: [0.5, -0.5], screenWindowWidth: 1.5 });
    expect(types.channels.map((c) => [c.name, c.type, c.p_linear, c.x_sampling, c.y_sampling])).toEqual([
      ["BY", "half", false, 2, 2],
      ["RY", "half", false, 2, 2],
      ["Y", "half", false, 1, 1],
      ["diffuse.G", "float", true, 1, 1],
      ["diffuse.R", "half", false, 1, 1],
      ["objectId", "uint", false, 1, 1],
    ]);
    for (const [name, compression] of [
      ["scanline_zips.exr", "zips"],
      ["scanline_zip.exr", "zip"],
    ]) {
      expect(inspectBytes(get(plain, name!)).parts[0]).toMatchObject({
        compression,
        data_window: box(0, 0, 63, 40),
      });
    }
    expect(inspectBytes(get(plain, "htj2k_header.exr")).parts[0]!.compression).toBe("htj2k32");
    const htj2k = get(plain, "htj2k_header.exr");
    expect([...htj2k.subarray(htj2k.length - 4)]).toEqual([0xff, 0x4f, 0xff, 0x51]);
  });

  it("tiled samples: each level mode and rounding over the same 37 x 21 window", () => {
    const plain = sampleFiles();
    for (const [name, level_mode, rounding_mode] of [
      ["tiled_one_level.exr", "ONE_LEVEL", "ROUND_DOWN"],
      ["tiled_mipmap_down.exr", "MIPMAP_LEVELS", "ROUND_DOWN"],
      ["tiled_mipmap_up.exr", "MIPMAP_LEVELS", "ROUND_UP"],
      ["tiled_ripmap_down.exr", "RIPMAP_LEVELS", "ROUND_DOWN"],
      ["tiled_ripmap_up.exr", "RIPMAP_LEVELS", "ROUND_UP"],
    ]) {
      const r = inspectBytes(get(plain, name!));
      expect(r.parts[0], name).toMatchObject({
        type: "tiledimage",
        data_window: box(0, 0, 36, 20),
        display_window: box(0, 0, 39, 23),
        tiling: { x_size: 8, y_size: 16, level_mode, rounding_mode },
      });
      expect(r.channels.map((c) => [c.name, c.type])).toEqual([
        ["A", "half"],
        ["Z", "float"],
      ]);
    }
  });

  it("deep samples: counts and values of every pixel as the catalogue defines them", () => {
    const plain = sampleFiles();
    for (const name of ["deep_scanline.exr", "deep_tiled.exr"]) {
      const bytes = get(plain, name);
      const r = inspectBytes(bytes);
      const tiled = name === "deep_tiled.exr";
      expect(r.parts[0], name).toMatchObject({
        type: tiled ? "deeptile" : "deepscanline",
        data_window: box(2, 3, 9, 8),
        ...(tiled ? { tiling: { x_size: 4, y_size: 4 } } : {}),
      });
      expect("tiles" in attrs(r), name).toBe(tiled);
      expect(r.channels.map((c) => [c.name, c.type])).toEqual([
        ["A", "half"],
        ["Z", "float"],
        ["id", "uint"],
      ]);
      expect(attrs(r).maxSamplesPerPixel).toBe(3);
      const v = dv(bytes);
      const table = r.parts[0]!.offset_table_offset!;
      let samples = 0;
      for (let ci = 0; ci < r.parts[0]!.chunk_count!; ci++) {
        let at = Number(v.getBigUint64(table + 8 * ci, true));
        let x0 = 2;
        let y0: number;
        let w = 8;
        let h = 1;
        if (tiled) {
          const [tx, ty] = [v.getInt32(at, true), v.getInt32(at + 4, true)];
          x0 = 2 + 4 * tx;
          y0 = 3 + 4 * ty;
          w = Math.min(4, 10 - x0);
          h = Math.min(4, 9 - y0);
          at += 16;
        } else {
          y0 = v.getInt32(at, true);
          at += 4;
        }
        const tableBytes = Number(v.getBigUint64(at, true));
        expect(tableBytes).toBe(4 * w * h);
        at += 24;
        const counts: number[] = [];
        for (let y = 0; y < h; y++) {
          let prev = 0;
          for (let x = 0; x < w; x++) {
            const acc = v.getInt32(at, true);
            counts.push(acc - prev);
            expect(acc - prev).toBe(((x0 + x) * 3 + y0 + y) % 4);
            prev = acc;
            at += 4;
          }
        }
        for (let y = 0; y < h; y++)
          for (const c of ["A", "Z", "id"])
            for (let x = 0; x < w; x++)
              for (let i = 0; i < counts[y * w + x]!; i++) {
                const [px, py] = [x0 + x, y0 + y];
                if (c === "A") {
                  expect(halfToFloatTable[v.getUint16(at, true)]).toBe(px + py / 8 + i / 64);
                  at += 2;
                } else if (c === "Z") {
                  expect(v.getFloat32(at, true)).toBe(px + py / 8 + i / 64);
                  at += 4;
                } else {
                  expect(v.getUint32(at, true)).toBe(px * 100 + py * 10 + i);
                  at += 4;
                  samples++;
                }
              }
      }
      expect(samples, name).toBe(72);
    }
  });

  it("multi-part, long-name and huge-header samples", () => {
    const plain = sampleFiles();
    const multi = inspectBytes(get(plain, "multipart_mixed.exr"));
    expect(multi.parts.map((p) => [p.part_name, p.type, p.display_window])).toEqual([
      ["beauty", "scanlineimage", box(0, 0, 39, 23)],
      ["depth", "tiledimage", box(0, 0, 39, 23)],
      ["deep", "deepscanline", box(0, 0, 39, 23)],
      ["deepTiles", "deeptile", box(0, 0, 39, 23)],
    ]);
    expect(multi.parts[0]!.view_name).toBe("left");
    expect(multi.parts[1]!.tiling).toMatchObject({ level_mode: "MIPMAP_LEVELS", rounding_mode: "ROUND_UP" });
    const long = inspectBytes(get(plain, "long_names.exr"));
    expect(long.file.flags?.long_names).toBe(true);
    expect(long.channels.map((c) => c.name)).toEqual(["layer_with_a_rather_long_name_exceeding_31.R"]);
    expect(attrs(long).an_attribute_name_longer_than_31_bytes).toBe(1);
    const huge = inspectBytes(get(plain, "huge_header.exr"));
    expect(attrs(huge)).toMatchObject({
      "cryptomatte/0123abc/manifest": cryptomatteManifest(60_000),
      "cryptomatte/0123abc/name": "CryptoObject",
    });
  });

  it("Cryptomatte manifests: zero-padded asset numbers and 8-digit hashes", () => {
    expect(cryptomatteManifest(0)).toBe("{}");
    const m = JSON.parse(cryptomatteManifest(8)) as Record<string, string>;
    expect(Object.keys(m)).toHaveLength(8);
    expect(m["/root/world/geo/asset_000000/mesh"]).toBe("c5e69024");
    expect(m["/root/world/geo/asset_000001/mesh"]).toBe("67bf1af7");
    expect(m["/root/world/geo/asset_000006/mesh"]).toBe("0855ba42");
    expect(cryptomatteManifest(60_000).length).toBe(2_820_001);
  });
});
