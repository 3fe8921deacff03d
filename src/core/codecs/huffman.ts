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
  /** Short-code entries: symbol << 4 | length (0 = none). */
  dec: Int32Array;
  /** Long-code candidate symbols per primary entry, in symbol order (OpenEXR's search order). */
  decLong: (number[] | undefined)[];
  /** Per primary entry with long codes: bits its second-level table adds (0 = none: search the list). */
  subBits: Uint8Array;
  subBase: Int32Array;
  /** Second-level entries: symbol << 12 | reach << 6 | length (0 = no code matches). */
  sub: Int32Array;
}

/** Scratch reused across chunks (decoding is synchronous): a chunk's tables cost no allocation. */
const LENGTHS = new Uint8Array(ENCSIZE);
const CODES = new Float64Array(ENCSIZE);
/** The symbols with a code (length > 0), ascending: tables are built from these, not all 65,537. */
const SYMBOLS = new Int32Array(ENCSIZE);
let symbolCount = 0;
const DEC = new Int32Array(DECSIZE);
// Stryker disable next-line ArrayDeclaration: an array without a preset length reads undefined at every index too
const DEC_LONG: (number[] | undefined)[] = new Array(DECSIZE).fill(undefined);
/** Entries of DEC_LONG set by the last table (cleared one by one, not all 16,384). */
// Stryker disable next-line ArrayDeclaration: a stray first entry only clears a non-index property before the first table
const LONG_USED: number[] = [];
const SUB_BITS = new Uint8Array(DECSIZE);
const SUB_BASE = new Int32Array(DECSIZE);
/** Longest code a second-level table resolves (DECBITS + 10 bits: 1,024 entries), and all tables' room. */
const MAX_SUB_BITS = 10;
const SUB = new Int32Array(1 << 18);
const POW2 = Float64Array.from({ length: 60 }, (_, k) => 2 ** k);

function unpackEncTable(
  b: Uint8Array,
  start: number,
  nBytes: number,
  im: number,
  iM: number,
): { lengths: Uint8Array; end: number } | CodecFailure {
  // Only the lengths of the symbols listed in SYMBOLS are ever read back: other entries may keep an earlier table's.
  const lengths = LENGTHS;
  symbolCount = 0;
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
    } else if (l > 0) {
      lengths[im] = l;
      SYMBOLS[symbolCount++] = im;
    }
  }
  return { lengths, end: (pos + 7) >>> 3 };
}

/** hufCanonicalCodeTable over the symbols that have a code (every other length is 0). */
function canonicalCodes(lengths: Uint8Array): Float64Array | CodecFailure {
  const n = new Float64Array(59);
  for (let k = 0; k < symbolCount; k++) n[lengths[SYMBOLS[k]!]!]! += 1;
  for (let l = MAX_SAFE_CODE_LENGTH + 1; l <= 58; l++)
    if (n[l]! > 0) return fail(`Huffman code length ${l} is longer than any real encoder writes`);
  let c = 0;
  for (let i = 58; i >= 1; i--) {
    const nc = Math.floor((c + n[i]!) / 2);
    n[i] = c;
    c = nc;
  }
  const codes = CODES;
  for (let k = 0; k < symbolCount; k++) {
    const i = SYMBOLS[k]!;
    codes[i] = n[lengths[i]!]!++;
  }
  return codes;
}

function buildDecTable(lengths: Uint8Array, codes: Float64Array): Tables | CodecFailure {
  const dec = DEC;
  const decLong = DEC_LONG;
  dec.fill(0);
  for (const at of LONG_USED) {
    decLong[at] = undefined;
    SUB_BITS[at] = 0;
  }
  LONG_USED.length = 0;
  for (let k = 0; k < symbolCount; k++) {
    const im = SYMBOLS[k]!;
    const c = codes[im]!;
    const l = lengths[im]!;
    if (c >= POW2[l]!) return fail("Huffman code does not fit its length");
    if (l >= DECBITS + 1) {
      const at = Math.floor(c / POW2[l - DECBITS]!);
      if (dec[at]) return fail("Huffman long code collides with a short code");
      const list = decLong[at];
      if (list) list.push(im);
      else {
        decLong[at] = [im];
        LONG_USED.push(at);
      }
    } else {
      const first = c * POW2[DECBITS - l]!;
      const entry = (im << 4) | l;
      for (let e = first, end = first + POW2[DECBITS - l]!; e < end; e++) {
        if (dec[e] || decLong[e]) return fail("Huffman short codes collide");
        dec[e] = entry;
      }
    }
  }
  buildSubTables(lengths, codes);
  return { lengths, codes, dec, decLong, subBits: SUB_BITS, subBase: SUB_BASE, sub: SUB };
}

/**
 * Second-level tables for the primary entries whose candidates are at most DECBITS + MAX_SUB_BITS long: indexed
 * by the bits after the first DECBITS, each entry holds what OpenEXR's search of the candidate list (in symbol
 * order, first match wins) finds when all those bits are there, and how far the search read ("reach": the
 * longest candidate it tried). Other entries (and the stream's last bits) keep the list search.
 */
