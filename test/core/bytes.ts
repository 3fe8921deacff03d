/** Little-endian byte builder for hand-made test inputs. */
export class Bytes {
  private readonly parts: number[] = [];

  u8(...vs: number[]): this {
    for (const v of vs) this.parts.push(v & 0xff);
    return this;
  }

  i32(...vs: number[]): this {
    for (const v of vs) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, v, true);
      this.parts.push(...b);
    }
    return this;
  }

  u32(...vs: number[]): this {
    for (const v of vs) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, v, true);
      this.parts.push(...b);
    }
    return this;
  }

  u64(...vs: number[]): this {
    for (const v of vs) this.u32(v % 0x1_0000_0000, Math.floor(v / 0x1_0000_0000));
    return this;
  }

  f32(...vs: number[]): this {
    for (const v of vs) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v, true);
      this.parts.push(...b);
    }
    return this;
  }

  f64(...vs: number[]): this {
    for (const v of vs) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, true);
      this.parts.push(...b);
    }
    return this;
  }

  /** Text bytes (Latin-1 code units), optionally NUL-terminated. */
  str(s: string, nul = false): this {
    for (let i = 0; i < s.length; i++) this.parts.push(s.charCodeAt(i) & 0xff);
    if (nul) this.parts.push(0);
    return this;
  }

  raw(b: Uint8Array | number[]): this {
    this.parts.push(...b);
    return this;
  }

  /** An attribute: name, type, size, value. */
  attr(name: string, type: string, value: Uint8Array): this {
    return this.str(name, true).str(type, true).i32(value.length).raw(value);
  }

  get length(): number {
    return this.parts.length;
  }

  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export const b = () => new Bytes();

/** Offset-table bytes: each offset as a little-endian u64. */
export function tableBytes(offsets: number[]): Uint8Array {
  const out = new Uint8Array(offsets.length * 8);
  const view = new DataView(out.buffer);
  for (const [i, o] of offsets.entries()) view.setBigUint64(i * 8, BigInt(o), true);
  return out;
}
