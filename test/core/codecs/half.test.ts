import { describe, expect, it } from "vitest";
import { floatToHalf, halfOfFloatBits, halfToFloatTable } from "../../../src/core/codecs/half.js";

/**
 * Half conversions against the IEEE 754 binary16 definition, for every bit pattern and every rounding boundary
 * (mutation testing, issue 20): value = (-1)^s 2^(e-15) (1 + m/1024), subnormals m 2^-24; float to half rounds to
 * nearest, ties to even; NaN stays NaN (quiet bit kept, payload truncated, never turned into Inf).
 */

function halfValue(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  if (e === 0) return s * m * 2 ** -24;
  return s * 2 ** (e - 15) * (1 + m / 1024);
}

describe("half conversions", () => {
  it("every half bit pattern widens to its value (NaN payloads kept in the float's top mantissa bits)", () => {
    // read NaN bits through the table's own buffer: a JS number may quiet a signalling NaN
    const tableBits = new Uint32Array(halfToFloatTable.buffer, halfToFloatTable.byteOffset, 65536);
    for (let h = 0; h < 65536; h++) {
      const v = halfToFloatTable[h]!;
      const want = halfValue(h);
      if (Number.isNaN(want)) {
        expect(Number.isNaN(v), `${h}`).toBe(true);
        expect(tableBits[h], `${h}`).toBe((((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13)) >>> 0);
      } else if (!Object.is(v, want)) expect.fail(`half ${h.toString(16)}: ${v}, want ${want}`);
    }
  });

  it("every finite half narrows back to itself; Inf to Inf", () => {
    for (let h = 0; h < 65536; h++) {
      if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) continue;
      const back = floatToHalf(halfToFloatTable[h]!);
      if (back !== h) expect.fail(`half ${h.toString(16)} comes back as ${back.toString(16)}`);
    }
  });

  it("rounds to nearest, ties to even, between every pair of neighbouring positive halves", () => {
    for (let h = 0; h < 0x7bff; h++) {
      const lo = halfValue(h);
      const hi = halfValue(h + 1);
      const mid = (lo + hi) / 2; // exact in float32
      const even = (h & 1) === 0 ? h : h + 1;
      const at = (v: number) => floatToHalf(v);
      if (at(mid) !== even) expect.fail(`tie between ${h.toString(16)} and ${(h + 1).toString(16)}`);
      const below = new Float32Array([mid]);
      const u = new Uint32Array(below.buffer);
      u[0]! -= 1;
      if (at(below[0]!) !== h) expect.fail(`just below the tie after ${h.toString(16)}`);
      u[0]! += 2;
      if (at(below[0]!) !== h + 1) expect.fail(`just above the tie after ${h.toString(16)}`);
      if (at(-mid) !== (even | 0x8000)) expect.fail(`negative tie after ${h.toString(16)}`);
    }
  });

  it("overflow, underflow and NaN", () => {
    // the largest half is 65504; the tie with 65536 (65520) and anything above round to Inf
    expect(floatToHalf(65519.996)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-65520)).toBe(0xfc00);
    expect(floatToHalf(1e10)).toBe(0x7c00);
    expect(floatToHalf(Number.POSITIVE_INFINITY)).toBe(0x7c00);
    expect(floatToHalf(Number.NEGATIVE_INFINITY)).toBe(0xfc00);
    // the smallest subnormal is 2^-24: half of it ties to 0 (even), anything above rounds up
    expect(floatToHalf(2 ** -25)).toBe(0);
    expect(floatToHalf(-(2 ** -25))).toBe(0x8000);
    expect(floatToHalf(2 ** -25 * (1 + 2 ** -23))).toBe(1);
    expect(floatToHalf(2 ** -26)).toBe(0);
    expect(floatToHalf(1e-45)).toBe(0);
    expect(floatToHalf(-0)).toBe(0x8000);
    // 1.5 x 2^-24 ties between subnormals 1 and 2: even is 2
    expect(floatToHalf(1.5 * 2 ** -24)).toBe(2);
    expect(floatToHalf(2.5 * 2 ** -24)).toBe(2);
    // the largest subnormal and the smallest normal
    expect(floatToHalf(1023 * 2 ** -24)).toBe(0x3ff);
    expect(floatToHalf(2 ** -14)).toBe(0x400);
    expect(floatToHalf(2 ** -14 - 2 ** -25)).toBe(0x400);
    // NaN: quiet, payload truncated to 10 bits; a payload only in the low bits stays NaN
    expect(halfOfFloatBits(0x7fc00000)).toBe(0x7e00);
    expect(halfOfFloatBits(0xffc00000)).toBe(0xfe00);
    expect(halfOfFloatBits(0x7f800001)).toBe(0x7c01);
    expect(halfOfFloatBits(0x7f802000)).toBe(0x7c01);
    expect(halfOfFloatBits(0x7f804000)).toBe(0x7c02);
    expect(halfOfFloatBits(0x7fffe000)).toBe(0x7fff);
    expect(halfOfFloatBits(0x7f800000)).toBe(0x7c00);
    expect(halfOfFloatBits(0x477fe000)).toBe(0x7bff);
    expect(halfOfFloatBits(0x477fefff)).toBe(0x7bff);
    expect(halfOfFloatBits(0x477ff000)).toBe(0x7c00);
    expect(halfOfFloatBits(0x38800000)).toBe(0x400);
    expect(halfOfFloatBits(0x387fffff)).toBe(0x400);
    expect(halfOfFloatBits(0x33000000)).toBe(0);
    expect(halfOfFloatBits(0x33000001)).toBe(1);
  });
});
