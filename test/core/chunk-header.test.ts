import { beforeEach, describe, expect, it } from "vitest";
import { checkChunk } from "../../src/core/chunk-header.js";
import { unpackedChunkBytes } from "../../src/core/chunk-size.js";
import { inspectBytes } from "../../src/core/inspection-plan.js";
import type { ChannelRecord, PartRecord } from "../../src/core/model.js";
import { computeTiling, levelSize, tileCount } from "../../src/core/tiling.js";
import { type PartSpec, writeExr } from "../../src/core/write/index.js";
import { b } from "./bytes.js";

/**
 * One chunk header checked against the part records inspection derives from real written headers: each finding's
 * text and location, the sizes at their boundaries (mutation testing, issue 20).
 */
function partOf(spec: PartSpec): PartRecord {
  return inspectBytes(writeExr({ parts: [spec] })).parts[0]!;
}

const channel = (name: string, type: string, xs = 1, ys = 1): ChannelRecord => ({
  part_index: 0,
  name,
  layer_name: null,
  component_name: name,
  type,
  x_sampling: xs,
  y_sampling: ys,
  p_linear: false,
});

// built before each test, not at collection or in beforeAll: Stryker switches a mutant on only after the files are
// collected, and code run in beforeAll counts as static (every test file of the run re-runs for its mutants)
let scanline: PartRecord;
beforeEach(() => {
  scanline = partOf({
    type: "scanlineimage",
    dataWindow: { min: [0, 0], max: [3, 9] },
    channels: [{ name: "R", type: "half" }],
  });
});
const R = [channel("R", "half")];
const at = { part: 0, chunk: 2, offset: 1000 };
const loc = { part_index: 0, chunk_index: 2, byte_offset: 1000 };

describe("scan-line chunk headers", () => {
  it("the expected y and exactly the uncompressed size: no finding; the chunk fits its file exactly", () => {
    expect(checkChunk(b().i32(2, 8).build(), at, scanline, 1, false, 1016, R)).toEqual({
      findings: [],
      chunkBytes: 16,
      fits: true,
    });
  });

  it("one byte short of the file", () => {
    const check = checkChunk(b().i32(2, 8).build(), at, scanline, 1, false, 1015, R);
    expect(check.fits).toBe(false);
    expect(check.chunkBytes).toBe(16);
    expect(check.findings).toEqual([
      expect.objectContaining({
        code: "EXR_CHUNK_TRUNCATED",
        message: "chunk 2 needs 16 bytes from 1000; the file ends 1 bytes short",
        ...loc,
      }),
    ]);
  });

  it("a wrong y, a size that is not the uncompressed size, a negative size, a cut header", () => {
    const findings = (bytes: Uint8Array) => checkChunk(bytes, at, scanline, 1, false, 5000, R).findings;
    expect(findings(b().i32(3, 8).build())).toEqual([
      expect.objectContaining({
        code: "EXR_CHUNK_HEADER_INVALID",
        message: "chunk 2 starts at y=3, expected 2",
        ...loc,
      }),
    ]);
    for (const size of [7, 9])
      expect(findings(b().i32(2, size).build())).toEqual([
        expect.objectContaining({
          code: "EXR_CHUNK_HEADER_INVALID",
          message: `chunk 2 stores ${size} data bytes; its pixels take 8 bytes uncompressed (no compression: sizes must match)`,
          ...loc,
        }),
      ]);
    expect(checkChunk(b().i32(2, -1).build(), at, scanline, 1, false, 5000, R)).toEqual({
      findings: [
        expect.objectContaining({
          code: "EXR_CHUNK_HEADER_INVALID",
          message: "chunk 2 has negative data size -1",
          ...loc,
        }),
      ],
      chunkBytes: null,
      fits: false,
    });
    expect(checkChunk(b().i32(2).u8(8, 0, 0).build(), at, scanline, 1, false, 5000, R)).toEqual({
      findings: [
        expect.objectContaining({
          code: "EXR_CHUNK_TRUNCATED",
          message: "file ends inside the header of chunk 2",
          ...loc,
        }),
      ],
      chunkBytes: null,
      fits: false,
    });
  });

  it("multi-part: the part number comes first", () => {
    const check = checkChunk(b().i32(1, 2, 8).build(), at, scanline, 1, true, 1020, R);
    expect(check.chunkBytes).toBe(20);
    expect(check.findings).toEqual([
      expect.objectContaining({
        code: "EXR_CHUNK_HEADER_INVALID",
        message: "chunk 2 says part 1, its offset table is part 0",
        ...loc,
      }),
    ]);
    expect(checkChunk(b().i32(0, 2, 8).build(), at, scanline, 1, true, 1020, R).findings).toEqual([]);
  });
});

