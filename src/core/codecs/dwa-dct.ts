import { A, B, C, CSC_B_CB, CSC_G_CB, CSC_G_CR, CSC_R_CR, D, E, F, G } from "./dwa-constants.js";
import { BAND, BLOCK_BYTES, type DctKernels, dctKernels, LAST_NON_ZERO } from "./dwa-wasm.js";
import { UNZIGZAG } from "./dwa-zigzag.js";
import { f16c } from "./f16c.js";
import { halfOfFloatBits, halfToFloatTable } from "./half.js";
import { type CodecFailure, fail } from "./types.js";

/**
 * DWA's lossy DCT channels (OpenEXRCore internal_dwa_decoder.h + internal_dwa_simd.h): un-RLE the AC
 * coefficients of each 8x8 block, un-zigzag, inverse DCT in float32, Y'CbCr -> R'G'B' for triples, back to
 * half, then nonlinear -> linear through a table. Every float operation is rounded to float32 in the order of
 * OpenEXR's x86-64 AVX path (dctInverse8x8_avx_*, which OpenEXR selects on any AVX CPU) and its F16C
 * float -> half conversion, so the decoded halves equal OpenEXR's bit for bit on such hosts.
 */

const f = Math.fround;

const HALF_TO_FLOAT_BITS = new Uint32Array(
  halfToFloatTable.buffer,
  halfToFloatTable.byteOffset,
  halfToFloatTable.length,
);

/** Row-wise 1D inverse DCT of row `o` (the AVX path's even/odd split and summation order). */
function idctRow(d: Float32Array, o: number): void {
  const v0 = d[o]!;
  const v1 = d[o + 1]!;
  const v2 = d[o + 2]!;
  const v3 = d[o + 3]!;
  const v4 = d[o + 4]!;
  const v5 = d[o + 5]!;
  const v6 = d[o + 6]!;
  const v7 = d[o + 7]!;
  const v0a = f(v0 * A);
  const e0 = f(f(v0a + f(v2 * C)) + f(f(v4 * A) + f(v6 * F)));
  const e1 = f(f(v0a + f(v2 * F)) + f(f(v4 * -A) + f(v6 * -C)));
  const e2 = f(f(v0a + f(v2 * -F)) + f(f(v4 * -A) + f(v6 * C)));
  const e3 = f(f(v0a + f(v2 * -C)) + f(f(v4 * A) + f(v6 * -F)));
  const o0 = f(f(f(v1 * B) + f(v3 * D)) + f(f(v5 * E) + f(v7 * G)));
  const o1 = f(f(f(v1 * D) + f(v3 * -G)) + f(f(v5 * -B) + f(v7 * -E)));
  const o2 = f(f(f(v1 * E) + f(v3 * -B)) + f(f(v5 * G) + f(v7 * D)));
  const o3 = f(f(f(v1 * G) + f(v3 * -E)) + f(f(v5 * D) + f(v7 * -B)));
  d[o] = e0 + o0;
  d[o + 1] = e1 + o1;
  d[o + 2] = e2 + o2;
  d[o + 3] = e3 + o3;
  d[o + 4] = e3 - o3;
  d[o + 5] = e2 - o2;
  d[o + 6] = e1 - o1;
  d[o + 7] = e0 - o0;
}

