/**
 * DWA's per-block kernels as a small WebAssembly module, assembled here at first use (no toolchain, no file): the
 * AC un-RLE into the block, dequantised (`unpack`); the inverse DCT and Y'CbCr -> R'G'B'; float -> half (F16C's
 * rounding; the rare results that are not normal halves call back into f16c.ts) -> nonlinear-to-linear table,
 * written as eight lines of a band that decodeLossyDct copies to the rows (`halves`).
 *
 * Why: JavaScript has no float32 arithmetic. Each operation of dwa-dct.ts is a float64 operation plus a
 * `Math.fround`, which doubles the cost of the DCT; WebAssembly's f32 add/sub/mul are IEEE binary32 operations, the
 * same as OpenEXR's AVX/SSE2 ones and as float64-then-fround (one rounding of an exact product or sum), so the
 * module computes the same bits in the same order as dwa-dct.ts's JavaScript path, which stays for hosts without
 * WebAssembly and is what the tests compare the module with.
 *
 * Memory layout: three 8x8 float blocks (one per channel of a triple) at bytes 0, 256 and 512; `unpack`'s last
 * non-zero index at LAST_NON_ZERO; the row-major byte offset of each zig-zag index at UNZIGZAG_OFFSETS; the
 * nonlinear table last loaded at LINEAR_TABLE, the identity table at IDENTITY_TABLE, the float bits of every half at
 * HALF_BITS, then the band at BAND and the chunk's AC coefficients after the widest band so far (grown as needed).
 * Exports: `idct1` ... `idct8` (block at byte offset `base`, rows at and past n known zero), `csc1` and `csc64`
 * (the first or all 64 samples of the three blocks), `halves(src, dst, stride, table)`,
 * `unpack(at, end, block, dcBits)`, `memory`.
 */

import { A, B, C, CSC_B_CB, CSC_G_CB, CSC_G_CR, CSC_R_CR, D, E, F, G } from "./dwa-constants.js";
import { UNZIGZAG } from "./dwa-zigzag.js";
import { f16c } from "./f16c.js";
import { halfToFloatTable } from "./half.js";

/** The part of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface DctKernels {
  /**
   * Makes room for a band of `bandBytes`, copies the chunk's AC coefficients `ac` to acAddress() unless this `ac`
   * is already there (a chunk's lossy channels share one stream: decodeLossyDct passes the same array for each),
   * loads `toLinear` (null: the identity) as the lookup table; returns the table's address for `halves`, or -1 when
   * the band and coefficients would pass MAX_BAND_BYTES or the memory cannot grow (the caller then decodes in
   * JavaScript). It may grow the memory: take views of `buffer()` after it.
   */
  prepare(bandBytes: number, ac: Uint16Array, toLinear: Uint16Array | null): number;
  /** Where `prepare` put ac[0]. */
  acAddress(): number;
  /** The memory (blocks at 0, 256, 512; the band at BAND). */
  buffer(): ArrayBuffer;
  /** idct[n - 1](base): dctInverse8x8 of the block at byte `base`, rows at and past n (1..8) known zero. */
  readonly idct: readonly ((base: number) => void)[];
  readonly csc1: () => void;
  readonly csc64: () => void;
  /**
   * The 64 floats at byte `src` to halves through the table at `table`, stored as 8 lines of 8 at byte `dst`,
   * `stride` bytes apart.
   */
  readonly halves: (src: number, dst: number, stride: number, table: number) => void;
  /**
   * LossyDctDecoder_unRleAc: zeroes the block at byte `block`, stores `dcBits` as its first float, then reads AC
   * coefficients from byte `at` (not past `end`) into their row-major places as float bits until the block is
   * full. Returns the address after the last coefficient read, or -1 when they run out; the last non-zero zig-zag
   * index is left at LAST_NON_ZERO.
   */
  readonly unpack: (at: number, end: number, block: number, dcBits: number) => number;
}

export const BLOCK_BYTES = 256;
const PAGE = 65536;
export const LAST_NON_ZERO = 3 * BLOCK_BYTES;
const UNZIGZAG_OFFSETS = LAST_NON_ZERO + 64;
const LINEAR_TABLE = PAGE;
const IDENTITY_TABLE = 3 * PAGE;
const HALF_BITS = 5 * PAGE;
export const BAND = 9 * PAGE;
/**
 * WebAssembly memory never shrinks: a band and its AC coefficients past this (lines of ~1 million samples) are
 * decoded in JavaScript.
 */
