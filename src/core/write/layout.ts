import { LEVEL_MODES } from "../attributes/enums.js";
import { computeTiling } from "../tiling.js";
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

/** Resolution levels of a tiled part, in offset-table order (the reader's own tiling rule, see core/tiling.ts). */
export function tileLevels(dataWindow: BoxValue, tiles: TileDescValue): LevelInfo[] {
  const w = dataWindow.max[0] - dataWindow.min[0] + 1;
  const h = dataWindow.max[1] - dataWindow.min[1] + 1;
  const mode = enumCode(LEVEL_MODE_CODES, tiles.level_mode ?? 0, "level mode");
  const rounding = enumCode(ROUNDING_MODE_CODES, tiles.rounding_mode ?? 0, "rounding mode");
  if (w < 1 || h < 1 || tiles.x_size < 1 || tiles.y_size < 1)
    throw new ExrWriteError("EXR_WRITE_BAD_TILING", "tiled parts need a non-empty data window and tile size");
  const levelMode = LEVEL_MODES[mode];
  if (levelMode === undefined)
    throw new ExrWriteError("EXR_WRITE_BAD_TILING", `level mode ${mode} cannot be laid out`);
  const tiling = computeTiling(
    dataWindow,
    tiles.x_size,
    tiles.y_size,
    levelMode,
    rounding === 1 ? "ROUND_UP" : "ROUND_DOWN",
  );
  return tiling.levels.map((l) => ({
    levelX: l.level_x,
    levelY: l.level_y,
    width: l.width,
    height: l.height,
    tilesX: l.tiles_x,
    tilesY: l.tiles_y,
  }));
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
