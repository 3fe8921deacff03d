import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { halfToFloatTable } from "../../../src/core/codecs/half.js";
import { inspectBytes } from "../../../src/core/inspection-plan.js";
import { type DecodedChunk, decodeChunk, isChunkFailure } from "../../../src/core/pixels/decode-chunk.js";
import { type PartLayout, partLayout } from "../../../src/core/pixels/part-layout.js";
import { levelShapes, PartStats } from "../../../src/core/pixels/part-stats.js";
import { type Hasher, PartPixelHash } from "../../../src/core/pixels/pixel-hash.js";
import { type ChannelSpec, type PartSpec, writeExr } from "../../../src/core/write/index.js";
import { zlibInflate } from "../../../src/inspect/options.js";

/**
 * Statistics and the pixel hash of whole parts the writer makes, fed chunk by chunk in several orders, against
 * the documented hash computed here from the written pixels (SHA-256 over each level's per-channel SHA-256 of
 * its rows) and plain per-level counts (mutation testing, issue 20).
 */

const sha256 = (): Hasher => {
  const h = createHash("sha256");
  return { update: (b) => h.update(b), digest: () => new Uint8Array(h.digest()) };
};

function chunksOf(spec: PartSpec): { layout: PartLayout; chunks: DecodedChunk[] } {
  const bytes = writeExr({ deflate: (d) => deflateSync(d), parts: [spec] });
  const layout = partLayout(inspectBytes(bytes), 0);
  if (typeof layout === "string") throw new Error(layout);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = layout.part.offset_table_offset!;
  const chunks: DecodedChunk[] = [];
  for (let i = 0; i < layout.chunkCount; i++) {
    const offset = Number(dv.getBigUint64(at + 8 * i, true));
    const c = decodeChunk(layout, i, bytes.subarray(offset), offset, zlibInflate);
    if (isChunkFailure(c)) throw new Error(JSON.stringify(c.findings));
    chunks.push(c);
  }
  return { layout, chunks };
}

/** Half bits of the finite half values (the values written here are exact in half). */
let HALF_BITS: Map<number, number> | null = null;
const halfBits = (v: number): number => {
  if (!HALF_BITS) {
    HALF_BITS = new Map();
    for (let b = 0xfbff; b >= 0; b--) if ((b & 0x7c00) !== 0x7c00) HALF_BITS.set(halfToFloatTable[b]!, b);
  }
  const b = Object.is(v, -0) ? 0x8000 : HALF_BITS.get(v);
  if (b === undefined) throw new Error(`${v} is not a half`);
  return b;
};

