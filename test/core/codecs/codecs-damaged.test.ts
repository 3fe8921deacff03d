import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { undoB44 } from "../../../src/core/codecs/b44.js";
import {
  DECODABLE_COMPRESSIONS,
  decompress,
  HTJ2K_COMPRESSIONS,
} from "../../../src/core/codecs/decompress.js";
import { floatToHalf } from "../../../src/core/codecs/half.js";
import { undoHtj2k } from "../../../src/core/codecs/htj2k.js";
import { undoPiz } from "../../../src/core/codecs/piz.js";
import { undoPxr24 } from "../../../src/core/codecs/pxr24.js";
import { rleExpand, undoRle } from "../../../src/core/codecs/rle.js";
import type {
  ChunkGeometry,
  CodecChannel,
  CodecResult,
  J2kImage,
  SampleType,
} from "../../../src/core/codecs/types.js";
import { inflateExactly, undoZip } from "../../../src/core/codecs/zip.js";
import { zlibInflate } from "../../../src/inspect/options.js";
import { stream } from "./huffman-streams.js";

/**
 * Each codec's blocks made by hand: the smallest valid ones decode to what they hold, and each kind of damage
 * fails with its own text (mutation testing, issue 20). Real files of every codec are decoded bit for bit against
 * the official bindings in official-codecs.test.ts.
 */

function geometry(
  specs: { name?: string; type: SampleType; pLinear?: boolean }[],
  width: number,
  height: number,
): ChunkGeometry {
  const channels: CodecChannel[] = specs.map((s, i) => ({
    name: s.name ?? `c${i}`,
    type: s.type,
    bytes: s.type === "half" ? 2 : 4,
    xSampling: 1,
    ySampling: 1,
    pLinear: s.pLinear ?? false,
    width,
    height,
  }));
  return {
    x0: 0,
    y0: 0,
    width,
    height,
    channels,
    unpackedBytes: channels.reduce((n, c) => n + width * height * c.bytes, 0),
  };
}

const result = (r: CodecResult) => (r instanceof Uint8Array ? [...r] : r.failure);
const deflate = (b: Uint8Array | number[]) => new Uint8Array(deflateSync(Uint8Array.from(b)));
const u16le = (vs: number[]) => [...new Uint8Array(Uint16Array.from(vs).buffer)];

