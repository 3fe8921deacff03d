import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { undoDwa } from "../../../src/core/codecs/dwa.js";
import { dwaToLinearTable } from "../../../src/core/codecs/dwa-tables.js";
import { floatToHalf } from "../../../src/core/codecs/half.js";
import type { ChunkGeometry, CodecChannel, SampleType } from "../../../src/core/codecs/types.js";
import { zlibInflate } from "../../../src/inspect/options.js";

/**
 * DWA blocks made by hand (the layout of OpenEXRCore's DwaCompressor: eleven u64 counters, the version-2 channel
 * rules, then the unknown, AC, DC and RLE sections): each section lands where its channels' lines are, and each
 * counter or section that does not fit is its own failure (mutation testing, issue 20). Lossy decoding itself is
 * checked bit for bit against the official bindings in official-codecs.test.ts.
 */

const VERSION = 0;
const UNKNOWN_UNCOMPRESSED = 1;
const UNKNOWN_COMPRESSED = 2;
const AC_COMPRESSED = 3;
const DC_COMPRESSED = 4;
const RLE_COMPRESSED = 5;
const RLE_UNCOMPRESSED = 6;
const RLE_RAW = 7;
const AC_COUNT = 8;
const DC_COUNT = 9;
const AC_COMPRESSION = 10;

interface Spec {
  name: string;
  type: SampleType;
  pLinear?: boolean;
  ySampling?: number;
}

function geometry(specs: Spec[], width: number, height: number, y0 = 0): ChunkGeometry {
  const channels: CodecChannel[] = specs.map((s) => {
    const ys = s.ySampling ?? 1;
    let lines = 0;
    for (let y = y0; y < y0 + height; y++) if (y % ys === 0) lines++;
    return {
      name: s.name,
      type: s.type,
      bytes: s.type === "half" ? 2 : 4,
      xSampling: 1,
      ySampling: ys,
      pLinear: s.pLinear ?? false,
      width,
      height: lines,
    };
  });
  const unpackedBytes = channels.reduce((n, c) => n + c.width * c.height * c.bytes, 0);
  return { x0: 0, y0, width, height, channels, unpackedBytes };
}

interface Block {
  rules?: Uint8Array;
  unknown?: Uint8Array;
  ac?: Uint8Array;
  dc?: Uint8Array;
  rle?: Uint8Array;
  /** Counter values (the section sizes default to the sections given). */
  counters?: Partial<Record<number, number>>;
  /** Counters written with a high word past 2^53. */
  huge?: number[];
}

function block(b: Block): Uint8Array {
  const sections = [b.rules, b.unknown, b.ac, b.dc, b.rle].map((s) => s ?? new Uint8Array(0));
  const c = new Array<number>(11).fill(0);
  c[VERSION] = b.rules ? 2 : 1;
  c[UNKNOWN_COMPRESSED] = sections[1]!.length;
  c[AC_COMPRESSED] = sections[2]!.length;
  c[DC_COMPRESSED] = sections[3]!.length;
  c[RLE_COMPRESSED] = sections[4]!.length;
  for (const [k, v] of Object.entries(b.counters ?? {})) c[Number(k)] = v!;
  const head = new Uint8Array(88);
  const dv = new DataView(head.buffer);
  c.forEach((v, k) => {
    dv.setUint32(8 * k, v % 2 ** 32, true);
    dv.setUint32(8 * k + 4, Math.floor(v / 2 ** 32), true);
  });
  for (const k of b.huge ?? []) dv.setUint32(8 * k + 4, 0x200000, true);
  const out = new Uint8Array(88 + sections.reduce((n, s) => n + s.length, 0));
  out.set(head);
  let at = 88;
  for (const s of sections) {
    out.set(s, at);
    at += s.length;
  }
  return out;
}

const deflate = (b: Uint8Array) => new Uint8Array(deflateSync(b));

/** The ZIP predictor's inverse (what OpenEXR does before deflating the DC coefficients). */
function predict(raw: Uint8Array): Uint8Array {
  const n = raw.length;
  const t = new Uint8Array(n);
  for (let i = 0; i < n; i++) t[(i & 1) === 0 ? i >> 1 : ((n + 1) >> 1) + (i >> 1)] = raw[i]!;
  const out = new Uint8Array(n);
  out[0] = t[0] ?? 0;
  for (let i = 1; i < n; i++) out[i] = (t[i]! - t[i - 1]! + 384) & 0xff;
  return out;
}

