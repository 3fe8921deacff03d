import { floatToHalf, halfToFloatTable } from "./half.js";

let toLinear: Uint16Array | null = null;

/**
 * DWA's nonlinear-to-linear half table (OpenEXRCore internal_dwa_table_init.c, dwa_convertToLinear):
 * x^2.2 up to 1, e^(2.2 (x - 1)) above, Inf/NaN to 0. `powf` is computed in double and rounded to float;
 * all 65,536 entries equal glibc's powf table (checked against a C build of the same function).
 */
export function dwaToLinearTable(): Uint16Array {
  if (toLinear) return toLinear;
  const t = new Uint16Array(65536);
  const gamma = Math.fround(2.2);
  const base = Math.fround(9.02501329156);
  // The positive halves; a negative one is its positive's value negated (-0 included: floatToHalf(-0) = 0x8000),
  // except -0 itself, which OpenEXR maps to +0 (its sign test is `< 0`).
  for (let x = 1; x < 0x8000; x++) {
    if ((x & 0x7c00) === 0x7c00) continue;
    const f = halfToFloatTable[x]!;
    const z = f <= 1 ? f ** gamma : base ** Math.fround(f - 1);
    const h = floatToHalf(Math.fround(z));
    t[x] = h;
    t[x | 0x8000] = h | 0x8000;
  }
  toLinear = t;
  return t;
}
