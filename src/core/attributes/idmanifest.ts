import { ByteReader } from "../byte-reader.js";
import type { Decoded } from "./decoded.js";
import { malformed } from "./opaque.js";

/** Inflates a zlib stream to at most `maxLength` bytes; supplied from outside the core (which has no zlib). */
export type Inflate = (compressed: Uint8Array, maxLength: number) => Uint8Array;

/**
 * Where the zlib stream starts: OpenEXR >= 3.2 stores the uncompressed size in 8 bytes, 3.0/3.1 in 4.
 * Bytes 4..7 are zero only in the 8-byte form (in the 4-byte form they begin the zlib stream).
 */
function layout(bytes: Uint8Array): { uncompressed: number; streamStart: number } | null {
  const r = new ByteReader(bytes);
  if (bytes.length >= 9 && bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0) {
    return { uncompressed: r.u64(), streamStart: 8 };
  }
  if (bytes.length < 4) return null;
  return { uncompressed: r.i32(), streamStart: 4 };
}

/** `idmanifest` (CompressedIDManifest): stored uncompressed size, then a zlib stream. */
export function decodeIdManifest(bytes: Uint8Array): Decoded {
  const l = layout(bytes);
  if (!l) return malformed(bytes, "idmanifest attribute shorter than 4 bytes");
  return { value: { uncompressed_size: l.uncompressed, compressed_size: bytes.length - l.streamStart } };
}

/** Upper bound on an inflated manifest, whatever size the attribute claims (a zlib bomb stops here). */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** Channel groups and ID entries of an ID manifest, or a problem. Bounded by the stored uncompressed size. */
export function countIdManifest(
  bytes: Uint8Array,
  inflate: Inflate,
): { groups: number; entries: number } | { problem: string } {
  const l = layout(bytes);
  if (!l) return { problem: "idmanifest attribute shorter than 4 bytes" };
  let data: Uint8Array;
  try {
    // The stored size bounds the output: a lying stream cannot make us allocate more.
    data = inflate(bytes.subarray(l.streamStart), Math.max(1, Math.min(l.uncompressed, MAX_MANIFEST_BYTES)));
  } catch (err) {
    return { problem: `idmanifest does not inflate: ${err instanceof Error ? err.message : String(err)}` };
  }
  return parseManifest(data);
}

class Short {}

/** Walks the serialized IDManifest (OpenEXR ImfIDManifest.cpp, version 0) without building its tables. */
export function parseManifest(data: Uint8Array): { groups: number; entries: number } | { problem: string } {
  const r = new ByteReader(data);
  const need = (n: number) => {
    if (!r.has(n)) throw new Short();
  };
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      need(1);
      const byte = r.u8();
      value += (byte & 127) * scale;
      if ((byte & 128) === 0) return value;
      scale *= 128;
    }
    throw new Short();
  };
  /** A stored count. A count larger than the bytes left fails at need(): every item it counts takes a byte or more. */
  const count = (): number => {
    need(4);
    const n = r.i32();
    if (n < 0) throw new Short();
    return n;
  };
  const skip = (n: number) => {
    need(n);
    r.pos += n;
  };
  const stringList = () => {
    const n = count();
    let total = 0;
    for (let i = 0; i < n; i++) total += varint();
    skip(total);
    return n;
  };
  try {
    need(4);
    const version = r.u32();
    if (version !== 0) return { problem: `unknown idmanifest version ${version}` };
    stringList();
    skip(count() * 8); // RLE mapping: (first, last) id pairs
    const groups = count();
    let entries = 0;
    for (let g = 0; g < groups; g++) {
      stringList(); // channels
      const components = stringList();
      skip(1); // lifetime
      for (let k = 0; k < 2; k++) skip(count()); // hash scheme, encoding scheme
      need(1);
      const storage = r.u8();
      const tableSize = count();
      for (let e = 0; e < tableSize; e++) {
        if (storage === 0) skip(8);
        else if (storage === 1) skip(4);
        else varint();
        for (let c = 0; c < components; c++) varint();
      }
      entries += tableSize;
    }
    return { groups, entries };
  } catch (err) {
    // Every read above is guarded by need(), which throws Short: this line only keeps a bug from escaping as a crash.
    // Stryker disable next-line ObjectLiteral,StringLiteral: unreachable (see above)
    if (!(err instanceof Short)) return { problem: "idmanifest could not be read" };
    return { problem: "idmanifest ends early or holds an impossible count" };
  }
}
