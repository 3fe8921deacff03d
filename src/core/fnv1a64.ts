/**
 * FNV-1a 64-bit hash in four 16-bit limbs: small-integer arithmetic only (no BigInt, no float
 * division), so V8 keeps every intermediate a small integer. Used to fingerprint preview pixels
 * without putting them in the output. Returns 16 hex digits.
 */
export function fnv1a64Hex(bytes: Uint8Array): string {
  // offset basis 0xcbf29ce484222325, least significant limb first
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  // prime 0x100000001b3 = 2^40 + 0x1b3: h * prime = h * 0x1b3 + (h << 40)
  for (let i = 0; i < bytes.length; i++) {
    h0 ^= bytes[i]!;
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3;
    const t2 = h2 * 0x1b3 + (h0 << 8);
    const t3 = h3 * 0x1b3 + (h1 << 8);
    const c1 = t1 + (t0 >>> 16);
    const c2 = t2 + (c1 >>> 16);
    const c3 = t3 + (c2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = c1 & 0xffff;
    h2 = c2 & 0xffff;
    h3 = c3 & 0xffff;
  }
  return hex4(h3) + hex4(h2) + hex4(h1) + hex4(h0);
}

// Module-level (not a closure per call): this runs after a long loop that V8 compiles on-stack,
// and a fresh closure per call left that code without call feedback, deoptimizing every preview.
function hex4(v: number): string {
  return v.toString(16).padStart(4, "0");
}
