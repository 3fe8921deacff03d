// Floats are read by copying their bytes into this scratch and reading it with one shared
// DataView: readers are created per attribute, and a DataView per reader (or a cache of views
// keyed by buffer) cost more than the reads themselves. Integers are assembled from bytes.
const scratch = new Uint8Array(8);
const scratchView = new DataView(scratch.buffer);

/**
 * A bounded little-endian cursor over a byte range. Reads never go past `end`:
 * callers check `remaining` (or use the `has` guard) first, so a malformed length
 * can never cause an out-of-bounds read or a large allocation.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.pos = 0;
    this.end = bytes.length;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  has(n: number): boolean {
    return n >= 0 && this.pos + n <= this.end;
  }

  u8(): number {
    return this.bytes[this.pos++]!;
  }

  i32(): number {
    const b = this.bytes;
    const p = this.pos;
    this.pos = p + 4;
    return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
  }

  u32(): number {
    return this.i32() >>> 0;
  }

  /** Unsigned 64-bit as a JS number (exact up to 2^53, which bounds any real file offset). */
  u64(): number {
    const lo = this.u32();
    const hi = this.u32();
    return hi * 0x1_0000_0000 + lo;
  }

  f32(): number {
    const b = this.bytes;
    const p = this.pos;
    scratch[0] = b[p]!;
    scratch[1] = b[p + 1]!;
    scratch[2] = b[p + 2]!;
    scratch[3] = b[p + 3]!;
    this.pos = p + 4;
    return scratchView.getFloat32(0, true);
  }

  f64(): number {
    const b = this.bytes;
    const p = this.pos;
    for (let i = 0; i < 8; i++) scratch[i] = b[p + i]!;
    this.pos = p + 8;
    return scratchView.getFloat64(0, true);
  }

  /** A view (no copy) of the next `n` bytes. */
  take(n: number): Uint8Array {
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * Index of the next NUL byte at or after `pos`, searching at most `maxLength + 1` bytes
   * and never past `end`; -1 when not found within that window.
   */
  findNul(maxLength: number): number {
    const limit = Math.min(this.end, this.pos + maxLength + 1);
    for (let i = this.pos; i < limit; i++) {
      if (this.bytes[i] === 0) return i;
    }
    return -1;
  }
}
