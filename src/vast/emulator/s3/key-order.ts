/**
 * S3 lists keys in the binary order of their UTF-8 bytes, which is code point order. JavaScript compares
 * UTF-16 code units, which disagrees only when a surrogate (a code point above U+FFFF) meets a code unit in
 * U+E000..U+FFFF; those two ranges are swapped here so the comparison follows code points.
 */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}
