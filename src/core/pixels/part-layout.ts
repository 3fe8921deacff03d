import type { ChunkGeometry, CodecChannel, SampleType } from "../codecs/types.js";
import { linesPerChunk } from "../compression.js";
import type { ChannelRecord, InspectionResult, PartRecord, Tiling } from "../model.js";
import { tileOfChunk } from "../tiling.js";

/** What decoding one part's chunks needs from its header. */
export interface PartLayout {
  readonly partIndex: number;
  readonly part: PartRecord;
  readonly compression: string;
  readonly multipart: boolean;
  readonly deep: boolean;
  readonly tiling: Tiling | null;
  readonly linesPerChunk: number;
  readonly channels: readonly ChannelRecord[];
  /** Entries in this part's offset table. */
  readonly chunkCount: number;
}

const SAMPLE_TYPES: ReadonlySet<string> = new Set(["uint", "half", "float"]);

/** The layout of part `partIndex`, or why its pixels cannot be located (a header problem validate reports). */
export function partLayout(result: InspectionResult, partIndex: number): PartLayout | string {
  const part = result.parts[partIndex];
  if (!part) return `no part ${partIndex}`;
  if (!part.type) return "part type unknown";
  if (!part.data_window) return "no usable dataWindow";
  if (part.compression === null) return "compression unknown";
  const lines = linesPerChunk(part.compression);
  if (lines === null) return `unknown compression ${part.compression}`;
  if (part.is_tiled && !part.tiling) return "no usable tile description";
  const chunkCount = part.chunk_count_stored ?? part.chunk_count;
  if (chunkCount === null || part.offset_table_offset === null) return "chunk count unknown";
  const channels = result.channels.filter((c) => c.part_index === partIndex);
  for (const c of channels) {
    if (!SAMPLE_TYPES.has(c.type)) return `channel ${c.name} has an unknown pixel type`;
    if (!(c.x_sampling >= 1 && c.y_sampling >= 1)) return `channel ${c.name} has invalid sampling`;
  }
  return {
    partIndex,
    part,
    compression: part.compression,
    multipart: result.file.flags?.multipart === true,
    deep: part.is_deep,
    tiling: part.is_tiled ? part.tiling : null,
    linesPerChunk: lines,
    channels,
    chunkCount,
  };
}

/** How many multiples of `s` lie in [a, b] (floor division, correct for negative coordinates). */
function multiplesIn(a: number, b: number, s: number): number {
  return b < a ? 0 : Math.floor(b / s) - Math.floor((a - 1) / s);
}

export interface ChunkPlace {
  /** Resolution level (0, 0 for scan-line parts). */
  readonly level: readonly [number, number];
  /** Tile coordinates (null for scan-line parts). */
  readonly tile: readonly [number, number] | null;
  readonly geometry: ChunkGeometry;
}

/** Where chunk `index` of the part lies and how its channels are laid out, or null past the last chunk. */
export function chunkPlace(layout: PartLayout, index: number): ChunkPlace | null {
  const dw = layout.part.data_window!;
  let x0: number;
  let y0: number;
  let width: number;
  let height: number;
  let level: [number, number] = [0, 0];
  let tile: [number, number] | null = null;
  if (layout.tiling) {
    const t = tileOfChunk(layout.tiling, index);
    if (!t) return null;
    const lv = layout.tiling.levels.find((l) => l.level_x === t.lx && l.level_y === t.ly)!;
    x0 = dw.min[0] + t.tx * layout.tiling.x_size;
    y0 = dw.min[1] + t.ty * layout.tiling.y_size;
    width = Math.min(layout.tiling.x_size, lv.width - t.tx * layout.tiling.x_size);
    height = Math.min(layout.tiling.y_size, lv.height - t.ty * layout.tiling.y_size);
    level = [t.lx, t.ly];
    tile = [t.tx, t.ty];
  } else {
    const h = dw.max[1] - dw.min[1] + 1;
    if (index < 0 || index * layout.linesPerChunk >= h) return null;
    x0 = dw.min[0];
    y0 = dw.min[1] + index * layout.linesPerChunk;
    width = dw.max[0] - dw.min[0] + 1;
    height = Math.min(layout.linesPerChunk, dw.max[1] - y0 + 1);
  }
  const sampled = !layout.tiling && !layout.deep;
  let unpackedBytes = 0;
  const channels: CodecChannel[] = layout.channels.map((c) => {
    const type = c.type as SampleType;
    const bytes = type === "half" ? 2 : 4;
    const xs = sampled ? c.x_sampling : 1;
    const ys = sampled ? c.y_sampling : 1;
    const cw = multiplesIn(x0, x0 + width - 1, xs);
    const ch = multiplesIn(y0, y0 + height - 1, ys);
    unpackedBytes += cw * ch * bytes;
    return {
      name: c.name,
      type,
      bytes,
      xSampling: xs,
      ySampling: ys,
      pLinear: c.p_linear,
      width: cw,
      height: ch,
    };
  });
  return { level, tile, geometry: { x0, y0, width, height, channels, unpackedBytes } };
}
