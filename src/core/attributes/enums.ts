import { ByteReader } from "../byte-reader.js";
import { compressionName } from "../compression.js";
import type { Decoder } from "./decoded.js";
import { malformed } from "./opaque.js";

export const LINE_ORDERS = ["INCREASING_Y", "DECREASING_Y", "RANDOM_Y"] as const;
export const ENVMAPS = ["LATLONG", "CUBE"] as const;
export const DEEP_IMAGE_STATES = ["MESSY", "SORTED", "NON_OVERLAPPING", "TIDY"] as const;
export const LEVEL_MODES = ["ONE_LEVEL", "MIPMAP_LEVELS", "RIPMAP_LEVELS"] as const;
export const ROUNDING_MODES = ["ROUND_DOWN", "ROUND_UP"] as const;

/** A one-byte enum: its name when known, else the raw number (validation reports unknown values). */
function byteEnum(typeName: string, name: (v: number) => string | null | undefined): Decoder {
  return (bytes) => {
    if (bytes.length !== 1) return malformed(bytes, `${typeName} needs 1 byte, ${bytes.length} stored`);
    const v = bytes[0]!;
    return { value: name(v) ?? v };
  };
}

/** `tiledesc`: u32 x size, u32 y size, u8 mode = levelMode + 16 * roundingMode. */
const tiledesc: Decoder = (bytes) => {
  if (bytes.length !== 9) return malformed(bytes, `tiledesc needs 9 bytes, ${bytes.length} stored`);
  const r = new ByteReader(bytes);
  const x_size = r.u32();
  const y_size = r.u32();
  const mode = r.u8();
  const level = mode & 0x0f;
  const rounding = mode >> 4;
  return {
    value: {
      x_size,
      y_size,
      level_mode: LEVEL_MODES[level] ?? level,
      rounding_mode: ROUNDING_MODES[rounding] ?? rounding,
    },
  };
};

export const ENUM_DECODERS: Record<string, Decoder> = {
  compression: byteEnum("compression", compressionName),
  lineOrder: byteEnum("lineOrder", (v) => LINE_ORDERS[v]),
  envmap: byteEnum("envmap", (v) => ENVMAPS[v]),
  deepImageState: byteEnum("deepImageState", (v) => DEEP_IMAGE_STATES[v]),
  tiledesc,
};
