import type { Box2, LevelMode, RoundingMode, TileLevel, Tiling } from "./model.js";

function floorLog2(n: number): number {
  let y = 0;
  while (n > 1) {
    y++;
    n = Math.floor(n / 2);
  }
  return y;
}

function ceilLog2(n: number): number {
  let y = 0;
  let r = 0;
  while (n > 1) {
    if (n % 2 !== 0) r = 1;
    y++;
    n = Math.floor(n / 2);
  }
  return y + r;
}

function roundLog2(n: number, rounding: RoundingMode): number {
  return rounding === "ROUND_DOWN" ? floorLog2(n) : ceilLog2(n);
}

/** Size of resolution level `l` of an axis of `size` pixels (OpenEXR's levelSize). */
export function levelSize(size: number, l: number, rounding: RoundingMode): number {
  const b = 2 ** l;
  let s = Math.floor(size / b);
  if (rounding === "ROUND_UP" && s * b < size) s += 1;
  return Math.max(s, 1);
}

/**
 * Resolution levels and tiles per level, in offset-table order
 * (mip-maps by level; rip-maps with the y level outer and the x level inner).
 */
export function computeTiling(
  dataWindow: Box2,
  xSize: number,
  ySize: number,
  levelMode: LevelMode,
  rounding: RoundingMode,
): Tiling {
  const w = dataWindow.max[0] - dataWindow.min[0] + 1;
  const h = dataWindow.max[1] - dataWindow.min[1] + 1;
  let nx = 1;
  let ny = 1;
  if (levelMode === "MIPMAP_LEVELS") {
    nx = ny = roundLog2(Math.max(w, h), rounding) + 1;
  } else if (levelMode === "RIPMAP_LEVELS") {
    nx = roundLog2(w, rounding) + 1;
    ny = roundLog2(h, rounding) + 1;
  }
  const level = (lx: number, ly: number): TileLevel => {
    const width = levelSize(w, lx, rounding);
    const height = levelSize(h, ly, rounding);
    return {
      level_x: lx,
      level_y: ly,
      width,
      height,
      tiles_x: Math.ceil(width / xSize),
      tiles_y: Math.ceil(height / ySize),
    };
  };
  const levels: TileLevel[] = [];
  if (levelMode === "RIPMAP_LEVELS") {
    for (let ly = 0; ly < ny; ly++) for (let lx = 0; lx < nx; lx++) levels.push(level(lx, ly));
  } else {
    for (let l = 0; l < nx; l++) levels.push(level(l, l));
  }
  return {
    x_size: xSize,
    y_size: ySize,
    level_mode: levelMode,
    rounding_mode: rounding,
    num_x_levels: nx,
    num_y_levels: ny,
    levels,
  };
}

export function tileCount(tiling: Tiling): number {
  let n = 0;
  for (const l of tiling.levels) n += l.tiles_x * l.tiles_y;
  return n;
}

/** Tile and level coordinates of offset-table entry `chunk`, or null when out of range. */
export function tileOfChunk(
  tiling: Tiling,
  chunk: number,
): { tx: number; ty: number; lx: number; ly: number } | null {
  let k = chunk;
  for (const l of tiling.levels) {
    const n = l.tiles_x * l.tiles_y;
    if (k < n) return { tx: k % l.tiles_x, ty: Math.floor(k / l.tiles_x), lx: l.level_x, ly: l.level_y };
    k -= n;
  }
  return null;
}
