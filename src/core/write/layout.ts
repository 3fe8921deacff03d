import { ExrWriteError, enumCode, LEVEL_MODE_CODES, linesPerChunk, ROUNDING_MODE_CODES } from "./enums.js";
import type { BoxValue, ChunkInfo, TileDescValue } from "./spec.js";

export interface LevelInfo {
  levelX: number;
  levelY: number;
  width: number;
  height: number;
  tilesX: number;
  tilesY: number;
}

function roundLog2(x: number, roundUp: boolean): number {
  let y = 0;
  if (roundUp) {
    let r = 0;
    while (x > 1) {
      if (x & 1) r = 1;
      y += 1;
      x >>>= 1;
    }
    return y + r;
  }
  while (x > 1) {
    y += 1;
    x >>>= 1;
  }
  return y;
}

function levelSize(size: number, level: number, roundUp: boolean): number {
  const div = 2 ** level;
  return Math.max(1, roundUp ? Math.ceil(size / div) : Math.floor(size / div));
}

/** Resolution levels of a tiled part, in offset-table order (ripmaps: levelY outer, levelX inner). */
export function tileLevels(dataWindow: BoxValue, tiles: TileDescValue): LevelInfo[] {
  const w = dataWindow.max[0] - dataWindow.min[0] + 1;
  const h = dataWindow.max[1] - dataWindow.min[1] + 1;
  const mode = enumCode(LEVEL_MODE_CODES, tiles.level_mode ?? 0, "level mode");
  const roundUp = enumCode(ROUNDING_MODE_CODES, tiles.rounding_mode ?? 0, "rounding mode") === 1;
  if (w < 1 || h < 1 || tiles.x_size < 1 || tiles.y_size < 1)
    throw new ExrWriteError("EXR_WRITE_BAD_TILING", "tiled parts need a non-empty data window and tile size");
  const level = (lx: number, ly: number): LevelInfo => {
    const width = levelSize(w, lx, roundUp);
    const height = levelSize(h, ly, roundUp);
    return {
      levelX: lx,
      levelY: ly,
      width,
      height,
      tilesX: Math.ceil(width / tiles.x_size),
      tilesY: Math.ceil(height / tiles.y_size),
    };
  };
  if (mode === 0) return [level(0, 0)];
  if (mode === 1) {
    const n = roundLog2(Math.max(w, h), roundUp) + 1;
    return Array.from({ length: n }, (_, l) => level(l, l));
  }
  if (mode === 2) {
    const nx = roundLog2(w, roundUp) + 1;
    const ny = roundLog2(h, roundUp) + 1;
    const out: LevelInfo[] = [];
    for (let ly = 0; ly < ny; ly++) for (let lx = 0; lx < nx; lx++) out.push(level(lx, ly));
    return out;
  }
  throw new ExrWriteError("EXR_WRITE_BAD_TILING", `level mode ${mode} cannot be laid out`);
}

/** Every chunk of a part in offset-table order. */
export function enumerateChunks(
  partIndex: number,
  dataWindow: BoxValue,
  compressionCode: number,
  tiles: TileDescValue | null,
  deep: boolean,
): ChunkInfo[] {
  const chunks: ChunkInfo[] = [];
  const [x0, y0] = dataWindow.min;
  const width = dataWindow.max[0] - x0 + 1;
  if (tiles) {
    for (const lv of tileLevels(dataWindow, tiles)) {
      for (let ty = 0; ty < lv.tilesY; ty++) {
        for (let tx = 0; tx < lv.tilesX; tx++) {
          const tx0 = tx * tiles.x_size;
          const ty0 = ty * tiles.y_size;
          chunks.push({
            partIndex,
            chunkIndex: chunks.length,
            tileX: tx,
            tileY: ty,
            levelX: lv.levelX,
            levelY: lv.levelY,
            x0: x0 + tx0,
            y0: y0 + ty0,
            width: Math.min(tiles.x_size, lv.width - tx0),
            height: Math.min(tiles.y_size, lv.height - ty0),
          });
        }
      }
    }
    return chunks;
  }
  const lpc = deep ? (compressionCode === 3 ? 16 : 1) : linesPerChunk(compressionCode);
  for (let y = y0; y <= dataWindow.max[1]; y += lpc) {
    const lines = Math.min(lpc, dataWindow.max[1] - y + 1);
    chunks.push({ partIndex, chunkIndex: chunks.length, y, lines, x0, y0: y, width, height: lines });
  }
  return chunks;
}
