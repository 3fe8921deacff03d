import { describe, expect, it } from "vitest";
import { inspectBytes } from "../../../src/core/inspection-plan.js";
import type { InspectionResult } from "../../../src/core/model.js";
import { chunkPlace, type PartLayout, partLayout } from "../../../src/core/pixels/part-layout.js";
import { type ExrSpec, writeExr } from "../../../src/core/write/index.js";

/**
 * partLayout: each reason a part's pixels cannot be located, in the order they are checked, and the layout of a
 * good part; chunkPlace: the rectangle, level, tile and per-channel sizes of a chunk, null outside the part
 * (mutation testing, issue 20).
 */

const pixel = () => 1;

function inspected(spec: ExrSpec): InspectionResult {
  return inspectBytes(writeExr(spec));
}

function layoutOf(result: InspectionResult, part = 0): PartLayout {
  const l = partLayout(result, part);
  if (typeof l === "string") throw new Error(l);
  return l;
}

/** A two-part file: part 1 is zip with a subsampled channel. */
function twoParts(): InspectionResult {
  return inspected({
    multipart: true,
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [3, 1] },
        channels: [{ name: "A", type: "half" }],
        pixel,
      },
      {
        type: "scanlineimage",
        compression: "zip",
        deflate: undefined,
        dataWindow: { min: [-3, 2], max: [6, 22] },
        channels: [
          { name: "B", type: "float" },
          { name: "c", type: "half", xSampling: 2, ySampling: 2 },
        ],
        pixel,
      },
    ],
  } as ExrSpec);
}

/** The result with `patch` applied to part `index` (a copy; the original is left alone). */
function withPart(result: InspectionResult, index: number, patch: Record<string, unknown>): InspectionResult {
  const parts = result.parts.map((p, i) => (i === index ? { ...p, ...patch } : p));
  return { ...result, parts } as InspectionResult;
}

function withChannel(
  result: InspectionResult,
  name: string,
  patch: Record<string, unknown>,
): InspectionResult {
  const channels = result.channels.map((c) => (c.name === name ? { ...c, ...patch } : c));
  return { ...result, channels } as InspectionResult;
}

describe("partLayout", () => {
  it("a good part: its own channels, lines per chunk, chunk count and the multi-part flag", () => {
    const r = twoParts();
    const l = layoutOf(r, 1);
    expect(l.partIndex).toBe(1);
    expect(l.part).toBe(r.parts[1]);
    expect(l.compression).toBe("zip");
    expect(l.multipart).toBe(true);
    expect(l.deep).toBe(false);
    expect(l.tiling).toBeNull();
    expect(l.linesPerChunk).toBe(16);
    expect(l.channels.map((c) => c.name)).toEqual(["B", "c"]);
    expect(l.chunkCount).toBe(2);
    expect(layoutOf(r, 0).channels.map((c) => c.name)).toEqual(["A"]);
    expect(layoutOf(r, 0).linesPerChunk).toBe(1);
  });

  it("a single-part file is not multi-part; a file without version flags neither", () => {
    const r = inspected({
      parts: [
        {
          type: "scanlineimage",
          dataWindow: { min: [0, 0], max: [1, 1] },
          channels: [{ name: "Y", type: "half" }],
          pixel,
        },
      ],
    });
    expect(layoutOf(r).multipart).toBe(false);
    const noFlags = { ...r, file: { ...r.file, flags: null } } as InspectionResult;
    expect(layoutOf(noFlags).multipart).toBe(false);
  });

  it("the chunk count: the stored one first, else the computed one; neither, or no offset table, is refused", () => {
    const r = twoParts();
    expect(layoutOf(withPart(r, 1, { chunk_count_stored: 7 }), 1).chunkCount).toBe(7);
    expect(layoutOf(withPart(r, 1, { chunk_count_stored: null, chunk_count: 5 }), 1).chunkCount).toBe(5);
    expect(partLayout(withPart(r, 1, { chunk_count_stored: null, chunk_count: null }), 1)).toBe(
      "chunk count unknown",
    );
    expect(partLayout(withPart(r, 1, { offset_table_offset: null }), 1)).toBe("chunk count unknown");
  });

  it("each header problem, with its reason", () => {
    const r = twoParts();
    expect(partLayout(r, 2)).toBe("no part 2");
    expect(partLayout(r, -1)).toBe("no part -1");
    expect(partLayout(withPart(r, 1, { type: null }), 1)).toBe("part type unknown");
    expect(partLayout(withPart(r, 1, { data_window: null }), 1)).toBe("no usable dataWindow");
    expect(partLayout(withPart(r, 1, { compression: null }), 1)).toBe("compression unknown");
    expect(partLayout(withPart(r, 1, { compression: "lzw" }), 1)).toBe("unknown compression lzw");
    expect(partLayout(withPart(r, 1, { is_tiled: true, tiling: null }), 1)).toBe(
      "no usable tile description",
    );
    expect(partLayout(withChannel(r, "c", { type: "double" }), 1)).toBe(
      "channel c has an unknown pixel type",
    );
    expect(partLayout(withChannel(r, "c", { x_sampling: 0 }), 1)).toBe("channel c has invalid sampling");
    expect(partLayout(withChannel(r, "c", { y_sampling: 0 }), 1)).toBe("channel c has invalid sampling");
    expect(partLayout(withChannel(r, "c", { x_sampling: Number.NaN }), 1)).toBe(
      "channel c has invalid sampling",
    );
    // another part's bad channel does not matter
    expect(typeof partLayout(withChannel(r, "c", { type: "double" }), 0)).toBe("object");
  });
});

