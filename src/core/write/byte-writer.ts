/** A growable little-endian byte buffer: the only output primitive of the writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.view.setUint8(this.len, v & 0xff);
    this.len += 1;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.view.setInt32(this.len, v | 0, true);
    this.len += 4;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.view.setUint32(this.len, v >>> 0, true);
    this.len += 4;
    return this;
  }

  u64(v: number | bigint): this {
    this.ensure(8);
    this.view.setBigUint64(this.len, BigInt.asUintN(64, BigInt(v)), true);
    this.len += 8;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.view.setUint16(this.len, v & 0xffff, true);
    this.len += 2;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  /** Overwrites 8 bytes at an earlier position (offset tables are patched after the chunks are laid out). */
  patchU64(at: number, v: number | bigint): void {
    this.view.setBigUint64(at, BigInt.asUintN(64, BigInt(v)), true);
  }

  toBytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const utf8 = new TextEncoder();

/** Strings given as JS strings are encoded as UTF-8; a Uint8Array is written verbatim (e.g. non-UTF-8 bytes). */
export function textBytes(s: string | Uint8Array): Uint8Array {
  return typeof s === "string" ? utf8.encode(s) : s;
}

/** One character per byte (code points 0–255): keys that compare in byte order, as the library's std::map of names does. */
export function byteString(s: string | Uint8Array): string {
  let out = "";
  for (const b of textBytes(s)) out += String.fromCharCode(b);
  return out;
}
