import { type ChunkGeometry, type CodecResult, fail, type Inflate, sampledLine } from "./types.js";

/** OpenEXR PXR24 (internal_exr_undo_pxr24): inflate, then per line and channel the byte planes of deltas. */
export function undoPxr24(src: Uint8Array, g: ChunkGeometry, inflate: Inflate): CodecResult {
  const outSize = g.unpackedBytes;
  let raw: Uint8Array;
  try {
    // OpenEXR inflates into a scratch buffer of compressBound(unpacked size); more is an error there too.
    raw = inflate(src, outSize + (outSize >>> 12) + (outSize >>> 14) + (outSize >>> 25) + 13);
  } catch (e) {
    return fail(`pxr24 data does not inflate: ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = new Uint8Array(outSize);
  const dv = new DataView(out.buffer);
  let o = 0;
  let last = 0;
  let nDec = 0;
  for (let y = 0; y < g.height; y++) {
    const cury = y + g.y0;
    for (const c of g.channels) {
      const w = c.width;
      const nBytes = w * c.bytes;
      if (c.height === 0 || !sampledLine(c, cury)) continue;
      if (o + nBytes > outSize) return fail("pxr24 lines do not fit the chunk");
      if (c.type === "uint") {
        if (nDec + nBytes > raw.length) return fail("pxr24 data is shorter than its lines");
        let pixel = 0;
        for (let x = 0; x < w; x++) {
          const diff =
            (raw[last + x]! << 24) |
            (raw[last + w + x]! << 16) |
            (raw[last + 2 * w + x]! << 8) |
            raw[last + 3 * w + x]!;
          pixel = (pixel + diff) | 0;
          dv.setUint32(o + 4 * x, pixel >>> 0, true);
        }
        last += 4 * w;
        nDec += nBytes;
      } else if (c.type === "half") {
        if (nDec + nBytes > raw.length) return fail("pxr24 data is shorter than its lines");
        let pixel = 0;
        for (let x = 0; x < w; x++) {
          const diff = (raw[last + x]! << 8) | raw[last + w + x]!;
          pixel = (pixel + diff) | 0;
          dv.setUint16(o + 2 * x, pixel & 0xffff, true);
        }
        last += 2 * w;
        nDec += nBytes;
      } else {
        if (nDec + 3 * w > raw.length) return fail("pxr24 data is shorter than its lines");
        let pixel = 0;
        for (let x = 0; x < w; x++) {
          const diff = (raw[last + x]! << 24) | (raw[last + w + x]! << 16) | (raw[last + 2 * w + x]! << 8);
          pixel = (pixel + diff) | 0;
          dv.setUint32(o + 4 * x, pixel >>> 0, true);
        }
        last += 3 * w;
        nDec += 3 * w;
      }
      o += nBytes;
    }
  }
  return out;
}
