// Readers are created per attribute; most share one buffer, so one DataView serves them all.
// Held weakly: a large header buffer is not kept alive after its inspection.
let lastView: WeakRef<DataView> | null = null;

function viewOf(buffer: ArrayBufferLike): DataView {
  const cached = lastView?.deref();
  if (cached && cached.buffer === buffer) return cached;
  const view = new DataView(buffer);
  lastView = new WeakRef(view);
  return view;
}

/**
 * A bounded little-endian cursor over a byte range. Reads never go past `end`:
 * callers check `remaining` (or use the `has` guard) first, so a malformed length
 * can never cause an out-of-bounds read or a large allocation.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  /** A view of the whole underlying buffer (shared between readers of the same buffer). */
  private readonly view: DataView;
  /** `bytes.byteOffset`: positions are relative to `bytes`, the view is not. */
  private readonly base: number;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.view = viewOf(bytes.buffer);
    this.base = bytes.byteOffset;
    this.pos = start;
    this.end = Math.min(end, bytes.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  has(n: number): boolean {
    return n >= 0 && this.pos + n <= this.end;
  }

  u8(): number {
    return this.view.getUint8(this.base + this.pos++);
  }

  i32(): number {
    const v = this.view.getInt32(this.base + this.pos, true);
    this.pos += 4;
    return v;
  }

  u32(): number {
    const v = this.view.getUint32(this.base + this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Unsigned 64-bit as a JS number (exact up to 2^53, which bounds any real file offset). */
  u64(): number {
    const lo = this.view.getUint32(this.base + this.pos, true);
    const hi = this.view.getUint32(this.base + this.pos + 4, true);
    this.pos += 8;
    return hi * 0x1_0000_0000 + lo;
  }

  f32(): number {
    const v = this.view.getFloat32(this.base + this.pos, true);
    this.pos += 4;
    return v;
  }

  f64(): number {
    const v = this.view.getFloat64(this.base + this.pos, true);
    this.pos += 8;
    return v;
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
