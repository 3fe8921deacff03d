/**
 * Attribute and type names as strings without a string (or view) allocation per name: the same
 * few dozen names (`channels`, `chlist`, `compression`, …) recur in every file, so ASCII names are
 * kept in a small direct-mapped cache keyed by a hash of their bytes and compared byte by byte.
 */
// A render tree easily has several hundred distinct channel and attribute names; at 1024 slots about
// 40 % of them collided (measured on the generated bench tree), at 8192 a few do.
const SLOTS = 8192;
// Stryker disable next-line ArrayDeclaration: an empty array reads undefined in every slot too (a cache that starts empty)
const cache: (string | undefined)[] = new Array(SLOTS).fill(undefined);
/** UTF-8, U+FFFD for invalid sequences (the defaults). */
const utf8 = new TextDecoder();

/** The text of `buf[start, end)`: ASCII as is, anything else decoded as UTF-8 (U+FFFD for invalid). */
export function internedName(buf: Uint8Array, start: number, end: number): string {
  return internedAscii(buf, start, end) ?? utf8.decode(buf.subarray(start, end));
}

/** The text of `buf[start, end)` when it is all ASCII (from the cache when seen before); else null. */
export function internedAscii(buf: Uint8Array, start: number, end: number): string | null {
  let hash = 0x811c9dc5;
  let high = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    high |= b;
    hash = Math.imul(hash ^ b, 0x01000193);
  }
  if (high > 0x7f) return null;
  const slot = (hash >>> 0) & (SLOTS - 1);
  const cached = cache[slot];
  if (cached !== undefined && cached.length === end - start) {
    let i = 0;
    while (i < cached.length && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === cached.length) return cached;
  }
  const name = String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  cache[slot] = name;
  return name;
}