describe("chunkPlace", () => {
  it("scan-line chunks: rectangle, subsampled channel sizes, a short last chunk, null outside", () => {
    const l = layoutOf(twoParts(), 1);
    const first = chunkPlace(l, 0)!;
    expect(first.level).toEqual([0, 0]);
    expect(first.tile).toBeNull();
    const g = first.geometry;
    expect([g.x0, g.y0, g.width, g.height]).toEqual([-3, 2, 10, 16]);
    // B: 10 x 16 floats; c: x in -3..6 has 5 even values, y in 2..17 has 8 even values
    expect(
      g.channels.map((c) => [c.name, c.type, c.bytes, c.xSampling, c.ySampling, c.width, c.height]),
    ).toEqual([
      ["B", "float", 4, 1, 1, 10, 16],
      ["c", "half", 2, 2, 2, 5, 8],
    ]);
    expect(g.unpackedBytes).toBe(10 * 16 * 4 + 5 * 8 * 2);
    const last = chunkPlace(l, 1)!.geometry;
    // lines 18..22: c has the even lines 18, 20, 22
    expect([last.y0, last.height]).toEqual([18, 5]);
    expect(last.channels.map((c) => [c.width, c.height])).toEqual([
      [10, 5],
      [5, 3],
    ]);
    expect(last.unpackedBytes).toBe(10 * 5 * 4 + 5 * 3 * 2);
    expect(chunkPlace(l, 2)).toBeNull();
    expect(chunkPlace(l, -1)).toBeNull();
  });

  it("a chunk of lines that all miss a subsampled channel gives it no samples", () => {
    const r = inspected({
      parts: [
        {
          type: "scanlineimage",
          dataWindow: { min: [0, 0], max: [2, 3] },
          channels: [
            { name: "Y", type: "half" },
            { name: "s", type: "half", xSampling: 1, ySampling: 2 },
          ],
          pixel,
        },
      ],
    });
    const odd = chunkPlace(layoutOf(r), 1)!.geometry;
    expect(odd.channels.map((c) => [c.width, c.height])).toEqual([
      [3, 1],
      [3, 0],
    ]);
    expect(odd.unpackedBytes).toBe(6);
  });

  it("deep parts ignore the channels' sampling; flat scan-line parts apply it", () => {
    const l = layoutOf(twoParts(), 1);
    const sizes = (layout: PartLayout) => {
      const c = chunkPlace(layout, 0)!.geometry.channels[1]!;
      return [c.xSampling, c.ySampling, c.width, c.height];
    };
    expect(sizes({ ...l, deep: true })).toEqual([1, 1, 10, 16]);
    expect(sizes(l)).toEqual([2, 2, 5, 8]);
  });

  it("tiles: level, tile, the rectangle cut at the level's edge, null past the last tile", () => {
    const r = inspected({
      parts: [
        {
          type: "tiledimage",
          dataWindow: { min: [5, -4], max: [14, 2] },
          tiles: { x_size: 4, y_size: 3, level_mode: "MIPMAP_LEVELS" },
          channels: [{ name: "Y", type: "half", xSampling: 1, ySampling: 1 }],
          pixel,
        },
      ],
    });
    const l = layoutOf(r);
    // level 0: 10 x 7 in 3 x 3 tiles of 4 x 3; level 1: 5 x 3 in 2 x 1; level 2: 2 x 1; level 3: 1 x 1
    expect(l.chunkCount).toBe(9 + 2 + 1 + 1);
    const place = (i: number) => {
      const p = chunkPlace(l, i)!;
      return [p.level, p.tile, p.geometry.x0, p.geometry.y0, p.geometry.width, p.geometry.height];
    };
    expect(place(0)).toEqual([[0, 0], [0, 0], 5, -4, 4, 3]);
    expect(place(2)).toEqual([[0, 0], [2, 0], 13, -4, 2, 3]);
    expect(place(8)).toEqual([[0, 0], [2, 2], 13, 2, 2, 1]);
    expect(place(10)).toEqual([[1, 1], [1, 0], 9, -4, 1, 3]);
    expect(place(12)).toEqual([[3, 3], [0, 0], 5, -4, 1, 1]);
    expect(chunkPlace(l, 13)).toBeNull();
    // tiles ignore the channels' sampling (deep or not)
    const sampled = l.channels.map((c) => ({ ...c, x_sampling: 2, y_sampling: 2 }));
    for (const deep of [false, true]) {
      const c = chunkPlace({ ...l, channels: sampled, deep }, 2)!.geometry.channels[0]!;
      expect([c.xSampling, c.ySampling, c.width, c.height]).toEqual([1, 1, 2, 3]);
    }
  });
});