const u16le = (vs: number[]) => new Uint8Array(new Uint16Array(vs).buffer);

/** Literal runs only (internal_rle_compress's output for data without repeats), at most 127 bytes each. */
function rleLiterals(raw: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < raw.length; i += 127) {
    const run = raw.subarray(i, i + 127);
    out.push(256 - run.length, ...run);
  }
  return new Uint8Array(out);
}

/** Version-2 channel rules: suffix, packed (csc + 1) << 4 | scheme << 2 | case-insensitive, pixel type. */
function rules(list: [string, number, number][]): Uint8Array {
  const body: number[] = [];
  for (const [suffix, value, type] of list) body.push(...new TextEncoder().encode(suffix), 0, value, type);
  const size = body.length + 2;
  return new Uint8Array([size & 0xff, size >> 8, ...body]);
}

const decode = (g: ChunkGeometry, src: Uint8Array) => {
  const r = undoDwa(src, g, zlibInflate);
  return r instanceof Uint8Array ? r : r.failure;
};

/** Lines of the unpacked block: per line, each channel's samples (its `bytes` per sample). */
function lines(g: ChunkGeometry, sample: (c: number, x: number, line: number) => number[]): Uint8Array {
  const out: number[] = [];
  const seen = g.channels.map(() => 0);
  for (let y = g.y0; y < g.y0 + g.height; y++)
    g.channels.forEach((c, i) => {
      if (y % c.ySampling !== 0) return;
      for (let x = 0; x < c.width; x++) out.push(...sample(i, x, seen[i]!));
      seen[i]!++;
    });
  return new Uint8Array(out);
}

const bytesOf = (v: number, n: number) => Array.from({ length: n }, (_, k) => (v >>> (8 * k)) & 0xff);

