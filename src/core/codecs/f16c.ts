import { halfOfFloatBits } from "./half.js";

/** F16C's vcvtps2ph on float32 bits (round to nearest even): float_to_half, except that NaN is quieted. */
export function f16c(bits: number): number {
  const ui = bits & 0x7fffffff;
  // Results that are normal halves (nearly every sample) first: float_to_half's rounding without its range tests.
  if ((ui - 0x38800000) >>> 0 <= 0x0effefff)
    return ((bits >>> 16) & 0x8000) | ((ui - 0x38000000 + 0xfff + ((ui >>> 13) & 1)) >>> 13);
  if (ui > 0x7f800000) return ((bits >>> 16) & 0x8000) | 0x7e00 | ((bits & 0x7fffff) >>> 13);
  return halfOfFloatBits(bits);
}