/** Column-wise 1D inverse DCT of column `j`, rows at and past `n` known zero (their terms are skipped). */
function idctColumn(d: Float32Array, j: number, n: number): void {
  const r0 = d[j]!;
  const r1 = d[8 + j]!;
  const r2 = d[16 + j]!;
  const r3 = d[24 + j]!;
  const r4 = d[32 + j]!;
  const r5 = d[40 + j]!;
  const r6 = d[48 + j]!;
  const r7 = d[56 + j]!;
  let o0 = f(r1 * B);
  if (n > 3) o0 = f(o0 + f(r3 * D));
  if (n > 5) o0 = f(o0 + (n > 7 ? f(f(r5 * E) + f(r7 * G)) : f(r5 * E)));
  let o1 = f(r1 * D);
  if (n > 3) o1 = f(o1 - (n > 5 ? f(f(r5 * B) + f(r3 * G)) : f(r3 * G)));
  if (n > 7) o1 = f(o1 - f(r7 * E));
  let o2 = f(r1 * E);
  if (n > 3) o2 = f(o2 - f(r3 * B));
  if (n > 5) o2 = f(o2 + f(r5 * G));
  if (n > 7) o2 = f(o2 + f(r7 * D));
  let o3 = f(r1 * G);
  if (n > 5) o3 = f(o3 + f(r5 * D));
  if (n > 3) o3 = f(o3 - (n > 7 ? f(f(r7 * B) + f(r3 * E)) : f(r3 * E)));
  const r0a = f(r0 * A);
  let s = r0a;
  let dd = r0a;
  if (n > 4) {
    const r4a = f(r4 * A);
    s = f(s + r4a);
    dd = f(dd - r4a);
  }
  let e0 = s;
  let e1 = dd;
  let e2 = dd;
  let e3 = s;
  if (n > 2) {
    const t = n > 6 ? f(f(r2 * C) + f(r6 * F)) : f(r2 * C);
    const u = n > 6 ? f(f(r2 * F) - f(r6 * C)) : f(r2 * F);
    e0 = f(s + t);
    e3 = f(s - t);
    e1 = f(dd + u);
    e2 = f(dd - u);
  }
  d[j] = e0 + o0;
  d[8 + j] = e1 + o1;
  d[16 + j] = e2 + o2;
  d[24 + j] = e3 + o3;
  d[32 + j] = e3 - o3;
  d[40 + j] = e2 - o2;
  d[48 + j] = e1 - o1;
  d[56 + j] = e0 - o0;
}

/** dctInverse8x8_avx_{zeroedRows}: the last `zeroedRows` rows of the block are known to be zero. */
export function inverseDct8x8(d: Float32Array, zeroedRows: number): void {
  const n = 8 - zeroedRows;
  if (n === 1) {
    idctRow(d, 0);
    for (let j = 0; j < 8; j++) {
      const v = f(d[j]! * A);
      for (let r = 0; r < 64; r += 8) d[r + j] = v;
    }
    return;
  }
  for (let r = 0; r < n; r++) idctRow(d, r * 8);
  for (let j = 0; j < 8; j++) idctColumn(d, j, n);
}

/** Rows known zero from the last non-zero zig-zag index (LossyDctDecoder_execute's dispatch). */
function zeroedRowsOf(lastNonZero: number): number {
  if (lastNonZero < 2) return 7;
  if (lastNonZero < 3) return 6;
  if (lastNonZero < 9) return 5;
  if (lastNonZero < 10) return 4;
  if (lastNonZero < 20) return 3;
  if (lastNonZero < 21) return 2;
  if (lastNonZero < 35) return 1;
  return 0;
}

/** One lossy channel of the chunk: where each of its rows starts in the output, and whether it is float. */
export interface DctChannel {
  readonly rows: readonly number[];
  readonly isFloat: boolean;
}

/** The unpacked AC and DC coefficient streams and how far the decoders before this one have read. */
export interface Coefficients {
  readonly ac: Uint16Array;
  acPos: number;
  readonly dc: Uint16Array;
  dcPos: number;
}

/** The identity table: channels stored linear (pLinear) go through the same write loop as the others. */
let identity: Uint16Array | null = null;
function identityTable(): Uint16Array {
  if (identity) return identity;
  identity = new Uint16Array(65536);
  for (let i = 0; i < 65536; i++) identity[i] = i;
  return identity;
}

/** Per channel of a call: the block's floats, their bits, and where each row starts in `out` (in halves). */
interface Lane {
  readonly data: Float32Array;
  readonly bits: Uint32Array;
  readonly row16: Int32Array;
}

