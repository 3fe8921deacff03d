/** IEEE binary16 conversions as OpenEXRCore does them (internal_coding.h half_to_float / float_to_half). */

const HALF_TO_FLOAT = new Float32Array(65536);
{
  const bits = new Uint32Array(HALF_TO_FLOAT.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let mant = h & 0x3ff;
    if (exp === 0x1f) bits[h] = sign | 0x7f800000 | (mant << 13);
    else if (exp !== 0) bits[h] = sign | ((exp + 112) << 23) | (mant << 13);
    else if (mant === 0) bits[h] = sign;
    else {
      let e = 113;
      while (!(mant & 0x400)) {
        mant <<= 1;
        e--;
      }
      bits[h] = sign | (e << 23) | ((mant & 0x3ff) << 13);
    }
  }
}

/** The float value of every half bit pattern (NaN payloads widen as OpenEXR widens them). */
export const halfToFloatTable: Readonly<Float32Array> = HALF_TO_FLOAT;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Half bits of a float32 value, round to nearest even (float_to_half). */
export function floatToHalf(value: number): number {
  f32[0] = value;
  return halfOfFloatBits(u32[0]!);
}

/** float_to_half on a float32's bit pattern. */
export function halfOfFloatBits(v: number): number {
  let ui = v & 0x7fffffff;
  let ret = (v >>> 16) & 0x8000;
  if (ui >= 0x38800000) {
    if (ui >= 0x7f800000) {
      ret |= 0x7c00;
      if (ui === 0x7f800000) return ret;
      const m = (ui & 0x7fffff) >>> 13;
      return ret | m | (m === 0 ? 1 : 0);
    }
    if (ui > 0x477fefff) return ret | 0x7c00;
    ui -= 0x38000000;
    ui = (ui + 0x00000fff + ((ui >>> 13) & 1)) >>> 13;
    return ret | ui;
  }
  if (ui < 0x33000001) return ret;
  const e = ui >>> 23;
  const shift = 0x7e - e;
  const m = 0x800000 | (ui & 0x7fffff);
  const r = (m << (32 - shift)) >>> 0;
  ret |= m >>> shift;
  if (r > 0x80000000 || (r === 0x80000000 && (ret & 1) !== 0)) ++ret;
  return ret;
}
