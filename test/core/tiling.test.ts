import { describe, expect, it } from "vitest";
import { computeTiling, levelSize, tileCount, tileOfChunk } from "../../src/core/tiling.js";

const box = (w: number, h: number) => ({
  min: [0, 0] as [number, number],
  max: [w - 1, h - 1] as [number, number],
});

describe("tiling", () => {
  it("level sizes follow OpenEXR rounding", () => {
    expect([0, 1, 2, 3].map((l) => levelSize(37, l, "ROUND_DOWN"))).toEqual([37, 18, 9, 4]);
    expect([0, 1, 2, 3].map((l) => levelSize(37, l, "ROUND_UP"))).toEqual([37, 19, 10, 5]);
    expect(levelSize(1, 5, "ROUND_DOWN")).toBe(1);
  });

  it("one level", () => {
    const t = computeTiling(box(100, 50), 64, 64, "ONE_LEVEL", "ROUND_DOWN");
    expect(t.levels).toEqual([{ level_x: 0, level_y: 0, width: 100, height: 50, tiles_x: 2, tiles_y: 1 }]);
    expect(tileCount(t)).toBe(2);
  });

  it("mip-maps: floor/ceil(log2(max(w,h))) + 1 levels", () => {
    expect(computeTiling(box(512, 256), 64, 64, "MIPMAP_LEVELS", "ROUND_DOWN").num_x_levels).toBe(10);
    expect(computeTiling(box(513, 256), 64, 64, "MIPMAP_LEVELS", "ROUND_DOWN").num_x_levels).toBe(10);
    expect(computeTiling(box(513, 256), 64, 64, "MIPMAP_LEVELS", "ROUND_UP").num_x_levels).toBe(11);
    const t = computeTiling(box(4, 2), 2, 2, "MIPMAP_LEVELS", "ROUND_DOWN");
    expect(t.levels.map((l) => [l.width, l.height, l.tiles_x * l.tiles_y])).toEqual([
      [4, 2, 2],
      [2, 1, 1],
      [1, 1, 1],
    ]);
  });

  it("rip-maps: x and y levels separately, y outer in table order", () => {
    const t = computeTiling(box(8, 2), 4, 4, "RIPMAP_LEVELS", "ROUND_DOWN");
    expect([t.num_x_levels, t.num_y_levels]).toEqual([4, 2]);
    expect(t.levels.map((l) => [l.level_x, l.level_y])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [0, 1],
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
    expect(tileCount(t)).toBe(2 + 1 + 1 + 1 + 2 + 1 + 1 + 1);
  });

  it("maps a chunk index to tile and level coordinates", () => {
    const t = computeTiling(box(8, 8), 4, 4, "MIPMAP_LEVELS", "ROUND_DOWN");
    expect(tileOfChunk(t, 0)).toEqual({ tx: 0, ty: 0, lx: 0, ly: 0 });
    expect(tileOfChunk(t, 3)).toEqual({ tx: 1, ty: 1, lx: 0, ly: 0 });
    expect(tileOfChunk(t, 4)).toEqual({ tx: 0, ty: 0, lx: 1, ly: 1 });
    expect(tileOfChunk(t, 5)).toEqual({ tx: 0, ty: 0, lx: 2, ly: 2 });
    expect(tileOfChunk(t, 6)).toEqual({ tx: 0, ty: 0, lx: 3, ly: 3 });
    expect(tileOfChunk(t, 7)).toBeNull();
  });
});
