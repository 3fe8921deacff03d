import { describe, expect, it } from "vitest";
import { dwaToLinearTable } from "../../../src/core/codecs/dwa-tables.js";
import { floatToHalf } from "../../../src/core/codecs/half.js";

/** dwa_convertToLinear's table: x^2.2 up to 1, e^(2.2 (x - 1)) above (9.02501329156^(x - 1)), Inf/NaN to 0. */
describe("dwaToLinearTable", () => {
  const t = dwaToLinearTable();
  const gamma = Math.fround(2.2);
  const base = Math.fround(9.02501329156);

  it("x^2.2 at and below 1, 9.025^(x - 1) above", () => {
    expect(t[0x3800]).toBe(floatToHalf(Math.fround(0.5 ** gamma)));
    expect(t[0x3c00]).toBe(0x3c00);
    expect(t[0x4000]).toBe(floatToHalf(base));
    expect(t[0x4200]).toBe(floatToHalf(Math.fround(base ** 2)));
  });

  it("a negative half maps to its positive's value negated, underflow to -0 included", () => {
    for (const h of [0x0001, 0x0400, 0x1000, 0x3555, 0x3800, 0x3c00, 0x4000, 0x4900, 0x7bff]) {
      expect(t[h | 0x8000]).toBe(t[h]! | 0x8000);
    }
    expect(t[0x0001]).toBe(0);
    expect(t[0x8001]).toBe(0x8000);
  });

  it("zero and -0 map to +0; infinities and NaNs to 0; large values overflow to infinity", () => {
    expect([t[0x0000], t[0x8000]]).toEqual([0, 0]);
    for (const h of [0x7c00, 0xfc00, 0x7c01, 0x7e00, 0xfe00, 0xffff]) expect(t[h]).toBe(0);
    expect(t[0x7bff]).toBe(0x7c00);
    expect(t[0xfbff]).toBe(0xfc00);
  });
});
