/**
 * The byte predictor and interleave shared by RLE and ZIP (OpenEXRCore internal_zip_reconstruct_bytes):
 * undo the delta coding (a running sum, minus 128 per step), then merge the two halves (even output bytes
 * from the first half, odd ones from the second). Done in one pass into a fresh array.
 */
export function reconstructBytes(raw: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (length === 0) return out;
  const half = (length + 1) >> 1;
  let prev = raw[0]!;
  out[0] = prev;
  for (let i = 1; i < half; i++) {
    prev = (prev + raw[i]! - 128) & 0xff;
    out[2 * i] = prev;
  }
  for (let i = half, o = 1; i < length; i++, o += 2) {
    prev = (prev + raw[i]! - 128) & 0xff;
    out[o] = prev;
  }
  return out;
}