describe("PIZ", () => {
  /** Range header, bitmap bytes, then the Huffman stream with its u32 length. */
  function piz(
    min: number,
    max: number,
    bitmap: number[],
    huf: Uint8Array,
    hufLength = huf.length,
  ): Uint8Array {
    const head = [min & 0xff, min >> 8, max & 0xff, max >> 8, ...bitmap];
    const len = [hufLength & 0xff, (hufLength >> 8) & 0xff, (hufLength >> 16) & 0xff, hufLength >>> 24];
    return Uint8Array.from([...head, ...len, ...huf]);
  }
  // one line: no wavelet transform, the values only go through the LUT
  const line = geometry([{ type: "half" }], 4, 1);
  // values 0, 1, 2, 3 with 2-bit codes; 4 (the run code) unused
  const values = (items: number[]) =>
    stream({ lengths: { 0: 2, 1: 2, 2: 2, 3: 3, 4: 3 }, im: 0, iM: 4, items });

  it("the bitmap's set bits are the LUT: value k is the k-th set bit (0 always first)", () => {
    // byte 0: bits 0 (value 0, skipped) and 3; byte 1: bit 0 (value 8); byte 2: bit 7 (value 23)
    const src = piz(0, 2, [0b1001, 0b1, 0b10000000], values([0, 1, 2, 3]));
    expect(result(undoPiz(src, line))).toEqual(u16le([0, 3, 8, 23]));
    // a range starting past byte 0
    expect(result(undoPiz(piz(1, 1, [0b110], values([2, 1, 0, 2])), line))).toEqual(u16le([10, 9, 0, 10]));
    // values past the table map to 0 (even after a block with a longer table)
    expect(result(undoPiz(piz(1, 1, [0b10], values([1, 2, 3, 1])), line))).toEqual(u16le([9, 0, 0, 9]));
    // no bitmap at all (min > max): only 0
    expect(result(undoPiz(piz(8191, 0, [], values([0, 0, 1, 0])), line))).toEqual(u16le([0, 0, 0, 0]));
    // the last bitmap byte
    expect(result(undoPiz(piz(8191, 8191, [0x80], values([1, 0, 1, 1])), line))).toEqual(
      u16le([65535, 0, 65535, 65535]),
    );
  });

  it("float channels are two 16-bit words per sample; lines are rebuilt channel by channel", () => {
    // 2 x 1: a half channel then a float channel: 2 + 4 words
    const g = geometry([{ type: "half" }, { type: "float" }], 2, 1);
    const src = piz(0, 0, [0b11111110], values([1, 2, 3, 1, 2, 3]));
    expect(result(undoPiz(src, g))).toEqual(u16le([1, 2, 3, 1, 2, 3]));
  });

  it("damage: range header, bitmap, Huffman length and data cut off; a bitmap range past its end", () => {
    expect(result(undoPiz(Uint8Array.of(0, 0, 0), line))).toBe("PIZ data is shorter than its range header");
    expect(result(undoPiz(piz(0, 8192, [], values([0])), line))).toBe(
      "PIZ bitmap range ends at 8192, past the bitmap",
    );
    expect(result(undoPiz(Uint8Array.of(0, 0, 2, 0, 1, 1), line))).toBe("PIZ bitmap is cut off");
    expect(result(undoPiz(Uint8Array.of(0, 0, 2, 0, 1, 1, 1), line))).toBe("PIZ Huffman length is cut off");
    expect(result(undoPiz(Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0), line))).toBe(
      "PIZ Huffman length is cut off",
    );
    const h = values([0, 1, 2, 3]);
    expect(result(undoPiz(piz(0, 0, [1], h, h.length + 1), line))).toBe(
      `PIZ Huffman data (${h.length + 1} bytes) passes the end of the chunk`,
    );
    // the Huffman stream's own failure comes through
    expect(result(undoPiz(piz(0, 0, [1], h.subarray(0, 5), 5), line))).toBe("Huffman header is cut off");
    // a stream of more values than the chunk holds
    expect(result(undoPiz(piz(0, 0, [1], values([0, 1, 2, 3, 0])), line))).toBe(
      "Huffman data decodes to more values than the chunk holds",
    );
  });
});

