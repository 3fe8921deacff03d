import { deflateSync } from "node:zlib";
import { beforeEach, describe, expect, it } from "vitest";
import { inspectBytes } from "../../../src/core/inspection-plan.js";
import type { ChunkFailure } from "../../../src/core/pixels/decode-chunk.js";
import { type DecodedDeepChunk, decodeDeepChunk } from "../../../src/core/pixels/decode-deep.js";
import { DeepStats } from "../../../src/core/pixels/deep-stats.js";
import { type PartLayout, partLayout } from "../../../src/core/pixels/part-layout.js";
import { PartStats } from "../../../src/core/pixels/part-stats.js";
import { type PartSpec, writeExr } from "../../../src/core/write/index.js";
import { zlibInflate } from "../../../src/inspect/options.js";

/**
 * Deep chunks from files the writer makes (raw blocks), re-packed with zlib and RLE, and damaged: samples per
 * pixel and per channel, each finding's code, text and location, and the deep statistics over them (mutation
 * testing, issue 20).
 */

interface Written {
  bytes: Uint8Array;
  layout: PartLayout;
  offsets: number[];
}

function written(spec: PartSpec): Written {
  const bytes = writeExr({ parts: [spec] });
  const layout = partLayout(inspectBytes(bytes), 0);
  if (typeof layout === "string") throw new Error(layout);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = layout.part.offset_table_offset!;
  const offsets = Array.from({ length: layout.chunkCount }, (_, i) =>
    Number(dv.getBigUint64(at + 8 * i, true)),
  );
  return { bytes, layout, offsets };
}

const X1 = 41;
const count = (x: number, y: number) => (x * 3 + y) % 4;
const XS = Array.from({ length: X1 - 1 }, (_, i) => i + 2);
/** Samples in lines y0..y1 (inclusive). */
const samplesIn = (y0: number, y1: number) => {
  let n = 0;
  for (let y = y0; y <= y1; y++) for (const x of XS) n += count(x, y);
  return n;
};
const zValue = (x: number, y: number, i: number) => 10 * y + x + i / 4;

function deep(compression: "none" | "zip" | "zips" | "rle"): PartSpec {
  return {
    type: "deepscanline",
    compression,
    dataWindow: { min: [2, 5], max: [X1, 7] },
    channels: [
      { name: "A", type: "half" },
      { name: "Z", type: "float" },
      { name: "ZBack", type: "float" },
      { name: "id", type: "uint" },
    ],
    sampleCount: count,
    sample: (c, x, y, i) =>
      c === "Z"
        ? zValue(x, y, i)
        : c === "ZBack"
          ? zValue(x, y, i) + 0.5
          : c === "A"
            ? 1
            : x * 100 + y * 10 + i,
  };
}

/** The chunk's raw parts (header fields, table, data) to rebuild it. */
function parts(w: Written, i: number) {
  const at = w.offsets[i]!;
  const dv = new DataView(w.bytes.buffer, w.bytes.byteOffset + at);
  const y = dv.getInt32(0, true);
  const tableBytes = Number(dv.getBigUint64(4, true));
  const packedBytes = Number(dv.getBigUint64(12, true));
  const unpacked = Number(dv.getBigUint64(20, true));
  const table = w.bytes.slice(at + 28, at + 28 + tableBytes);
  const data = w.bytes.slice(at + 28 + tableBytes, at + 28 + tableBytes + packedBytes);
  return { y, table, data, unpacked };
}

function chunk(y: number, table: Uint8Array, data: Uint8Array, unpacked: number, tail = 0): Uint8Array {
  const out = new Uint8Array(28 + table.length + data.length + tail);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, y, true);
  dv.setBigUint64(4, BigInt(table.length), true);
  dv.setBigUint64(12, BigInt(data.length), true);
  dv.setBigUint64(20, BigInt(unpacked), true);
  out.set(table, 28);
  out.set(data, 28 + table.length);
  return out;
}

