import { deflateSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeAttributeValue } from "../../../src/core/attributes/registry.js";
import { encodeAttribute, encodeAttributeValue } from "../../../src/core/write/attribute-encoder.js";
import { ByteWriter, byteString, textBytes } from "../../../src/core/write/byte-writer.js";
import {
  CHANNEL_TYPE_CODES,
  COMPRESSION_CODES,
  DEEP_IMAGE_STATE_CODES,
  ENVMAP_CODES,
  enumCode,
  LEVEL_MODE_CODES,
  LINE_ORDER_CODES,
  linesPerChunk,
  ROUNDING_MODE_CODES,
} from "../../../src/core/write/enums.js";
import { enumerateChunks, tileLevels } from "../../../src/core/write/layout.js";
import { deepChunkData, flatPixelData, resolveChannels } from "../../../src/core/write/pixel-data.js";
import type { AttributeSpec, ChunkInfo } from "../../../src/core/write/spec.js";
import { zipEncode } from "../../../src/core/write/zip-predictor.js";
import { b } from "../bytes.js";

// The writer's building blocks, each output checked byte for byte (the writer makes every test fixture).

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});
const u16 = (...vs: number[]) => vs.flatMap((v) => [v & 0xff, v >>> 8]);
const u64 = (v: bigint) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, v, true);
  return out;
};
const bytesOf = (spec: AttributeSpec) => [...encodeAttributeValue(spec)];
const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    const err = e as Error & { code?: string };
    return { name: err.name, code: err.code, message: err.message };
  }
  throw new Error("did not throw");
};

describe("ByteWriter", () => {
  it("grows from no capacity and writes every width little-endian, wrapping out-of-range values", () => {
    const w = new ByteWriter(0);
    const want: number[] = [];
    for (let i = 0; i < 40; i++) {
      w.u8(0x1f0 + i)
        .i32(-1000003 * i)
        .u32(0xfffffff0 + i)
        .u16(0xfff0 + i)
        .f32(i / 3)
        .f64(-i / 7)
        .u64(-i);
      const ref = b()
        .u8(0x1f0 + i)
        .i32(-1000003 * i)
        .u32((0xfffffff0 + i) % 2 ** 32);
      ref
        .raw(u16((0xfff0 + i) & 0xffff))
        .f32(i / 3)
        .f64(-i / 7)
        .raw(u64(BigInt.asUintN(64, BigInt(-i))));
      want.push(...ref.build());
    }
    expect(w.length).toBe(40 * 31);
    expect([...w.toBytes()]).toEqual(want);
  });

  it("takes a block larger than twice its capacity, writes i32 wrapped and patches u64s in place", () => {
    const w = new ByteWriter(16);
    const block = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31) & 0xff);
    w.u64(0)
      .bytes(block)
      .i32(2 ** 32 + 5)
      .u64(2n ** 60n + 3n);
    w.patchU64(0, 2n ** 63n + 1n);
    w.patchU64(8 + 5000 + 4, -1n);
    const out = w.toBytes();
    expect(out.length).toBe(8 + 5000 + 4 + 8);
    expect([...out.subarray(0, 8)]).toEqual([...u64(2n ** 63n + 1n)]);
    expect([...out.subarray(8, 5008)]).toEqual([...block]);
    expect([...out.subarray(5008, 5012)]).toEqual([5, 0, 0, 0]);
    expect([...out.subarray(5012)]).toEqual(new Array(8).fill(255));
    out[0] = 9;
    expect(w.toBytes()[0]).toBe(1);
  });

  it("text is UTF-8 from strings and verbatim from bytes", () => {
    expect([...textBytes("é")]).toEqual([0xc3, 0xa9]);
    const raw = Uint8Array.of(0xe9);
    expect(textBytes(raw)).toBe(raw);
  });
});