describe("compressed chunks and subsampled channels", () => {
  let zip: PartRecord;
  beforeEach(() => {
    zip = partOf({
      type: "scanlineimage",
      compression: "zip",
      dataWindow: { min: [-2, -3], max: [5, 20] },
      channels: [{ name: "R", type: "half" }],
    });
  });
  // R: 8 x 16 halves; C (float, sampled every 2nd pixel both ways): x -2,0,2,4 and y -2..12 even = 4 x 8
  const channels = [channel("R", "half"), channel("C", "float", 2, 2)];

  it("uncompressed sizes per chunk, the last one clipped by the data window", () => {
    expect(unpackedChunkBytes(zip, channels, 0, 16)).toBe(8 * 16 * 2 + 4 * 8 * 4);
    // lines 13..20: C at y 14, 16, 18, 20
    expect(unpackedChunkBytes(zip, channels, 1, 16)).toBe(8 * 8 * 2 + 4 * 4 * 4);
    expect(unpackedChunkBytes(zip, [channel("U", "uint")], 1, 16)).toBe(8 * 8 * 4);
    expect(unpackedChunkBytes(zip, [channel("X", "7")], 0, 16)).toBeNull();
    expect(unpackedChunkBytes(zip, [channel("R", "half", 0, 1)], 0, 16)).toBeNull();
    expect(unpackedChunkBytes(zip, [channel("R", "half", 1, 0)], 0, 16)).toBeNull();
    expect(unpackedChunkBytes(zip, [], 0, 16)).toBeNull();
    expect(unpackedChunkBytes(zip, channels, 0, null)).toBeNull();
  });

  it("a compressed chunk may be smaller, or as large, never larger", () => {
    const first = { part: 0, chunk: 0, offset: 100 };
    const full = 8 * 16 * 2 + 4 * 8 * 4;
    for (const size of [1, full])
      expect(checkChunk(b().i32(-3, size).build(), first, zip, 16, false, 10_000, channels).findings).toEqual(
        [],
      );
    expect(
      checkChunk(
        b()
          .i32(-3, full + 1)
          .build(),
        first,
        zip,
        16,
        false,
        10_000,
        channels,
      ).findings,
    ).toEqual([
      expect.objectContaining({
        code: "EXR_CHUNK_HEADER_INVALID",
        message: `chunk 0 stores ${full + 1} data bytes; its pixels take ${full} bytes uncompressed (stored data is never larger)`,
      }),
    ]);
    // a zero size is not negative; channels of unknown size do not bound it
    expect(checkChunk(b().i32(-3, 0).build(), first, zip, 16, false, 10_000, channels).findings).toEqual([]);
    expect(
      checkChunk(b().i32(-3, 5).build(), first, zip, 16, false, 10_000, [channel("X", "7")]).findings,
    ).toEqual([]);
    // chunk 1 starts at y = -3 + 16
    expect(
      checkChunk(b().i32(13, 1).build(), { ...first, chunk: 1 }, zip, 16, false, 10_000).findings,
    ).toEqual([]);
  });
});

describe("tiled chunk headers", () => {
  let tiled: PartRecord;
  beforeEach(() => {
    tiled = partOf({
      type: "tiledimage",
      dataWindow: { min: [10, 20], max: [14, 22] },
      channels: [{ name: "R", type: "half" }],
      tiles: { x_size: 2, y_size: 2, level_mode: "MIPMAP_LEVELS" },
    });
  });
  // level 0: 5 x 3 pixels, tiles 3 x 2; level 1: 2 x 1, one tile; level 2: 1 x 1
  const tile = (chunk: number, coords: number[], size: number) =>
    checkChunk(
      b()
        .i32(...coords, size)
        .build(),
      { part: 0, chunk, offset: 50 },
      tiled,
      null,
      false,
      10_000,
      R,
    );

  it("each chunk holds the tile its table position names", () => {
    expect(tile(0, [0, 0, 0, 0], 8).findings).toEqual([]);
    expect(tile(5, [2, 1, 0, 0], 2).findings).toEqual([]); // the corner tile: one pixel
    expect(tile(6, [0, 0, 1, 1], 4).findings).toEqual([]);
    expect(tile(7, [0, 0, 2, 2], 2)).toEqual({ findings: [], chunkBytes: 22, fits: true });
    for (const [chunk, coords] of [
      [1, [0, 0, 0, 0]],
      [1, [1, 1, 0, 0]],
      [6, [0, 0, 1, 0]],
      [6, [0, 0, 0, 1]],
    ] as const) {
      const expected = chunk === 1 ? "1,0,0,0" : "0,0,1,1";
      expect(tile(chunk, [...coords], chunk === 1 ? 8 : 4).findings, `${chunk} ${coords}`).toEqual([
        expect.objectContaining({
          code: "EXR_CHUNK_HEADER_INVALID",
          message: `chunk ${chunk} holds tile (${coords.join(",")}), expected (${expected})`,
          part_index: 0,
          chunk_index: chunk,
          byte_offset: 50,
        }),
      ]);
    }
  });

  it("edge tiles are smaller uncompressed", () => {
    expect(unpackedChunkBytes(tiled, R, 0, null)).toBe(2 * 2 * 2);
    expect(unpackedChunkBytes(tiled, R, 2, null)).toBe(1 * 2 * 2);
    expect(unpackedChunkBytes(tiled, R, 3, null)).toBe(2 * 1 * 2);
    expect(unpackedChunkBytes(tiled, R, 6, null)).toBe(2 * 1 * 2);
    expect(unpackedChunkBytes(tiled, R, 8, null)).toBeNull();
    // sampling is ignored for tiles
    expect(unpackedChunkBytes(tiled, [channel("R", "half", 2, 2)], 0, null)).toBe(8);
    expect(tile(2, [2, 0, 0, 0], 5).findings).toEqual([
      expect.objectContaining({
        message:
          "chunk 2 stores 5 data bytes; its pixels take 4 bytes uncompressed (no compression: sizes must match)",
      }),
    ]);
  });
});

