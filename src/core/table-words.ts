/** Offset-table entries as aligned little-endian 32-bit word pairs, in one buffer reused across files (analysis is synchronous). */
// Stryker disable next-line all: the host's byte order; the big-endian path below cannot run on a little-endian host
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let entryWords = new Uint32Array(2048);
let entryBytes = new Uint8Array(entryWords.buffer);

/**
 * Copies the first `count` 8-byte entries of `bytes` into `entryWords` (lo, hi per entry): a
 * native copy, then plain typed-array loads instead of a DataView read per word.
 */
export function loadEntries(bytes: Uint8Array, count: number): Uint32Array {
  if (entryWords.length < count * 2) {
    entryWords = new Uint32Array(Math.max(count * 2, entryWords.length * 2));
    entryBytes = new Uint8Array(entryWords.buffer);
  }
  entryBytes.set(bytes.subarray(0, count * 8));
  // Stryker disable all: big-endian hosts only; on the little-endian hosts tests run on, the copy above already holds these words
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 8);
    for (let w = 0; w < count * 2; w++) entryWords[w] = view.getUint32(w * 4, true);
  }
  // Stryker restore all
  return entryWords;
}

/** The offset-table entry whose low word is `words[w]` (a u64 as a number: exact below 2^53). */
export function entryAt(words: Uint32Array, w: number): number {
  return words[w + 1]! * 0x1_0000_0000 + words[w]!;
}