interface Level {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** The documented hash from the written values: per level, per channel, rows of sampled pixels. */
function expectedHash(
  levels: Level[],
  channels: { name: string; type: "half" | "float" | "uint"; xs?: number; ys?: number }[],
  value: (c: string, x: number, y: number, level: number) => number,
): string {
  const outer = createHash("sha256");
  levels.forEach((lv, li) => {
    for (const c of channels) {
      const inner = createHash("sha256");
      const bytes: number[] = [];
      for (let y = lv.y0; y < lv.y0 + lv.height; y++) {
        if (y % (c.ys ?? 1) !== 0) continue;
        for (let x = lv.x0; x < lv.x0 + lv.width; x++) {
          if (x % (c.xs ?? 1) !== 0) continue;
          const v = value(c.name, x, y, li);
          if (c.type === "half") {
            const b = halfBits(v);
            bytes.push(b & 0xff, b >> 8);
          } else {
            const b = c.type === "float" ? new Uint32Array(new Float32Array([v]).buffer)[0]! : v >>> 0;
            bytes.push(b & 0xff, (b >>> 8) & 0xff, (b >>> 16) & 0xff, b >>> 24);
          }
        }
      }
      inner.update(new Uint8Array(bytes));
      outer.update(inner.digest());
    }
  });
  return outer.digest("hex");
}

const orders = (n: number): number[][] => {
  const up = Array.from({ length: n }, (_, i) => i);
  const interleaved = [...up.filter((i) => i % 2 === 1), ...up.filter((i) => i % 2 === 0)];
  return [
    up,
    [...up].reverse(),
    interleaved,
    [...up.slice(Math.floor(n / 2)), ...up.slice(0, Math.floor(n / 2))],
  ];
};

function stats(layout: PartLayout, chunks: DecodedChunk[], order: number[], hasher = true) {
  const s = new PartStats(layout, hasher ? sha256 : undefined);
  for (const i of order) s.add(chunks[i]!);
  return s.record();
}

describe("pixel hash and statistics of whole parts", () => {
  it("scan-line with negative coordinates and subsampled channels: every chunk order hashes the same", () => {
    const channels: ChannelSpec[] = [
      { name: "B", type: "float" },
      { name: "G", type: "half", xSampling: 2, ySampling: 2 },
      { name: "R", type: "uint", xSampling: 1, ySampling: 3 },
    ];
    const value = (c: string, x: number, y: number) =>
      c === "R" ? (x + 10) * 100 + (y + 10) : c === "G" ? ((x * 3 + y) % 40) - 20 : x * 0.5 - y;
    const spec: PartSpec = {
      type: "scanlineimage",
      compression: "zip",
      dataWindow: { min: [-5, -7], max: [6, 25] },
      channels,
      pixel: value,
    };
    const { layout, chunks } = chunksOf(spec);
    expect(chunks.length).toBe(3);
    const want = expectedHash(
      [{ x0: -5, y0: -7, width: 12, height: 33 }],
      [
        { name: "B", type: "float" },
        { name: "G", type: "half", xs: 2, ys: 2 },
        { name: "R", type: "uint", ys: 3 },
      ],
      value,
    );
    for (const order of orders(chunks.length))
      expect(stats(layout, chunks, order).pixel_hash, `${order}`).toBe(want);
    // a missing chunk leaves rows out: no hash; statistics still cover what came
    const partial = stats(layout, chunks, [0, 2]);
    expect(partial.pixel_hash).toBeNull();
    expect(partial.levels[0]!.channels.map((c) => c.finite_count)).toEqual([12 * 17, 6 * 8, 12 * 5]);
    // a chunk fed twice is hashed once
    expect(stats(layout, chunks, [1, 1, 0, 2, 0]).pixel_hash).toBe(want);
    // no hasher, no hash
    expect(stats(layout, chunks, [0, 1, 2], false).pixel_hash).toBeNull();
    const r = stats(layout, chunks, [2, 0, 1]);
    expect(r.part_index).toBe(0);
    expect(r.levels.map((l) => [l.level, l.channels.map((c) => [c.name, c.type, c.finite_count])])).toEqual([
      [
        [0, 0],
        [
          ["B", "float", 12 * 33],
          ["G", "half", 6 * 16],
          ["R", "uint", 12 * 11],
        ],
      ],
    ]);
    expect(r.levels[0]!.channels[2]).toMatchObject({ min: 5 * 100 + 4, max: 16 * 100 + 34 });
    expect(r.monochrome).toBe(false);
  });

  it("tiled mip-mapped levels: statistics per level, hash over the levels in order, tiles in any order", () => {
    const value = (c: string, x: number, y: number) => ((x * 7 + y * 3 + (c === "Y" ? 0 : 1)) % 30) - 10;
    const spec: PartSpec = {
      type: "tiledimage",
      dataWindow: { min: [3, 4], max: [22, 16] },
      tiles: { x_size: 8, y_size: 4, level_mode: "MIPMAP_LEVELS" },
      channels: [{ name: "Y", type: "half" }],
      pixel: value,
    };
    const { layout, chunks } = chunksOf(spec);
    const shapes = levelShapes(layout);
    expect(shapes.map((l) => [l.level, l.x0, l.y0, l.width, l.height])).toEqual([
      [[0, 0], 3, 4, 20, 13],
      [[1, 1], 3, 4, 10, 6],
      [[2, 2], 3, 4, 5, 3],
      [[3, 3], 3, 4, 2, 1],
      [[4, 4], 3, 4, 1, 1],
    ]);
    // every level holds what the writer wrote at its coordinates (the same function of x and y)
    const want = expectedHash(shapes, [{ name: "Y", type: "half" }], (c, x, y) => value(c, x, y));
    for (const order of orders(chunks.length)) {
      const r = stats(layout, chunks, order);
      expect(r.pixel_hash, `${order}`).toBe(want);
      expect(r.levels.map((l) => [l.level, l.channels[0]!.finite_count])).toEqual(
        shapes.map((l) => [l.level, l.width * l.height]),
      );
      // luminance only: monochrome
      expect(r.monochrome).toBe(true);
    }
    // level statistics against the written values
    const r = stats(layout, chunks, orders(chunks.length)[3]!);
    shapes.forEach((l, li) => {
      const vs: number[] = [];
      for (let y = l.y0; y < l.y0 + l.height; y++)
        for (let x = l.x0; x < l.x0 + l.width; x++) vs.push(value("Y", x, y));
      expect(r.levels[li]!.channels[0], `level ${li}`).toMatchObject({
        min: Math.min(...vs),
        max: Math.max(...vs),
      });
    });
    // a chunk of a level the part does not have is ignored
    const s = new PartStats(layout, sha256);
    for (const c of chunks) s.add(c);
    s.add({ ...chunks[0]!, level: [7, 7] });
    expect(s.record().pixel_hash).toBe(want);
    const h = new PartPixelHash(sha256, shapes, [{ name: "Y", xSampling: 1, ySampling: 1 }], false);
    h.add({ ...chunks[0]!, level: [7, 7] });
    for (const c of chunks) h.add(c);
    expect(h.digest()).toBe(want);
  });

  it("rip-mapped levels: (1, 0) and (0, 1) are told apart", () => {
    const value = (_c: string, x: number, y: number) => ((x * 5 + y * 9) % 40) - 20;
    const spec: PartSpec = {
      type: "tiledimage",
      dataWindow: { min: [0, 0], max: [7, 5] },
      tiles: { x_size: 4, y_size: 4, level_mode: "RIPMAP_LEVELS" },
      channels: [{ name: "Y", type: "half" }],
      pixel: value,
    };
    const { layout, chunks } = chunksOf(spec);
    const shapes = levelShapes(layout);
    expect(shapes.map((l) => l.level)).toContainEqual([1, 0]);
    expect(shapes.map((l) => l.level)).toContainEqual([0, 1]);
    const want = expectedHash(shapes, [{ name: "Y", type: "half" }], value);
    for (const order of orders(chunks.length)) {
      const r = stats(layout, chunks, order);
      expect(r.pixel_hash).toBe(want);
      expect(r.levels.map((l) => [l.level, l.channels[0]!.finite_count])).toEqual(
        shapes.map((l) => [l.level, l.width * l.height]),
      );
    }
  });

  it("rows longer than the 16 KiB staging buffer, and many short ones, hash as one stream", () => {
    const value = (_c: string, x: number, y: number) => (x + y * 3) % 200;
    const wide: PartSpec = {
      type: "scanlineimage",
      dataWindow: { min: [0, 0], max: [4099, 1] },
      channels: [{ name: "a", type: "float" }],
      pixel: value,
    };
    const { layout, chunks } = chunksOf(wide);
    const want = expectedHash(
      [{ x0: 0, y0: 0, width: 4100, height: 2 }],
      [{ name: "a", type: "float" }],
      value,
    );
    // one line per chunk: a row of 16,400 bytes is one update of its own
    for (const order of [
      [0, 1],
      [1, 0],
    ])
      expect(stats(layout, chunks, order).pixel_hash).toBe(want);
    const narrow: PartSpec = { ...wide, dataWindow: { min: [0, 0], max: [1000, 8] } };
    const n = chunksOf(narrow);
    const wantNarrow = expectedHash(
      [{ x0: 0, y0: 0, width: 1001, height: 9 }],
      [{ name: "a", type: "float" }],
      value,
    );
    expect(stats(n.layout, n.chunks, orders(n.chunks.length)[0]!).pixel_hash).toBe(wantNarrow);
    expect(stats(n.layout, n.chunks, orders(n.chunks.length)[2]!).pixel_hash).toBe(wantNarrow);
  });

  it("monochrome: R, G and B bit-identical at every pixel; differing types, sampling or values are not", () => {
    const mono = (channels: ChannelSpec[], value: (c: string, x: number, y: number) => number) => {
      const { layout, chunks } = chunksOf({
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [3, 2] },
        channels,
        pixel: value,
      });
      return stats(layout, chunks, [2, 0, 1]).monochrome;
    };
    const rgb = (type: "half" | "float" = "half"): ChannelSpec[] => [
      { name: "B", type },
      { name: "G", type },
      { name: "R", type },
    ];
    const same = (_c: string, x: number, y: number) => x + y;
    expect(mono(rgb(), same)).toBe(true);
    expect(mono(rgb("float"), same)).toBe(true);
    // one pixel differs, in the last chunk fed or the first
    expect(mono(rgb(), (c, x, y) => (c === "G" && x === 3 && y === 1 ? 9 : x + y))).toBe(false);
    expect(mono(rgb(), (c, x, y) => (c === "B" && x === 0 && y === 2 ? 9 : x + y))).toBe(false);
    expect(mono(rgb(), (c, x, y) => (c === "R" && x === 2 && y === 0 ? -1 : x + y))).toBe(false);
    expect(mono([{ name: "B", type: "float" }, ...rgb().slice(1)], same)).toBe(false);
    expect(mono([...rgb().slice(0, 2), { name: "R", type: "float" }], same)).toBe(false);
    expect(mono([{ name: "B", type: "half", xSampling: 2 }, ...rgb().slice(1)], same)).toBe(false);
    expect(mono([{ name: "B", type: "half", ySampling: 3 }, ...rgb().slice(1)], same)).toBe(false);
    expect(mono([...rgb().slice(0, 2), { name: "R", type: "half", ySampling: 3 }], same)).toBe(false);
    // no R, G, B: luminance only (Y without chroma) is monochrome, anything else unknown
    expect(mono([{ name: "Y", type: "half" }], same)).toBe(true);
    expect(
      mono(
        [
          { name: "BY", type: "half", xSampling: 2, ySampling: 1 },
          { name: "Y", type: "half" },
        ],
        same,
      ),
    ).toBeNull();
    expect(
      mono(
        [
          { name: "RY", type: "half" },
          { name: "Y", type: "half" },
        ],
        same,
      ),
    ).toBeNull();
    expect(mono([{ name: "Z", type: "float" }], same)).toBeNull();
    expect(mono(rgb().slice(1), same)).toBeNull();
    expect(mono([rgb()[0]!, rgb()[2]!], same)).toBeNull();
    expect(mono([rgb()[0]!, rgb()[1]!], same)).toBeNull();
    // R, G, B with a Y too: decided by R, G, B
    expect(mono([...rgb(), { name: "Y", type: "half" }], (c, x, y) => (c === "G" ? 1 : x + y))).toBe(false);
  });
});

