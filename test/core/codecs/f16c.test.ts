import { describe, expect, it } from "vitest";
import { f16c } from "../../../src/core/codecs/f16c.js";

describe("f16c: float32 bits to half bits as F16C's vcvtps2ph rounds them", () => {
  const cases: [string, number, number][] = [
    ["1", 0x3f800000, 0x3c00],
    ["-1", 0xbf800000, 0xbc00],
    ["1 + 2^-11, a tie, to the even half", 0x3f801000, 0x3c00],
    ["1 + 3 * 2^-11, a tie, to the even half above", 0x3f803000, 0x3c02],
    ["just past the tie rounds up", 0x3f801001, 0x3c01],
    ["just below the tie rounds down", 0x3f800fff, 0x3c00],
    ["2^-14, the smallest normal half", 0x38800000, 0x0400],
    ["just below 2^-14 rounds up to it", 0x387fffff, 0x0400],
    ["2^-15 (subnormal)", 0x38000000, 0x0200],
    ["-2^-24, the smallest subnormal", 0xb3800000, 0x8001],
    ["2^-25, a tie with zero, to zero", 0x33000000, 0x0000],
    ["65519.99, the largest float that rounds to a finite half", 0x477fefff, 0x7bff],
    ["65520 rounds to infinity", 0x477ff000, 0x7c00],
    ["-infinity", 0xff800000, 0xfc00],
    ["a signalling NaN is quieted", 0x7f800001, 0x7e00],
    ["a NaN keeps its sign and top payload bits", 0xffc02000, 0xfe01],
  ];
  for (const [what, bits, half] of cases)
    it(what, () => {
      expect(f16c(bits | 0)).toBe(half);
      expect(f16c(bits >>> 0)).toBe(half);
    });
});