describe("B44", () => {
  it("flat blocks (3 bytes) and raw non-half channels; pLinear halves through the log table", () => {
    // 1.0 is stored as 0xbc00 (sign flipped for positives); a third byte >= 52 marks a flat block
    const g = geometry([{ type: "half" }, { type: "uint" }], 4, 4);
    const uint = Array.from({ length: 64 }, (_, i) => i);
    const src = Uint8Array.from([0xbc, 0x00, 13 << 2, ...uint]);
    expect(result(undoB44(src, g))).toEqual(
      Array.from({ length: 4 }, (_, y) => [
        ...u16le([0x3c00, 0x3c00, 0x3c00, 0x3c00]),
        ...uint.slice(16 * y, 16 * y + 16),
      ]).flat(),
    );
    // negatives are stored complemented: -2.0 (0xc000) as 0x3fff
    expect(result(undoB44(Uint8Array.from([0x3f, 0xff, 0xff, ...uint]), g)).slice(0, 2)).toEqual([
      0x00, 0xc0,
    ]);
    // pLinear: 2.0 comes back as 8 ln 2 in half
    const lin = geometry([{ type: "half", pLinear: true }], 4, 4);
    const two = floatToHalf(Math.fround(8 * Math.fround(Math.log(2))));
    expect(result(undoB44(Uint8Array.from([0xc0, 0x00, 0xfc]), lin)).slice(0, 2)).toEqual(u16le([two]));
    // 0 and negatives and Inf map to 0 through the log table
    expect(result(undoB44(Uint8Array.from([0x3f, 0xff, 0xfc]), lin)).slice(0, 2)).toEqual([0, 0]);
    expect(result(undoB44(Uint8Array.from([0xfc, 0x00, 0xfc]), lin)).slice(0, 2)).toEqual([0, 0]);
  });

  it("a 14-byte block: 16 samples from a first value and 6-bit differences", () => {
    // all differences 0x20 at shift 0 (bias 0x20): every sample equals the first
    const g = geometry([{ type: "half" }], 4, 4);
    const block = [
      0xbc,
      0x00,
      0x00 | (0x20 >> 4),
      ((0x20 & 0xf) << 4) | (0x20 >> 2),
      ((0x20 & 3) << 6) | 0x20,
    ];
    const b6 = (v: number[]) => {
      // samples 1..3, 5..7, ...: pack six 6-bit fields as unpack14 reads them
      const [a, b, c, d] = v as [number, number, number, number];
      return [(a << 2) | (b >> 4), ((b & 0xf) << 4) | (c >> 2), ((c & 3) << 6) | d];
    };
    const src = Uint8Array.from([
      ...block,
      ...b6([0x20, 0x20, 0x20, 0x20]),
      ...b6([0x20, 0x20, 0x20, 0x20]),
      ...b6([0x20, 0x20, 0x20, 0x20]),
    ]);
    expect(src.length).toBe(14);
    expect(result(undoB44(src, g))).toEqual(u16le(new Array(16).fill(0x3c00)));
  });

  it("damage: blocks and raw channels cut off", () => {
    const g = geometry([{ type: "half" }, { type: "float" }], 4, 4);
    expect(result(undoB44(Uint8Array.of(0xbc, 0), g))).toBe("B44 data is shorter than its blocks");
    expect(result(undoB44(new Uint8Array(13), g))).toBe("B44 data is shorter than its blocks");
    expect(result(undoB44(Uint8Array.from([0xbc, 0, 0xfc, ...new Array(63).fill(0)]), g))).toBe(
      "B44 data is shorter than its raw channels",
    );
    expect(result(undoB44(Uint8Array.from([0xbc, 0, 0xfc, ...new Array(64).fill(0)]), g))).toHaveLength(96);
    // 5 x 5: four blocks (the last ones partial)
    const five = geometry([{ type: "half" }], 5, 5);
    const flat = [0xbc, 0, 0xfc];
    expect(result(undoB44(Uint8Array.from([...flat, ...flat, ...flat]), five))).toBe(
      "B44 data is shorter than its blocks",
    );
    expect(result(undoB44(Uint8Array.from([...flat, ...flat, ...flat, ...flat]), five))).toEqual(
      u16le(new Array(25).fill(0x3c00)),
    );
  });
});

