import type { ChannelTypeName, CompressionName } from "./spec.js";

export const COMPRESSION_CODES: Record<CompressionName, number> = {
  none: 0,
  rle: 1,
  zips: 2,
  zip: 3,
  piz: 4,
  pxr24: 5,
  b44: 6,
  b44a: 7,
  dwaa: 8,
  dwab: 9,
  htj2k256: 10,
  htj2k32: 11,
};

/** Scanlines per chunk by compression code (OpenEXR file layout, "Regular Scan Line Blocks"). */
const LINES_PER_CHUNK = [1, 1, 1, 16, 32, 16, 32, 32, 32, 256, 256, 32];

export function linesPerChunk(compressionCode: number): number {
  return LINES_PER_CHUNK[compressionCode] ?? 1;
}

export const LINE_ORDER_CODES = { INCREASING_Y: 0, DECREASING_Y: 1, RANDOM_Y: 2 } as const;
export const LEVEL_MODE_CODES = { ONE_LEVEL: 0, MIPMAP_LEVELS: 1, RIPMAP_LEVELS: 2 } as const;
export const ROUNDING_MODE_CODES = { ROUND_DOWN: 0, ROUND_UP: 1 } as const;
export const DEEP_IMAGE_STATE_CODES = { MESSY: 0, SORTED: 1, NON_OVERLAPPING: 2, TIDY: 3 } as const;
export const ENVMAP_CODES = { LATLONG: 0, CUBE: 1 } as const;
export const CHANNEL_TYPE_CODES: Record<ChannelTypeName, number> = { uint: 0, half: 1, float: 2 };
/** Bytes per sample by channel type code. */
export const CHANNEL_TYPE_SIZES = [4, 2, 4];

/** Resolves an enumeration given by name (any case) or by raw number. */
export function enumCode(table: Record<string, number>, value: string | number, what: string): number {
  if (typeof value === "number") return value;
  const hit = table[value] ?? table[value.toUpperCase()] ?? table[value.toLowerCase()];
  if (hit === undefined) throw new ExrWriteError("EXR_WRITE_BAD_ENUM", `unknown ${what}: ${value}`);
  return hit;
}

/** The writer's only failure: a spec it cannot express. Thrown, because a bad spec is a programming error. */
export class ExrWriteError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ExrWriteError";
  }
}
