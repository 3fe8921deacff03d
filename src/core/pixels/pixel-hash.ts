import type { ChannelPlane, DecodedChunk } from "./decode-chunk.js";

/** An incremental hash supplied by the host (SHA-256 in practice; the core has no crypto). */
export interface Hasher {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}
export type HasherFactory = () => Hasher;

/** Rows of one channel at one level, fed to its hash in top-to-bottom order whatever order chunks come in. */
class RowFeeder {
  private next = 0;
  private readonly pending = new Map<number, { bytes: Uint8Array; filled: number }>();
  readonly hash: Hasher;

  constructor(
    factory: HasherFactory,
    private readonly rowBytes: number,
    private readonly rows: number,
  ) {
    this.hash = factory();
  }

  /** `plane` covers rows [row0, row0 + height) and byte columns [col0, col0 + plane row bytes). */
  add(plane: ChannelPlane, row0: number, col0: number): void {
    const bpe = plane.data.BYTES_PER_ELEMENT;
    const seg = plane.width * bpe;
    const src = new Uint8Array(plane.data.buffer, plane.data.byteOffset, plane.data.byteLength);
    for (let r = 0; r < plane.height; r++) {
      const row = row0 + r;
      const part = src.subarray(r * seg, r * seg + seg);
      if (row === this.next && col0 === 0 && seg === this.rowBytes) {
        this.hash.update(part);
        this.next++;
      } else {
        let p = this.pending.get(row);
        if (!p) {
          p = { bytes: new Uint8Array(this.rowBytes), filled: 0 };
          this.pending.set(row, p);
        }
        p.bytes.set(part, col0);
        p.filled += seg;
      }
      this.drain();
    }
  }

  private drain(): void {
    for (;;) {
      const p = this.pending.get(this.next);
      if (!p || p.filled < this.rowBytes) return;
      this.hash.update(p.bytes);
      this.pending.delete(this.next);
      this.next++;
    }
  }

  complete(): boolean {
    return this.next >= this.rows;
  }
}

export interface LevelShape {
  level: readonly [number, number];
  /** Level origin (the data window's min corner) and size in pixels. */
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/**
 * The per-part pixel hash: SHA-256 over, for each level in offset-table order and each channel in stored
 * order, the 32-byte SHA-256 of that channel's samples at that level (rows top to bottom, samples left to
 * right, little-endian raw bits: 2 bytes per half, 4 per float and uint). Independent of compression, chunk
 * size, tile size and line order, so two files with the same pixels hash the same.
 */
export class PartPixelHash {
  private readonly feeders = new Map<string, RowFeeder>();

  constructor(
    private readonly factory: HasherFactory,
    private readonly levels: readonly LevelShape[],
    private readonly channels: readonly {
      name: string;
      bytes: number;
      xSampling: number;
      ySampling: number;
    }[],
  ) {}

  private feeder(levelIndex: number, channel: number): RowFeeder {
    const key = `${levelIndex}:${channel}`;
    let f = this.feeders.get(key);
    if (!f) {
      const lv = this.levels[levelIndex]!;
      const c = this.channels[channel]!;
      const cols = countMultiples(lv.x0, lv.x0 + lv.width - 1, c.xSampling);
      const rows = countMultiples(lv.y0, lv.y0 + lv.height - 1, c.ySampling);
      f = new RowFeeder(this.factory, cols * c.bytes, rows);
      this.feeders.set(key, f);
    }
    return f;
  }

  add(chunk: DecodedChunk): void {
    const li = this.levels.findIndex((l) => l.level[0] === chunk.level[0] && l.level[1] === chunk.level[1]);
    if (li < 0) return;
    const lv = this.levels[li]!;
    chunk.planes.forEach((plane, ci) => {
      const c = this.channels[ci]!;
      const row0 = countMultiples(lv.y0, chunk.y0 - 1, c.ySampling);
      const col0 = countMultiples(lv.x0, chunk.x0 - 1, c.xSampling) * c.bytes;
      this.feeder(li, ci).add(plane, row0, col0);
    });
  }

  /** Hex digest, or null when some rows never arrived (a damaged or incomplete part). */
  digest(): string | null {
    const outer = this.factory();
    for (let li = 0; li < this.levels.length; li++) {
      for (let ci = 0; ci < this.channels.length; ci++) {
        const f = this.feeder(li, ci);
        if (!f.complete()) return null;
        outer.update(f.hash.digest());
      }
    }
    return toHex(outer.digest());
  }
}

function countMultiples(a: number, b: number, s: number): number {
  return b < a ? 0 : Math.floor(b / s) - Math.floor((a - 1) / s);
}

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