describe("PXR24", () => {
  it("per line and channel: byte planes of differences (uint 4, half 2, float 3 bytes)", () => {
    const g = geometry([{ type: "uint" }, { type: "half" }, { type: "float" }], 2, 1);
    // uint 0x01020304, 0x01020305 (+1); half 0x3c00, 0x3c01; float 0x3f800000, 0x3f800100 (low byte dropped)
    const planes = [
      [0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x01],
      [0x3c, 0x00, 0x00, 0x01],
      [0x3f, 0x00, 0x80, 0x00, 0x00, 0x01],
    ].flat();
    const want = [
      [0x04, 0x03, 0x02, 0x01, 0x05, 0x03, 0x02, 0x01],
      [0x00, 0x3c, 0x01, 0x3c],
      [0x00, 0x00, 0x80, 0x3f, 0x00, 0x01, 0x80, 0x3f],
    ].flat();
    expect(result(undoPxr24(deflate(planes), g, zlibInflate))).toEqual(want);
    // differences wrap around
    const wrap = geometry([{ type: "half" }], 2, 1);
    expect(result(undoPxr24(deflate([0xff, 0x00, 0xff, 0x02]), wrap, zlibInflate))).toEqual([
      0xff, 0xff, 0x01, 0x00,
    ]);
  });

  it("damage: does not inflate, shorter than its lines, longer than OpenEXR's scratch buffer", () => {
    for (const type of ["uint", "half", "float"] as const) {
      const g = geometry([{ type }], 3, 2);
      const need = 3 * 2 * (type === "half" ? 2 : type === "uint" ? 4 : 3);
      expect(result(undoPxr24(deflate(new Array(need).fill(0)), g, zlibInflate))).toHaveLength(
        g.unpackedBytes,
      );
      expect(result(undoPxr24(deflate(new Array(need - 1).fill(0)), g, zlibInflate)), type).toBe(
        "pxr24 data is shorter than its lines",
      );
    }
    const g = geometry([{ type: "half" }], 2, 2);
    expect(result(undoPxr24(Uint8Array.of(1, 2, 3), g, zlibInflate))).toMatch(
      /^pxr24 data does not inflate: /,
    );
    // compressBound(8) = 8 + 13: 21 bytes inflate (the rest unread), 22 do not
    expect(result(undoPxr24(deflate(new Array(21).fill(0)), g, zlibInflate))).toHaveLength(8);
    expect(result(undoPxr24(deflate(new Array(22).fill(0)), g, zlibInflate))).toMatch(
      /^pxr24 data does not inflate: /,
    );
    // compressBound(2^14 * 2 + ...) for a bigger chunk: 32768 + 8 + 2 + 13
    const big = geometry([{ type: "half" }], 128, 128);
    expect(big.unpackedBytes).toBe(32768);
    expect(result(undoPxr24(deflate(new Array(32768 + 23).fill(0)), big, zlibInflate))).toHaveLength(32768);
    expect(result(undoPxr24(deflate(new Array(32768 + 24).fill(0)), big, zlibInflate))).toMatch(
      /does not inflate/,
    );
    const thrower = () => {
      throw 7;
    };
    expect(result(undoPxr24(Uint8Array.of(1), g, thrower))).toBe("pxr24 data does not inflate: 7");
  });
});

