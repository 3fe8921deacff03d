import { halfToFloatTable } from "../codecs/half.js";
import type { SampleType } from "../codecs/types.js";

/** Statistics of one channel at one level (the JSON contract of `stats`). */
export interface ChannelStatsRecord {
  name: string;
  type: SampleType;
  /** Over the finite values; null when there are none. */
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Population standard deviation (ddof 0) over the finite values. */
  stddev: number | null;
  nan_count: number;
  inf_count: number;
  finite_count: number;
  /** Every sample has the same bits. */
  constant: boolean;
}

/** Zeroed half-value histograms given back by flush(), reused by the next channel (no 256 KiB allocation each). */
const FREE_HISTOGRAMS: Uint32Array[] = [];
/** flush() scratch: the bit patterns present in a histogram. */
const PRESENT = new Uint32Array(65536);

/**
 * Accumulates one channel's statistics chunk by chunk in float64: each chunk's mean and sum of squared
 * deviations are computed in two passes and merged (Chan et al.), so the result does not drift with size.
 */
export class ChannelStats {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private nan = 0;
  private inf = 0;
  private first: number | null = null;
  private constant = true;
  private scratch = new Float64Array(0);
  private histogram: Uint32Array | null = null;
  private pending = 0;

  constructor(
    readonly name: string,
    readonly type: SampleType,
  ) {}

  /** Adds samples (raw bits: 16-bit half words, or 32-bit float/uint words). */
  add(data: Uint16Array | Uint32Array): void {
    const count = data.length;
    if (count === 0) return;
    if (this.type === "half") {
      // Only 65,536 possible values: count them, and take the moments from the counts at flush().
      if (!this.histogram) this.histogram = FREE_HISTOGRAMS.pop() ?? new Uint32Array(65536);
      const hist = this.histogram;
      // Two samples a step: neighbours are often equal, and one add then replaces two dependent increments.
      let i = 0;
      for (; i + 1 < count; i += 2) {
        const a = data[i]!;
        const b = data[i + 1]!;
        if (a === b) hist[a]! += 2;
        else {
          hist[a]!++;
          hist[b]!++;
        }
      }
      if (i < count) hist[data[i]!]!++;
      this.pending += count;
      return;
    }
    if (this.scratch.length < count) this.scratch = new Float64Array(count);
    const vals = this.scratch;
    let k = 0;
    let min = this.min;
    let max = this.max;
    let sum = 0;
    if (this.first === null) this.first = data[0]!;
    const first = this.first;
    let same = this.constant;
    if (this.type === "float") {
      const fl = new Float32Array(data.buffer, data.byteOffset, count);
      for (let i = 0; i < count; i++) {
        const bits = data[i]!;
        if (bits !== first) same = false;
        if ((bits & 0x7f800000) === 0x7f800000) {
          if (bits & 0x7fffff) this.nan++;
          else this.inf++;
          continue;
        }
        const v = fl[i]!;
        vals[k++] = v;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    } else {
      for (let i = 0; i < count; i++) {
        const v = data[i]!;
        if (v !== first) same = false;
        vals[k++] = v;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    this.constant = same;
    this.min = min;
    this.max = max;
    if (k === 0) return;
    const m = sum / k;
    let m2 = 0;
    for (let i = 0; i < k; i++) {
      const d = vals[i]! - m;
      m2 += d * d;
    }
    this.merge(k, m, m2);
  }

  private merge(k: number, m: number, m2: number): void {
    const n = this.n + k;
    const delta = m - this.mean;
    this.mean += (delta * k) / n;
    this.m2 += m2 + (delta * delta * this.n * k) / n;
    this.n = n;
  }

  /** Folds counted half values into the moments and releases the counts (called before reading, or to free memory). */
  flush(): void {
    const hist = this.histogram;
    if (!hist || this.pending === 0) return;
    const table = halfToFloatTable;
    // One sweep finds the bit patterns present; everything after visits only those.
    const present = PRESENT;
    let distinct = 0;
    for (let b = 0; b < 65536; b++) if (hist[b] !== 0) present[distinct++] = b;
    let k = 0;
    let sum = 0;
    let min = this.min;
    let max = this.max;
    for (let j = 0; j < distinct; j++) {
      const b = present[j]!;
      const c = hist[b]!;
      if ((b & 0x7c00) === 0x7c00) {
        if (b & 0x3ff) this.nan += c;
        else this.inf += c;
        continue;
      }
      const v = table[b]!;
      k += c;
      sum += c * v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.min = min;
    this.max = max;
    const only = present[distinct - 1]!;
    if (this.first === null) this.first = only;
    if (distinct > 1 || only !== this.first) this.constant = false;
    if (k > 0) {
      const m = sum / k;
      let m2 = 0;
      for (let j = 0; j < distinct; j++) {
        const b = present[j]!;
        if ((b & 0x7c00) === 0x7c00) continue;
        const d = table[b]! - m;
        m2 += hist[b]! * d * d;
      }
      this.merge(k, m, m2);
    }
    for (let j = 0; j < distinct; j++) hist[present[j]!] = 0;
    FREE_HISTOGRAMS.push(hist);
    this.pending = 0;
    this.histogram = null;
  }

  record(): ChannelStatsRecord {
    this.flush();
    const finite = this.n > 0;
    return {
      name: this.name,
      type: this.type,
      min: finite ? this.min : null,
      max: finite ? this.max : null,
      mean: finite ? this.mean : null,
      stddev: finite ? Math.sqrt(this.m2 / this.n) : null,
      nan_count: this.nan,
      inf_count: this.inf,
      finite_count: this.n,
      constant: this.constant,
    };
  }
}
