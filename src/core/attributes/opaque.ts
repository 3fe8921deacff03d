import { toBase64 } from "../base64.js";
import { ByteReader } from "../byte-reader.js";
import { fnv1a64Hex } from "../fnv1a64.js";
import type { Decoded } from "./decoded.js";
import { decodeText } from "./text.js";

/** Unknown types keep their raw bytes (the type name is kept on the attribute record). */
export function decodeRaw(bytes: Uint8Array): Decoded {
  return { value: { base64: toBase64(bytes) } };
}

export function malformed(bytes: Uint8Array, problem: string): Decoded {
  return { value: { base64: toBase64(bytes) }, problem };
}

/** `bytes` (OpenEXR 3.4): u32 hint length, the hint, then the payload. */
export function decodeBytes(bytes: Uint8Array): Decoded {
  const r = new ByteReader(bytes);
  if (!r.has(4)) return malformed(bytes, "bytes attribute shorter than its 4-byte hint length");
  const hintLength = r.u32();
  if (!r.has(hintLength))
    return malformed(bytes, `bytes type hint length ${hintLength} exceeds the attribute`);
  const hint = decodeText(r.take(hintLength));
  return {
    value: { base64: toBase64(r.take(r.remaining)), hint: hint.value },
    invalidUtf8: hint.invalidUtf8,
  };
}

/** `preview`: u32 width, u32 height, then 4*w*h RGBA bytes, reported as a hash instead of pixels. */
export function decodePreview(bytes: Uint8Array): Decoded {
  const r = new ByteReader(bytes);
  if (!r.has(8)) return malformed(bytes, "preview attribute shorter than 8 bytes");
  const width = r.u32();
  const height = r.u32();
  const pixelBytes = width * height * 4;
  if (pixelBytes !== r.remaining) {
    return malformed(
      bytes,
      `preview ${width}x${height} needs ${pixelBytes} pixel bytes, ${r.remaining} stored`,
    );
  }
  return { value: { width, height, hash: `fnv1a64:${fnv1a64Hex(r.take(pixelBytes))}` } };
}