describe("RLE and ZIP", () => {
  it("rleExpand: literal and repeat runs to exactly the unpacked size", () => {
    expect(result(rleExpand(Uint8Array.of(0xfd, 1, 2, 3, 2, 9), 6))).toEqual([1, 2, 3, 9, 9, 9]);
    expect(result(rleExpand(Uint8Array.of(0x80, ...new Array(128).fill(4)), 128))).toEqual(
      new Array(128).fill(4),
    );
    expect(result(rleExpand(Uint8Array.of(127, 5), 128))).toEqual(new Array(128).fill(5));
    expect(result(rleExpand(new Uint8Array(0), 0))).toEqual([]);
    expect(result(rleExpand(Uint8Array.of(0xfd, 1, 2), 3))).toBe(
      "RLE literal run of 3 bytes passes the end of the data",
    );
    expect(result(rleExpand(Uint8Array.of(0xfd, 1, 2, 3), 2))).toBe(
      "RLE data expands past the chunk's unpacked size",
    );
    expect(result(rleExpand(Uint8Array.of(2, 9), 2))).toBe("RLE data expands past the chunk's unpacked size");
    expect(result(rleExpand(Uint8Array.of(2, 9, 0), 4))).toBe(
      "RLE repeat run is cut off at the end of the data",
    );
    expect(result(rleExpand(Uint8Array.of(2, 9), 4))).toBe("RLE data expands to 3 bytes, the chunk needs 4");
    // undoRle then undoes the predictor: deltas of +1 from 10
    expect(result(undoRle(Uint8Array.of(0xfc, 10, 129, 129, 129), 4))).toEqual([10, 12, 11, 13]);
    expect(result(undoRle(Uint8Array.of(2, 9), 4))).toBe("RLE data expands to 3 bytes, the chunk needs 4");
  });

  it("zip: exactly the unpacked size, or why not", () => {
    expect(result(undoZip(deflate([10, 129, 129, 129]), 4, zlibInflate))).toEqual([10, 12, 11, 13]);
    expect(result(undoZip(deflate([1, 2, 3]), 4, zlibInflate))).toBe(
      "zip data inflates to 3 bytes, the chunk needs 4",
    );
    // one byte of room past the size: 5 bytes are "too long", 6 pass the bound
    expect(result(undoZip(deflate([1, 2, 3, 4, 5]), 4, zlibInflate))).toBe(
      "zip data inflates to 5 bytes, the chunk needs 4",
    );
    expect(result(undoZip(deflate([1, 2, 3, 4, 5, 6]), 4, zlibInflate))).toMatch(
      /^zip data does not inflate: /,
    );
    expect(result(inflateExactly(deflate([1, 2, 3, 4, 5]), 4, () => Uint8Array.of(1, 2, 3, 4, 5), "x"))).toBe(
      "x data inflates to 5 bytes, the chunk needs 4",
    );
    const asked: number[] = [];
    inflateExactly(
      deflate([1]),
      1,
      (_c, max) => {
        asked.push(max);
        return Uint8Array.of(1);
      },
      "x",
    );
    expect(asked).toEqual([2]);
    expect(
      result(
        inflateExactly(
          new Uint8Array(0),
          1,
          () => {
            throw new Error("boom");
          },
          "y",
        ),
      ),
    ).toBe("y data does not inflate: boom");
    expect(
      result(
        inflateExactly(
          new Uint8Array(0),
          1,
          () => {
            throw "plain";
          },
          "y",
        ),
      ),
    ).toBe("y data does not inflate: plain");
  });
});

describe("decompress", () => {
  const g = geometry([{ type: "half" }], 2, 2);

  it("the compressions it decodes", () => {
    expect([...DECODABLE_COMPRESSIONS]).toEqual([
      "none",
      "rle",
      "zips",
      "zip",
      "piz",
      "pxr24",
      "b44",
      "b44a",
      "dwaa",
      "dwab",
    ]);
    expect([...HTJ2K_COMPRESSIONS]).toEqual(["htj2k256", "htj2k32"]);
  });

  it("a block of exactly the unpacked size is raw, whatever the compression", () => {
    const raw = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    for (const c of ["none", "rle", "zip", "piz", "b44", "dwaa", "htj2k32", "nonsense"])
      expect(decompress(c, raw, g, undefined)).toBe(raw);
  });

  it("empty, larger or unknown blocks, and missing host decoders", () => {
    const f = (c: string, b: Uint8Array, inflate = zlibInflate) => result(decompress(c, b, g, inflate));
    expect(f("zip", new Uint8Array(0))).toBe("chunk stores no data; its pixels take 8 bytes");
    for (const c of ["none", "rle", "zips", "zip", "piz", "pxr24", "htj2k256"])
      expect(f(c, new Uint8Array(9)), c).toBe("chunk stores 9 bytes; its pixels take only 8 uncompressed");
    // B44 and DWA blocks may be larger than the pixels (OpenEXR decodes them)
    expect(f("b44", Uint8Array.from([0xbc, 0, 0xfc, 0, 0, 0, 0, 0, 0]))).toEqual(
      u16le([0x3c00, 0x3c00, 0x3c00, 0x3c00]),
    );
    expect(f("b44a", Uint8Array.from([0xbc, 0, 0xfc, 0, 0, 0, 0, 0, 0]))).toEqual(
      u16le([0x3c00, 0x3c00, 0x3c00, 0x3c00]),
    );
    expect(f("dwaa", new Uint8Array(9))).toBe("DWA data is shorter than its counters");
    expect(f("dwab", new Uint8Array(9))).toBe("DWA data is shorter than its counters");
    expect(f("none", new Uint8Array(7))).toBe("uncompressed chunk stores 7 bytes; its pixels take 8");
    expect(f("rle", Uint8Array.of(0xff, 1, 6, 128))).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    const wide = geometry([{ type: "half" }], 64, 1);
    const ones = deflate([1, ...new Array(127).fill(128)]);
    for (const c of ["zips", "zip"])
      expect(result(decompress(c, ones, wide, zlibInflate)), c).toEqual(new Array(128).fill(1));
    expect(f("piz", Uint8Array.of(1, 2, 3))).toBe("PIZ data is shorter than its range header");
    expect(f("pxr24", Uint8Array.of(1, 2, 3))).toMatch(/^pxr24 data does not inflate/);
    for (const c of ["zips", "zip", "pxr24", "dwaa", "dwab"])
      expect(result(decompress(c, Uint8Array.of(1), g, undefined)), c).toBe("no zlib inflate supplied");
    expect(f("htj2k32", Uint8Array.of(1))).toBe("no HTJ2K decoder supplied");
    expect(f("htj2k256", Uint8Array.of(1))).toBe("no HTJ2K decoder supplied");
    expect(f("lossy9", Uint8Array.of(1))).toBe("no decoder for lossy9 compression");
  });
});