export const MAX_BAND_BYTES = 64 << 20;

const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  select: 0x1b,
  i32Load8U: 0x2d,
  i32Store: 0x36,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  call: 0x10,
  localTee: 0x22,
  i32Load: 0x28,
  i32Load16U: 0x2f,
  i32Store16: 0x3b,
  i32LeU: 0x4d,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  i32Const: 0x41,
  localGet: 0x20,
  localSet: 0x21,
  f32Load: 0x2a,
  f32Store: 0x38,
  f32Const: 0x43,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
} as const;
const I32 = 0x7f;
const V128 = 0x7b;
/** The SIMD prefix and the opcodes after it (LEB128; WebAssembly SIMD: Node 16.4+, every current browser). */
const SIMD = 0xfd;
const SIMD_OP = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f32x4Splat: 0x13,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
};
const EMPTY = 0x40;
/** memory.fill (bulk memory: Node 16+, every current browser). */
const MEMORY_FILL = [0xfc, 0x0b, 0x00];
const F32 = 0x7d;

/** unpack(at, end, block, dcBits): see DctKernels.unpack. Parameters 0-3, locals 4 (comp), 5 (lastNonZero), 6 (v). */
function unpackBody(): number[] {
  const [AT, END, BLOCK, DC, COMP, LAST, V] = [0, 1, 2, 3, 4, 5, 6];
  const i32 = (n: number) => [OP.i32Const, ...sleb(n)];
  const c: number[] = [OP.localGet, BLOCK, ...i32(0), ...i32(BLOCK_BYTES), ...MEMORY_FILL];
  c.push(OP.localGet, BLOCK, OP.localGet, DC, OP.i32Store, 2, 0);
  c.push(...i32(1), OP.localSet, COMP);
  c.push(OP.block, EMPTY, OP.loop, EMPTY);
  c.push(OP.localGet, COMP, ...i32(64), OP.i32GeS, OP.brIf, 1);
  c.push(OP.localGet, AT, OP.localGet, END, OP.i32GeU, OP.if, EMPTY, ...i32(-1), OP.return, OP.end);
  c.push(OP.localGet, AT, OP.i32Load16U, 1, 0, OP.localSet, V);
  c.push(OP.localGet, AT, ...i32(2), OP.i32Add, OP.localSet, AT);
  c.push(OP.localGet, V, ...i32(0xff00), OP.i32And, ...i32(0xff00), OP.i32Eq, OP.if, EMPTY);
  // a run: comp += count, a count of 0 meaning 64
  c.push(OP.localGet, COMP, ...i32(64), OP.localGet, V, ...i32(0xff), OP.i32And, OP.localTee, V);
  c.push(OP.localGet, V, OP.i32Eqz, OP.select, OP.i32Add, OP.localSet, COMP);
  c.push(OP.else);
  // a value: its float bits at the row-major place of zig-zag index comp
  c.push(OP.localGet, COMP, OP.localSet, LAST);
  c.push(OP.localGet, BLOCK, OP.localGet, COMP, OP.i32Load8U, 0, ...leb(UNZIGZAG_OFFSETS), OP.i32Add);
  c.push(OP.localGet, V, ...i32(2), OP.i32Shl, OP.i32Load, 2, ...leb(HALF_BITS), OP.i32Store, 2, 0);
  c.push(OP.localGet, COMP, ...i32(1), OP.i32Add, OP.localSet, COMP);
  c.push(OP.end, OP.br, 0, OP.end, OP.end);
  c.push(...i32(0), OP.localGet, LAST, OP.i32Store, 2, ...leb(LAST_NON_ZERO));
  c.push(OP.localGet, AT);
  const out = leb(c.length + 4);
  out.push(1, 3, I32);
  append(out, c);
  out.push(OP.end);
  return out;
}