/** OpenEXR's ZIP packing: halves interleaved, deltas, deflate. */
function zipPack(raw: Uint8Array): Uint8Array {
  const n = raw.length;
  const t = new Uint8Array(n);
  for (let i = 0; i < n; i++) t[(i & 1) === 0 ? i >> 1 : ((n + 1) >> 1) + (i >> 1)] = raw[i]!;
  const d = new Uint8Array(n);
  d[0] = t[0] ?? 0;
  for (let i = 1; i < n; i++) d[i] = (t[i]! - t[i - 1]! + 384) & 0xff;
  return new Uint8Array(deflateSync(d));
}

/** OpenEXR's RLE packing (internal_rle_compress after the predictor): runs of 3+ equal bytes, literals between. */
function rlePack(raw: Uint8Array): Uint8Array {
  const n = raw.length;
  const t = new Uint8Array(n);
  for (let i = 0; i < n; i++) t[(i & 1) === 0 ? i >> 1 : ((n + 1) >> 1) + (i >> 1)] = raw[i]!;
  const d = new Uint8Array(n);
  d[0] = t[0] ?? 0;
  for (let i = 1; i < n; i++) d[i] = (t[i]! - t[i - 1]! + 384) & 0xff;
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    let run = 1;
    while (i + run < n && run < 128 && d[i + run] === d[i]) run++;
    if (run >= 3) {
      out.push(run - 1, d[i]!);
      i += run;
      continue;
    }
    let lit = 0;
    while (i + lit < n && lit < 127 && !(d[i + lit] === d[i + lit + 1] && d[i + lit] === d[i + lit + 2]))
      lit++;
    if (lit === 0) lit = Math.min(n - i, 1);
    out.push(256 - lit, ...d.subarray(i, i + lit));
    i += lit;
  }
  return new Uint8Array(out);
}

function failure(r: DecodedDeepChunk | ChunkFailure) {
  if (!("findings" in r)) throw new Error("decoded");
  return r.findings.map((f) => [f.code, f.message, f.part_index, f.chunk_index, f.byte_offset]);
}

function decoded(r: DecodedDeepChunk | ChunkFailure): DecodedDeepChunk {
  if ("findings" in r) throw new Error(JSON.stringify(r.findings));
  return r;
}

const f32bits = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0]!;

function expectSamples(c: DecodedDeepChunk, y0: number, lines = 1) {
  const ys = Array.from({ length: lines }, (_, i) => y0 + i);
  expect([c.y0, c.height, c.x0, c.width]).toEqual([y0, lines, 2, XS.length]);
  expect([...c.counts]).toEqual(ys.flatMap((y) => XS.map((x) => count(x, y))));
  expect(c.totalSamples).toBe(samplesIn(y0, y0 + lines - 1));
  const per = (f: (x: number, y: number, i: number) => number) =>
    ys.flatMap((y) => XS.flatMap((x) => Array.from({ length: count(x, y) }, (_, i) => f(x, y, i))));
  expect(c.channels.map((ch) => [ch.name, ch.type])).toEqual([
    ["A", "half"],
    ["Z", "float"],
    ["ZBack", "float"],
    ["id", "uint"],
  ]);
  expect([...c.channels[0]!.data]).toEqual(per(() => 0x3c00));
  expect([...c.channels[1]!.data]).toEqual(per((x, y, i) => f32bits(zValue(x, y, i))));
  expect([...c.channels[2]!.data]).toEqual(per((x, y, i) => f32bits(zValue(x, y, i) + 0.5)));
  expect([...c.channels[3]!.data]).toEqual(per((x, y, i) => x * 100 + y * 10 + i));
}

let raw: Written;
let zip: Written;
let rle: Written;
let none: Written;

// before each test, not once: code run in beforeAll counts as static for Stryker (every mutant it reaches re-runs all tests)
beforeEach(() => {
  raw = written(deep("zips"));
  zip = written(deep("zip"));
  rle = written(deep("rle"));
  none = written(deep("none"));
});

