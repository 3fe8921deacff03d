/** Compression methods by stored enum value, with the scan lines each chunk holds (OpenEXRFileLayout, "Regular Scan Line Blocks"). */
export const COMPRESSIONS = [
  { name: "none", linesPerChunk: 1 },
  { name: "rle", linesPerChunk: 1 },
  { name: "zips", linesPerChunk: 1 },
  { name: "zip", linesPerChunk: 16 },
  { name: "piz", linesPerChunk: 32 },
  { name: "pxr24", linesPerChunk: 16 },
  { name: "b44", linesPerChunk: 32 },
  { name: "b44a", linesPerChunk: 32 },
  { name: "dwaa", linesPerChunk: 32 },
  { name: "dwab", linesPerChunk: 256 },
  { name: "htj2k256", linesPerChunk: 256 },
  { name: "htj2k32", linesPerChunk: 32 },
] as const;

export type CompressionName = (typeof COMPRESSIONS)[number]["name"];

/** Compressions a deep part may use. */
export const DEEP_COMPRESSIONS: ReadonlySet<string> = new Set(["none", "rle", "zips", "zip"]);

export function compressionName(code: number): CompressionName | null {
  return COMPRESSIONS[code]?.name ?? null;
}

const LINES_PER_CHUNK = new Map<string, number>();
for (const c of COMPRESSIONS) LINES_PER_CHUNK.set(c.name, c.linesPerChunk);

export function linesPerChunk(name: string): number | null {
  return LINES_PER_CHUNK.get(name) ?? null;
}
