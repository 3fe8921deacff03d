/**
 * PIZ's 2D Haar wavelet decoder against OpenEXR's encoder (ImfWav.cpp wav2Encode / wenc14 / wenc16, ported
 * below line by line): every plane encoded the way OpenEXR writes it decodes back to its exact values, for the
 * 14-bit path (largest value < 2^14) and the 16-bit path, square and odd sizes, a single line or column, and the
 * interleaved words of float channels (ox = 2, each word its own plane).
 */

import { describe, expect, it } from "vitest";
import { wav2DDecode } from "../../../src/core/codecs/wavelet.js";

const MOD_MASK = 0xffff;
const A_OFFSET = 1 << 15;
const M_OFFSET = 1 << 15;

/** wenc14: (a, b) -> (l, h) on signed 16-bit values. */
function wenc14(a: number, b: number): [number, number] {
  const as = (a << 16) >> 16;
  const bs = (b << 16) >> 16;
  const ms = (as + bs) >> 1;
  const ds = as - bs;
  return [ms & MOD_MASK, ds & MOD_MASK];
}

/** wenc16: (a, b) -> (l, h) modulo 2^16. */
function wenc16(a: number, b: number): [number, number] {
  const ao = (a + A_OFFSET) & MOD_MASK;
  let m = (ao + b) >> 1;
  let d = ao - b;
  if (d < 0) m = (m + M_OFFSET) & MOD_MASK;
  d &= MOD_MASK;
  return [m, d];
}

/** wav2Encode of ImfWav.cpp, in place on `buf` starting at `base`. */
function wav2DEncode(
  buf: Uint16Array,
  base: number,
  nx: number,
  ox: number,
  ny: number,
  oy: number,
  mx: number,
) {
  const enc = mx < 1 << 14 ? wenc14 : wenc16;
  const n = Math.min(nx, ny);
  let p = 1;
  let p2 = 2;
  while (p2 <= n) {
    let py = base;
    const ey = base + oy * (ny - p2);
    const oy1 = oy * p;
    const oy2 = oy * p2;
    const ox1 = ox * p;
    const ox2 = ox * p2;
    for (; py <= ey; py += oy2) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        const p10 = px + oy1;
        const p11 = p10 + ox1;
        const [i00, i01] = enc(buf[px]!, buf[p01]!);
        const [i10, i11] = enc(buf[p10]!, buf[p11]!);
        [buf[px], buf[p10]] = enc(i00, i10);
        [buf[p01], buf[p11]] = enc(i01, i11);
      }
      if (nx & p) {
        const p10 = px + oy1;
        [buf[px], buf[p10]] = enc(buf[px]!, buf[p10]!);
      }
    }
    if (ny & p) {
      let px = py;
      const ex = py + ox * (nx - p2);
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        [buf[px], buf[p01]] = enc(buf[px]!, buf[p01]!);
      }
    }
    p = p2;
    p2 <<= 1;
  }
}

/** Deterministic values in [0, limit). */
function values(count: number, limit: number, seed: number): Uint16Array {
  const out = new Uint16Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 16) % limit; // the high bits: an LCG's low bits repeat with a short period
  }
  return out;
}

const SIZES: [number, number][] = [
  [1, 1],
  [1, 9],
  [9, 1],
  [2, 2],
  [3, 5],
  [5, 3],
  [4, 4],
  [7, 6],
  [8, 8],
  [16, 16],
  [17, 9],
  [9, 17],
  [33, 12],
  // an even width with an odd height: the last row's last pair sits exactly at the row's end
  [2, 3],
  [6, 7],
  [12, 9],
];

describe("wav2DDecode undoes OpenEXR's wav2Encode exactly", () => {
  for (const [label, limit] of [
    ["14-bit values (wdec14)", 1 << 14],
    ["16-bit values (wdec16)", 1 << 16],
  ] as const) {
    it(`${label}, one word per sample`, () => {
      for (const [nx, ny] of SIZES) {
        const original = values(nx * ny, limit, nx * 100 + ny);
        const mx = Math.max(...original);
        const buf = original.slice();
        wav2DEncode(buf, 0, nx, 1, ny, nx, mx);
        if (nx > 1 && ny > 1) expect(buf, `${nx}x${ny} is transformed`).not.toEqual(original);
        wav2DDecode(buf, 0, nx, 1, ny, nx, mx);
        expect(buf, `${nx}x${ny}`).toEqual(original);
      }
    });

    it(`${label}, two interleaved words per sample after a prefix (as PIZ stores float channels)`, () => {
      for (const [nx, ny] of SIZES) {
        const prefix = 3;
        const original = values(prefix + 2 * nx * ny, limit, nx * 7 + ny * 13);
        const mx = Math.max(...original);
        const buf = original.slice();
        for (const word of [0, 1]) wav2DEncode(buf, prefix + word, nx, 2, ny, 2 * nx, mx);
        for (const word of [0, 1]) wav2DDecode(buf, prefix + word, nx, 2, ny, 2 * nx, mx);
        expect(buf, `${nx}x${ny}`).toEqual(original);
      }
    });
  }

  it("the 14-bit path is taken below 2^14 only: wdec16 on wenc14 output would not give the values back", () => {
    // the same plane encoded with the 14-bit rule but decoded as 16-bit (largest value 2^14) differs
    const original = values(64, 1 << 14, 5);
    const buf = original.slice();
    wav2DEncode(buf, 0, 8, 1, 8, 8, (1 << 14) - 1);
    const decoded16 = buf.slice();
    wav2DDecode(decoded16, 0, 8, 1, 8, 8, 1 << 14);
    expect(decoded16).not.toEqual(original);
    wav2DDecode(buf, 0, 8, 1, 8, 8, (1 << 14) - 1);
    expect(buf).toEqual(original);
  });
});