function buildSubTables(lengths: Uint8Array, codes: Float64Array): void {
  let used = 0;
  for (const at of LONG_USED) {
    const list = DEC_LONG[at]!;
    let maxL = 0;
    for (const s of list) maxL = Math.max(maxL, lengths[s]!);
    const bits = maxL - DECBITS;
    if (bits > MAX_SUB_BITS || used + (1 << bits) > SUB.length) continue;
    const base = used;
    used += 1 << bits;
    SUB.fill(0, base, used);
    let reach = 0;
    for (const s of list) {
      const l = lengths[s]!;
      reach = Math.max(reach, l);
      // The candidate's bits after the first DECBITS, left-aligned in `bits`.
      const low = codes[s]! - Math.floor(codes[s]! / POW2[l - DECBITS]!) * POW2[l - DECBITS]!;
      const from = low * (1 << (maxL - l));
      const entry = (s << 12) | (reach << 6) | l;
      for (let e = base + from, end = e + (1 << (maxL - l)); e < end; e++) if (SUB[e] === 0) SUB[e] = entry;
    }
    // Entries no candidate matches remember the whole list was tried.
    for (let e = base; e < used; e++) if (SUB[e] === 0) SUB[e] = -(maxL + 1);
    SUB_BITS[at] = bits;
    SUB_BASE[at] = base;
  }
}

/**
 * hufDecode: whole bytes are added to the buffer one at a time and symbols taken while at least DECBITS bits
 * are buffered; then the last bits (the stream's padding dropped, missing bits read as zero). No closures over
 * the loop state: captured variables would live in a heap context instead of registers.
 */
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
  const { dec, decLong, lengths, codes, subBits, subBase, sub } = t;

  while (read < endBits) {
    read += 8;
    while (read - pos >= DECBITS) {
      // 14 bits at any bit offset lie within 3 bytes (b is padded past the data).
      const i = pos >>> 3;
      const at = (((b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!) >>> (10 - (pos & 7))) & DECMASK;
      const entry = dec[at]!;
      let sym: number;
      if (entry) {
        pos += entry & 15;
        sym = entry >>> 4;
        if (sym !== rlc && o < no) {
          out[o++] = sym;
          continue;
        }
      } else if (subBits[at]! !== 0 && endBits - pos >= DECBITS + subBits[at]!) {
        // A long code through the second-level table: DECBITS + bits <= 24 bits lie within 4 bytes.
        const bits = subBits[at]!;
        const i = pos >>> 3;
        const w = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) << (pos & 7);
        const e = sub[subBase[at]! + ((w >>> (32 - DECBITS - bits)) & ((1 << bits) - 1))]!;
        if (e < 0) return fail("invalid Huffman code");
        const reach = (e >>> 6) & 63;
        if (read - pos < reach) read += 8 * Math.ceil((reach - (read - pos)) / 8);
        pos += e & 63;
        sym = e >>> 12;
      } else {
        const list = decLong[at];
        if (!list) return fail("invalid Huffman code");
        sym = -1;
        // The next 52 bits once (bits past the buffered ones only count for a code that fits in them).
        const window = peekLong(b, pos, MAX_SAFE_CODE_LENGTH);
        for (let k = 0; k < list.length; k++) {
          const s = list[k]!;
          const l = lengths[s]!;
          while (read - pos < l && read < endBits) read += 8;
          if (read - pos >= l && codes[s] === Math.floor(window / POW2[MAX_SAFE_CODE_LENGTH - l]!)) {
            pos += l;
            sym = s;
            break;
          }
        }
        if (sym < 0) return fail("invalid Huffman code");
      }
      // A run (the run-length code followed by an 8-bit repeat count), or a literal.
      if (sym === rlc) {
        if (read - pos < 8) {
          if (read >= endBits) return fail("Huffman run length is cut off");
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
    }
  }
  while (validEnd - pos > 0) {
    const lc = validEnd - pos;
    let at = peek(b, pos, DECBITS);
    if (lc < DECBITS) at &= ~((1 << (DECBITS - lc)) - 1) & DECMASK;
    const entry = dec[at]!;
    const len = entry & 15;
    if (!entry || len > lc) return fail("invalid Huffman code at the end of the data");
    pos += len;
    read = validEnd;
    const sym = entry >>> 4;
    if (sym === rlc) {
      if (read - pos < 8) return fail("Huffman run length is cut off");
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
  const t = buildDecTable(table.lengths, codes);
  if ("failure" in t) return t;
  // Zero bytes past the end let the decoder read whole windows (and 52-bit lookaheads) without bounds checks.
  const padded = new Uint8Array(src.length + 8);
  padded.set(src);
  const e = decode(t, padded, table.end, nBits, iM, out);
  return e ?? out;
}