describe("rip-map tiles take their own level's size", () => {
  let rip: PartRecord;
  beforeEach(() => {
    rip = partOf({
      type: "tiledimage",
      dataWindow: { min: [0, 0], max: [5, 2] },
      channels: [{ name: "R", type: "half" }],
      tiles: { x_size: 4, y_size: 4, level_mode: "RIPMAP_LEVELS" },
    });
  });

  it("levels (1,0) 3 x 3 and (1,1) 3 x 1, each one tile", () => {
    // table order: (0,0) chunks 0-1, (1,0) 2, (2,0) 3, (0,1) 4-5, (1,1) 6, (2,1) 7
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((c) => unpackedChunkBytes(rip, R, c, null))).toEqual([
      4 * 3 * 2,
      2 * 3 * 2,
      3 * 3 * 2,
      1 * 3 * 2,
      4 * 1 * 2,
      2 * 1 * 2,
      3 * 1 * 2,
      1 * 1 * 2,
    ]);
  });
});

describe("deep chunk headers", () => {
  let deep: PartRecord;
  beforeEach(() => {
    deep = partOf({
      type: "deepscanline",
      dataWindow: { min: [0, 0], max: [3, 3] },
      channels: [{ name: "Z", type: "float" }],
    });
  });

  it("the chunk is the header plus the offset table and the sample data", () => {
    const bytes = b()
      .i32(1)
      .u64(2 ** 32 + 16, 40, 999)
      .build();
    const check = checkChunk(bytes, { part: 0, chunk: 1, offset: 0 }, deep, 1, false, 2 ** 40, R);
    expect(check).toEqual({ findings: [], chunkBytes: 28 + 2 ** 32 + 16 + 40, fits: true });
    expect(unpackedChunkBytes(deep, R, 0, 1)).toBeNull();
  });
});

describe("what the header does not say", () => {
  it("a part of unknown type: its chunks are not read", () => {
    const unknown = { ...scanline, type: null };
    expect(checkChunk(new Uint8Array(0), at, unknown, 1, false, 0, R)).toEqual({
      findings: [],
      chunkBytes: null,
      fits: true,
    });
  });

  it("unknown lines per chunk or data window: y is not checked", () => {
    expect(checkChunk(b().i32(77, 8).build(), at, scanline, null, false, 5000).findings).toEqual([]);
    const noWindow = { ...scanline, data_window: null };
    expect(checkChunk(b().i32(77, 8).build(), at, noWindow, 1, false, 5000).findings).toEqual([]);
  });
});

describe("tile levels rounded up at powers of two", () => {
  it("no extra level and no extra pixel when the size divides", () => {
    expect([0, 1, 2].map((l) => levelSize(4, l, "ROUND_UP"))).toEqual([4, 2, 1]);
    const t = computeTiling({ min: [0, 0], max: [7, 3] }, 2, 4, "MIPMAP_LEVELS", "ROUND_UP");
    expect(t.levels.map((l) => [l.width, l.height, l.tiles_x, l.tiles_y])).toEqual([
      [8, 4, 4, 1],
      [4, 2, 2, 1],
      [2, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    expect(tileCount(t)).toBe(8);
    const rip = computeTiling({ min: [0, 0], max: [3, 5] }, 2, 2, "RIPMAP_LEVELS", "ROUND_UP");
    expect([rip.num_x_levels, rip.num_y_levels]).toEqual([3, 4]);
    expect(tileCount(rip)).toBe(rip.levels.reduce((n, l) => n + l.tiles_x * l.tiles_y, 0));
    expect(rip.levels[0]).toEqual({ level_x: 0, level_y: 0, width: 4, height: 6, tiles_x: 2, tiles_y: 3 });
  });
});
