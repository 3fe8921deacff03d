import { toBase64 } from "../base64.js";
import { ByteReader } from "../byte-reader.js";
import { fnv1a64Hex } from "../fnv1a64.js";
import type { Decoded, DecodeHost } from "./decoded.js";
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

/**
 * `preview`: u32 width, u32 height, then 4*w*h RGBA bytes, reported as a hash instead of pixels:
 * SHA-256 when the host supplies it (anyone can reproduce it from the pixel bytes), else FNV-1a 64
 * (the pure-core fallback, 4-5x slower). The prefix names the algorithm. No hash when the host asks for none.
 */
export function decodePreview(bytes: Uint8Array, host?: DecodeHost): Decoded {
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
  if (host?.hashes === false) return { value: { width, height } };
  const pixels = r.take(pixelBytes);
  const hash = host?.sha256 ? `sha256:${host.sha256(pixels)}` : `fnv1a64:${fnv1a64Hex(pixels)}`;
  return { value: { width, height, hash } };
}
