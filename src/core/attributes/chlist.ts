import { ByteReader } from "../byte-reader.js";
import type { JsonAttributeValue } from "../model.js";
import { internedAscii } from "../name-intern.js";
import type { Decoded } from "./decoded.js";
import { malformed } from "./opaque.js";
import { decodeText } from "./text.js";

export const CHANNEL_TYPES = ["uint", "half", "float"] as const;

/** Channel names recur across files (R, G, B, A, …): ASCII ones come from the name cache. */
function channelName(
  bytes: Uint8Array,
  start: number,
  end: number,
): { value: JsonAttributeValue; invalidUtf8: boolean } {
  const ascii = internedAscii(bytes, start, end);
  return ascii !== null ? { value: ascii, invalidUtf8: false } : decodeText(bytes.subarray(start, end));
}

/**
 * `chlist`: entries of (NUL-terminated name, i32 pixel type, u8 pLinear, 3 reserved bytes,
 * i32 xSampling, i32 ySampling), ended by an empty name.
 */
export function decodeChlist(bytes: Uint8Array): Decoded {
  const r = new ByteReader(bytes);
  const out: JsonAttributeValue[] = [];
  let invalidUtf8 = false;
  for (;;) {
    if (!r.has(1)) return malformed(bytes, "chlist is missing its terminating NUL byte");
    if (r.bytes[r.pos] === 0) {
      r.pos++;
      break;
    }
    const nul = r.findNul(255);
    if (nul === -1)
      return malformed(bytes, `channel name at byte ${r.pos} is unterminated or longer than 255`);
    const name = channelName(bytes, r.pos, nul);
    r.pos = nul + 1;
    invalidUtf8 ||= name.invalidUtf8;
    if (!r.has(16)) return malformed(bytes, "chlist ends inside a channel entry");
    const type = r.i32();
    const pLinear = r.u8();
    r.pos += 3;
    const xSampling = r.i32();
    const ySampling = r.i32();
    out.push({
      name: name.value,
      type: CHANNEL_TYPES[type] ?? type,
      p_linear: pLinear !== 0,
      x_sampling: xSampling,
      y_sampling: ySampling,
    });
  }
  if (r.remaining !== 0) return malformed(bytes, `${r.remaining} bytes follow the chlist terminator`);
  return { value: out, invalidUtf8 };
}
