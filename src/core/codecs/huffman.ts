import { type CodecFailure, fail } from "./types.js";

/**
 * OpenEXR's Huffman decoder (internal_huf.c: hufUnpackEncTable, hufCanonicalCodeTable, hufBuildDecTable,
 * hufDecode), with bit positions instead of a 64-bit bit buffer. Valid streams decode exactly as OpenEXR's
 * classic and fast decoders do. Code lengths above 52 bits cannot come from OpenEXR's encoder for any chunk
 * that fits in memory (they need ~10^11 values) and are reported as corrupt rather than decoded.
 */

const ENCSIZE = (1 << 16) + 1;
const DECBITS = 14;
const DECSIZE = 1 << DECBITS;
const DECMASK = DECSIZE - 1;
const SHORT_ZEROCODE_RUN = 59;
const LONG_ZEROCODE_RUN = 63;
const SHORTEST_LONG_RUN = 2 + LONG_ZEROCODE_RUN - SHORT_ZEROCODE_RUN;
const MAX_SAFE_CODE_LENGTH = 52;

/** Bits [pos, pos + n) of `b` as an unsigned number, n <= 24; bytes past the end read as 0. */
function peek(b: Uint8Array, pos: number, n: number): number {
  const i = pos >>> 3;
  const w = ((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0);
  return ((w << (pos & 7)) >>> (32 - n)) >>> 0;
}

/** Bits [pos, pos + n) for n <= 52, exact in a double. */
function peekLong(b: Uint8Array, pos: number, n: number): number {
  let v = 0;
  let done = 0;
  while (done < n) {
    const k = Math.min(24, n - done);
    v = v * 2 ** k + peek(b, pos + done, k);
    done += k;
  }
  return v;
}

interface Tables {
  lengths: Uint8Array;
  codes: Float64Array;
  /** Short-code entries: length (0 = none) and symbol. */
  decLen: Uint8Array;
  decLit: Uint32Array;
  /** Long-code candidate symbols per primary entry. */
  decLong: (number[] | undefined)[];
}

/** Scratch reused across chunks (decoding is synchronous): a chunk's tables cost no allocation. */
const LENGTHS = new Uint8Array(ENCSIZE);
const CODES = new Float64Array(ENCSIZE);
const DEC_LEN = new Uint8Array(DECSIZE);
const DEC_LIT = new Uint32Array(DECSIZE);
const DEC_LONG: (number[] | undefined)[] = new Array(DECSIZE).fill(undefined);

function unpackEncTable(
  b: Uint8Array,
  start: number,
  nBytes: number,
  im: number,
  iM: number,
): { lengths: Uint8Array; end: number } | CodecFailure {
  const lengths = LENGTHS;
  lengths.fill(0);
  let pos = start * 8;
  const limit = (start + nBytes) * 8;
  for (; im <= iM; im++) {
    if (pos + 6 > limit) return fail("Huffman code table is cut off");
    const l = peek(b, pos, 6);
    pos += 6;
    if (l === LONG_ZEROCODE_RUN) {
      if (pos + 8 > limit) return fail("Huffman code table is cut off");
      const zerun = peek(b, pos, 8) + SHORTEST_LONG_RUN;
      pos += 8;
      if (im + zerun > iM + 1) return fail("Huffman code table run passes its last symbol");
      im += zerun - 1; // lengths stay 0
    } else if (l >= SHORT_ZEROCODE_RUN) {
      const zerun = l - SHORT_ZEROCODE_RUN + 2;
      if (im + zerun > iM + 1) return fail("Huffman code table run passes its last symbol");
      im += zerun - 1;
    } else {
      lengths[im] = l;
    }
  }
  return { lengths, end: (pos + 7) >>> 3 };
}

function canonicalCodes(lengths: Uint8Array): Float64Array | CodecFailure {
  const n = new Float64Array(59);
  for (let i = 0; i < ENCSIZE; i++) n[lengths[i]!]! += 1;
  for (let l = MAX_SAFE_CODE_LENGTH + 1; l <= 58; l++)
    if (n[l]! > 0) return fail(`Huffman code length ${l} is longer than any real encoder writes`);
  let c = 0;
  for (let i = 58; i > 0; i--) {
    const nc = Math.floor((c + n[i]!) / 2);
    n[i] = c;
    c = nc;
  }
  const codes = CODES;
  for (let i = 0; i < ENCSIZE; i++) {
    const l = lengths[i]!;
    codes[i] = l > 0 ? n[l]!++ : 0;
  }
  return codes;
}

function buildDecTable(
  lengths: Uint8Array,
  codes: Float64Array,
  im: number,
  iM: number,
): Tables | CodecFailure {
  const decLen = DEC_LEN;
  const decLit = DEC_LIT;
  const decLong = DEC_LONG;
  decLen.fill(0);
  decLong.fill(undefined);
  for (; im <= iM; im++) {
    const c = codes[im]!;
    const l = lengths[im]!;
    if (c >= 2 ** l) return fail("Huffman code does not fit its length");
    if (l > DECBITS) {
      const at = Math.floor(c / 2 ** (l - DECBITS));
      if (decLen[at]) return fail("Huffman long code collides with a short code");
      const list = decLong[at];
      if (list) list.push(im);
      else decLong[at] = [im];
    } else if (l) {
      const first = c * 2 ** (DECBITS - l);
      const count = 2 ** (DECBITS - l);
      for (let k = first; k < first + count; k++) {
        if (decLen[k] || decLong[k]) return fail("Huffman short codes collide");
        decLen[k] = l;
        decLit[k] = im;
      }
    }
  }
  return { lengths, codes, decLen, decLit, decLong };
}

function decode(
  t: Tables,
  b: Uint8Array,
  start: number,
  nBits: number,
  rlc: number,
  out: Uint16Array,
): CodecFailure | null {
  const no = out.length;
  const endByte = start + Math.ceil(nBits / 8);
  const endBits = endByte * 8;
  const validEnd = start * 8 + nBits;
  let read = start * 8; // bits pulled into the decoder's buffer (whole bytes)
  let pos = start * 8; // bits consumed
  let o = 0;
  const { decLen, decLit, decLong, lengths, codes } = t;

  // One symbol: a literal, or the run-length code followed by an 8-bit repeat count.
  const emit = (sym: number, tail: boolean): CodecFailure | null => {
    if (sym === rlc) {
      if (read - pos < 8) {
        if (tail || read >= endBits) return fail("Huffman run length is cut off");
        read += 8;
      }
      const cs = peek(b, pos, 8);
      pos += 8;
      if (o + cs > no) return fail("Huffman run passes the end of the output");
      if (o === 0) return fail("Huffman run has no value to repeat");
      out.fill(out[o - 1]!, o, o + cs);
      o += cs;
    } else if (o < no) {
      out[o++] = sym;
    } else {
      return fail("Huffman data decodes to more values than the chunk holds");
    }
    return null;
  };

  while (read < endBits) {
    read += 8;
    while (read - pos >= DECBITS) {
      const i = pos >>> 3;
      const w = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
      const at = (w << (pos & 7)) >>> (32 - DECBITS);
      const len = decLen[at]!;
      if (len) {
        pos += len;
        const sym = decLit[at]!;
        if (sym !== rlc && o < no) {
          out[o++] = sym;
          continue;
        }
        const e = emit(sym, false);
        if (e) return e;
      } else {
        const list = decLong[at];
        if (!list) return fail("invalid Huffman code");
        let found = false;
        for (const sym of list) {
          const l = lengths[sym]!;
          while (read - pos < l && read < endBits) read += 8;
          if (read - pos >= l && codes[sym] === peekLong(b, pos, l)) {
            pos += l;
            const e = emit(sym, false);
            if (e) return e;
            found = true;
            break;
          }
        }
        if (!found) return fail("invalid Huffman code");
      }
    }
  }
  // The last bits: the stream's padding is dropped, missing bits read as zero.
  while (validEnd - pos > 0) {
    const lc = validEnd - pos;
    let at = peek(b, pos, DECBITS);
    if (lc < DECBITS) at &= ~((1 << (DECBITS - lc)) - 1) & DECMASK;
    const len = decLen[at]!;
    if (!len || len > lc) return fail("invalid Huffman code at the end of the data");
    pos += len;
    read = validEnd;
    const e = emit(decLit[at]!, true);
    if (e) return e;
  }
  if (o !== no) return fail(`Huffman data decodes to ${o} values, the chunk holds ${no}`);
  return null;
}

/** internal_huf_decompress: `nRaw` 16-bit values from `src`. */
export function hufDecompress(src: Uint8Array, nRaw: number): Uint16Array | CodecFailure {
  const out = new Uint16Array(nRaw);
  if (src.length < 20) return nRaw === 0 ? out : fail("Huffman header is cut off");
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const im = dv.getUint32(0, true);
  const iM = dv.getUint32(4, true);
  const nBits = dv.getUint32(12, true);
  if (im >= ENCSIZE || iM >= ENCSIZE) return fail("Huffman symbol range is out of bounds");
  const nBytes = Math.ceil(nBits / 8);
  if (20 + nBytes > src.length) return fail("Huffman data is shorter than its bit count");
  const table = unpackEncTable(src, 20, src.length - 20, im, iM);
  if ("failure" in table) return table;
  if (nBits > 8 * (src.length - table.end)) return fail("Huffman data is shorter than its bit count");
  const codes = canonicalCodes(table.lengths);
  if ("failure" in codes) return codes;
  const t = buildDecTable(table.lengths, codes, im, iM);
  if ("failure" in t) return t;
  // Four zero bytes past the end let the decoder read whole 32-bit windows without bounds checks.
  const padded = new Uint8Array(src.length + 4);
  padded.set(src);
  const e = decode(t, padded, table.end, nBits, iM, out);
  return e ?? out;
}
