import { ByteReader } from "./byte-reader.js";
import { finding } from "./findings.js";
import type { Finding, PartType } from "./model.js";

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

/** Offset tables follow the header component, one per part, in part order. */
export function layoutTables(headerEnd: number, entriesPerPart: readonly (number | null)[]): TableLayout {
  const tables: TableSpan[] = [];
  let pos = headerEnd;
  entriesPerPart.forEach((n, part) => {
    const entries = n ?? 0;
    tables.push({ part, start: pos, entries });
    pos += entries * 8;
  });
  return { tables, start: headerEnd, end: pos };
}

/** Bytes a chunk needs before its pixel data: [part number] + coordinates + size field(s). */
export function chunkHeaderSize(type: PartType, multipart: boolean): number {
  const base = { scanlineimage: 8, tiledimage: 20, deepscanline: 28, deeptile: 40 }[type];
  return base + (multipart ? 4 : 0);
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

/**
 * Judges the offset tables. `bytes` holds the file from `layout.start` (it may be shorter than
 * the layout when the file is truncated). Each valid chunk is taken to extend to the next higher
 * offset, so each must leave room for its own chunk header.
 */
export function analyzeTables(
  bytes: Uint8Array,
  layout: TableLayout,
  fileSize: number,
  partTypes: readonly (PartType | null)[],
  multipart: boolean,
): TableAnalysis {
  const findings: Finding[] = [];
  let complete = true;
  const refs: ChunkRef[] = [];
  const stats: PartTableStats[] = [];
  const r = new ByteReader(bytes);
  for (const t of layout.tables) {
    const s: PartTableStats = {
      offset_table_offset: t.start,
      data_offset_min: null,
      data_offset_max: null,
      chunks_present: 0,
    };
    stats.push(s);
    const rel = t.start - layout.start;
    const stored = Math.max(0, Math.min(t.entries, Math.floor((bytes.length - rel) / 8)));
    if (stored < t.entries) {
      complete = false;
      findings.push(
        finding(
          "EXR_OFFSET_TABLE_TRUNCATED",
          `file ends inside offset table: ${stored} of ${t.entries} entries present`,
          { part_index: t.part, chunk_index: stored, byte_offset: t.start + stored * 8 },
        ),
      );
    }
    r.pos = rel;
    for (let chunk = 0; chunk < stored; chunk++) {
      const entryOffset = t.start + chunk * 8;
      const offset = r.u64();
      if (offset === 0) {
        complete = false;
        findings.push(
          finding("EXR_OFFSET_ZERO", `offset of chunk ${chunk} is 0 (never written)`, {
            part_index: t.part,
            chunk_index: chunk,
            byte_offset: entryOffset,
          }),
        );
      } else if (offset < layout.end || offset >= fileSize) {
        complete = false;
        const where =
          offset < layout.end
            ? `before the end of the offset tables (${layout.end})`
            : `past EOF (${fileSize})`;
        findings.push(
          finding("EXR_OFFSET_OUT_OF_RANGE", `chunk ${chunk} offset ${offset} is ${where}`, {
            part_index: t.part,
            chunk_index: chunk,
            byte_offset: entryOffset,
          }),
        );
      } else {
        refs.push({ part: t.part, chunk, offset });
        if (s.data_offset_min === null || offset < s.data_offset_min) s.data_offset_min = offset;
        if (s.data_offset_max === null || offset > s.data_offset_max) s.data_offset_max = offset;
      }
    }
  }

  let sorted = true;
  for (let i = 1; i < refs.length; i++) {
    if (refs[i]!.offset < refs[i - 1]!.offset) {
      sorted = false;
      break;
    }
  }
  if (!sorted) refs.sort((a, b) => a.offset - b.offset);
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]!;
    const type = partTypes[ref.part];
    const need = type ? chunkHeaderSize(type, multipart) : 0;
    const limit = i + 1 < refs.length ? refs[i + 1]!.offset : fileSize;
    if (ref.offset + need > limit) {
      complete = false;
      const next = i + 1 < refs.length;
      findings.push(
        finding(
          next ? "EXR_CHUNK_OVERLAP" : "EXR_CHUNK_TRUNCATED",
          next
            ? `chunk ${ref.chunk} at ${ref.offset} has ${limit - ref.offset} bytes before the next chunk; its header needs ${need}`
            : `file ends ${limit - ref.offset} bytes into chunk ${ref.chunk}; its header alone needs ${need}`,
          { part_index: ref.part, chunk_index: ref.chunk, byte_offset: ref.offset },
        ),
      );
    } else {
      stats[ref.part]!.chunks_present++;
    }
  }
  // The last chunk's header is only worth reading when it fits; otherwise it was reported above.
  const last = refs.length > 0 ? refs[refs.length - 1]! : null;
  const lastType = last ? partTypes[last.part] : null;
  const lastFits =
    last !== null && lastType != null && last.offset + chunkHeaderSize(lastType, multipart) <= fileSize;
  return { stats, findings, lastChunk: lastFits ? last : null, complete };
}
