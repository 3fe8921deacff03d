import { reconstructBytes } from "./predictor.js";
import { type CodecResult, fail } from "./types.js";

/**
 * OpenEXR's byte run-length expansion (internal_rle_decompress) to exactly `outSize` bytes. Runs are at most 128
 * bytes, so they are copied by plain loops (a subarray or fill call per run costs more than the bytes it moves).
 */
export function rleExpand(src: Uint8Array, outSize: number): CodecResult {
  const out = new Uint8Array(outSize);
  let i = 0;
  let o = 0;
  const n = src.length;
  while (i < n) {
    const v = (src[i]! << 24) >> 24;
    if (v < 0) {
      const count = -v;
      i++;
      if (i + count > n) return fail(`RLE literal run of ${count} bytes passes the end of the data`);
      if (o + count > outSize) return fail("RLE data expands past the chunk's unpacked size");
      for (const e = i + count; i < e; i++) out[o++] = src[i]!;
    } else {
      if (i + 2 > n) return fail("RLE repeat run is cut off at the end of the data");
      const count = v + 1;
      if (o + count > outSize) return fail("RLE data expands past the chunk's unpacked size");
      const b = src[i + 1]!;
      for (const e = o + count; o < e; o++) out[o] = b;
      i += 2;
    }
  }
  if (o !== outSize) return fail(`RLE data expands to ${o} bytes, the chunk needs ${outSize}`);
  return out;
}

/** OpenEXR RLE (internal_rle_decompress + unpredict_and_reorder). */
export function undoRle(src: Uint8Array, outSize: number): CodecResult {
  const raw = rleExpand(src, outSize);
  return raw instanceof Uint8Array ? reconstructBytes(raw, outSize) : raw;
}
