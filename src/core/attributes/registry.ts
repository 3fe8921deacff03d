import { decodeChlist } from "./chlist.js";
import type { Decoded, DecodeHost, Decoder } from "./decoded.js";
import { ENUM_DECODERS } from "./enums.js";
import { decodeIdManifest } from "./idmanifest.js";
import { NUMERIC_DECODERS } from "./numeric.js";
import { decodeBytes, decodePreview, decodeRaw } from "./opaque.js";
import { decodeString, decodeStringVector } from "./text.js";

const DECODERS: ReadonlyMap<string, Decoder> = new Map(
  Object.entries({
    ...NUMERIC_DECODERS,
    ...ENUM_DECODERS,
    chlist: decodeChlist,
    string: decodeString,
    stringvector: decodeStringVector,
    bytes: decodeBytes,
    preview: decodePreview,
    idmanifest: decodeIdManifest,
  }),
);

export function isKnownType(typeName: string): boolean {
  return DECODERS.has(typeName);
}

/** Decodes one attribute value by its stored type name; unknown types keep their raw bytes. */
export function decodeAttributeValue(typeName: string, bytes: Uint8Array, host?: DecodeHost): Decoded {
  const decoder = DECODERS.get(typeName);
  return decoder ? decoder(bytes, host) : decodeRaw(bytes);
}