describe("enumerations", () => {
  it("name tables follow the reader's enum lists", () => {
    expect(COMPRESSION_CODES).toMatchObject({ none: 0, rle: 1, zips: 2, zip: 3, piz: 4, htj2k32: 11 });
    expect(LINE_ORDER_CODES).toEqual({ INCREASING_Y: 0, DECREASING_Y: 1, RANDOM_Y: 2 });
    expect(LEVEL_MODE_CODES).toEqual({ ONE_LEVEL: 0, MIPMAP_LEVELS: 1, RIPMAP_LEVELS: 2 });
    expect(ROUNDING_MODE_CODES).toEqual({ ROUND_DOWN: 0, ROUND_UP: 1 });
    expect(DEEP_IMAGE_STATE_CODES).toEqual({ MESSY: 0, SORTED: 1, NON_OVERLAPPING: 2, TIDY: 3 });
    expect(ENVMAP_CODES).toEqual({ LATLONG: 0, CUBE: 1 });
    expect(CHANNEL_TYPE_CODES).toEqual({ uint: 0, half: 1, float: 2 });
  });

  it("resolves names in any case, passes numbers through, refuses unknown names", () => {
    expect(enumCode(COMPRESSION_CODES, "ZIP", "compression")).toBe(3);
    expect(enumCode(LINE_ORDER_CODES, "decreasing_y", "lineOrder")).toBe(1);
    expect(enumCode(LINE_ORDER_CODES, "RANDOM_Y", "lineOrder")).toBe(2);
    expect(enumCode(LINE_ORDER_CODES, 77, "lineOrder")).toBe(77);
    expect(thrown(() => enumCode(ENVMAP_CODES, "sphere", "envmap"))).toEqual({
      name: "ExrWriteError",
      code: "EXR_WRITE_BAD_ENUM",
      message: "unknown envmap: sphere",
    });
  });

  it("lines per chunk by compression code, 1 for codes past the table", () => {
    expect([0, 1, 2, 3, 4, 5, 9, 11, 12, -1].map(linesPerChunk)).toEqual([
      1, 1, 1, 16, 32, 16, 256, 32, 1, 1,
    ]);
  });
});

