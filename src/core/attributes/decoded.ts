import type { JsonAttributeValue } from "../model.js";

/** What a type decoder returns: the JSON value, plus a problem when the bytes do not fit the type. */
export interface Decoded {
  value: JsonAttributeValue;
  /** Set when the stored bytes do not match the type's layout (the value then holds the raw bytes). */
  problem?: string;
  /** Set when a string inside the value is not valid UTF-8. */
  invalidUtf8?: boolean;
}

/** Services the core cannot provide itself (it has no crypto); supplied by the host. */
export interface DecodeHost {
  /** SHA-256 (hex). When given, preview pixels are fingerprinted with it (fast, native, reproducible). */
  sha256?: (bytes: Uint8Array) => string;
  /** False: preview values get no `hash` (their pixels are not read at all). */
  hashes?: boolean;
}

/** Decodes exactly the value bytes of one attribute (a view, never copied). */
export type Decoder = (bytes: Uint8Array, host?: DecodeHost) => Decoded;