/** Pushes every byte of `from` (no spread: the code arrays are tens of kilobytes, built once per process). */
function append(to: number[], from: readonly number[]): void {
  for (const b of from) to.push(b);
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer (i32.const). */
function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const constBytes = new Float32Array(1);
const constU8 = new Uint8Array(constBytes.buffer);

/** A value on the way to the stack: emitting it pushes one f32. */
type Value = () => void;

/** Straight-line f32 code of one function whose parameter 0 is the block's byte offset. */
class Body {
  readonly code: number[] = [];
  private locals = 0;
  private vectorLocals = 0;
  /** Index of the first v128 local once `vectors()` was called (every f32 local is declared before it). */
  private vectorBase = -1;
  private readonly base: number;

  constructor(hasBase: boolean) {
    this.base = hasBase ? 0 : -1;
  }

  /**
   * From here on, values are four adjacent floats (f32x4, lane by lane the same IEEE binary32 operations): a load
   * or store at index i covers i..i+3. No f32 local may be kept after this.
   */
  vectors(): void {
    this.vectorBase = (this.base < 0 ? 0 : 1) + this.locals;
  }

  private get vector(): boolean {
    return this.vectorBase >= 0;
  }

  private addr(): void {
    if (this.base < 0) this.code.push(OP.i32Const, 0);
    else this.code.push(OP.localGet, this.base);
  }

  load(index: number): Value {
    return () => {
      this.addr();
      if (this.vector) this.code.push(SIMD, ...leb(SIMD_OP.v128Load), 4, ...leb(4 * index));
      else this.code.push(OP.f32Load, 2, ...leb(4 * index));
    };
  }

  store(index: number, v: Value): void {
    this.addr();
    v();
    if (this.vector) this.code.push(SIMD, ...leb(SIMD_OP.v128Store), 4, ...leb(4 * index));
    else this.code.push(OP.f32Store, 2, ...leb(4 * index));
  }

  constant(x: number): Value {
    return () => {
      constBytes[0] = x;
      this.code.push(OP.f32Const, ...constU8);
      if (this.vector) this.code.push(SIMD, ...leb(SIMD_OP.f32x4Splat));
    };
  }

  private op(scalar: number, lanes: number, a: Value, b: Value): Value {
    return () => {
      a();
      b();
      if (this.vector) this.code.push(SIMD, ...leb(lanes));
      else this.code.push(scalar);
    };
  }

  mul(a: Value, x: number): Value {
    return this.op(OP.f32Mul, SIMD_OP.f32x4Mul, a, this.constant(x));
  }
  /** x * a, for the conversion that multiplies with the constant first (same value; kept as OpenEXR writes it). */
  mulFirst(x: number, a: Value): Value {
    return this.op(OP.f32Mul, SIMD_OP.f32x4Mul, this.constant(x), a);
  }
  add(a: Value, b: Value): Value {
    return this.op(OP.f32Add, SIMD_OP.f32x4Add, a, b);
  }
  sub(a: Value, b: Value): Value {
    return this.op(OP.f32Sub, SIMD_OP.f32x4Sub, a, b);
  }

  /** Evaluates `v` once into a new local and returns the local. */
  keep(v: Value): Value {
    const index = this.vector
      ? this.vectorBase + this.vectorLocals++
      : (this.base < 0 ? 0 : 1) + this.locals++;
    v();
    this.code.push(OP.localSet, ...leb(index));
    return () => this.code.push(OP.localGet, ...leb(index));
  }

  /** The function body: local declarations, code, end. */
  bytes(): number[] {
    const groups: number[][] = [];
    if (this.locals > 0) groups.push([...leb(this.locals), F32]);
    if (this.vectorLocals > 0) groups.push([...leb(this.vectorLocals), V128]);
    const decl = [groups.length, ...groups.flat()];
    const out = leb(decl.length + this.code.length + 1);
    append(out, decl);
    append(out, this.code);
    out.push(OP.end);
    return out;
  }
}

/** dwa-dct.ts idctRow, same operations in the same order. */
function row(b: Body, o: number): void {
  const v = Array.from({ length: 8 }, (_, i) => b.keep(b.load(o + i)));
  const [v0, v1, v2, v3, v4, v5, v6, v7] = v as [Value, Value, Value, Value, Value, Value, Value, Value];
  const v0a = b.keep(b.mul(v0, A));
  const e0 = b.keep(b.add(b.add(v0a, b.mul(v2, C)), b.add(b.mul(v4, A), b.mul(v6, F))));
  const e1 = b.keep(b.add(b.add(v0a, b.mul(v2, F)), b.add(b.mul(v4, -A), b.mul(v6, -C))));
  const e2 = b.keep(b.add(b.add(v0a, b.mul(v2, -F)), b.add(b.mul(v4, -A), b.mul(v6, C))));
  const e3 = b.keep(b.add(b.add(v0a, b.mul(v2, -C)), b.add(b.mul(v4, A), b.mul(v6, -F))));
  const o0 = b.keep(b.add(b.add(b.mul(v1, B), b.mul(v3, D)), b.add(b.mul(v5, E), b.mul(v7, G))));
  const o1 = b.keep(b.add(b.add(b.mul(v1, D), b.mul(v3, -G)), b.add(b.mul(v5, -B), b.mul(v7, -E))));
  const o2 = b.keep(b.add(b.add(b.mul(v1, E), b.mul(v3, -B)), b.add(b.mul(v5, G), b.mul(v7, D))));
  const o3 = b.keep(b.add(b.add(b.mul(v1, G), b.mul(v3, -E)), b.add(b.mul(v5, D), b.mul(v7, -B))));
  b.store(o, b.add(e0, o0));
  b.store(o + 1, b.add(e1, o1));
  b.store(o + 2, b.add(e2, o2));
  b.store(o + 3, b.add(e3, o3));
  b.store(o + 4, b.sub(e3, o3));
  b.store(o + 5, b.sub(e2, o2));
  b.store(o + 6, b.sub(e1, o1));
  b.store(o + 7, b.sub(e0, o0));
}

/** dwa-dct.ts idctColumn for rows at and past n known zero, same operations in the same order. */
function column(b: Body, j: number, n: number): void {
  const r = Array.from({ length: 8 }, (_, i) => (i < n ? b.keep(b.load(8 * i + j)) : null));
  const at = (i: number) => r[i]!;
  let o0 = b.mul(at(1), B);
  if (n > 3) o0 = b.add(o0, b.mul(at(3), D));
  if (n > 5) o0 = b.add(o0, n > 7 ? b.add(b.mul(at(5), E), b.mul(at(7), G)) : b.mul(at(5), E));
  let o1 = b.mul(at(1), D);
  if (n > 3) o1 = b.sub(o1, n > 5 ? b.add(b.mul(at(5), B), b.mul(at(3), G)) : b.mul(at(3), G));
  if (n > 7) o1 = b.sub(o1, b.mul(at(7), E));
  let o2 = b.mul(at(1), E);
  if (n > 3) o2 = b.sub(o2, b.mul(at(3), B));
  if (n > 5) o2 = b.add(o2, b.mul(at(5), G));
  if (n > 7) o2 = b.add(o2, b.mul(at(7), D));
  let o3 = b.mul(at(1), G);
  if (n > 5) o3 = b.add(o3, b.mul(at(5), D));
  if (n > 3) o3 = b.sub(o3, n > 7 ? b.add(b.mul(at(7), B), b.mul(at(3), E)) : b.mul(at(3), E));
  const [k0, k1, k2, k3] = [b.keep(o0), b.keep(o1), b.keep(o2), b.keep(o3)];
  const r0a = b.keep(b.mul(at(0), A));
  let s = r0a;
  let dd = r0a;
  if (n > 4) {
    const r4a = b.keep(b.mul(at(4), A));
    s = b.keep(b.add(s, r4a));
    dd = b.keep(b.sub(dd, r4a));
  }
  let [e0, e1, e2, e3] = [s, dd, dd, s];
  if (n > 2) {
    const t = b.keep(n > 6 ? b.add(b.mul(at(2), C), b.mul(at(6), F)) : b.mul(at(2), C));
    const u = b.keep(n > 6 ? b.sub(b.mul(at(2), F), b.mul(at(6), C)) : b.mul(at(2), F));
    e0 = b.keep(b.add(s, t));
    e3 = b.keep(b.sub(s, t));
    e1 = b.keep(b.add(dd, u));
    e2 = b.keep(b.sub(dd, u));
  }
  b.store(j, b.add(e0, k0));
  b.store(8 + j, b.add(e1, k1));
  b.store(16 + j, b.add(e2, k2));
  b.store(24 + j, b.add(e3, k3));
  b.store(32 + j, b.sub(e3, k3));
  b.store(40 + j, b.sub(e2, k2));
  b.store(48 + j, b.sub(e1, k1));
  b.store(56 + j, b.sub(e0, k0));
}

/** dwa-dct.ts inverseDct8x8 for n = 8 - zeroedRows. */
function idctBody(n: number): Body {
  const b = new Body(true);
  if (n === 1) {
    row(b, 0);
    for (let j = 0; j < 8; j++) {
      const v = b.keep(b.mul(b.load(j), A));
      for (let i = 0; i < 64; i += 8) b.store(i + j, v);
    }
    return b;
  }
  for (let i = 0; i < n; i++) row(b, 8 * i);
  // The column pass is the same for every column: four at a time, lane by lane the same operations.
  b.vectors();
  column(b, 0, n);
  column(b, 4, n);
  return b;
}

/** decodeLossyDct's Y'CbCr -> R'G'B' over the first `count` samples of the blocks at 0, 256 and 512. */
function cscBody(count: number): Body {
  const b = new Body(false);
  const R = 0;
  const Gb = BLOCK_BYTES / 4;
  const Bb = (2 * BLOCK_BYTES) / 4;
  // All 64 samples: four at a time (the same operations lane by lane); the first sample alone: one.
  const step = count === 64 ? 4 : 1;
  if (step === 4) b.vectors();
  for (let i = 0; i < count; i += step) {
    const y = b.keep(b.load(R + i));
    const cb = b.keep(b.load(Gb + i));
    const cr = b.keep(b.load(Bb + i));
    b.store(R + i, b.add(y, b.mul(cr, CSC_R_CR)));
    b.store(Gb + i, b.add(b.add(b.mul(cb, CSC_G_CB), y), b.mul(cr, CSC_G_CR)));
    b.store(Bb + i, b.add(b.mulFirst(CSC_B_CB, cb), y));
  }
  return b;
}

/**
 * halves(src, dst, stride, table): f16c.ts's f16c on each float's bits (the normal-half case inline, the others
 * through the imported f16c), then table[half], stored line by line. Parameters 0-3, locals 4 (bits), 5 (|bits|),
 * 6 (the line's address).
 */
function halvesBody(): number[] {
  const [SRC, DST, STRIDE, TABLE, BITS, ABS, LINE] = [0, 1, 2, 3, 4, 5, 6];
  const c: number[] = [OP.localGet, DST, OP.localSet, LINE];
  const i32 = (n: number) => [OP.i32Const, ...sleb(n)];
  for (let y = 0; y < 8; y++) {
    if (y > 0) c.push(OP.localGet, LINE, OP.localGet, STRIDE, OP.i32Add, OP.localSet, LINE);
    for (let x = 0; x < 8; x++) {
      c.push(OP.localGet, LINE, OP.localGet, TABLE);
      c.push(OP.localGet, SRC, OP.i32Load, 2, ...leb(4 * (8 * y + x)), OP.localTee, BITS);
      c.push(...i32(0x7fffffff), OP.i32And, OP.localTee, ABS);
      c.push(...i32(0x38800000), OP.i32Sub, ...i32(0x0effefff), OP.i32LeU, OP.if, I32);
      c.push(OP.localGet, BITS, ...i32(16), OP.i32ShrU, ...i32(0x8000), OP.i32And);
      c.push(OP.localGet, ABS, ...i32(0x38000000), OP.i32Sub, ...i32(0xfff), OP.i32Add);
      c.push(OP.localGet, ABS, ...i32(13), OP.i32ShrU, ...i32(1), OP.i32And, OP.i32Add);
      c.push(...i32(13), OP.i32ShrU, OP.i32Or);
      c.push(OP.else, OP.localGet, BITS, OP.call, 0, OP.end);
      c.push(...i32(1), OP.i32Shl, OP.i32Add, OP.i32Load16U, 1, 0);
      c.push(OP.i32Store16, 1, ...leb(2 * x));
    }
  }
  const out = leb(c.length + 4);
  out.push(1, 3, I32);
  append(out, c);
  out.push(OP.end);
  return out;
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id, ...leb(content.length));
  append(out, content);
}

