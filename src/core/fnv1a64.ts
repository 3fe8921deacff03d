/**
 * FNV-1a 64-bit hash over two 32-bit halves (no BigInt, no dependency). Used to fingerprint
 * preview pixels without putting them in the output. Returns 16 hex digits.
 */
export function fnv1a64Hex(bytes: Uint8Array): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  // prime 0x100000001b3 = 2^40 + 0x1b3: h * prime = h * 0x1b3 + (h << 40)
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    const m = lo * 0x1b3; // < 2^41: exact
    hi = (Math.imul(hi, 0x1b3) + ((m / 0x1_0000_0000) | 0) + (lo << 8)) >>> 0;
    lo = m >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
