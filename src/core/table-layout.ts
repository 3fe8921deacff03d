/** Shapes of the offset-table analysis (offset-tables.ts, ordered-tables.ts). */
import type { Finding } from "./model.js";

export interface TableSpan {
  part: number;
  /** Absolute offset of the table's first entry. */
  start: number;
  entries: number;
}

export interface TableLayout {
  tables: TableSpan[];
  start: number;
  /** Where the tables end if all entries are stored (may exceed the file size). */
  end: number;
}

export interface ChunkRef {
  part: number;
  chunk: number;
  offset: number;
}

export interface PartTableStats {
  offset_table_offset: number;
  data_offset_min: number | null;
  data_offset_max: number | null;
  /** Entries that point into the file and leave room for their chunk header. */
  chunks_present: number;
}

export interface TableAnalysis {
  stats: PartTableStats[];
  findings: Finding[];
  /** The chunk with the highest offset: the one whose header must be read to check it fits the file. */
  lastChunk: ChunkRef | null;
  complete: boolean;
}
