import type { ChannelRecord, PartRecord } from "./model.js";
import { tileOfChunk } from "./tiling.js";

const SAMPLE_BYTES: Readonly<Record<string, number>> = { uint: 4, half: 2, float: 4 };

/** How many multiples of `s` lie in [a, b] (floor division, correct for negative coordinates). */
function multiplesIn(a: number, b: number, s: number): number {
  return b < a ? 0 : Math.floor(b / s) - Math.floor((a - 1) / s);
}

/**
 * Uncompressed byte size of one flat (non-deep) chunk, from its pixel rectangle and the channel list.
 * A stored chunk is never larger (the library keeps the raw block when compression does not shrink it),
 * and with no compression it is exactly this size. Null when the header does not allow computing it.
 */
export function unpackedChunkBytes(
  part: PartRecord,
  channels: readonly ChannelRecord[],
  chunk: number,
  linesPerChunk: number | null,
): number | null {
  const dw = part.data_window;
  if (!dw || part.is_deep || channels.length === 0) return null;
  let x0: number;
  let x1: number;
  let y0: number;
  let y1: number;
  let sampled = true;
  if (part.is_tiled) {
    const tiling = part.tiling;
    const t = tiling ? tileOfChunk(tiling, chunk) : null;
    if (!tiling || !t) return null;
    const level = tiling.levels.find((l) => l.level_x === t.lx && l.level_y === t.ly)!;
    x0 = dw.min[0] + t.tx * tiling.x_size;
    y0 = dw.min[1] + t.ty * tiling.y_size;
    x1 = Math.min(x0 + tiling.x_size - 1, dw.min[0] + level.width - 1);
    y1 = Math.min(y0 + tiling.y_size - 1, dw.min[1] + level.height - 1);
    sampled = false; // tiled parts have no subsampling
  } else {
    if (linesPerChunk === null) return null;
    x0 = dw.min[0];
    x1 = dw.max[0];
    y0 = dw.min[1] + chunk * linesPerChunk;
    y1 = Math.min(y0 + linesPerChunk - 1, dw.max[1]);
  }
  let total = 0;
  for (const c of channels) {
    const bytes = SAMPLE_BYTES[c.type];
    if (bytes === undefined || !(c.x_sampling >= 1) || !(c.y_sampling >= 1)) return null;
    const xs = sampled ? c.x_sampling : 1;
    const ys = sampled ? c.y_sampling : 1;
    total += multiplesIn(x0, x1, xs) * multiplesIn(y0, y1, ys) * bytes;
  }
  return total;
}
