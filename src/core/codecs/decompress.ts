import { undoB44 } from "./b44.js";
import { undoDwa } from "./dwa.js";
import { undoHtj2k } from "./htj2k.js";
import { undoPiz } from "./piz.js";
import { undoPxr24 } from "./pxr24.js";
import { undoRle } from "./rle.js";
import { type ChunkGeometry, type CodecResult, fail, type Htj2kDecode, type Inflate } from "./types.js";
import { undoZip } from "./zip.js";

/** Compressions whose decoder is implemented here (flat parts). */
export const DECODABLE_COMPRESSIONS: ReadonlySet<string> = new Set([
  "none",
  "rle",
  "zips",
  "zip",
  "piz",
  "pxr24",
  "b44",
  "b44a",
  "dwaa",
  "dwab",
]);

/** HTJ2K compressions: decoded when the host supplies a codestream decoder (and the part's channels suit it). */
export const HTJ2K_COMPRESSIONS: ReadonlySet<string> = new Set(["htj2k256", "htj2k32"]);

/** Compressions whose stored block may exceed the raw pixels and still be decoded, as OpenEXR does. */
const GROWING_COMPRESSIONS: ReadonlySet<string> = new Set(["b44", "b44a", "dwaa", "dwab"]);

/**
 * One chunk's stored bytes to OpenEXR's unpacked layout (line by line, channel by channel, little-endian),
 * as OpenEXRCore's decompress_data: a stored size equal to the unpacked size means the block was kept raw.
 */
export function decompress(
  compression: string,
  packed: Uint8Array,
  g: ChunkGeometry,
  inflate: Inflate | undefined,
  htj2k?: Htj2kDecode,
): CodecResult {
  const size = g.unpackedBytes;
  if (packed.length === size) return packed;
  if (packed.length === 0) return fail(`chunk stores no data; its pixels take ${size} bytes`);
  if (packed.length > size && !GROWING_COMPRESSIONS.has(compression))
    return fail(`chunk stores ${packed.length} bytes; its pixels take only ${size} uncompressed`);
  switch (compression) {
    case "none":
      return fail(`uncompressed chunk stores ${packed.length} bytes; its pixels take ${size}`);
    case "rle":
      return undoRle(packed, size);
    case "zips":
    case "zip":
      return inflate ? undoZip(packed, size, inflate) : fail("no zlib inflate supplied");
    case "piz":
      return undoPiz(packed, g);
    case "pxr24":
      return inflate ? undoPxr24(packed, g, inflate) : fail("no zlib inflate supplied");
    case "b44":
    case "b44a":
      return undoB44(packed, g);
    case "dwaa":
    case "dwab":
      return inflate ? undoDwa(packed, g, inflate) : fail("no zlib inflate supplied");
    case "htj2k256":
    case "htj2k32":
      return htj2k ? undoHtj2k(packed, g, htj2k) : fail("no HTJ2K decoder supplied");
    default:
      return fail(`no decoder for ${compression} compression`);
  }
}
