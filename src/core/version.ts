import type { VersionFlags } from "./model.js";

export const MAGIC = 20000630;
export const TILED_FLAG = 0x200;
export const LONG_NAMES_FLAG = 0x400;
export const NON_IMAGE_FLAG = 0x800;
export const MULTIPART_FLAG = 0x1000;
export const KNOWN_FLAGS = TILED_FLAG | LONG_NAMES_FLAG | NON_IMAGE_FLAG | MULTIPART_FLAG;

/** Splits the 32-bit version field: low 8 bits = version number, the rest = flags (`raw` keeps their bit positions, e.g. 0x200). */
export function parseVersionField(field: number): { version: number; flags: VersionFlags } {
  const raw = (field & ~0xff) >>> 0;
  return {
    version: field & 0xff,
    flags: {
      raw,
      tiled: (raw & TILED_FLAG) !== 0,
      long_names: (raw & LONG_NAMES_FLAG) !== 0,
      non_image: (raw & NON_IMAGE_FLAG) !== 0,
      multipart: (raw & MULTIPART_FLAG) !== 0,
    },
  };
}