function name(s: string): number[] {
  return [...leb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}

/**
 * The module's bytes: f16c imported as k.f16c (function 0), eight idct functions, two csc functions, halves,
 * unpack, and a memory of BAND bytes to start with.
 */
export function dctModuleBytes(): Uint8Array {
  const bodies = [...Array.from({ length: 8 }, (_, i) => idctBody(i + 1)), cscBody(1), cscBody(64)];
  // types: 0 (i32) -> (), 1 () -> (), 2 (i32) -> (i32), 3 (i32 i32 i32 i32) -> (), 4 (i32 i32 i32 i32) -> (i32)
  const types = [5, 0x60, 1, I32, 0, 0x60, 0, 0, 0x60, 1, I32, 1, I32, 0x60, 4, I32, I32, I32, I32, 0];
  types.push(0x60, 4, I32, I32, I32, I32, 1, I32);
  const imports = [1, ...name("k"), ...name("f16c"), 0x00, 2];
  const funcs = [bodies.length + 2, ...bodies.map((_, i) => (i < 8 ? 0 : 1)), 3, 4];
  const names = [...Array.from({ length: 8 }, (_, i) => `idct${i + 1}`), "csc1", "csc64", "halves", "unpack"];
  const exports = [
    names.length + 1,
    ...names.flatMap((n, i) => [...name(n), 0x00, i + 1]),
    ...name("memory"),
    0x02,
    0,
  ];
  const code = [bodies.length + 2];
  for (const b of bodies) append(code, b.bytes());
  append(code, halvesBody());
  append(code, unpackBody());
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, types);
  section(out, 2, imports);
  section(out, 3, funcs);
  section(out, 5, [1, 0x00, BAND / PAGE]);
  section(out, 7, exports);
  section(out, 10, code);
  return Uint8Array.from(out);
}