describe("DWA blocks made by hand", () => {
  it("unknown channels: their planar data lands on their lines, subsampled ones included", () => {
    const g = geometry(
      [
        { name: "Z", type: "float" },
        { name: "id", type: "uint" },
        { name: "depth", type: "half", ySampling: 2 },
      ],
      3,
      4,
      1,
    );
    const value = (c: number, x: number, line: number) => 1000 * c + 10 * line + x + 1;
    // planar: every line of channel 0, then of channel 1, then of channel 2
    const planar: number[] = [];
    g.channels.forEach((c, i) => {
      for (let line = 0; line < c.height; line++)
        for (let x = 0; x < c.width; x++) planar.push(...bytesOf(value(i, x, line), c.bytes));
    });
    const raw = new Uint8Array(planar);
    expect(raw.length).toBe(g.unpackedBytes);
    const want = lines(g, (c, x, line) => bytesOf(value(c, x, line), g.channels[c]!.bytes));
    const src = block({ unknown: deflate(raw), counters: { [UNKNOWN_UNCOMPRESSED]: raw.length } });
    expect(decode(g, src)).toEqual(want);
    // version 2 with rules that match none of them, and an empty rule table
    const v2 = block({
      rules: rules([["q", (0 << 4) | (1 << 2), 1]]),
      unknown: deflate(raw),
      counters: { [UNKNOWN_UNCOMPRESSED]: raw.length },
    });
    expect(decode(g, v2)).toEqual(want);
    expect(
      decode(
        g,
        block({
          rules: new Uint8Array([2, 0]),
          unknown: deflate(raw),
          counters: { [UNKNOWN_UNCOMPRESSED]: raw.length },
        }),
      ),
    ).toEqual(want);
    // the unknown section may inflate longer than its channels need; only their bytes are read
    const longer = new Uint8Array([...raw, 7, 7, 7, 7]);
    expect(
      decode(g, block({ unknown: deflate(longer), counters: { [UNKNOWN_UNCOMPRESSED]: longer.length } })),
    ).toBe("DWA sections are larger than the chunk's pixels");
  });

  it("RLE channels: byte planes per channel (all low bytes, then all high bytes)", () => {
    const g = geometry(
      [
        { name: "A", type: "half" },
        { name: "x.a", type: "float" },
      ],
      5,
      3,
    );
    const value = (c: number, x: number, line: number) =>
      c === 0 ? 0x1234 + 0x101 * (line * 5 + x) : 0x0a0b0c0d + line * 0x01010101 + x;
    const planes: number[] = [];
    g.channels.forEach((c, i) => {
      for (let byte = 0; byte < c.bytes; byte++)
        for (let line = 0; line < c.height; line++)
          for (let x = 0; x < c.width; x++) planes.push(bytesOf(value(i, x, line), c.bytes)[byte]!);
    });
    const raw = new Uint8Array(planes);
    const packed = rleLiterals(raw);
    const src = block({
      rle: deflate(packed),
      counters: { [RLE_UNCOMPRESSED]: packed.length, [RLE_RAW]: raw.length },
    });
    expect(decode(g, src)).toEqual(
      lines(g, (c, x, line) => bytesOf(value(c, x, line), g.channels[c]!.bytes)),
    );
    // the section's sizes against what the channels can hold (two bytes of room per sample byte)
    const tooBig = (counters: Partial<Record<number, number>>) =>
      decode(
        g,
        block({
          rle: deflate(packed),
          counters: { [RLE_UNCOMPRESSED]: packed.length, [RLE_RAW]: raw.length, ...counters },
        }),
      );
    expect(tooBig({ [RLE_UNCOMPRESSED]: 2 * raw.length + 1 })).toBe(
      "DWA RLE section is larger than its channels can hold",
    );
    expect(tooBig({ [RLE_UNCOMPRESSED]: 2 * raw.length })).toBe(
      `DWA RLE data inflates to ${packed.length} bytes, the chunk needs ${2 * raw.length}`,
    );
    expect(tooBig({ [RLE_UNCOMPRESSED]: packed.length - 1 })).toBe(
      `DWA RLE data inflates to ${packed.length} bytes, the chunk needs ${packed.length - 1}`,
    );
    expect(tooBig({ [RLE_RAW]: raw.length + 1 })).toBe("DWA sections are larger than the chunk's pixels");
    expect(tooBig({ [RLE_RAW]: raw.length - 1 })).toBe("DWA RLE section does not match the channels");
    // the RLE data itself damaged: a literal run past its end
    const cut = packed.slice(0, packed.length - 1);
    expect(
      decode(
        g,
        block({ rle: deflate(cut), counters: { [RLE_UNCOMPRESSED]: cut.length, [RLE_RAW]: raw.length } }),
      ),
    ).toBe("RLE literal run of 90 bytes passes the end of the data");
    expect(
      decode(
        g,
        block({
          rle: new Uint8Array([1, 2, 3]),
          counters: { [RLE_UNCOMPRESSED]: packed.length, [RLE_RAW]: raw.length },
        }),
      ),
    ).toMatch(/^DWA RLE data does not inflate: /);
  });

  it("a lossy channel of DC coefficients only: one value per 8x8 block, pLinear kept as half", () => {
    // 10 x 9 samples: 2 x 2 blocks, the last ones partial
    const g = geometry([{ name: "Y", type: "half", pLinear: true }], 10, 9);
    const dcs = [0x4800, 0x4400, 0x5000, 0x4c00]; // 8, 4, 32, 16: the block's samples are a DC of 8 divided by 8
    const ac = u16le(new Array(4).fill(0xff00)); // each block: a run of zeros to the end
    const src = block({
      ac: deflate(ac),
      dc: deflate(predict(u16le(dcs))),
      counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 4, [DC_COUNT]: 4 },
    });
    const want = lines(g, (_c, x, line) => {
      const b = (line >= 8 ? 2 : 0) + (x >= 8 ? 1 : 0);
      return bytesOf([0x3c00, 0x3800, 0x4400, 0x4000][b]!, 2);
    });
    expect(decode(g, src)).toEqual(want);
    // AC values run out before the last block's 63 coefficients
    const short = block({
      ac: deflate(u16le([0xff00, 0xff00, 0xff00])),
      dc: deflate(predict(u16le(dcs))),
      counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 3, [DC_COUNT]: 4 },
    });
    expect(decode(g, short)).toBe("DWA AC coefficients run out");
    const fewDc = block({
      ac: deflate(ac),
      dc: deflate(predict(u16le(dcs.slice(0, 3)))),
      counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 4, [DC_COUNT]: 3 },
    });
    expect(decode(g, fewDc)).toBe("DWA DC coefficients run out");
    // counts past what 4 blocks of one lossy channel hold: 4 x 63 AC, 4 DC
    const counts = (acCount: number, dcCount: number) =>
      decode(
        g,
        block({
          ac: deflate(u16le(new Array(acCount).fill(0xff00))),
          dc: deflate(predict(u16le(new Array(dcCount).fill(0x4800)))),
          counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: acCount, [DC_COUNT]: dcCount },
        }),
      );
    expect(counts(252, 4)).toEqual(lines(g, () => bytesOf(0x3c00, 2)));
    expect(counts(253, 4)).toBe("DWA claims 253 AC coefficients; the chunk holds at most 252");
    expect(counts(4, 5)).toBe("DWA claims 5 DC coefficients; the chunk holds at most 4");
    // a DC section that inflates short, and DC counted with no section
    expect(
      decode(
        g,
        block({
          ac: deflate(ac),
          dc: deflate(predict(u16le(dcs.slice(0, 3)))),
          counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 4, [DC_COUNT]: 4 },
        }),
      ),
    ).toBe("DWA DC data inflates to 6 bytes, the chunk needs 8");
    expect(
      decode(g, block({ ac: deflate(ac), counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 4, [DC_COUNT]: 4 } })),
    ).toBe("DWA DC count without DC data");
    // AC compressions: deflate of the wrong size, an unknown one, Huffman's own failure, none stored at all
    expect(
      decode(
        g,
        block({
          ac: deflate(ac),
          dc: deflate(predict(u16le(dcs))),
          counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 5, [DC_COUNT]: 4 },
        }),
      ),
    ).toBe("DWA AC data inflates to 8 bytes, the chunk needs 10");
    expect(
      decode(
        g,
        block({
          ac: deflate(ac),
          dc: deflate(predict(u16le(dcs))),
          counters: { [AC_COMPRESSION]: 2, [AC_COUNT]: 4, [DC_COUNT]: 4 },
        }),
      ),
    ).toBe("DWA AC compression 2 is unknown");
    expect(
      decode(
        g,
        block({
          ac: new Uint8Array(3),
          dc: deflate(predict(u16le(dcs))),
          counters: { [AC_COMPRESSION]: 0, [AC_COUNT]: 4, [DC_COUNT]: 4 },
        }),
      ),
    ).toBe("Huffman header is cut off");
    // no AC section: OpenEXR reads its zeroed buffer, and a zero AC value is a coefficient, not a run
    expect(
      decode(g, block({ dc: deflate(predict(u16le(dcs))), counters: { [AC_COUNT]: 252, [DC_COUNT]: 4 } })),
    ).toEqual(
      lines(g, (_c, x, line) =>
        bytesOf([0x3c00, 0x3800, 0x4400, 0x4000][(line >= 8 ? 2 : 0) + (x >= 8 ? 1 : 0)]!, 2),
      ),
    );
  });

  it("a lossy channel that is not pLinear goes through the nonlinear-to-linear table", () => {
    const g = geometry([{ name: "Y", type: "half" }], 8, 8);
    // DC 4.0: the block's samples are 0.5 before the table
    const src = block({
      ac: deflate(u16le([0xff00])),
      dc: deflate(predict(u16le([0x4400]))),
      counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 1, [DC_COUNT]: 1 },
    });
    expect(decode(g, src)).toEqual(lines(g, () => bytesOf(dwaToLinearTable()[0x3800]!, 2)));
    expect(dwaToLinearTable()[0x3800]).toBe(floatToHalf(Math.fround(0.5 ** Math.fround(2.2))));
  });

  it("an R'G'B' triple decodes through Y'CbCr; a triple the rules make RLE is refused", () => {
    const g = geometry(
      [
        { name: "B", type: "half", pLinear: true },
        { name: "G", type: "half", pLinear: true },
        { name: "R", type: "half", pLinear: true },
      ],
      8,
      8,
    );
    // stored order B, G, R; the triple is decoded as R (Y'), G (Cb), B (Cr) in DC order: Y' = 8 (1 after the DCT),
    // Cb = Cr = 0: every channel 1.0
    const dc = u16le([0x4800, 0, 0]);
    const src = block({
      ac: deflate(u16le([0xff00, 0xff00, 0xff00])),
      dc: deflate(predict(dc)),
      counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 3, [DC_COUNT]: 3 },
    });
    expect(decode(g, src)).toEqual(lines(g, () => bytesOf(0x3c00, 2)));
    // the triple's AC values run out at its third channel
    const short = block({
      ac: deflate(u16le([0xff00, 0xff00])),
      dc: deflate(predict(dc)),
      counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 2, [DC_COUNT]: 3 },
    });
    expect(decode(g, short)).toBe("DWA AC coefficients run out");
    const asRle = rules([
      ["R", (1 << 4) | (2 << 2), 1],
      ["G", (2 << 4) | (2 << 2), 1],
      ["B", (3 << 4) | (2 << 2), 1],
    ]);
    const planes = new Uint8Array(3 * 64 * 2);
    const packed = rleLiterals(planes);
    expect(
      decode(
        g,
        block({
          rules: asRle,
          rle: deflate(packed),
          counters: { [RLE_UNCOMPRESSED]: packed.length, [RLE_RAW]: planes.length },
        }),
      ),
    ).toBe("DWA colour triple is not all lossy channels");
  });
});