describe("attribute encoding", () => {
  it("every typed value decodes back to what was given", () => {
    const cases: Array<[AttributeSpec, unknown]> = [
      [
        { name: "a", type: "box2i", value: box(-2147483648, -1, 2147483647, 0) },
        { min: [-2147483648, -1], max: [2147483647, 0] },
      ],
      [
        { name: "a", type: "box2f", value: box(-0.5, 1.25, 3, 4.5) },
        { min: [-0.5, 1.25], max: [3, 4.5] },
      ],
      [
        { name: "a", type: "chromaticities", value: [1, 2, 3, 4, 5, 6, 7, 8] },
        { red: [1, 2], green: [3, 4], blue: [5, 6], white: [7, 8] },
      ],
      [{ name: "a", type: "compression", value: "b44a" }, "b44a"],
      [{ name: "a", type: "deepImageState", value: "tidy" as never }, "TIDY"],
      [{ name: "a", type: "double", value: 1 / 3 }, 1 / 3],
      [{ name: "a", type: "envmap", value: "CUBE" }, "CUBE"],
      [{ name: "a", type: "float", value: 0.5 }, 0.5],
      [{ name: "a", type: "floatvector", value: [1.5, -2] }, [1.5, -2]],
      [{ name: "a", type: "int", value: -123456789 }, -123456789],
      [
        {
          name: "a",
          type: "keycode",
          value: {
            filmMfcCode: 1,
            filmType: 2,
            prefix: 3,
            count: 4,
            perfOffset: 5,
            perfsPerFrame: 6,
            perfsPerCount: 20,
          },
        },
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
      [{ name: "a", type: "lineOrder", value: "RANDOM_Y" }, "RANDOM_Y"],
      [{ name: "a", type: "m33f", value: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, [1, 2, 3, 4, 5, 6, 7, 8, 9]],
      [{ name: "a", type: "m33d", value: [1, 2, 3, 4, 5, 6, 7, 8, 0.1] }, [1, 2, 3, 4, 5, 6, 7, 8, 0.1]],
      [
        { name: "a", type: "m44f", value: Array.from({ length: 16 }, (_, i) => i) },
        Array.from({ length: 16 }, (_, i) => i),
      ],
      [
        { name: "a", type: "m44d", value: Array.from({ length: 16 }, (_, i) => i / 7) },
        Array.from({ length: 16 }, (_, i) => i / 7),
      ],
      [
        { name: "a", type: "rational", value: [-24000, 4294967295] },
        { numerator: -24000, denominator: 4294967295 },
      ],
      [{ name: "a", type: "string", value: "héllo" }, "héllo"],
      [{ name: "a", type: "stringvector", value: ["one", "", "three"] }, ["one", "", "three"]],
      [
        {
          name: "a",
          type: "tiledesc",
          value: { x_size: 64, y_size: 4294967295, level_mode: "MIPMAP_LEVELS", rounding_mode: "ROUND_UP" },
        },
        { x_size: 64, y_size: 4294967295, level_mode: "MIPMAP_LEVELS", rounding_mode: "ROUND_UP" },
      ],
      [
        { name: "a", type: "timecode", value: { time_and_flags: 0xfedcba98, user_data: 0xdeadbeef } },
        { time_and_flags: 0xfedcba98, user_data: 0xdeadbeef },
      ],
      [{ name: "a", type: "v2i", value: [7, -7] }, [7, -7]],
      [{ name: "a", type: "v2f", value: [0.25, -0.5] }, [0.25, -0.5]],
      [{ name: "a", type: "v2d", value: [1e300, -1e-300] }, [1e300, -1e-300]],
      [{ name: "a", type: "v3i", value: [1, -2, 3] }, [1, -2, 3]],
      [{ name: "a", type: "v3f", value: [1, 2, 3.5] }, [1, 2, 3.5]],
      [{ name: "a", type: "v3d", value: [1e300, -1e-300, 0.5] }, [1e300, -1e-300, 0.5]],
    ];
    for (const [spec, value] of cases) {
      const decoded = decodeAttributeValue(String(spec.type), encodeAttributeValue(spec));
      expect(decoded.problem, String(spec.type)).toBeUndefined();
      expect(decoded.value, String(spec.type)).toEqual(value);
    }
  });

  it("fixed-size vectors and matrices refuse the wrong count", () => {
    const counts: Record<string, number> = {
      chromaticities: 8,
      m33f: 9,
      m33d: 9,
      m44f: 16,
      m44d: 16,
      v2i: 2,
      v2f: 2,
      v2d: 2,
      v3i: 3,
      v3f: 3,
      v3d: 3,
    };
    for (const [type, n] of Object.entries(counts)) {
      for (const wrong of [n - 1, n + 1]) {
        expect(
          thrown(() =>
            encodeAttributeValue({ name: "a", type, value: new Array(wrong).fill(1) } as AttributeSpec),
          ),
        ).toEqual({
          name: "ExrWriteError",
          code: "EXR_WRITE_BAD_VALUE",
          message: `${type} needs ${n} numbers`,
        });
      }
      expect(
        bytesOf({ name: "a", type, value: new Array(n).fill(1) } as AttributeSpec).length,
      ).toBeGreaterThan(0);
    }
  });

  it("channel lists: name, type, pLinear, three reserved bytes, sampling (default 1), a closing NUL", () => {
    const got = bytesOf({
      name: "channels",
      type: "chlist",
      value: [
        { name: "Y", type: "float", pLinear: true, xSampling: 2, ySampling: 3 },
        { name: Uint8Array.of(0xe9), type: 7 },
      ],
    });
    const want = b()
      .str("Y", true)
      .i32(2)
      .u8(1, 0, 0, 0)
      .i32(2, 3)
      .u8(0xe9, 0)
      .i32(7)
      .u8(0, 0, 0, 0)
      .i32(1, 1)
      .u8(0);
    expect(got).toEqual([...want.build()]);
  });

  it("bytes, idmanifest, preview, string, stringvector and tiledesc byte layouts", () => {
    const data = Uint8Array.of(1, 2, 3);
    expect(bytesOf({ name: "a", type: "bytes", value: { data } })).toEqual([0, 0, 0, 0, 1, 2, 3]);
    expect(bytesOf({ name: "a", type: "bytes", value: { data, typeHint: "ab" } })).toEqual([
      2, 0, 0, 0, 97, 98, 1, 2, 3,
    ]);
    const compressed = Uint8Array.of(9, 8);
    expect(
      bytesOf({ name: "a", type: "idmanifest", value: { uncompressedSize: 300, compressed, sizeBytes: 4 } }),
    ).toEqual([44, 1, 0, 0, 9, 8]);
    expect(bytesOf({ name: "a", type: "idmanifest", value: { uncompressedSize: 300, compressed } })).toEqual([
      44, 1, 0, 0, 0, 0, 0, 0, 9, 8,
    ]);
    expect(bytesOf({ name: "a", type: "preview", value: { width: 2, height: 1 } })).toEqual([
      2, 0, 0, 0, 1, 0, 0, 0, 11, 48, 85, 122, 159, 196, 233, 14,
    ]);
    const pixels = Uint8Array.from({ length: 8 }, (_, i) => 200 + i);
    expect(bytesOf({ name: "a", type: "preview", value: { width: 1, height: 2, pixels } })).toEqual([
      1,
      0,
      0,
      0,
      2,
      0,
      0,
      0,
      ...pixels,
    ]);
    expect(
      thrown(() => bytesOf({ name: "a", type: "preview", value: { width: 1, height: 1, pixels } })),
    ).toEqual({
      name: "ExrWriteError",
      code: "EXR_WRITE_BAD_VALUE",
      message: "preview pixels must be 4*width*height bytes",
    });
    expect(bytesOf({ name: "a", type: "string", value: Uint8Array.of(0xff, 0) })).toEqual([0xff, 0]);
    expect(bytesOf({ name: "a", type: "string", value: "" })).toEqual([]);
    expect(bytesOf({ name: "a", type: "stringvector", value: ["ab", Uint8Array.of(0xff)] })).toEqual([
      2, 0, 0, 0, 97, 98, 1, 0, 0, 0, 0xff,
    ]);
    expect(bytesOf({ name: "a", type: "tiledesc", value: { x_size: 3, y_size: 5 } })).toEqual([
      3, 0, 0, 0, 5, 0, 0, 0, 0,
    ]);
    expect(
      bytesOf({
        name: "a",
        type: "tiledesc",
        value: { x_size: 3, y_size: 5, level_mode: 2, rounding_mode: "ROUND_UP" },
      }),
    ).toEqual([3, 0, 0, 0, 5, 0, 0, 0, 0x12]);
    expect(bytesOf({ name: "a", type: "compression", value: 200 })).toEqual([200]);
    expect(bytesOf({ name: "a", type: "envmap", value: "latlong" as never })).toEqual([0]);
  });

  it("an unknown enumeration name is refused naming what it was for", () => {
    const bad = (spec: unknown) => thrown(() => encodeAttributeValue(spec as AttributeSpec)).message;
    expect(bad({ name: "a", type: "compression", value: "zap" })).toBe("unknown compression: zap");
    expect(bad({ name: "a", type: "deepImageState", value: "zap" })).toBe("unknown deepImageState: zap");
    expect(bad({ name: "a", type: "envmap", value: "zap" })).toBe("unknown envmap: zap");
    expect(bad({ name: "a", type: "lineOrder", value: "zap" })).toBe("unknown lineOrder: zap");
    expect(bad({ name: "a", type: "chlist", value: [{ name: "Y", type: "zap" }] })).toBe(
      "unknown channel type: zap",
    );
    expect(bad({ name: "a", type: "tiledesc", value: { x_size: 1, y_size: 1, level_mode: "zap" } })).toBe(
      "unknown level mode: zap",
    );
    expect(bad({ name: "a", type: "tiledesc", value: { x_size: 1, y_size: 1, rounding_mode: "zap" } })).toBe(
      "unknown rounding mode: zap",
    );
    const tiles = (t: object) =>
      thrown(() => tileLevels(box(0, 0, 1, 1), { x_size: 1, y_size: 1, ...t })).message;
    expect(tiles({ level_mode: "zap" })).toBe("unknown level mode: zap");
    expect(tiles({ rounding_mode: "zap" })).toBe("unknown rounding mode: zap");
    expect(thrown(() => resolveChannels([{ name: "Y", type: "zap" as never }])).message).toBe(
      "unknown channel type: zap",
    );
  });

  it("raw values are written verbatim; a typed value of an unknown type is refused", () => {
    const raw = Uint8Array.of(1, 2);
    expect(encodeAttributeValue({ name: "a", type: "int", raw })).toBe(raw);
    expect(thrown(() => encodeAttributeValue({ name: "a", type: "nope", value: 1 } as never))).toEqual({
      name: "ExrWriteError",
      code: "EXR_WRITE_UNKNOWN_TYPE",
      message: "no encoder for type nope; give raw bytes",
    });
  });

  it("a whole attribute is name NUL type NUL size value, with a lying size when asked", () => {
    const w = new ByteWriter(0);
    encodeAttribute(w, { name: "n", type: "int", value: 258 });
    encodeAttribute(w, {
      name: Uint8Array.of(0xe9),
      type: Uint8Array.of(0x74),
      raw: Uint8Array.of(7),
      declaredSize: -2,
    });
    expect([...w.toBytes()]).toEqual([
      ...b().str("n", true).str("int", true).i32(4, 258).build(),
      ...b().u8(0xe9, 0, 0x74, 0).i32(-2).u8(7).build(),
    ]);
  });
});

describe("chunk layout", () => {
  it("refuses empty windows, empty tiles and unknown level modes; accepts one pixel and one-pixel tiles", () => {
    const bad = {
      name: "ExrWriteError",
      code: "EXR_WRITE_BAD_TILING",
      message: "tiled parts need a non-empty data window and tile size",
    };
    expect(thrown(() => tileLevels(box(5, 0, 4, 0), { x_size: 1, y_size: 1 }))).toEqual(bad);
    expect(thrown(() => tileLevels(box(0, 5, 0, 4), { x_size: 1, y_size: 1 }))).toEqual(bad);
    expect(thrown(() => tileLevels(box(0, 0, 0, 0), { x_size: 0, y_size: 1 }))).toEqual(bad);
    expect(thrown(() => tileLevels(box(0, 0, 0, 0), { x_size: 1, y_size: 0 }))).toEqual(bad);
    expect(thrown(() => tileLevels(box(0, 0, 0, 0), { x_size: 1, y_size: 1, level_mode: 3 }))).toEqual({
      ...bad,
      message: "level mode 3 cannot be laid out",
    });
    expect(tileLevels(box(3, 3, 3, 3), { x_size: 1, y_size: 1 })).toEqual([
      { levelX: 0, levelY: 0, width: 1, height: 1, tilesX: 1, tilesY: 1 },
    ]);
  });

  it("rounding mode 1 rounds level sizes up, anything else down", () => {
    const widths = (rounding_mode: number) =>
      tileLevels(box(0, 0, 4, 0), { x_size: 2, y_size: 2, level_mode: 1, rounding_mode }).map((l) => l.width);
    expect(widths(1)).toEqual([5, 3, 2, 1]);
    expect(widths(0)).toEqual([5, 2, 1]);
  });

  it("tiles in offset-table order, clipped at the level's right and bottom edges", () => {
    const chunks = enumerateChunks(
      2,
      box(-3, 2, 6, 6),
      0,
      { x_size: 4, y_size: 4, level_mode: "MIPMAP_LEVELS" },
      false,
    );
    const tile = (
      chunkIndex: number,
      tileX: number,
      tileY: number,
      level: number,
      x0: number,
      y0: number,
      width: number,
      height: number,
    ): ChunkInfo => ({
      partIndex: 2,
      chunkIndex,
      tileX,
      tileY,
      levelX: level,
      levelY: level,
      x0,
      y0,
      width,
      height,
    });
    expect(chunks).toEqual([
      tile(0, 0, 0, 0, -3, 2, 4, 4),
      tile(1, 1, 0, 0, 1, 2, 4, 4),
      tile(2, 2, 0, 0, 5, 2, 2, 4),
      tile(3, 0, 1, 0, -3, 6, 4, 1),
      tile(4, 1, 1, 0, 1, 6, 4, 1),
      tile(5, 2, 1, 0, 5, 6, 2, 1),
      tile(6, 0, 0, 1, -3, 2, 4, 2),
      tile(7, 1, 0, 1, 1, 2, 1, 2),
      tile(8, 0, 0, 2, -3, 2, 2, 1),
      tile(9, 0, 0, 3, -3, 2, 1, 1),
    ]);
  });

  it("scanline blocks of the compression's height, the last one clipped; deep blocks of 1 line, 16 for zip", () => {
    const block = (chunkIndex: number, y: number, lines: number): ChunkInfo => ({
      partIndex: 0,
      chunkIndex,
      y,
      lines,
      x0: -2,
      y0: y,
      width: 5,
      height: lines,
    });
    expect(enumerateChunks(0, box(-2, -5, 2, 13), 3, null, false)).toEqual([
      block(0, -5, 16),
      block(1, 11, 3),
    ]);
    expect(enumerateChunks(0, box(-2, -5, 2, -4), 0, null, false)).toEqual([
      block(0, -5, 1),
      block(1, -4, 1),
    ]);
    expect(enumerateChunks(0, box(-2, 0, 2, 39), 4, null, false).map((c) => c.lines)).toEqual([32, 8]);
    expect(enumerateChunks(0, box(-2, 0, 2, 39), 3, null, true).map((c) => c.lines)).toEqual([16, 16, 8]);
    expect(enumerateChunks(0, box(-2, 0, 2, 2), 4, null, true).map((c) => c.lines)).toEqual([1, 1, 1]);
    expect(enumerateChunks(0, box(-2, 0, 2, 2), 2, null, true).map((c) => c.lines)).toEqual([1, 1, 1]);
  });
});

describe("pixel data", () => {
  // resolved inside each test (not while the file is collected), so that mutants of resolveChannels are active
  const channels = () =>
    resolveChannels([
      { name: "b", type: "float" },
      { name: Uint8Array.of(0xe9), type: "uint" },
      { name: "A", type: "half", xSampling: 2, ySampling: 2 },
    ]);

  it("channels sort by name bytes and resolve their type and sampling", () => {
    expect(channels()).toEqual([
      { name: "A", typeCode: 1, xSampling: 2, ySampling: 2 },
      { name: "b", typeCode: 2, xSampling: 1, ySampling: 1 },
      { name: "é", typeCode: 0, xSampling: 1, ySampling: 1 },
    ]);
    const same = resolveChannels([
      { name: "Z", type: "half" },
      { name: "Z", type: "float" },
    ]);
    expect(same.map((c) => c.typeCode)).toEqual([1, 2]);
  });

  it("names sort by their bytes, 0x80-0x9f included (not by a code page's characters)", () => {
    const sorted = resolveChannels([
      { name: Uint8Array.of(0xe9), type: "half" },
      { name: Uint8Array.of(0x80), type: "half" },
      { name: "z", type: "half" },
    ]);
    expect(sorted.map((c) => c.name)).toEqual(["z", "\u0080", "\u00e9"]);
    // a name given as a string is passed to the pixel callbacks as given, whatever its bytes
    expect(resolveChannels([{ name: "é", type: "half" }])[0]!.name).toBe("é");
    expect(byteString("é")).toBe("\u00c3\u00a9");
    expect(byteString(Uint8Array.of(0x9f, 0))).toBe("\u009f\u0000");
  });

  it("flat data: line by line, channel by channel, subsampled channels only on multiples (negative too)", () => {
    const chunk: ChunkInfo = { partIndex: 0, chunkIndex: 0, x0: -3, y0: -2, width: 3, height: 2 };
    const value = (c: string, x: number, y: number) => (c === "é" ? 1000 + 10 * x + y : x + y / 4);
    const got = [...flatPixelData(chunk, channels(), value)];
    // y = -2: A at x = -2 only, then b and é at x = -3..-1
    expect(got.length).toBe(2 + 3 * 4 + 3 * 4 + 3 * 4 + 3 * 4);
    const dv = new DataView(Uint8Array.from(got).buffer);
    expect(dv.getUint16(0, true)).toBe(0xc100); // -2 + -2/4 = -2.5 as half
    expect([0, 1, 2].map((i) => dv.getFloat32(2 + 4 * i, true))).toEqual([-3.5, -2.5, -1.5]);
    expect([0, 1, 2].map((i) => dv.getUint32(14 + 4 * i, true))).toEqual([968, 978, 988]);
    // y = -1: A is skipped (odd line)
    expect([0, 1, 2].map((i) => dv.getFloat32(26 + 4 * i, true))).toEqual([-3.25, -2.25, -1.25]);
    expect([0, 1, 2].map((i) => dv.getUint32(38 + 4 * i, true))).toEqual([969, 979, 989]);
    expect([...flatPixelData(chunk, channels(), undefined)]).toEqual(new Array(got.length).fill(0));
  });

  it("deep data: cumulative counts restarting per line, then samples line by line, channel by channel", () => {
    const chunk: ChunkInfo = { partIndex: 0, chunkIndex: 0, x0: 5, y0: 1, width: 2, height: 2 };
    const two = resolveChannels([
      { name: "id", type: "uint" },
      { name: "Z", type: "float" },
    ]);
    const d = deepChunkData(
      chunk,
      two,
      (x, y) => x - 5 + 2 * (y - 1),
      (c, x, y, i) => (c === "id" ? x * 100 + y * 10 + i : i + 0.5),
    );
    expect(d.maxSamples).toBe(3);
    expect([...d.sampleTable]).toEqual([...b().i32(0, 1, 2, 5).build()]);
    expect([...d.sampleData]).toEqual([
      ...b().f32(0.5).u32(610).f32(0.5, 1.5, 0.5, 1.5, 2.5).u32(520, 521, 620, 621, 622).build(),
    ]);
    const none = deepChunkData(chunk, two, undefined, undefined);
    expect([none.maxSamples, none.sampleData.length, [...none.sampleTable]]).toEqual([
      0,
      0,
      new Array(16).fill(0),
    ]);
    const zeros = deepChunkData(chunk, two, () => 2, undefined);
    expect([...zeros.sampleData]).toEqual(new Array(2 * 4 * 2 * 4).fill(0));
  });
});

describe("zip predictor", () => {
  function unzip(packed: Uint8Array, n: number): number[] {
    const t = new Uint8Array(inflateSync(packed));
    for (let i = 1; i < n; i++) t[i] = (t[i - 1]! + t[i]! - 128) & 0xff;
    const out: number[] = [];
    const half = (n + 1) >> 1;
    for (let i = 0; i < n; i++) out.push(i % 2 === 0 ? t[i >> 1]! : t[half + (i >> 1)]!);
    return out;
  }
  const deflate = (d: Uint8Array) => new Uint8Array(deflateSync(d));

  it("splits, delta-encodes and deflates; undoing it gives the input back, odd and even lengths", () => {
    for (const n of [200, 201]) {
      const raw = Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 250 - (i >> 3) : i >> 4));
      const packed = zipEncode(raw, deflate)!;
      expect(packed.length).toBeLessThan(n);
      expect(unzip(packed, n)).toEqual([...raw]);
    }
  });

  it("hands deflate the predicted bytes and keeps the raw bytes unless the result is smaller", () => {
    const seen: number[][] = [];
    const fake = (size: number) => (d: Uint8Array) => {
      seen.push([...d]);
      return new Uint8Array(size);
    };
    const raw = Uint8Array.of(10, 200, 5, 100, 7);
    expect(zipEncode(raw, fake(5))).toBeNull();
    expect(zipEncode(raw, fake(4))).toEqual(new Uint8Array(4));
    // even bytes 10, 5, 7 then odd 200, 100; each minus its predecessor + 128
    expect(seen[0]).toEqual([
      10,
      (5 - 10 + 128) & 0xff,
      (7 - 5 + 128) & 0xff,
      (200 - 7 + 128) & 0xff,
      (100 - 200 + 128) & 0xff,
    ]);
    expect(zipEncode(new Uint8Array(0), fake(0))).toBeNull();
    expect(seen[2]).toEqual([]);
  });
});
