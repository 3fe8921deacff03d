import { describe, expect, it } from "vitest";
import { decodeLossyDct } from "../../../src/core/codecs/dwa-dct.js";
import { floatToHalf, halfToFloatTable } from "../../../src/core/codecs/half.js";

/**
 * DWA's lossy 8x8 blocks against the textbook inverse DCT computed here in float64 (x[i][j] = Σ a(u) a(v) F[u][v]
 * cos((2i+1)uπ/16) cos((2j+1)vπ/16), a(0) = 1/(2√2), a(k) = 1/2), with the coefficients placed by the JPEG zig-zag
 * order: one block for every last non-zero zig-zag index at which the decoder switches to a variant that skips
 * more known-zero rows (1, 2, 3, 9, 10, 20, 21, 35) and on either side of it. A variant that skipped a row holding a
 * coefficient would be off by ~0.1; the half output is within 4e-3 of the float64 value (mutation testing, issue 20).
 */

/** JPEG zig-zag: the (row, column) of each zig-zag index. */
function zigzag(): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < 15; s++) {
    const cells: [number, number][] = [];
    for (let r = 0; r < 8; r++) {
      const c = s - r;
      if (c >= 0 && c < 8) cells.push([r, c]);
    }
    // even diagonals run up (row decreasing), odd ones down
    if (s % 2 === 0) cells.reverse();
    out.push(...cells);
  }
  return out;
}

const ZZ = zigzag();
const a = (k: number) => (k === 0 ? 1 / (2 * Math.SQRT2) : 0.5);

function referenceIdct(coefficients: number[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      let s = 0;
      for (let u = 0; u < 8; u++)
        for (let v = 0; v < 8; v++)
          s +=
            a(u) *
            a(v) *
            coefficients[u]![v]! *
            Math.cos(((2 * i + 1) * u * Math.PI) / 16) *
            Math.cos(((2 * j + 1) * v * Math.PI) / 16);
      out.push(s);
    }
  return out;
}

/** A coefficient value for zig-zag index k (exact in half, not all the same sign). */
const acValue = (k: number) => ((k % 5) - 2 || 3) * 0.25;

/** One block with AC coefficients at every zig-zag index in `indices`: the stream, with zero runs between. */
function block(dc: number, indices: number[]) {
  const ac: number[] = [];
  let at = 1;
  for (const k of indices) {
    if (k > at) ac.push(0xff00 | (k - at));
    ac.push(floatToHalf(acValue(k)));
    at = k + 1;
  }
  if (at < 64) ac.push(0xff00); // a run of 0 means "to the end of the block"
  const coefficients = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  coefficients[0]![0] = dc;
  for (const k of indices) coefficients[ZZ[k]![0]]![ZZ[k]![1]] = acValue(k);
  return { ac: Uint16Array.from(ac), expected: referenceIdct(coefficients) };
}

function decode(dc: number, ac: Uint16Array): number[] {
  const out = new Uint8Array(8 * 8 * 2);
  const k = { ac, acPos: 0, dc: Uint16Array.of(floatToHalf(dc)), dcPos: 0 };
  const rows = Array.from({ length: 8 }, (_, y) => y * 16);
  expect(decodeLossyDct(out, [{ rows, isFloat: false }], 8, 8, k, null)).toBeNull();
  expect([k.acPos, k.dcPos]).toEqual([ac.length, 1]);
  const halves = new Uint16Array(out.buffer);
  return [...halves].map((h) => halfToFloatTable[h]!);
}

describe("decodeLossyDct: one 8x8 block against the float64 inverse DCT", () => {
  it("the zig-zag order used here starts as JPEG's", () => {
    expect(ZZ.slice(0, 10)).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 0],
      [1, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
    expect(ZZ[63]).toEqual([7, 7]);
  });

  it("a block of its DC only is flat at DC / 8", () => {
    const { ac } = block(2, []);
    expect(decode(2, ac)).toEqual(new Array(64).fill(0.25));
  });

  for (const last of [1, 2, 3, 8, 9, 10, 19, 20, 21, 34, 35, 63]) {
    it(`AC coefficients at zig-zag indices up to ${last} (only the last one, and all of them)`, () => {
      for (const indices of [[last], Array.from({ length: last }, (_, i) => i + 1)]) {
        const { ac, expected } = block(1.5, indices);
        const got = decode(1.5, ac);
        const worst = Math.max(...got.map((v, i) => Math.abs(v - expected[i]!)));
        expect(worst, `indices ${indices.join(",")}`).toBeLessThan(4e-3);
      }
    });
  }
});
