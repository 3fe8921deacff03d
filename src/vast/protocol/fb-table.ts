/**
 * A small hand-written reader over the `flatbuffers` runtime: one instance is one table at one position.
 * Slots are the schema's field ids (vtable offset = 4 + 2 * slot), as in the generated readers.
 */
import { ByteBuffer, Encoding } from "flatbuffers";

export class FbTable {
  constructor(
    readonly bb: ByteBuffer,
    readonly pos: number,
  ) {}

  static root(bytes: Uint8Array): FbTable {
    if (bytes.length < 8) throw new RangeError(`flatbuffer too short (${bytes.length} bytes)`);
    const bb = new ByteBuffer(bytes);
    return new FbTable(bb, bb.readInt32(bb.position()) + bb.position());
  }

  private field(slot: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * slot);
  }

  has(slot: number): boolean {
    return this.field(slot) !== 0;
  }

  bool(slot: number, def = false): boolean {
    const o = this.field(slot);
    return o ? this.bb.readInt8(this.pos + o) !== 0 : def;
  }
  u8(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readUint8(this.pos + o) : def;
  }
  i8(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readInt8(this.pos + o) : def;
  }
  i16(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readInt16(this.pos + o) : def;
  }
  u16(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readUint16(this.pos + o) : def;
  }
  i32(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readInt32(this.pos + o) : def;
  }
  u32(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readUint32(this.pos + o) : def;
  }
  i64(slot: number, def = 0n): bigint {
    const o = this.field(slot);
    return o ? this.bb.readInt64(this.pos + o) : def;
  }
  u64(slot: number, def = 0n): bigint {
    const o = this.field(slot);
    return o ? this.bb.readUint64(this.pos + o) : def;
  }
  f32(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readFloat32(this.pos + o) : def;
  }
  f64(slot: number, def = 0): number {
    const o = this.field(slot);
    return o ? this.bb.readFloat64(this.pos + o) : def;
  }

  /** A string field decoded as UTF-8, or null when absent. */
  str(slot: number): string | null {
    const o = this.field(slot);
    return o ? (this.bb.__string(this.pos + o, Encoding.UTF16_STRING) as string) : null;
  }

  /** A string or `[ubyte]` field as raw bytes (a view into the buffer), or null when absent. */
  bytes(slot: number): Uint8Array | null {
    const o = this.field(slot);
    if (!o) return null;
    const start = this.bb.__vector(this.pos + o);
    const len = this.bb.__vector_len(this.pos + o);
    return this.bb.bytes().subarray(start, start + len);
  }

  table(slot: number): FbTable | null {
    const o = this.field(slot);
    return o ? new FbTable(this.bb, this.bb.__indirect(this.pos + o)) : null;
  }

  /** The table referenced by a union value slot. */
  union(slot: number): FbTable | null {
    const o = this.field(slot);
    if (!o) return null;
    const at = this.pos + o;
    return new FbTable(this.bb, at + this.bb.readInt32(at));
  }

  tables(slot: number): FbTable[] {
    const o = this.field(slot);
    if (!o) return [];
    const start = this.bb.__vector(this.pos + o);
    const len = this.bb.__vector_len(this.pos + o);
    const out: FbTable[] = [];
    for (let i = 0; i < len; i++) out.push(new FbTable(this.bb, this.bb.__indirect(start + 4 * i)));
    return out;
  }
}

/** Writes an offset vector (e.g. `[Table]` or `[string]`) and returns its offset. */
export function offsetVector(b: import("flatbuffers").Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

/** uint64 values are written through the signed int64 writer. */
export function asInt64(v: bigint | number): bigint {
  return BigInt.asIntN(64, BigInt(v));
}
