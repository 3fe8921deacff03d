import type { DecodedChunk } from "./decode-chunk.js";
import type { DecodedDeepChunk } from "./decode-deep.js";

/** An incremental hash supplied by the host (SHA-256 in practice; the core has no crypto). */
export interface Hasher {
  update(bytes: Uint8Array): void;
  digest(): Uint8Array;
}
export type HasherFactory = () => Hasher;

/**
 * Rows of one stream (a channel, or a deep part's sample counts) at one level, fed to its hash top to bottom
 * whatever order the chunks come in. A row may arrive in pieces (tiles); it is hashed once all its pixel
 * columns are there. Memory: only rows that arrived ahead of an unfinished one.
 */
const STAGE_BYTES = 16 << 10;

class RowFeeder {
  private next = 0;
  private readonly pending = new Map<number, { pieces: Map<number, Uint8Array>; covered: number }>();
  private readonly hash: Hasher;
  /** Small updates are gathered here and handed to the hash 16 KiB at a time (each update call has a fixed cost). */
  private staged: Uint8Array | null = null;
  private stagedBytes = 0;

  constructor(
    factory: HasherFactory,
    readonly columns: number,
    private readonly rows: number,
  ) {
    this.hash = factory();
  }

  private update(bytes: Uint8Array): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a SHA-256 of the concatenated rows does not depend on how they are split into updates
    if (bytes.length >= STAGE_BYTES) {
      this.flushStaged();
      this.hash.update(bytes);
      return;
    }
    if (!this.staged) this.staged = new Uint8Array(STAGE_BYTES);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a SHA-256 of the concatenated rows does not depend on how they are split into updates
    if (this.stagedBytes + bytes.length > STAGE_BYTES) this.flushStaged();
    this.staged.set(bytes, this.stagedBytes);
    this.stagedBytes += bytes.length;
  }

  private flushStaged(): void {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a SHA-256 of the concatenated rows does not depend on how they are split into updates (an empty update adds nothing)
    if (this.staged && this.stagedBytes > 0) this.hash.update(this.staged.subarray(0, this.stagedBytes));
    this.stagedBytes = 0;
  }

  /** The stream's SHA-256 (call once, after the last row). */
  digest(): Uint8Array {
    this.flushStaged();
    this.staged = null;
    return this.hash.digest();
  }

  /** `rows` whole rows starting at `row`, each `rowBytes` long (one hash update when they are next in line). */
  addRows(row: number, rows: number, bytes: Uint8Array, rowBytes: number): void {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral,BlockStatement: a faster path; rows given one by one to add() hash the same
    if (row === this.next && !this.pending.has(row)) {
      this.update(bytes.subarray(0, rows * rowBytes));
      this.next += rows;
      this.drain();
      return;
    }
    for (let r = 0; r < rows; r++)
      this.add(row + r, 0, this.columns, bytes.subarray(r * rowBytes, (r + 1) * rowBytes));
  }

  /** The band of rows being assembled from tiles side by side (the next rows in line), and its columns so far. */
  private band: Uint8Array | null = null;
  private bandRows = 0;
  private bandCovered = 0;

  /**
   * A block of `rows` rows of `columns` samples at (`row`, `col`), `bytes` row after row. Tiles of the rows next in
   * line are copied side by side into one band, hashed in one update once its columns are all there; anything
   * else goes row by row through add().
   */
  addBlock(
    row: number,
    rows: number,
    col: number,
    columns: number,
    bytes: Uint8Array,
    sampleBytes: number,
  ): void {
    const rowBytes = columns * sampleBytes;
    const fits = col + columns <= this.columns && rows > 0 && columns > 0;
    if (fits && row === this.next && !this.pending.has(row) && (!this.band || this.bandRows === rows)) {
      const width = this.columns * sampleBytes;
      if (!this.band) {
        this.band = new Uint8Array(width * rows);
        this.bandRows = rows;
        this.bandCovered = 0;
      }
      for (let r = 0; r < rows; r++)
        this.band.set(bytes.subarray(r * rowBytes, (r + 1) * rowBytes), r * width + col * sampleBytes);
      this.bandCovered += columns;
      if (this.bandCovered === this.columns) {
        this.update(this.band);
        this.band = null;
        this.next += rows;
        this.drain();
      }
      return;
    }
    for (let r = 0; r < rows; r++)
      this.add(row + r, col, columns, bytes.subarray(r * rowBytes, (r + 1) * rowBytes));
  }

  add(row: number, col: number, columns: number, bytes: Uint8Array): void {
    if (row === this.next && col === 0 && columns === this.columns) {
      this.update(bytes);
      this.next++;
    } else {
      let p = this.pending.get(row);
      if (!p) {
        p = { pieces: new Map(), covered: 0 };
        this.pending.set(row, p);
      }
      if (!p.pieces.has(col)) {
        p.pieces.set(col, bytes.slice());
        p.covered += columns;
      }
    }
    this.drain();
  }

  private drain(): void {
    for (;;) {
      const p = this.pending.get(this.next);
      if (!p || p.covered < this.columns) return;
      for (const col of [...p.pieces.keys()].sort((a, b) => a - b)) this.update(p.pieces.get(col)!);
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

export interface HashedChannel {
  name: string;
  xSampling: number;
  ySampling: number;
}

function countMultiples(a: number, b: number, s: number): number {
  // Stryker disable next-line ConditionalExpression: callers pass b >= a - 1, where the formula gives 0 too
  return b < a ? 0 : Math.floor(b / s) - Math.floor((a - 1) / s);
}

const bytesOf = (a: Uint16Array | Uint32Array, from: number, to: number) =>
  new Uint8Array(a.buffer, a.byteOffset + from * a.BYTES_PER_ELEMENT, (to - from) * a.BYTES_PER_ELEMENT);

/**
 * The per-part pixel hash: SHA-256 over, for each level in offset-table order and each stream, the 32-byte
 * SHA-256 of that stream's rows top to bottom. Flat parts: one stream per channel in stored order, a row being
 * its samples left to right as raw little-endian bits (2 bytes per half, 4 per float and uint). Deep parts: first
 * the sample counts (uint32 per pixel), then per channel each pixel's samples in pixel order. Independent of
 * compression, chunk or tile size and line order: two files with the same pixels hash the same.
 */
export class PartPixelHash {
  private readonly feeders = new Map<string, RowFeeder>();
  private readonly streams: number;

  constructor(
    private readonly factory: HasherFactory,
    private readonly levels: readonly LevelShape[],
    private readonly channels: readonly HashedChannel[],
    private readonly deep: boolean,
  ) {
    this.streams = channels.length + (deep ? 1 : 0);
  }

  private feeder(levelIndex: number, stream: number): RowFeeder {
    const key = `${levelIndex}:${stream}`;
    let f = this.feeders.get(key);
    if (!f) {
      const lv = this.levels[levelIndex]!;
      const c = this.deep ? { xSampling: 1, ySampling: 1 } : this.channels[stream]!;
      const cols = countMultiples(lv.x0, lv.x0 + lv.width - 1, c.xSampling);
      const rows = countMultiples(lv.y0, lv.y0 + lv.height - 1, c.ySampling);
      f = new RowFeeder(this.factory, cols, rows);
      this.feeders.set(key, f);
    }
    return f;
  }

  private levelIndex(level: readonly [number, number]): number {
    return this.levels.findIndex((l) => l.level[0] === level[0] && l.level[1] === level[1]);
  }

  add(chunk: DecodedChunk): void {
    const li = this.levelIndex(chunk.level);
    if (li < 0) return;
    const lv = this.levels[li]!;
    chunk.planes.forEach((plane, ci) => {
      const c = this.channels[ci]!;
      const row0 = countMultiples(lv.y0, chunk.y0 - 1, c.ySampling);
      const col0 = countMultiples(lv.x0, chunk.x0 - 1, c.xSampling);
      const f = this.feeder(li, ci);
      // Stryker disable next-line ConditionalExpression,BlockStatement: a faster path for whole rows; addBlock hashes them the same
      if (col0 === 0 && plane.width === f.columns) {
        const rowBytes = plane.width * plane.data.BYTES_PER_ELEMENT;
        f.addRows(row0, plane.height, bytesOf(plane.data, 0, plane.data.length), rowBytes);
        return;
      }
      const bytes = bytesOf(plane.data, 0, plane.data.length);
      f.addBlock(row0, plane.height, col0, plane.width, bytes, plane.data.BYTES_PER_ELEMENT);
    });
  }

  addDeep(chunk: DecodedDeepChunk): void {
    const li = this.levelIndex(chunk.level);
    if (li < 0) return;
    const lv = this.levels[li]!;
    const row0 = chunk.y0 - lv.y0;
    const col0 = chunk.x0 - lv.x0;
    const counts = this.feeder(li, 0);
    let sample = 0;
    for (let r = 0; r < chunk.height; r++) {
      counts.add(row0 + r, col0, chunk.width, bytesOf(chunk.counts, r * chunk.width, (r + 1) * chunk.width));
      let line = 0;
      for (let x = 0; x < chunk.width; x++) line += chunk.counts[r * chunk.width + x]!;
      chunk.channels.forEach((c, k) => {
        this.feeder(li, k + 1).add(row0 + r, col0, chunk.width, bytesOf(c.data, sample, sample + line));
      });
      sample += line;
    }
  }

  /** Hex digest, or null when some rows never arrived (a damaged or incomplete part). */
  digest(): string | null {
    const outer = this.factory();
    for (let li = 0; li < this.levels.length; li++) {
      for (let s = 0; s < this.streams; s++) {
        const f = this.feeder(li, s);
        if (!f.complete()) return null;
        outer.update(f.digest());
      }
    }
    let hex = "";
    for (const b of outer.digest()) hex += b.toString(16).padStart(2, "0");
    return hex;
  }
}
