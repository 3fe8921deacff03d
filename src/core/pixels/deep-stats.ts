import { halfToFloatTable } from "../codecs/half.js";
import type { DecodedDeepChunk } from "./decode-deep.js";

export interface DepthExtreme {
  value: number;
  /** Pixel (data-window coordinates of the level) and sample index within it. */
  x: number;
  y: number;
  sample: number;
  level: [number, number];
}

/** The deep part of a `stats` part record. */
export interface DeepStatsRecord {
  total_samples: number;
  /** Samples per pixel → number of pixels with that many (keys are sample counts). */
  samples_histogram: Record<string, number>;
  pixels_with_samples: number;
  pixels_without_samples: number;
  /** Smallest finite Z and largest finite ZBack (Z when there is no ZBack), with where they are; null without Z. */
  min_depth: DepthExtreme | null;
  max_depth: DepthExtreme | null;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function sampleValue(type: string, bits: number): number {
  if (type === "half") return halfToFloatTable[bits]!;
  if (type === "float") {
    u32[0] = bits;
    return f32[0]!;
  }
  return bits;
}

/** Sample counts and depth range of one deep part, chunk by chunk. */
export class DeepStats {
  private total = 0;
  private readonly histogram = new Map<number, number>();
  private min: DepthExtreme | null = null;
  private max: DepthExtreme | null = null;

  constructor(private readonly channelNames: readonly string[]) {}

  add(chunk: DecodedDeepChunk): void {
    this.total += chunk.totalSamples;
    for (const n of chunk.counts) this.histogram.set(n, (this.histogram.get(n) ?? 0) + 1);
    const z = chunk.channels[this.channelNames.indexOf("Z")];
    if (!z) return;
    const back = chunk.channels[this.channelNames.indexOf("ZBack")] ?? z;
    let s = 0;
    for (let p = 0; p < chunk.counts.length; p++) {
      const x = chunk.x0 + (p % chunk.width);
      const y = chunk.y0 + Math.floor(p / chunk.width);
      for (let k = 0; k < chunk.counts[p]!; k++, s++) {
        const front = sampleValue(z.type, z.data[s]!);
        if (Number.isFinite(front) && (!this.min || front < this.min.value))
          this.min = { value: front, x, y, sample: k, level: [chunk.level[0], chunk.level[1]] };
        const rear = sampleValue(back.type, back.data[s]!);
        if (Number.isFinite(rear) && (!this.max || rear > this.max.value))
          this.max = { value: rear, x, y, sample: k, level: [chunk.level[0], chunk.level[1]] };
      }
    }
  }

  record(): DeepStatsRecord {
    const histogram: Record<string, number> = {};
    for (const n of [...this.histogram.keys()].sort((a, b) => a - b))
      histogram[String(n)] = this.histogram.get(n)!;
    const without = this.histogram.get(0) ?? 0;
    let pixels = 0;
    for (const v of this.histogram.values()) pixels += v;
    return {
      total_samples: this.total,
      samples_histogram: histogram,
      pixels_with_samples: pixels - without,
      pixels_without_samples: without,
      min_depth: this.min,
      max_depth: this.max,
    };
  }
}