describe("decodeDeepChunk", () => {
  it("raw blocks (stored size = unpacked size) decode to each pixel's samples, channel by channel", () => {
    for (let i = 0; i < 3; i++) {
      const c = decoded(
        decodeDeepChunk(raw.layout, i, raw.bytes.subarray(raw.offsets[i]!), raw.offsets[i]!, zlibInflate),
      );
      expectSamples(c, 5 + i);
      expect([c.partIndex, c.chunkIndex, c.level, c.tile]).toEqual([0, i, [0, 0], null]);
    }
  });

  it("zip and rle packed tables and data decode to the same samples", () => {
    // zip: one chunk of 16 lines holds all 3; rle: one line per chunk
    for (const [w, pack, index, lines] of [
      [zip, zipPack, 0, 3],
      [rle, rlePack, 1, 1],
    ] as const) {
      const p = parts(w, index);
      const b = chunk(p.y, pack(p.table), pack(p.data), p.unpacked);
      expect(pack(p.table).length).toBeLessThan(p.table.length);
      expect(pack(p.data).length).toBeLessThan(p.data.length);
      expectSamples(decoded(decodeDeepChunk(w.layout, index, b, 77, zlibInflate)), 5 + index, lines);
    }
    const p = parts(zip, 0);
    const b = chunk(p.y, zipPack(p.table), zipPack(p.data), p.unpacked);
    expect(failure(decodeDeepChunk(zip.layout, 0, b, 77, undefined))).toEqual([
      ["EXR_CHUNK_CORRUPT", "deep chunk 0 sample-count table: no zlib inflate supplied", 0, 0, 77],
    ]);
    const rawTable = chunk(p.y, p.table, zipPack(p.data), p.unpacked);
    expect(failure(decodeDeepChunk(zip.layout, 0, rawTable, 77, undefined))).toEqual([
      ["EXR_CHUNK_CORRUPT", "deep chunk 0 sample data: no zlib inflate supplied", 0, 0, 77],
    ]);
  });

  it("chunks past the last one, headers cut off or disagreeing, data past the end", () => {
    expect(failure(decodeDeepChunk(raw.layout, 3, raw.bytes, 9, zlibInflate))).toEqual([
      ["EXR_CHUNK_HEADER_INVALID", "chunk 3 lies past the part's last chunk", 0, 3, 9],
    ]);
    const at = raw.offsets[0]!;
    expect(failure(decodeDeepChunk(raw.layout, 0, raw.bytes.subarray(at, at + 27), at, zlibInflate))).toEqual(
      [["EXR_CHUNK_TRUNCATED", "file ends inside the header of chunk 0", 0, 0, at]],
    );
    const p = parts(raw, 0);
    expect(
      failure(decodeDeepChunk(raw.layout, 0, chunk(6, p.table, p.data, p.unpacked), at, zlibInflate)),
    ).toEqual([["EXR_CHUNK_HEADER_INVALID", "chunk 0 starts at y=6, expected 5", 0, 0, at]]);
    const whole = chunk(p.y, p.table, p.data, p.unpacked);
    expect(decoded(decodeDeepChunk(raw.layout, 0, whole, at, zlibInflate)).totalSamples).toBe(
      samplesIn(5, 5),
    );
    expect(
      failure(decodeDeepChunk(raw.layout, 0, whole.subarray(0, whole.length - 1), at, zlibInflate)),
    ).toEqual([
      [
        "EXR_CHUNK_TRUNCATED",
        `deep chunk 0 needs ${whole.length} bytes; ${whole.length - 1} are there before the next chunk or the end of the file`,
        0,
        0,
        at,
      ],
    ]);
  });

  it("sample-count tables: wrong sizes, damaged packing, counts going down, totals that disagree", () => {
    const p = parts(raw, 0);
    const one = (w: Written, table: Uint8Array, data = p.data, unpacked = p.unpacked) =>
      failure(decodeDeepChunk(w.layout, 0, chunk(p.y, table, data, unpacked), 40, zlibInflate));
    const t = (m: string) => [["EXR_CHUNK_CORRUPT", `deep chunk 0 sample-count table: ${m}`, 0, 0, 40]];
    const size = 4 * XS.length;
    expect(p.table.length).toBe(size);
    expect(one(raw, new Uint8Array(0))).toEqual(t(`stores 0 bytes for ${size} unpacked bytes`));
    expect(one(raw, new Uint8Array(size + 1))).toEqual(
      t(`stores ${size + 1} bytes for ${size} unpacked bytes`),
    );
    expect(one(none, new Uint8Array(size - 1))).toEqual(
      t(`none data of ${size - 1} bytes for ${size} unpacked bytes`),
    );
    expect(one(rle, Uint8Array.of(3, 1))).toEqual(t(`RLE data expands to 4 bytes, the chunk needs ${size}`));
    // pixels (2, 5), (3, 5), (4, 5) hold 3, 2, 1 samples: cumulative 3, 5, 6
    expect([count(2, 5), count(3, 5), count(4, 5)]).toEqual([3, 2, 1]);
    const down = p.table.slice();
    new DataView(down.buffer).setInt32(8, 4, true);
    expect(one(raw, down)).toEqual([
      [
        "EXR_DEEP_SAMPLE_COUNTS_INVALID",
        "deep chunk 0: cumulative sample count 4 at pixel (4, 5) is below 5",
        0,
        0,
        40,
      ],
    ]);
    // equal to the previous one is a pixel without samples (its sample moves to the next pixel with a count)
    expect(count(5, 5)).toBe(0);
    const level = p.table.slice();
    new DataView(level.buffer).setInt32(8, 5, true);
    const moved = decoded(
      decodeDeepChunk(raw.layout, 0, chunk(p.y, level, p.data, p.unpacked), 40, zlibInflate),
    );
    expect([...moved.counts.subarray(0, 4)]).toEqual([3, 2, 0, 1]);
    // the total against the unpacked size: samples of 2 + 4 + 4 + 4 bytes
    const n = samplesIn(5, 5);
    expect(p.unpacked).toBe(n * 14);
    expect(one(raw, p.table, p.data, p.unpacked + 1)).toEqual([
      [
        "EXR_DEEP_SAMPLE_COUNTS_INVALID",
        `deep chunk 0: ${n} samples of 14 bytes need ${n * 14} bytes; the chunk says ${n * 14 + 1}`,
        0,
        0,
        40,
      ],
    ]);
    const huge = new Uint8Array(size);
    new DataView(huge.buffer).setInt32(size - 4, 0x7fffffff, true);
    expect(one(raw, huge, p.data, 0x7fffffff * 14)[0]![1]).toBe(
      `deep chunk 0: 2147483647 samples of 14 bytes need ${0x7fffffff * 14} bytes; the chunk says ${0x7fffffff * 14}`,
    );
    const justBelow = new Uint8Array(size);
    new DataView(justBelow.buffer).setInt32(size - 4, 0x7ffffffe, true);
    // one sample fewer passes the count check (and fails on its data, which is not zlib)
    expect(one(raw, justBelow, p.data, 0x7ffffffe * 14)[0]![1]).toMatch(
      /^deep chunk 0 sample data: zip data /,
    );
    const z = parts(zip, 0);
    expect(
      failure(
        decodeDeepChunk(zip.layout, 0, chunk(z.y, new Uint8Array(19), z.data, z.unpacked), 40, zlibInflate),
      )[0]![1],
    ).toMatch(/^deep chunk 0 sample-count table: zip data does not inflate: /);
  });

  it("a count going down on a chunk's second line names that line's pixel", () => {
    const z = parts(zip, 0);
    const table = z.table.slice(); // the writer stores deep blocks raw: 3 lines of cumulative counts
    expect(table.length).toBe(4 * XS.length * 3);
    const dv = new DataView(table.buffer, table.byteOffset);
    const at = XS.length + 2; // pixel (4, 6); (3, 6) holds 3 samples after an empty (2, 6)
    expect([count(2, 6), count(3, 6)]).toEqual([0, 3]);
    dv.setInt32(4 * at, 2, true);
    expect(
      failure(decodeDeepChunk(zip.layout, 0, chunk(z.y, table, z.data, z.unpacked), 40, zlibInflate)),
    ).toEqual([
      [
        "EXR_DEEP_SAMPLE_COUNTS_INVALID",
        "deep chunk 0: cumulative sample count 2 at pixel (4, 6) is below 3",
        0,
        0,
        40,
      ],
    ]);
  });

  it("sample data: nothing where none is expected, packed data that does not unpack", () => {
    const p = parts(raw, 0);
    const zeros = new Uint8Array(4 * XS.length);
    expect(
      failure(decodeDeepChunk(raw.layout, 0, chunk(p.y, zeros, new Uint8Array(3), 0), 40, zlibInflate)),
    ).toEqual([
      ["EXR_CHUNK_CORRUPT", "deep chunk 0 sample data: stores 3 bytes where none are expected", 0, 0, 40],
    ]);
    const empty = decoded(
      decodeDeepChunk(raw.layout, 0, chunk(p.y, zeros, new Uint8Array(0), 0), 40, zlibInflate),
    );
    expect([empty.totalSamples, [...empty.counts], empty.channels.map((c) => c.data.length)]).toEqual([
      0,
      XS.map(() => 0),
      [0, 0, 0, 0],
    ]);
    expect(
      failure(
        decodeDeepChunk(
          zip.layout,
          0,
          chunk(
            parts(zip, 0).y,
            parts(zip, 0).table,
            parts(zip, 0).data.subarray(0, 50),
            parts(zip, 0).unpacked,
          ),
          40,
          zlibInflate,
        ),
      )[0]![1],
    ).toMatch(/^deep chunk 0 sample data: zip data does not inflate: /);
  });
});

