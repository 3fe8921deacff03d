import { reconstructBytes } from "./predictor.js";
import { type CodecResult, fail, type Inflate } from "./types.js";

/** zlib-inflated bytes of exactly `outSize`, or why not (the host's inflate may throw). */
export function inflateExactly(
  src: Uint8Array,
  outSize: number,
  inflate: Inflate,
  what: string,
): CodecResult {
  let raw: Uint8Array;
  try {
    // One byte of room past the expected size tells "too long" from "exactly right".
    raw = inflate(src, outSize + 1);
  } catch (e) {
    return fail(`${what} data does not inflate: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (raw.length !== outSize)
    return fail(`${what} data inflates to ${raw.length} bytes, the chunk needs ${outSize}`);
  return raw;
}

/** OpenEXR ZIP / ZIPS (internal_exr_undo_zip): inflate, then the predictor and interleave. */
export function undoZip(src: Uint8Array, outSize: number, inflate: Inflate): CodecResult {
  const raw = inflateExactly(src, outSize, inflate, "zip");
  if (!(raw instanceof Uint8Array)) return raw;
  // The inflated buffer is ours (a fresh allocation): the predictor is undone in it.
  return reconstructBytes(raw, outSize);
}