let kernels: DctKernels | null | undefined;

/** The compiled kernels, or null where the host has no WebAssembly (dwa-dct.ts then computes in JavaScript). */
export function dctKernels(): DctKernels | null {
  if (kernels !== undefined) return kernels;
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  kernels = null;
  let e: Record<string, unknown> | undefined;
  try {
    e = api && new api.Instance(new api.Module(dctModuleBytes()), { k: { f16c } }).exports;
  } catch {
    // a host whose WebAssembly lacks SIMD or bulk memory: decodeLossyDct computes in JavaScript
  }
  if (e) {
    const memory = e.memory as WasmMemory;
    const identity = new Uint16Array(memory.buffer, IDENTITY_TABLE, 65536);
    for (let i = 0; i < 65536; i++) identity[i] = i;
    // float bits, NaN payloads included: copied as integers
    new Uint32Array(memory.buffer, HALF_BITS, 65536).set(
      new Uint32Array(halfToFloatTable.buffer, halfToFloatTable.byteOffset, 65536),
    );
    new Uint8Array(memory.buffer, UNZIGZAG_OFFSETS, 64).set(UNZIGZAG.map((i) => 4 * i));
    let loaded: Uint16Array | null = null;
    let loadedAc: Uint16Array | null = null;
    // The AC coefficients sit after the widest band so far, so a chunk's channels of other widths keep them in place.
    let reservedBand = 0;
    kernels = {
      prepare(bandBytes, ac, toLinear) {
        let reserve = Math.max(reservedBand, bandBytes);
        // past the limit with an earlier chunk's wider band: forget it (the coefficients move and are copied again)
        if (reserve + 2 * ac.length > MAX_BAND_BYTES) reserve = bandBytes;
        if (reserve + 2 * ac.length > MAX_BAND_BYTES) return -1;
        const short = BAND + reserve + 2 * ac.length - memory.buffer.byteLength;
        if (short > 0) {
          try {
            memory.grow(Math.ceil(short / PAGE));
          } catch {
            return -1;
          }
        }
        if (reserve !== reservedBand || ac !== loadedAc) {
          reservedBand = reserve;
          new Uint16Array(memory.buffer, BAND + reservedBand, ac.length).set(ac);
          loadedAc = ac;
        }
        if (!toLinear) return IDENTITY_TABLE;
        if (toLinear !== loaded) {
          new Uint16Array(memory.buffer, LINEAR_TABLE, 65536).set(toLinear.subarray(0, 65536));
          loaded = toLinear;
        }
        return LINEAR_TABLE;
      },
      acAddress: () => BAND + reservedBand,
      buffer: () => memory.buffer,
      idct: Array.from({ length: 8 }, (_, i) => e[`idct${i + 1}`] as (base: number) => void),
      csc1: e.csc1 as () => void,
      csc64: e.csc64 as () => void,
      halves: e.halves as DctKernels["halves"],
      unpack: e.unpack as DctKernels["unpack"],
    };
  }
  return kernels;
}
