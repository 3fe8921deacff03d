/**
 * A small hand-written reader over the `flatbuffers` runtime: one instance is one table at one position.
 * Slots are the schema's field ids (vtable offset = 4 + 2 * slot), as in the generated readers.
 * Every offset, vector and string is bounds-checked against the buffer (a RangeError otherwise), so a corrupted
 * message can neither read outside the buffer nor make the reader allocate more than the buffer could describe.
 */
import { type Builder, ByteBuffer } from "flatbuffers";

const utf8 = new TextDecoder();

export class FbTable {
  constructor(
    readonly bb: ByteBuffer,
    readonly pos: number,
  ) {
    check(bb, pos, 4);
    const vtable = pos - bb.readInt32(pos);
    check(bb, vtable, 4);
    check(bb, vtable, bb.readInt16(vtable));
  }

  static root(bytes: Uint8Array): FbTable {
    if (bytes.length < 8) throw new RangeError(`flatbuffer too short (${bytes.length} bytes)`);
    const bb = new ByteBuffer(bytes);
    return new FbTable(bb, bb.readInt32(0));
  }

  private field(slot: number): number {
    return this.bb.__offset(this.pos, 4 + 2 * slot);
  }

  private scalar(slot: number, size: number): number {
    const o = this.field(slot);
    if (o) check(this.bb, this.pos + o, size);
    return o;
  }

  has(slot: number): boolean {
    return this.field(slot) !== 0;
  }

  bool(slot: number, def = false): boolean {
    const o = this.scalar(slot, 1);
    return o ? this.bb.readInt8(this.pos + o) !== 0 : def;
  }
  u8(slot: number, def = 0): number {
    const o = this.scalar(slot, 1);
    return o ? this.bb.readUint8(this.pos + o) : def;
  }
  i8(slot: number, def = 0): number {
    const o = this.scalar(slot, 1);
    return o ? this.bb.readInt8(this.pos + o) : def;
  }
  i16(slot: number, def = 0): number {
    const o = this.scalar(slot, 2);
    return o ? this.bb.readInt16(this.pos + o) : def;
  }
  u16(slot: number, def = 0): number {
    const o = this.scalar(slot, 2);
    return o ? this.bb.readUint16(this.pos + o) : def;
  }
  i32(slot: number, def = 0): number {
    const o = this.scalar(slot, 4);
    return o ? this.bb.readInt32(this.pos + o) : def;
  }
  u32(slot: number, def = 0): number {
    const o = this.scalar(slot, 4);
    return o ? this.bb.readUint32(this.pos + o) : def;
  }
  i64(slot: number, def = 0n): bigint {
    const o = this.scalar(slot, 8);
    return o ? this.bb.readInt64(this.pos + o) : def;
  }
  u64(slot: number, def = 0n): bigint {
    const o = this.scalar(slot, 8);
    return o ? this.bb.readUint64(this.pos + o) : def;
  }
  f32(slot: number, def = 0): number {
    const o = this.scalar(slot, 4);
    return o ? this.bb.readFloat32(this.pos + o) : def;
  }
  f64(slot: number, def = 0): number {
    const o = this.scalar(slot, 8);
    return o ? this.bb.readFloat64(this.pos + o) : def;
  }

  /** Start and length of the vector (or string) referenced by a slot, checked for `elemSize`-byte elements. */
  private vector(slot: number, elemSize: number): { start: number; length: number } | null {
    const o = this.scalar(slot, 4);
    if (!o) return null;
    const at = this.pos + o;
    const target = at + this.bb.readUint32(at);
    check(this.bb, target, 4);
    const length = this.bb.readUint32(target);
    check(this.bb, target + 4, length * elemSize);
    return { start: target + 4, length };
  }

  /** A string field decoded as UTF-8, or null when absent. */
  str(slot: number): string | null {
    const bytes = this.bytes(slot);
    return bytes === null ? null : utf8.decode(bytes);
  }

  /** A string or `[ubyte]` field as raw bytes (a view into the buffer), or null when absent. */
  bytes(slot: number): Uint8Array | null {
    const v = this.vector(slot, 1);
    return v ? this.bb.bytes().subarray(v.start, v.start + v.length) : null;
  }

  /** A vector of `elemSize`-byte structs as a view of its bytes (empty when absent). */
  structs(slot: number, elemSize: number): DataView {
    const v = this.vector(slot, elemSize);
    const bytes = this.bb.bytes();
    return v
      ? new DataView(bytes.buffer, bytes.byteOffset + v.start, v.length * elemSize)
      : new DataView(bytes.buffer, bytes.byteOffset, 0);
  }

  table(slot: number): FbTable | null {
    const o = this.scalar(slot, 4);
    if (!o) return null;
    const at = this.pos + o;
    return new FbTable(this.bb, at + this.bb.readUint32(at));
  }

  /** The table referenced by a union value slot. */
  union(slot: number): FbTable | null {
    return this.table(slot);
  }

  tables(slot: number): FbTable[] {
    const v = this.vector(slot, 4);
    if (!v) return [];
    const out: FbTable[] = [];
    for (let i = 0; i < v.length; i++) {
      const at = v.start + 4 * i;
      out.push(new FbTable(this.bb, at + this.bb.readUint32(at)));
    }
    return out;
  }
}

function check(bb: ByteBuffer, pos: number, size: number): void {
  if (!Number.isInteger(pos) || pos < 0 || size < 0 || pos + size > bb.capacity())
    throw new RangeError(`flatbuffer offset ${pos}+${size} outside the ${bb.capacity()}-byte buffer`);
}

/** Writes an offset vector (e.g. `[Table]` or `[string]`) and returns its offset. */
export function offsetVector(b: Builder, offsets: readonly number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

/** uint64 values are written through the signed int64 writer. */
export function asInt64(v: bigint | number): bigint {
  return BigInt.asIntN(64, BigInt(v));
}
