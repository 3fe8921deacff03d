import type { Deflate } from "./spec.js";

/**
 * ZIP/ZIPS chunk encoding of the OpenEXR library: split bytes into even/odd halves, delta-encode, deflate.
 * Returns null when the result would not be smaller (the library then stores the raw bytes).
 */
export function zipEncode(raw: Uint8Array, deflate: Deflate): Uint8Array | null {
  const n = raw.length;
  const t = new Uint8Array(n);
  let a = 0;
  let b = (n + 1) >> 1;
  for (let i = 0; i < n; ) {
    t[a++] = raw[i++]!;
    if (i < n) t[b++] = raw[i++]!;
  }
  let p = t[0] ?? 0;
  for (let i = 1; i < n; i++) {
    const cur = t[i]!;
    t[i] = (cur - p + 128) & 0xff;
    p = cur;
  }
  const packed = deflate(t);
  return packed.length < n ? packed : null;
}