describe("damaged DWA blocks fail with their reason", () => {
  const g = geometry([{ name: "Z", type: "float" }], 4, 2);
  const raw = new Uint8Array(32).map((_, i) => i);
  const good = { unknown: deflate(raw), counters: { [UNKNOWN_UNCOMPRESSED]: 32 } };

  it("counters: cut off, sections past the end, larger than the pixels, out of range", () => {
    expect(decode(g, block(good))).toEqual(raw);
    expect(decode(g, new Uint8Array(87))).toBe("DWA data is shorter than its counters");
    const src = block(good);
    expect(decode(g, src.subarray(0, src.length - 1))).toBe("DWA sections pass the end of the chunk");
    // extra bytes after the sections are ignored
    expect(decode(g, new Uint8Array([...src, 0, 0]))).toEqual(raw);
    // the rules count toward the end too
    const withRules = block({ ...good, rules: rules([["q", 1 << 2, 1]]) });
    expect(decode(g, withRules)).toEqual(raw);
    expect(decode(g, withRules.subarray(0, withRules.length - 1))).toBe(
      "DWA sections pass the end of the chunk",
    );
    expect(decode(g, block({ ...good, counters: { [UNKNOWN_UNCOMPRESSED]: 33 } }))).toBe(
      "DWA sections are larger than the chunk's pixels",
    );
    expect(decode(g, block({ ...good, counters: { [UNKNOWN_UNCOMPRESSED]: 16, [RLE_RAW]: 17 } }))).toBe(
      "DWA sections are larger than the chunk's pixels",
    );
    for (const k of [RLE_UNCOMPRESSED, AC_COUNT, DC_COUNT])
      expect(decode(g, block({ ...good, huge: [k] })), `counter ${k}`).toBe("DWA counters are out of range");
    expect(decode(g, block({ ...good, huge: [UNKNOWN_UNCOMPRESSED] }))).toBe(
      "DWA sections are larger than the chunk's pixels",
    );
    expect(decode(g, block({ ...good, huge: [AC_COMPRESSED] }))).toBe(
      "DWA sections pass the end of the chunk",
    );
    // 2^53 - 1 is still a number: a count that large is refused later, by what the chunk holds
    expect(
      decode(g, block({ ...good, counters: { [UNKNOWN_UNCOMPRESSED]: 32, [AC_COUNT]: 2 ** 53 - 1 } })),
    ).toBe(`DWA claims ${2 ** 53 - 1} AC coefficients; the chunk holds at most 0`);
  });

  it("versions: rules only from version 2, nothing newer than 2", () => {
    const v = (version: number, withRules: boolean) =>
      decode(
        g,
        block({
          ...good,
          ...(withRules ? { rules: rules([["q", 1 << 2, 1]]) } : {}),
          counters: { ...good.counters, [VERSION]: version },
        }),
      );
    expect(v(0, false)).toEqual(raw);
    expect(v(2, true)).toEqual(raw);
    expect(v(3, true)).toBe("DWA version 3 is newer than any OpenEXR writes");
    // version 1 reads no rules: the rule bytes would be taken for the unknown section
    expect(v(1, true)).toMatch(/^DWA unknown-channel data does not inflate: /);
    // a damaged rule table
    expect(decode(g, block({ ...good, rules: new Uint8Array([1, 0]) }))).toBe(
      "DWA channel rules claim 1 bytes",
    );
  });

  it("sections that do not match the channels", () => {
    expect(decode(g, block({ ...good, counters: { [UNKNOWN_UNCOMPRESSED]: 31 } }))).toBe(
      "DWA unknown-channel section does not match the channels",
    );
    expect(decode(g, block({ counters: { [UNKNOWN_UNCOMPRESSED]: 32 } }))).toBe(
      "DWA unknown-channel section does not match the channels",
    );
    const lossy = geometry([{ name: "Y", type: "half" }], 8, 8);
    const noUnknown = (counters: Partial<Record<number, number>>, unknown?: Uint8Array) =>
      decode(
        lossy,
        block({
          ...(unknown ? { unknown } : {}),
          ac: deflate(u16le([0xff00])),
          dc: deflate(predict(u16le([0x4800]))),
          counters: { [AC_COMPRESSION]: 1, [AC_COUNT]: 1, [DC_COUNT]: 1, ...counters },
        }),
      );
    expect(noUnknown({})).toBeInstanceOf(Uint8Array);
    expect(noUnknown({ [UNKNOWN_UNCOMPRESSED]: 1 })).toBe(
      "DWA unknown-channel section does not match the channels",
    );
    expect(noUnknown({}, deflate(new Uint8Array(0)))).toBe(
      "DWA unknown-channel section does not match the channels",
    );
    expect(noUnknown({ [RLE_RAW]: 1 })).toBe("DWA RLE section does not match the channels");
    expect(noUnknown({ [RLE_UNCOMPRESSED]: 1 })).toBe("DWA RLE section does not match the channels");
    expect(noUnknown({ [RLE_COMPRESSED]: 1 })).toBe("DWA sections pass the end of the chunk");
    const rle = geometry([{ name: "A", type: "half" }], 2, 1);
    expect(decode(rle, block({ counters: { [RLE_RAW]: 4, [RLE_UNCOMPRESSED]: 5 } }))).toBe(
      "DWA RLE section does not match the channels",
    );
    // AC data for a chunk whose channels are all unknown
    expect(
      decode(
        g,
        block({ ...good, ac: deflate(u16le([0xff00])), counters: { ...good.counters, [AC_COMPRESSION]: 1 } }),
      ),
    ).toBe("DWA AC data for a chunk without lossy channels");
  });

  it("unknown sections that do not inflate, or inflate short", () => {
    expect(
      decode(g, block({ unknown: new Uint8Array([1, 2, 3]), counters: { [UNKNOWN_UNCOMPRESSED]: 32 } })),
    ).toMatch(/^DWA unknown-channel data does not inflate: /);
    expect(
      decode(g, block({ unknown: deflate(raw.subarray(0, 31)), counters: { [UNKNOWN_UNCOMPRESSED]: 32 } })),
    ).toBe("DWA unknown-channel data inflates short of its channels");
    // an inflate that throws something other than an Error
    const r = undoDwa(block(good), g, () => {
      throw "no zlib here";
    });
    expect(r).toEqual({ failure: "DWA unknown-channel data does not inflate: no zlib here" });
  });

  it("channel lines that do not fill the chunk", () => {
    const wrong = { ...g, unpackedBytes: 36 };
    expect(decode(wrong, block({ unknown: deflate(raw), counters: { [UNKNOWN_UNCOMPRESSED]: 32 } }))).toBe(
      "DWA channel rows do not fill the chunk",
    );
  });
});

