import { hufDecompress } from "./huffman.js";
import { type ChunkGeometry, type CodecResult, fail, sampledLine } from "./types.js";
import { wav2DDecode } from "./wavelet.js";

const USHORT_RANGE = 1 << 16;
const BITMAP_SIZE = USHORT_RANGE >> 3;
/** Scratch reused across chunks (decoding is synchronous). */
const BITMAP = new Uint8Array(BITMAP_SIZE);
const LUT = new Uint16Array(USHORT_RANGE);

/** OpenEXR PIZ (internal_exr_undo_piz): bitmap + LUT, Huffman, per-channel 2D wavelet, then back to lines. */
export function undoPiz(src: Uint8Array, g: ChunkGeometry): CodecResult {
  const outSize = g.unpackedBytes;
  if (src.length < 4) return fail("PIZ data is shorter than its range header");
  const minNonZero = src[0]! | (src[1]! << 8);
  const maxNonZero = src[2]! | (src[3]! << 8);
  if (maxNonZero >= BITMAP_SIZE) return fail(`PIZ bitmap range ends at ${maxNonZero}, past the bitmap`);
  const bitmap = BITMAP;
  bitmap.fill(0);
  let n = 4;
  if (minNonZero <= maxNonZero) {
    const count = maxNonZero - minNonZero + 1;
    if (n + count > src.length) return fail("PIZ bitmap is cut off");
    bitmap.set(src.subarray(n, n + count), minNonZero);
    n += count;
  }
  // reverseLutFromBitmap: value 0 always, then every value whose bit is set (only bytes in the stored range).
  const lut = LUT;
  lut[0] = 0;
  let k = 1;
  if (minNonZero <= maxNonZero) {
    for (let byte = minNonZero; byte <= maxNonZero; byte++) {
      const bits = bitmap[byte]!;
      if (bits === 0) continue;
      for (let bit = byte === 0 ? 1 : 0; bit < 8; bit++) if (bits & (1 << bit)) lut[k++] = (byte << 3) | bit;
    }
  }
  const maxValue = k - 1;
  lut.fill(0, k); // as OpenEXR: values past the table (damaged data) map to 0

  if (n + 4 > src.length) return fail("PIZ Huffman length is cut off");
  const hufBytes = (src[n]! | (src[n + 1]! << 8) | (src[n + 2]! << 16) | (src[n + 3]! << 24)) >>> 0;
  n += 4;
  if (n + hufBytes > src.length)
    return fail(`PIZ Huffman data (${hufBytes} bytes) passes the end of the chunk`);
  const values = hufDecompress(src.subarray(n, n + hufBytes), outSize >>> 1);
  if (!(values instanceof Uint16Array)) return values;

  let base = 0;
  for (const c of g.channels) {
    const wcount = c.bytes / 2;
    for (let j = 0; j < wcount; j++)
      wav2DDecode(values, base + j, c.width, wcount, c.height, wcount * c.width, maxValue);
    base += c.width * c.height * wcount;
  }
  for (let i = 0; i < values.length; i++) values[i] = lut[values[i]!]!;

  // Planes (channel by channel) back to lines; values are little-endian 16-bit words either way.
  const planes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(outSize);
  let o = 0;
  const planeStart: number[] = [];
  let s = 0;
  for (const c of g.channels) {
    planeStart.push(s);
    s += c.width * c.height * c.bytes;
  }
  for (let y = 0; y < g.height; y++) {
    const cury = y + g.y0;
    for (let ci = 0; ci < g.channels.length; ci++) {
      const c = g.channels[ci]!;
      const lineBytes = c.width * c.bytes;
      if (lineBytes === 0 || !sampledLine(c, cury)) continue;
      const row = c.ySampling > 1 ? Math.floor(y / c.ySampling) : y;
      const from = planeStart[ci]! + row * lineBytes;
      if (o + lineBytes > outSize || from + lineBytes > planes.length)
        return fail("PIZ lines do not fit the chunk");
      out.set(planes.subarray(from, from + lineBytes), o);
      o += lineBytes;
    }
  }
  if (o !== outSize) return fail(`PIZ data decodes to ${o} bytes, the chunk needs ${outSize}`);
  return out;
}
