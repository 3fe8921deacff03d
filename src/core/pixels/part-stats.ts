import { ChannelStats, type ChannelStatsRecord } from "./channel-stats.js";
import type { DecodedChunk } from "./decode-chunk.js";
import type { DecodedDeepChunk } from "./decode-deep.js";
import { DeepStats, type DeepStatsRecord } from "./deep-stats.js";
import { chunkPlace, type PartLayout } from "./part-layout.js";
import { type HasherFactory, type LevelShape, PartPixelHash } from "./pixel-hash.js";

export interface LevelStatsRecord {
  level: [number, number];
  channels: ChannelStatsRecord[];
}

export interface PartStatsRecord {
  part_index: number;
  levels: LevelStatsRecord[];
  /**
   * True when the unlayered R, G and B channels are bit-identical at every pixel (or the part is luminance
   * only: Y without RY/BY), false when they differ, null when the part has neither.
   */
  monochrome: boolean | null;
  pixel_hash: string | null;
  /** Deep parts only; `levels` then hold statistics over all samples. */
  deep?: DeepStatsRecord;
}

/** The levels of a part in offset-table order, with their pixel rectangles. */
export function levelShapes(layout: PartLayout): LevelShape[] {
  const dw = layout.part.data_window!;
  if (!layout.tiling)
    return [
      {
        level: [0, 0],
        x0: dw.min[0],
        y0: dw.min[1],
        width: dw.max[0] - dw.min[0] + 1,
        height: dw.max[1] - dw.min[1] + 1,
      },
    ];
  return layout.tiling.levels.map((l) => ({
    level: [l.level_x, l.level_y],
    x0: dw.min[0],
    y0: dw.min[1],
    width: l.width,
    height: l.height,
  }));
}

/** Statistics and pixel hash of one flat part, fed one decoded chunk at a time in any order. */
export class PartStats {
  private readonly levels: LevelShape[];
  private readonly stats: ChannelStats[][];
  private readonly hash: PartPixelHash | null;
  private readonly rgb: [number, number, number] | null;
  private readonly luminanceOnly: boolean;
  private mono = true;
  /** Level of the last chunk: half-value counts of other levels are folded in when it changes (bounded memory). */
  private currentLevel = -1;
  private readonly deep: DeepStats | null;

  constructor(
    private readonly layout: PartLayout,
    hasher: HasherFactory | undefined,
  ) {
    this.levels = levelShapes(layout);
    this.stats = this.levels.map(() =>
      layout.channels.map((c) => new ChannelStats(c.name, c.type as "half")),
    );
    const geometry = chunkPlace(layout, 0)?.geometry;
    this.hash =
      hasher && geometry
        ? new PartPixelHash(
            hasher,
            this.levels,
            geometry.channels.map((c) => ({ name: c.name, xSampling: c.xSampling, ySampling: c.ySampling })),
            layout.deep,
          )
        : null;
    this.deep = layout.deep ? new DeepStats(layout.channels.map((c) => c.name)) : null;
    const names = layout.channels.map((c) => c.name);
    const at = (n: string) => names.indexOf(n);
    const r = at("R");
    const g = at("G");
    const b = at("B");
    const same = (i: number, j: number) =>
      layout.channels[i]!.type === layout.channels[j]!.type &&
      layout.channels[i]!.x_sampling === layout.channels[j]!.x_sampling &&
      layout.channels[i]!.y_sampling === layout.channels[j]!.y_sampling;
    this.rgb = r >= 0 && g >= 0 && b >= 0 ? [r, g, b] : null;
    if (this.rgb && !(same(r, g) && same(r, b))) this.mono = false;
    this.luminanceOnly = !this.rgb && at("Y") >= 0 && at("RY") < 0 && at("BY") < 0;
  }

  add(chunk: DecodedChunk): void {
    const li = this.levels.findIndex((l) => l.level[0] === chunk.level[0] && l.level[1] === chunk.level[1]);
    if (li < 0) return;
    this.enterLevel(li);
    const level = this.stats[li]!;
    for (let i = 0; i < chunk.planes.length; i++) level[i]!.add(chunk.planes[i]!.data);
    this.hash?.add(chunk);
    if (this.rgb && this.mono) {
      const [r, g, b] = this.rgb.map((i) => chunk.planes[i]!.data) as [Uint16Array, Uint16Array, Uint16Array];
      for (let i = 0; i < r.length; i++) {
        if (r[i] !== g[i] || r[i] !== b[i]) {
          this.mono = false;
          break;
        }
      }
    }
  }

  private enterLevel(li: number): void {
    if (li === this.currentLevel) return;
    if (this.currentLevel >= 0) for (const c of this.stats[this.currentLevel]!) c.flush();
    this.currentLevel = li;
  }

  addDeep(chunk: DecodedDeepChunk): void {
    const li = this.levels.findIndex((l) => l.level[0] === chunk.level[0] && l.level[1] === chunk.level[1]);
    if (li < 0) return;
    this.enterLevel(li);
    const level = this.stats[li]!;
    for (let i = 0; i < chunk.channels.length; i++) level[i]!.add(chunk.channels[i]!.data);
    this.hash?.addDeep(chunk);
    this.deep?.add(chunk);
    if (this.rgb && this.mono) {
      const [r, g, b] = this.rgb.map((i) => chunk.channels[i]!.data);
      for (let i = 0; i < r!.length; i++) {
        if (r![i] !== g![i] || r![i] !== b![i]) {
          this.mono = false;
          break;
        }
      }
    }
  }

  record(): PartStatsRecord {
    const out: PartStatsRecord = {
      part_index: this.layout.partIndex,
      levels: this.levels.map((l, i) => ({
        level: [l.level[0], l.level[1]],
        channels: this.stats[i]!.map((s) => s.record()),
      })),
      monochrome: this.rgb ? this.mono : this.luminanceOnly ? true : null,
      pixel_hash: this.hash ? this.hash.digest() : null,
    };
    if (this.deep) out.deep = this.deep.record();
    return out;
  }
}
