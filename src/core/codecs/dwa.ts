import { classifyChannels, type DwaScheme, LEGACY_RULES, readChannelRules } from "./dwa-classifier.js";
import { type Coefficients, type DctChannel, decodeLossyDct } from "./dwa-dct.js";
import { dwaToLinearTable } from "./dwa-tables.js";
import { hufDecompress } from "./huffman.js";
import { reconstructBytes } from "./predictor.js";
import { rleExpand } from "./rle.js";
import { type ChunkGeometry, type CodecResult, fail, type Inflate, sampledLine } from "./types.js";
import { inflateExactly } from "./zip.js";

/**
 * OpenEXR DWAA / DWAB (OpenEXRCore internal_dwa_compressor.h, DwaCompressor_uncompress). A block starts with
 * eleven little-endian u64 counters, then (version 2) the channel rules, then four sections: zlib'd planar
 * samples of channels no rule matches, the AC coefficients (Huffman or zlib), the DC coefficients (zlib +
 * the ZIP predictor), and the zlib'd byte-plane RLE of the RLE channels. DWAA and DWAB differ only in lines
 * per chunk (32, 256).
 */

const HEADER_BYTES = 88;
const STATIC_HUFFMAN = 0;
const DEFLATE = 1;

function u64(b: Uint8Array, i: number): number {
  const lo = (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
  const hi = (b[i + 4]! | (b[i + 5]! << 8) | (b[i + 6]! << 16) | (b[i + 7]! << 24)) >>> 0;
  // Past 2^53 no size is real; Infinity fails every bound below (and the C code's int64 < 0 check).
  return hi >= 0x200000 ? Number.POSITIVE_INFINITY : hi * 2 ** 32 + lo;
}

/** A lossy block of `c` lines/samples per the C code's float arithmetic (ceilf(n / 8.0f)). */
function blocksOf(n: number): number {
  return Math.ceil(Math.fround(Math.fround(n) / 8));
}

/**
 * An RLE channel's samples from its byte planes at `from` (all first bytes of the channel, then all second bytes,
 * ...) to its rows, two planes making one 16-bit word (rows start even: samples are 2 or 4 bytes).
 */
function joinBytePlanes(
  out16: Uint16Array,
  rle: Uint8Array,
  from: number,
  rows: readonly number[],
  width: number,
  height: number,
  words: number,
): void {
  const plane = width * height;
  let s = from;
  for (let y = 0; y < rows.length; y++) {
    for (let pair = 0; pair < words; pair++) {
      const lo = s + 2 * pair * plane;
      const hi = lo + plane;
      let o = (rows[y]! >> 1) + pair;
      for (let x = 0; x < width; x++, o += words) out16[o] = rle[lo + x]! | (rle[hi + x]! << 8);
    }
    s += width;
  }
}

export function undoDwa(src: Uint8Array, g: ChunkGeometry, inflate: Inflate): CodecResult {
  const outSize = g.unpackedBytes;
  const iSize = src.length;
  if (iSize < HEADER_BYTES) return fail("DWA data is shorter than its counters");
  const counter = (k: number) => u64(src, 8 * k);
  const version = counter(0);
  const unknownUncompressed = counter(1);
  const unknownCompressed = counter(2);
  const acCompressed = counter(3);
  const dcCompressed = counter(4);
  const rleCompressed = counter(5);
  const rleUncompressed = counter(6);
  const rleRaw = counter(7);
  const acCount = counter(8);
  const dcCount = counter(9);
  const acCompression = counter(10);
  const compressedSize = unknownCompressed + acCompressed + dcCompressed + rleCompressed;
  if (iSize < HEADER_BYTES + compressedSize) return fail("DWA sections pass the end of the chunk");
  if (unknownUncompressed + rleRaw > outSize) return fail("DWA sections are larger than the chunk's pixels");
  if (!Number.isFinite(rleUncompressed + acCount + dcCount)) return fail("DWA counters are out of range");

  let rules = LEGACY_RULES;
  let at = HEADER_BYTES;
  if (version >= 2) {
    const read = readChannelRules(src, at, iSize);
    if ("failure" in read) return read;
    rules = read.rules;
    at += read.bytes;
  }
  if (at + compressedSize > iSize) return fail("DWA sections pass the end of the chunk");
  if (version > 2) return fail(`DWA version ${version} is newer than any OpenEXR writes`);

  const { schemes, cscSets } = classifyChannels(g.channels, rules);
  const lossyChannels = schemes.filter((s) => s === "lossy-dct").length;
  const blocks = blocksOf(g.height) * blocksOf(g.width);
  const maxAcCount = blocks * 63 * lossyChannels;
  const maxDcCount = blocks * lossyChannels;
  const pixelCount = g.height * g.width;
  let rleBufferSize = 0;
  const planarBytes = (s: DwaScheme) =>
    g.channels.reduce((n, c, i) => (schemes[i] === s ? n + c.width * c.height * c.bytes : n), 0);
  g.channels.forEach((c, i) => {
    if (schemes[i] === "rle") rleBufferSize += 2 * pixelCount * c.bytes;
  });

  // validate_size: a scheme's section exists exactly when some channel uses it, and holds all of them.
  const unknownNeeded = planarBytes("unknown");
  if (
    unknownNeeded > 0
      ? unknownUncompressed < unknownNeeded || unknownCompressed === 0
      : unknownUncompressed + unknownCompressed > 0
  )
    return fail("DWA unknown-channel section does not match the channels");
  const rleNeeded = planarBytes("rle");
  if (
    rleNeeded > 0 ? rleRaw < rleNeeded || rleCompressed === 0 : rleRaw + rleCompressed + rleUncompressed > 0
  )
    return fail("DWA RLE section does not match the channels");

  const unknownAt = at;
  const acAt = unknownAt + unknownCompressed;
  const dcAt = acAt + acCompressed;
  const rleAt = dcAt + dcCompressed;

  let unknown: Uint8Array = new Uint8Array(0);
  if (unknownCompressed > 0) {
    let raw: Uint8Array;
    try {
      raw = inflate(src.subarray(unknownAt, acAt), unknownUncompressed);
    } catch (e) {
      return fail(`DWA unknown-channel data does not inflate: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (raw.length < unknownNeeded) return fail("DWA unknown-channel data inflates short of its channels");
    unknown = raw;
  }

  if (acCount > maxAcCount)
    return fail(`DWA claims ${acCount} AC coefficients; the chunk holds at most ${maxAcCount}`);
  let ac: Uint16Array;
  if (acCompressed === 0) {
    ac = new Uint16Array(acCount); // OpenEXR reads its zeroed buffer
  } else {
    if (lossyChannels === 0) return fail("DWA AC data for a chunk without lossy channels");
    const packed = src.subarray(acAt, dcAt);
    if (acCompression === STATIC_HUFFMAN) {
      const values = hufDecompress(packed, acCount);
      if (!(values instanceof Uint16Array)) return values;
      ac = values;
    } else if (acCompression === DEFLATE) {
      const raw = inflateExactly(packed, acCount * 2, inflate, "DWA AC");
      if (!(raw instanceof Uint8Array)) return raw;
      ac = new Uint16Array(acCount);
      for (let i = 0; i < acCount; i++) ac[i] = raw[2 * i]! | (raw[2 * i + 1]! << 8);
    } else {
      return fail(`DWA AC compression ${acCompression} is unknown`);
    }
  }

  let dc = new Uint16Array(0);
  if (dcCompressed > 0) {
    if (dcCount > maxDcCount)
      return fail(`DWA claims ${dcCount} DC coefficients; the chunk holds at most ${maxDcCount}`);
    const raw = inflateExactly(src.subarray(dcAt, rleAt), dcCount * 2, inflate, "DWA DC");
    if (!(raw instanceof Uint8Array)) return raw;
    const bytes = reconstructBytes(raw, dcCount * 2);
    dc = new Uint16Array(dcCount);
    for (let i = 0; i < dcCount; i++) dc[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  } else if (dcCount !== 0) {
    return fail("DWA DC count without DC data");
  }

  let rle: Uint8Array = new Uint8Array(0);
  if (rleRaw > 0) {
    if (rleUncompressed > rleBufferSize || rleRaw > rleBufferSize)
      return fail("DWA RLE section is larger than its channels can hold");
    const packed = inflateExactly(
      src.subarray(rleAt, rleAt + rleCompressed),
      rleUncompressed,
      inflate,
      "DWA RLE",
    );
    if (!(packed instanceof Uint8Array)) return packed;
    const raw = rleExpand(packed, rleRaw);
    if (!(raw instanceof Uint8Array)) return raw;
    rle = raw;
  }

  // Where each channel's rows start in the unpacked block (lines of channels, as every codec writes them).
  const out = new Uint8Array(outSize);
  const out16 = new Uint16Array(out.buffer, out.byteOffset, outSize >> 1);
  const rows: number[][] = g.channels.map(() => []);
  let o = 0;
  for (let y = g.y0; y < g.y0 + g.height; y++) {
    g.channels.forEach((c, i) => {
      if (!sampledLine(c, y)) return;
      rows[i]!.push(o);
      o += c.width * c.bytes;
    });
  }
  if (o !== outSize) return fail("DWA channel rows do not fill the chunk");

  const toLinear = dwaToLinearTable();
  const k: Coefficients = { ac, acPos: 0, dc, dcPos: 0 };
  const dctChannel = (i: number): DctChannel => ({
    rows: rows[i]!,
    isFloat: g.channels[i]!.type === "float",
  });
  const done = new Array<boolean>(g.channels.length).fill(false);
  for (const set of cscSets) {
    if (set.some((i) => schemes[i] !== "lossy-dct"))
      return fail("DWA colour triple is not all lossy channels");
    const r = g.channels[set[0]]!;
    const e = decodeLossyDct(out, set.map(dctChannel), r.width, r.height, k, toLinear);
    if (e) return e;
    for (const i of set) done[i] = true;
  }

  let unknownPos = 0;
  let rlePos = 0;
  for (let i = 0; i < g.channels.length; i++) {
    const c = g.channels[i]!;
    if (done[i] || c.width === 0 || c.height === 0) continue;
    const lineBytes = c.width * c.bytes;
    if (schemes[i] === "lossy-dct") {
      const e = decodeLossyDct(out, [dctChannel(i)], c.width, c.height, k, c.pLinear ? null : toLinear);
      if (e) return e;
    } else if (schemes[i] === "rle") {
      joinBytePlanes(out16, rle, rlePos, rows[i]!, c.width, c.height, c.bytes >> 1);
      rlePos += c.width * c.height * c.bytes;
    } else {
      for (const row of rows[i]!) {
        if (unknownPos + lineBytes > unknown.length)
          return fail("DWA unknown-channel data is shorter than its channels");
        out.set(unknown.subarray(unknownPos, unknownPos + lineBytes), row);
        unknownPos += lineBytes;
      }
    }
  }
  return out;
}