describe("HTJ2K chunk headers", () => {
  const g = geometry(
    [
      { name: "B", type: "half" },
      { name: "G", type: "half" },
      { name: "R", type: "half" },
    ],
    2,
    1,
  );
  /**
   * "HT", payload size, channel count and map, then a codestream starting with SOC + SIZ of the given size, each
   * component sampled as `sampling` gives (1x1 when missing).
   */
  function chunk(
    map: number[],
    siz: { w: number; h: number; c: number } | null,
    extra: number[] = [],
    payload?: number,
    sampling: [number, number][] = [],
  ): Uint8Array {
    const body = [map.length >> 8, map.length & 0xff, ...map.flatMap((m) => [m >> 8, m & 0xff])];
    const size = payload ?? body.length;
    const cs: number[] = [];
    if (siz) {
      cs.push(0xff, 0x4f, 0xff, 0x51, 0, 38 + 3 * siz.c, 0, 0);
      const be32 = (v: number) => [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
      cs.push(
        ...be32(siz.w + 3),
        ...be32(siz.h + 5),
        ...be32(3),
        ...be32(5),
        ...new Array(16).fill(0),
        0,
        siz.c,
      );
      for (let c = 0; c < siz.c; c++) cs.push(15, ...(sampling[c] ?? [1, 1]));
    }
    return Uint8Array.from([
      0x48,
      0x54,
      size >>> 24,
      (size >> 16) & 0xff,
      (size >> 8) & 0xff,
      size & 0xff,
      ...body,
      ...cs,
      ...extra,
    ]);
  }
  const never = (): J2kImage => {
    throw new Error("not called");
  };
  const image =
    (over: Partial<J2kImage> = {}): (() => J2kImage) =>
    () => ({
      width: 2,
      height: 1,
      components: [
        { width: 2, height: 1 },
        { width: 2, height: 1 },
        { width: 2, height: 1 },
      ],
      // component after component: c0 (x0 x1), c1 (x0 x1), c2 (x0 x1)
      samples: Int32Array.from([1, 4, 2, 5, 3, 6]),
      ...over,
    });
  const siz = { w: 2, h: 1, c: 3 };

  it("components go to the channels the map names, line by line", () => {
    // component 0 is channel 2 (R), 1 is G, 2 is B
    expect(result(undoHtj2k(chunk([2, 1, 0], siz), g, image()))).toEqual([
      3, 0, 6, 0, 2, 0, 5, 0, 1, 0, 4, 0,
    ]);
    expect(result(undoHtj2k(chunk([0, 1, 2], siz), g, image()))).toEqual([
      1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6, 0,
    ]);
  });

  it("half samples are the low 16 bits, float and uint samples all 32 bits, little-endian", () => {
    const mixed = geometry(
      [
        { name: "A", type: "half" },
        { name: "Z", type: "float" },
        { name: "id", type: "uint" },
      ],
      1,
      1,
    );
    const one = { width: 1, height: 1 };
    const decode = () => ({
      width: 1,
      height: 1,
      components: [one, one, one],
      samples: Int32Array.from([0x7fff8001, 0x12343c00, -1]),
    });
    // component 0 is Z, 1 is A, 2 is id
    expect(result(undoHtj2k(chunk([1, 0, 2], { w: 1, h: 1, c: 3 }), mixed, decode))).toEqual([
      0x00, 0x3c, 0x01, 0x80, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff,
    ]);
  });

  it("subsampled channels: planar decode, each component to its own lines", () => {
    // Y at 2x2, C sampled 2x2 (one sample, on line 0); stored order C, Y: lines are C0 Y0 Y1.
    const sub: ChunkGeometry = {
      x0: 0,
      y0: 0,
      width: 2,
      height: 2,
      channels: [
        {
          name: "C",
          type: "half",
          bytes: 2,
          xSampling: 2,
          ySampling: 2,
          pLinear: false,
          width: 1,
          height: 1,
        },
        {
          name: "Y",
          type: "half",
          bytes: 2,
          xSampling: 1,
          ySampling: 1,
          pLinear: false,
          width: 2,
          height: 2,
        },
      ],
      unpackedBytes: 10,
    };
    const asked: boolean[] = [];
    const decode = (_cs: Uint8Array, planar: boolean) => {
      asked.push(planar);
      return {
        width: 2,
        height: 2,
        components: [
          { width: 2, height: 2 },
          { width: 1, height: 1 },
        ],
        samples: Int32Array.from([10, 11, 12, 13, 99]),
      };
    };
    const cs = chunk([1, 0], { w: 2, h: 2, c: 2 }, [], undefined, [
      [1, 1],
      [2, 2],
    ]);
    expect(result(undoHtj2k(cs, sub, decode))).toEqual([99, 0, 10, 0, 11, 0, 12, 0, 13, 0]);
    expect(asked).toEqual([true]);
    // The component's sampling must give its channel's size (OpenEXR's check before decoding).
    const wrong = chunk([1, 0], { w: 2, h: 2, c: 2 }, [], undefined, [
      [1, 1],
      [1, 2],
    ]);
    expect(result(undoHtj2k(wrong, sub, never))).toBe(
      "HTJ2K component 1 is sampled 1x2, which does not fit channel C",
    );
    const zero = chunk([1, 0], { w: 2, h: 2, c: 2 }, [], undefined, [
      [1, 1],
      [0, 2],
    ]);
    expect(result(undoHtj2k(zero, sub, never))).toBe(
      "HTJ2K component 1 is sampled 0x2, which does not fit channel C",
    );
    // Lines that do not add up to the chunk's unpacked size.
    expect(result(undoHtj2k(cs, { ...sub, unpackedBytes: 12 }, never))).toBe(
      "HTJ2K channels do not fill the chunk",
    );
  });

  it("damage: magic, sizes, the channel map, the codestream's markers and size", () => {
    const f = (b: Uint8Array, decode: () => J2kImage = never) => result(undoHtj2k(b, g, decode));
    expect(f(Uint8Array.of(0x48, 0x54, 0, 0, 0, 0, 0))).toBe(
      "HTJ2K chunk header does not start with its magic number",
    );
    expect(f(Uint8Array.of(0x48, 0x55, 0, 0, 0, 2, 0, 0))).toBe(
      "HTJ2K chunk header does not start with its magic number",
    );
    expect(f(Uint8Array.of(0x49, 0x54, 0, 0, 0, 2, 0, 0))).toBe(
      "HTJ2K chunk header does not start with its magic number",
    );
    expect(f(chunk([2, 1, 0], siz, [], 200))).toBe("HTJ2K chunk header is longer than the chunk");
    expect(f(Uint8Array.of(0x48, 0x54, 0, 0, 0, 2, 0, 3, 0, 0))).toBe("HTJ2K channel map is cut off");
    expect(f(chunk([1, 0], siz))).toBe("HTJ2K channel map names 2 channels, the part has 3");
    expect(f(chunk([0, 1, 3], siz))).toBe("HTJ2K channel map has an invalid channel index");
    expect(f(chunk([0, 1, 1], siz))).toBe("HTJ2K channel map has an invalid channel index");
    expect(f(chunk([2, 1, 0], null))).toBe("HTJ2K chunk has no codestream");
    expect(f(chunk([2, 1, 0], null, new Array(41).fill(0xff)))).toBe(
      "HTJ2K codestream does not start with SOC and SIZ markers",
    );
    const badSoc = chunk([2, 1, 0], siz);
    badSoc[14 + 1] = 0x50;
    expect(f(badSoc)).toBe("HTJ2K codestream does not start with SOC and SIZ markers");
    const badSiz = chunk([2, 1, 0], siz);
    badSiz[14 + 3] = 0x52;
    expect(f(badSiz)).toBe("HTJ2K codestream does not start with SOC and SIZ markers");
    // the SIZ marker cut inside its per-component bytes
    expect(f(chunk([2, 1, 0], siz).subarray(0, 14 + 42 + 8))).toBe(
      "HTJ2K codestream does not start with SOC and SIZ markers",
    );
    for (const s of [
      { w: 3, h: 1, c: 3 },
      { w: 2, h: 2, c: 3 },
      { w: 2, h: 1, c: 4 },
    ])
      expect(f(chunk([2, 1, 0], s))).toBe(
        `HTJ2K codestream is ${s.w}x${s.h} with ${s.c} components; the chunk is 2x1 with 3 channels`,
      );
  });

  it("the host decoder's answer: refused, another size, too few samples", () => {
    const f = (decode: () => J2kImage) => result(undoHtj2k(chunk([2, 1, 0], siz), g, decode));
    expect(
      f(() => {
        throw new Error("bad marker");
      }),
    ).toBe("HTJ2K codestream does not decode: bad marker");
    expect(
      f(() => {
        throw 3;
      }),
    ).toBe("HTJ2K codestream does not decode: 3");
    const two = { width: 2, height: 1 };
    for (const over of [
      { width: 3 },
      { height: 2 },
      { components: [two] },
      { components: [two, two, { width: 1, height: 1 }] },
      { components: [two, { width: 2, height: 2 }, two] },
    ])
      expect(f(image(over)), JSON.stringify(over)).toBe(
        "HTJ2K codestream decodes to another size than the chunk",
      );
    expect(f(image({ samples: new Int32Array(5) }))).toBe(
      "HTJ2K decoder returned fewer samples than the chunk holds",
    );
    const asked: unknown[] = [];
    undoHtj2k(chunk([2, 1, 0], siz), g, (_cs, planar, maxSamples, maxComponents) => {
      asked.push(planar, maxSamples, maxComponents);
      return image()();
    });
    expect(asked).toEqual([false, 6, 3]);
    // a float channel in the geometry: the lines do not add up to the chunk's unpacked size
    const withFloat = { ...g, unpackedBytes: g.unpackedBytes + 4 };
    expect(result(undoHtj2k(chunk([2, 1, 0], siz), withFloat, image()))).toBe(
      "HTJ2K channels do not fill the chunk",
    );
  });
});