/**
 * LossyDctDecoder_execute for one channel or one R'G'B' triple (`channels.length` 1 or 3) of `width` x `height`
 * samples, writing little-endian halves (floats for float channels) at each row's offset in `out`. Each block's
 * float -> half -> linear samples go straight to their rows (OpenEXR stages a row of blocks first: same values).
 */
export function decodeLossyDct(
  out: Uint8Array,
  channels: readonly DctChannel[],
  width: number,
  height: number,
  k: Coefficients,
  toLinear: Uint16Array | null,
  kernelsIfAny: DctKernels | null = dctKernels(),
): CodecFailure | null {
  const numComp = channels.length;
  const blocksX = Math.floor((width + 7) / 8);
  const blocksY = Math.floor((height + 7) / 8);
  const leftoverX = width - (blocksX - 1) * 8;
  const leftoverY = height - (blocksY - 1) * 8;
  const blocks = blocksX * blocksY;
  if (k.dc.length - k.dcPos < numComp * blocks) return fail("DWA DC coefficients run out");
  const ac = k.ac;
  const acEnd = ac.length;
  const dcs = k.dc;
  let acPos = k.acPos;
  const table = toLinear ?? identityTable();
  // Row offsets are even (every sample is 2 or 4 bytes) and the platform little-endian, as planesOf assumes.
  const out16 = new Uint16Array(out.buffer, out.byteOffset, out.length >> 1);
  // The blocks live in the WebAssembly kernels' memory when the host has WebAssembly (dwa-wasm.ts), and the
  // kernels write each row of blocks as eight lines of a band there; without WebAssembly (`kernelsIfAny` null) or
  // for a band too wide for the kernels' memory, the same operations run in JavaScript and write the rows directly.
  const stride = blocksX * 16;
  const bandBytes = numComp * 8 * stride;
  const tableAt = kernelsIfAny ? kernelsIfAny.prepare(bandBytes, ac, toLinear) : -1;
  const kernels = tableAt >= 0 ? kernelsIfAny : null;
  const blockMemory = kernels ? kernels.buffer() : new ArrayBuffer(3 * BLOCK_BYTES);
  const band = kernels ? new Uint16Array(blockMemory, BAND, bandBytes >> 1) : null;
  const lastNonZeroOut = kernels ? new Int32Array(blockMemory, LAST_NON_ZERO, 1) : null;
  // The kernels read the AC coefficients from their copy: ac[acPos] is at acBase.
  const acBase = kernels ? kernels.acAddress() + 2 * acPos : 0;
  let acAt = acBase;
  const acEndAt = acBase + 2 * (acEnd - acPos);
  const lanes: Lane[] = channels.map((ch, c) => {
    const data = new Float32Array(blockMemory, c * BLOCK_BYTES, 64);
    const row16 = new Int32Array(height);
    for (let y = 0; y < height; y++) row16[y] = ch.rows[y]! >> 1;
    return { data, bits: new Uint32Array(data.buffer, data.byteOffset, 64), row16 };
  });
  const dcAt = channels.map((_, c) => k.dcPos + c * blocks);
  for (let by = 0; by < blocksY; by++) {
    const maxY = by === blocksY - 1 ? leftoverY : 8;
    for (let bx = 0; bx < blocksX; bx++) {
      const maxX = bx === blocksX - 1 ? leftoverX : 8;
      let constant = true;
      for (let c = 0; c < numComp; c++) {
        const lane = lanes[c]!;
        const data = lane.data;
        const bits = lane.bits;
        const dcHalf = dcs[dcAt[c]!++]!;
        const dc = halfToFloatTable[dcHalf]!;
        let lastNonZero = 0;
        if (kernels && lastNonZeroOut) {
          acAt = kernels.unpack(acAt, acEndAt, c * BLOCK_BYTES, HALF_TO_FLOAT_BITS[dcHalf]!);
          if (acAt < 0) return fail("DWA AC coefficients run out");
          lastNonZero = lastNonZeroOut[0]!;
        } else {
          // Coefficients go straight to their row-major place, as float bits (un-zigzag and dequantise in one step).
          bits.fill(0);
          data[0] = dc;
          let comp = 1;
          while (comp < 64) {
            if (acPos >= acEnd) return fail("DWA AC coefficients run out");
            const v = ac[acPos++]!;
            if ((v & 0xff00) === 0xff00) {
              const count = v & 0xff;
              comp += count === 0 ? 64 : count;
            } else {
              lastNonZero = comp;
              bits[UNZIGZAG[comp++]!] = HALF_TO_FLOAT_BITS[v]!;
            }
          }
        }
        if (lastNonZero === 0) {
          data.fill(f(f(dc * A) * A));
        } else {
          constant = false;
          const zeroedRows = zeroedRowsOf(lastNonZero);
          if (kernels) kernels.idct[7 - zeroedRows]!(c * BLOCK_BYTES);
          else inverseDct8x8(data, zeroedRows);
        }
      }
      if (numComp === 3 && kernels) {
        if (constant) kernels.csc1();
        else kernels.csc64();
      } else if (numComp === 3) {
        const r = lanes[0]!.data;
        const g = lanes[1]!.data;
        const b = lanes[2]!.data;
        const n = constant ? 1 : 64;
        for (let i = 0; i < n; i++) {
          const y = r[i]!;
          const cb = g[i]!;
          const cr = b[i]!;
          r[i] = f(y + f(cr * CSC_R_CR));
          g[i] = f(f(f(cb * CSC_G_CB) + y) + f(cr * CSC_G_CR));
          b[i] = f(f(CSC_B_CB * cb) + y);
        }
      }
      const x0 = bx * 8;
      if (band && kernels) {
        for (let c = 0; c < numComp; c++) {
          const at = (c * 8 * stride) >> 1;
          if (constant) {
            const h = table[halfOfFloatBits(lanes[c]!.bits[0]!)]!;
            for (let y = 0; y < 8; y++)
              band.fill(h, at + (y * stride) / 2 + x0, at + (y * stride) / 2 + x0 + 8);
          } else kernels.halves(c * BLOCK_BYTES, BAND + 2 * at + 2 * x0, stride, tableAt);
        }
        continue;
      }
      for (let c = 0; c < numComp; c++) {
        const lane = lanes[c]!;
        const bits = lane.bits;
        const row16 = lane.row16;
        if (constant) {
          const h = table[halfOfFloatBits(bits[0]!)]!;
          for (let y = 0; y < maxY; y++) {
            const o = row16[8 * by + y]! + x0;
            for (let x = 0; x < maxX; x++) out16[o + x] = h;
          }
        } else {
          for (let y = 0; y < maxY; y++) {
            const o = row16[8 * by + y]! + x0;
            const from = y * 8;
            for (let x = 0; x < maxX; x++) out16[o + x] = table[f16c(bits[from + x]!)]!;
          }
        }
      }
    }
    if (band) {
      for (let c = 0; c < numComp; c++) {
        const row16 = lanes[c]!.row16;
        for (let y = 0; y < maxY; y++) {
          const from = (c * 8 * stride + y * stride) >> 1;
          out16.set(band.subarray(from, from + width), row16[8 * by + y]!);
        }
      }
    }
  }
  for (let c = 0; c < numComp; c++) {
    const ch = channels[c]!;
    if (!ch.isFloat) continue;
    for (let y = 0; y < height; y++) {
      const row = ch.rows[y]!;
      for (let x = width - 1; x >= 0; x--) {
        const bits = HALF_TO_FLOAT_BITS[out[row + 2 * x]! | (out[row + 2 * x + 1]! << 8)]!;
        const o = row + 4 * x;
        out[o] = bits & 0xff;
        out[o + 1] = (bits >>> 8) & 0xff;
        out[o + 2] = (bits >>> 16) & 0xff;
        out[o + 3] = bits >>> 24;
      }
    }
  }
  k.acPos = kernels ? acPos + (acAt - acBase) / 2 : acPos;
  k.dcPos += numComp * blocks;
  return null;
}