describe("PartStats on hand-made layouts and chunks", () => {
  const BGR = (type: "half" | "float" = "half"): ChannelSpec[] => [
    { name: "B", type },
    { name: "G", type },
    { name: "R", type },
  ];
  const zero = () => 0;

  it("levelShapes of a scan-line part: the whole data window", () => {
    const { layout } = chunksOf({
      type: "scanlineimage",
      dataWindow: { min: [-2, 3], max: [4, 6] },
      channels: [{ name: "Y", type: "half" }],
      pixel: zero,
    });
    expect(levelShapes(layout)).toEqual([{ level: [0, 0], x0: -2, y0: 3, width: 7, height: 4 }]);
  });

  it("monochrome is false for R, G, B of different types or sampling even when every sample's bits agree", () => {
    const mono = (channels: ChannelSpec[]) => {
      const { layout, chunks } = chunksOf({
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [3, 1] },
        channels,
        pixel: zero,
      });
      return stats(layout, chunks, [0, 1]).monochrome;
    };
    expect(mono(BGR())).toBe(true);
    // 0.0 is all-zero bits as half and as float
    expect(mono([{ name: "B", type: "float" }, ...BGR().slice(1)])).toBe(false);
    expect(mono([...BGR().slice(0, 2), { name: "R", type: "half", xSampling: 2 }])).toBe(false);
  });

  it("R, G and B found wherever they are in the channel list (a file may store them unsorted)", () => {
    const { layout, chunks } = chunksOf({
      type: "scanlineimage",
      dataWindow: { min: [0, 0], max: [2, 0] },
      channels: BGR(),
      pixel: (_c, x) => x,
    });
    const [b, g, r] = layout.channels;
    const c = chunks[0]!;
    const [pb, pg, pr] = c.planes;
    for (const [channels, planes] of [
      [
        [r!, g!, b!],
        [pr!, pg!, pb!],
      ],
      [
        [g!, r!, b!],
        [pg!, pr!, pb!],
      ],
    ] as const) {
      const s = new PartStats({ ...layout, channels }, undefined);
      s.add({ ...c, planes });
      const rec = s.record();
      expect(rec.monochrome).toBe(true);
      expect(rec.levels[0]!.channels.map((x) => x.name)).toEqual(channels.map((x) => x.name));
    }
  });

  it("a part with no chunk to place (empty data window): no hash, no failure", () => {
    const { layout } = chunksOf({
      type: "scanlineimage",
      dataWindow: { min: [0, 0], max: [1, 1] },
      channels: [{ name: "Y", type: "half" }],
      pixel: zero,
    });
    const empty = {
      ...layout,
      part: { ...layout.part, data_window: { min: [0, 1], max: [1, 0] } },
    } as PartLayout;
    const rec = new PartStats(empty, sha256).record();
    expect(rec.pixel_hash).toBeNull();
    expect(rec.levels.map((l) => l.channels.map((c) => c.finite_count))).toEqual([[0]]);
  });

  it("deep chunks: per rip-map level, unknown levels ignored, no hasher needed, R/G/B compared sample by sample", () => {
    const { layout } = chunksOf({
      type: "tiledimage",
      dataWindow: { min: [0, 0], max: [3, 3] },
      tiles: { x_size: 2, y_size: 2, level_mode: "RIPMAP_LEVELS" },
      channels: BGR(),
      pixel: zero,
    });
    const deep: PartLayout = { ...layout, deep: true };
    const shapes = levelShapes(deep).map((l) => l.level.join(","));
    const chunk = (level: [number, number], b: number[], g: number[], r: number[]) => ({
      partIndex: 0,
      chunkIndex: 0,
      level,
      tile: [0, 0] as [number, number],
      x0: 0,
      y0: 0,
      width: 1,
      height: 1,
      counts: Uint32Array.of(b.length),
      totalSamples: b.length,
      channels: [
        { name: "B", type: "half" as const, data: Uint16Array.from(b) },
        { name: "G", type: "half" as const, data: Uint16Array.from(g) },
        { name: "R", type: "half" as const, data: Uint16Array.from(r) },
      ],
    });
    const one = 0x3c00;
    const two = 0x4000;
    const s = new PartStats(deep, undefined);
    s.addDeep(chunk([0, 1], [one, two], [one, two], [one, two]));
    s.addDeep(chunk([1, 0], [two, two, two], [two, two, two], [two, two, two]));
    s.addDeep(chunk([9, 9], [one], [two], [one]));
    const rec = s.record();
    const counts = (lv: string) => rec.levels[shapes.indexOf(lv)]!.channels.map((c) => c.finite_count);
    expect(counts("0,1")).toEqual([2, 2, 2]);
    expect(counts("1,0")).toEqual([3, 3, 3]);
    expect(counts("0,0")).toEqual([0, 0, 0]);
    expect(rec.levels[shapes.indexOf("0,1")]!.channels[2]).toMatchObject({ min: 1, max: 2 });
    expect(rec.monochrome).toBe(true);
    expect(rec.pixel_hash).toBeNull();
    expect(rec.deep!.total_samples).toBe(5);
    // one sample of G or of B differs
    for (const [g, b] of [
      [
        [one, one],
        [one, two],
      ],
      [
        [one, two],
        [two, two],
      ],
    ]) {
      const t = new PartStats(deep, undefined);
      t.addDeep(chunk([0, 0], b!, g!, [one, two]));
      expect(t.record().monochrome).toBe(false);
    }
  });
});
