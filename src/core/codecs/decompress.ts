import { undoB44 } from "./b44.js";
import { undoPiz } from "./piz.js";
import { undoPxr24 } from "./pxr24.js";
import { undoRle } from "./rle.js";
import { type ChunkGeometry, type CodecResult, fail, type Inflate } from "./types.js";
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
]);

/**
 * One chunk's stored bytes to OpenEXR's unpacked layout (line by line, channel by channel, little-endian),
 * as OpenEXRCore's decompress_data: a stored size equal to the unpacked size means the block was kept raw.
 */
export function decompress(
  compression: string,
  packed: Uint8Array,
  g: ChunkGeometry,
  inflate: Inflate | undefined,
): CodecResult {
  const size = g.unpackedBytes;
  if (packed.length === size) return packed;
  if (packed.length === 0) return fail(`chunk stores no data; its pixels take ${size} bytes`);
  if (packed.length > size && compression !== "b44" && compression !== "b44a")
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
    default:
      return fail(`no decoder for ${compression} compression`);
  }
}
