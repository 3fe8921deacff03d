import { CHANNEL_TYPES } from "../attributes/chlist.js";
import { DEEP_IMAGE_STATES, ENVMAPS, LEVEL_MODES, LINE_ORDERS, ROUNDING_MODES } from "../attributes/enums.js";
import { COMPRESSIONS } from "../compression.js";
import type { ChannelTypeName, CompressionName } from "./spec.js";

/** Name → stored code tables of the writer, derived from the reader's enum lists (one definition each). */
function codes<Name extends string>(names: readonly Name[]): Record<Name, number> {
  return Object.fromEntries(names.map((name, code) => [name, code])) as Record<Name, number>;
}

export const COMPRESSION_CODES: Record<CompressionName, number> = codes(COMPRESSIONS.map((c) => c.name));

export function linesPerChunk(compressionCode: number): number {
  return COMPRESSIONS[compressionCode]?.linesPerChunk ?? 1;
}

export const LINE_ORDER_CODES = codes(LINE_ORDERS);
export const LEVEL_MODE_CODES = codes(LEVEL_MODES);
export const ROUNDING_MODE_CODES = codes(ROUNDING_MODES);
export const DEEP_IMAGE_STATE_CODES = codes(DEEP_IMAGE_STATES);
export const ENVMAP_CODES = codes(ENVMAPS);
export const CHANNEL_TYPE_CODES: Record<ChannelTypeName, number> = codes(CHANNEL_TYPES);

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
