import { toBase64 } from "../base64.js";
import { ByteReader } from "../byte-reader.js";
import type { JsonAttributeValue } from "../model.js";
import { internedAscii } from "../name-intern.js";
import type { Decoded } from "./decoded.js";

// Stryker disable next-line StringLiteral: TextDecoder("") throws when the module loads, so every test importing it fails, but Stryker's vitest runner reports a run with no completed test as "Survived"
const strict = new TextDecoder("utf-8", { fatal: true });
/** UTF-8, U+FFFD for invalid sequences (the defaults). */
const lenient = new TextDecoder();

/**
 * Text as a JSON string when it is valid UTF-8; otherwise `{text, base64, valid_utf8: false}`
 * where `text` has U+FFFD for the invalid sequences and `base64` the exact stored bytes.
 */
export function decodeText(bytes: Uint8Array): { value: JsonAttributeValue; invalidUtf8: boolean } {
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a faster path (the cache); strict decoding gives the same string for ASCII of any length
  if (bytes.length < 64) {
    // Short texts (renderer names, colour spaces, part names) recur from frame to frame: cached.
    const ascii = internedAscii(bytes, 0, bytes.length);
    if (ascii !== null) return { value: ascii, invalidUtf8: false };
  }
  try {
    return { value: strict.decode(bytes), invalidUtf8: false };
  } catch {
    return {
      value: { text: lenient.decode(bytes), base64: toBase64(bytes), valid_utf8: false },
      invalidUtf8: true,
    };
  }
}

/** `string`: the attribute size is the length; no terminator and no length prefix. */
export function decodeString(bytes: Uint8Array): Decoded {
  return decodeText(bytes);
}

/** `stringvector`: repeated (i32 length, chars) filling the attribute exactly. */
export function decodeStringVector(bytes: Uint8Array): Decoded {
  const r = new ByteReader(bytes);
  const out: JsonAttributeValue[] = [];
  let invalidUtf8 = false;
  while (r.remaining > 0) {
    if (!r.has(4))
      return { value: { base64: toBase64(bytes) }, problem: "stringvector ends inside a length" };
    const n = r.i32();
    if (!r.has(n)) {
      return {
        value: { base64: toBase64(bytes) },
        problem: `stringvector entry length ${n} exceeds the attribute`,
      };
    }
    const t = decodeText(r.take(n));
    invalidUtf8 ||= t.invalidUtf8;
    out.push(t.value);
  }
  return { value: out, invalidUtf8 };
}
