/**
 * The byte predictor and interleave shared by RLE and ZIP (OpenEXRCore internal_zip_reconstruct_bytes):
 * undo the delta coding in place, then merge the two halves (even bytes first, odd bytes second).
 */
export function reconstructBytes(scratch: Uint8Array, length: number): Uint8Array {
  for (let i = 1; i < length; i++) scratch[i] = (scratch[i - 1]! + scratch[i]! - 128) & 0xff;
  const out = new Uint8Array(length);
  const half = (length + 1) >> 1;
  let a = 0;
  let b = half;
  let o = 0;
  while (o + 1 < length) {
    out[o++] = scratch[a++]!;
    out[o++] = scratch[b++]!;
  }
  if (o < length) out[o] = scratch[a]!;
  return out;
}