describe("DWA's nonlinear-to-linear table", () => {
  it("x^2.2 up to 1, 9.025^(x - 1) above, sign kept, Inf and NaN to 0", () => {
    const t = dwaToLinearTable();
    expect(dwaToLinearTable()).toBe(t);
    const half = (v: number) => floatToHalf(Math.fround(v));
    const g = Math.fround(2.2);
    const base = Math.fround(9.02501329156);
    const at = (v: number) => t[floatToHalf(v)]!;
    expect(at(0)).toBe(0);
    expect(t[0x8000]).toBe(0);
    expect(at(1)).toBe(half(1));
    expect(at(0.5)).toBe(half(Math.fround(0.5 ** g)));
    expect(at(-0.5)).toBe(half(-Math.fround(0.5 ** g)));
    expect(at(0.25)).toBe(half(Math.fround(0.25 ** g)));
    expect(at(2)).toBe(half(Math.fround(base ** 1)));
    expect(at(1.5)).toBe(half(Math.fround(base ** 0.5)));
    expect(at(-3)).toBe(half(-Math.fround(base ** 2)));
    expect(at(8)).toBe(0x7c00); // 9.025^7 overflows half
    expect([t[0x7c00], t[0xfc00], t[0x7e00], t[0xfe01]]).toEqual([0, 0, 0, 0]);
    expect(at(2 ** -24)).toBe(half(Math.fround(2 ** -24) ** g));
  });
});
