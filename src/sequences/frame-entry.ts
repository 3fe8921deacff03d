import type { InspectionResult } from "../core/model.js";

/** The structure fields compared across a sequence's frames (the `differs` names of an odd frame). */
export const STRUCTURE_FIELDS = [
  "part_count",
  "channels",
  "pixel_types",
  "compression",
  "data_window",
  "display_window",
] as const;
export type StructureField = (typeof STRUCTURE_FIELDS)[number];

/**
 * One comparable value per structure field. The values only need to be equal for equal structures within one
 * source (a directory walk or one catalog), so the catalog may hand over hashes of its own encodings.
 */
export type FrameStructure = Record<StructureField, string>;

/** What the sequence checks need to know about one file, whatever it was read from (disk, S3, the catalog). */
export interface FrameEntry {
  /** The path or URI as listed (`/shows/a/beauty.1001.exr`, `s3://bucket/a/beauty.1001.exr`). */
  path: string;
  size: number | null;
  /** Every chunk present (false also for files that could not be read or parsed). */
  complete: boolean;
  /** Null when the header could not be read. */
  structure: FrameStructure | null;
}

const joinSorted = (values: Iterable<string>) => [...values].sort().join(",");

/** The entry of an inspected file (local or remote: the inspection result carries everything needed). */
export function frameEntryOf(result: InspectionResult, path = result.file.path): FrameEntry {
  const parts = result.parts;
  const structure: FrameStructure | null =
    parts.length === 0
      ? null
      : {
          part_count: String(parts.length),
          channels: joinSorted(result.channels.map((c) => `${c.part_index}/${c.name}`)),
          pixel_types: joinSorted(new Set(result.channels.map((c) => String(c.type)))),
          compression: parts.map((p) => p.compression ?? "?").join(","),
          data_window: parts.map((p) => JSON.stringify(p.data_window)).join(";"),
          display_window: parts.map((p) => JSON.stringify(p.display_window)).join(";"),
        };
  return { path, size: result.file.size_bytes, complete: result.file.is_complete, structure };
}