describe("deep statistics", () => {
  it("DeepStats: totals, the samples-per-pixel histogram, the nearest Z and farthest ZBack with where they are", () => {
    const s = new DeepStats(["A", "Z", "ZBack", "id"]);
    for (let i = 0; i < 3; i++)
      s.add(
        decoded(
          decodeDeepChunk(raw.layout, i, raw.bytes.subarray(raw.offsets[i]!), raw.offsets[i]!, zlibInflate),
        ),
      );
    const counts: number[] = [];
    for (let y = 5; y <= 7; y++) for (const x of XS) counts.push(count(x, y));
    // the first nearest and the first farthest sample in pixel order (later equal values do not replace them)
    type Extreme = { value: number; x: number; y: number; sample: number; level: [number, number] };
    let min = null as Extreme | null;
    let max = null as Extreme | null;
    for (let y = 5; y <= 7; y++)
      for (const x of XS)
        for (let i = 0; i < count(x, y); i++) {
          if (!min || zValue(x, y, i) < min.value)
            min = { value: zValue(x, y, i), x, y, sample: i, level: [0, 0] };
          if (!max || zValue(x, y, i) + 0.5 > max.value)
            max = { value: zValue(x, y, i) + 0.5, x, y, sample: i, level: [0, 0] };
        }
    const histogram: Record<string, number> = {};
    for (const n of [...new Set(counts)].sort()) histogram[String(n)] = counts.filter((c) => c === n).length;
    // nearest: the smallest 10y + x + i/4 over pixels with samples; farthest: the largest, plus 0.5
    expect(s.record()).toEqual({
      total_samples: counts.reduce((a, b) => a + b, 0),
      samples_histogram: histogram,
      pixels_with_samples: counts.filter((c) => c > 0).length,
      pixels_without_samples: counts.filter((c) => c === 0).length,
      min_depth: min,
      max_depth: max,
    });
    expect(Object.keys(s.record().samples_histogram)).toEqual(["0", "1", "2", "3"]);
  });

  it("DeepStats: Z only (its own farthest), half Z, no Z, NaN and Inf skipped", () => {
    const chunk = (
      z: Uint16Array | Uint32Array,
      type: "half" | "float",
      counts: number[],
    ): DecodedDeepChunk => ({
      partIndex: 0,
      chunkIndex: 0,
      level: [1, 2],
      tile: [0, 0],
      x0: 10,
      y0: 20,
      width: 2,
      height: 2,
      counts: Uint32Array.from(counts),
      totalSamples: z.length,
      channels: [{ name: "Z", type, data: z }],
    });
    const s = new DeepStats(["Z"]);
    // pixels (10,20): 2 samples, (11,20): 0, (10,21): 1, (11,21): 2
    s.add(
      chunk(
        Uint32Array.of(f32bits(5), 0x7fc00000, f32bits(-3), 0xff800000, f32bits(9)),
        "float",
        [2, 0, 1, 2],
      ),
    );
    expect(s.record().min_depth).toEqual({ value: -3, x: 10, y: 21, sample: 0, level: [1, 2] });
    expect(s.record().max_depth).toEqual({ value: 9, x: 11, y: 21, sample: 1, level: [1, 2] });
    // equal values later do not move the extremes
    s.add(chunk(Uint32Array.of(f32bits(-3), f32bits(9)), "float", [1, 0, 0, 1]));
    expect(s.record().min_depth!.y).toBe(21);
    expect(s.record().max_depth!.x).toBe(11);
    expect(s.record().samples_histogram).toEqual({ "0": 3, "1": 3, "2": 2 });
    const h = new DeepStats(["Z"]);
    h.add(chunk(Uint16Array.of(0x4000, 0x7c00, 0x3c00), "half", [1, 1, 1, 0]));
    expect([h.record().min_depth!.value, h.record().max_depth!.value]).toEqual([1, 2]);
    const none = new DeepStats(["A"]);
    none.add({
      ...chunk(Uint16Array.of(1), "half", [1, 0, 0, 0]),
      channels: [{ name: "A", type: "half", data: Uint16Array.of(1) }],
    });
    expect(none.record()).toMatchObject({ total_samples: 1, min_depth: null, max_depth: null });
    const uint = new DeepStats(["Z"]);
    uint.add(chunk(Uint32Array.of(7, 3), "uint" as "float", [1, 1, 0, 0]));
    expect([uint.record().min_depth!.value, uint.record().max_depth!.value]).toEqual([3, 7]);
  });

  it("PartStats over a deep part: per-channel statistics over all samples, the deep record and the pixel hash", () => {
    const hasher = () => {
      const parts: Uint8Array[] = [];
      return {
        update: (b: Uint8Array) => void parts.push(b.slice()),
        digest: () => Uint8Array.of(parts.length),
      };
    };
    const stats = new PartStats(raw.layout, hasher);
    for (const i of [2, 0, 1])
      stats.addDeep(
        decoded(
          decodeDeepChunk(raw.layout, i, raw.bytes.subarray(raw.offsets[i]!), raw.offsets[i]!, zlibInflate),
        ),
      );
    const r = stats.record();
    const total = r.deep!.total_samples;
    expect(r.levels.map((l) => l.channels.map((c) => [c.name, c.finite_count]))).toEqual([
      [
        ["A", total],
        ["Z", total],
        ["ZBack", total],
        ["id", total],
      ],
    ]);
    expect(r.levels[0]!.channels[1]).toMatchObject({
      min: r.deep!.min_depth!.value,
      max: r.deep!.max_depth!.value - 0.5,
    });
    expect(r.deep!.total_samples).toBe(samplesIn(5, 7));
    expect(r.pixel_hash).toMatch(/^[0-9a-f]{2}$/);
    expect(r.monochrome).toBeNull();
  });
});
