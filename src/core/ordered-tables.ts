import type { PartTableStats, TableAnalysis, TableLayout } from "./offset-tables.js";
import { entryAt, loadEntries } from "./table-words.js";

/**
 * The offset tables of a finished file in one pass, with no per-entry copies: every table stored in
 * full, every entry inside the chunk area, and the chunks in one of the two orders writers use —
 * table order (one part, or parts written one after another) or round-robin across the parts'
 * tables (chunk 0 of every part, then chunk 1, …) — each leaving room for its own chunk header
 * before the next chunk, the last one before EOF. Returns exactly what the full analysis would
 * (no findings), or null when the file is anything else and the full analysis must judge it.
 */
export function orderedTables(
  bytes: Uint8Array,
  layout: TableLayout,
  fileSize: number,
  headerSizes: readonly number[],
): TableAnalysis | null {
  const tables = layout.tables;
  const parts = tables.length;
  let total = 0;
  for (let part = 0; part < parts; part++) {
    // 0: a part type whose chunk headers are unknown
    if (headerSizes[part]! <= 0) return null;
    total += tables[part]!.entries;
  }
  if (total === 0 || bytes.length < total * 8) return null;
  const words = loadEntries(bytes, total);
  const fits = startsInterleaved(words, layout)
    ? fitsRoundRobin(words, layout, fileSize, headerSizes)
    : fitsInTableOrder(words, layout, fileSize, headerSizes);
  if (!fits) return null;

  const stats: PartTableStats[] = [];
  let last = { part: -1, chunk: -1, offset: -1 };
  for (let part = 0; part < parts; part++) {
    const t = tables[part]!;
    const first = (t.start - layout.start) >>> 2;
    const lastWord = first + (t.entries - 1) * 2;
    const min = t.entries > 0 ? entryAt(words, first) : null;
    const max = t.entries > 0 ? entryAt(words, lastWord) : null;
    stats.push({
      offset_table_offset: t.start,
      data_offset_min: min,
      data_offset_max: max,
      chunks_present: t.entries,
    });
    if (max !== null && max > last.offset) last = { part, chunk: t.entries - 1, offset: max };
  }
  return { stats, findings: [], lastChunk: last, complete: true };
}

/** True when the second table's first chunk lies before the first table's last one: only round-robin order can fit. */
function startsInterleaved(words: Uint32Array, layout: TableLayout): boolean {
  const [a, b] = layout.tables;
  if (!a || !b || a.entries === 0 || b.entries === 0) return false;
  const lastOfA = ((a.start - layout.start) >>> 2) + (a.entries - 1) * 2;
  const firstOfB = (b.start - layout.start) >>> 2;
  return entryAt(words, firstOfB) < entryAt(words, lastOfA);
}

/** Every entry valid and fitting, taking the tables one after another. */
function fitsInTableOrder(
  words: Uint32Array,
  layout: TableLayout,
  fileSize: number,
  headerSizes: readonly number[],
): boolean {
  const end = layout.end;
  let previous = 0;
  let previousNeed = 0;
  for (let part = 0; part < layout.tables.length; part++) {
    const t = layout.tables[part]!;
    const need = headerSizes[part]!;
    const w0 = (t.start - layout.start) >>> 2;
    const w1 = w0 + t.entries * 2;
    for (let w = w0; w < w1; w += 2) {
      const offset = words[w + 1]! * 0x1_0000_0000 + words[w]!; // entryAt, written out: the call cost 12 % here
      if (offset < end || offset >= fileSize || previous + previousNeed > offset) return false;
      previous = offset;
      previousNeed = need;
    }
  }
  return previous + previousNeed <= fileSize;
}

/** Every entry valid and fitting, taking chunk k of every table that has one, for k = 0, 1, …. */
function fitsRoundRobin(
  words: Uint32Array,
  layout: TableLayout,
  fileSize: number,
  headerSizes: readonly number[],
): boolean {
  const end = layout.end;
  const tables = layout.tables;
  const parts = tables.length;
  // Plain per-table numbers for the inner loop (no object loads per entry).
  const firstWord = new Int32Array(parts);
  const entries = new Int32Array(parts);
  const need = new Int32Array(parts);
  let longest = 0;
  for (let part = 0; part < parts; part++) {
    const t = tables[part]!;
    firstWord[part] = (t.start - layout.start) >>> 2;
    entries[part] = t.entries;
    need[part] = headerSizes[part]!;
    if (t.entries > longest) longest = t.entries;
  }
  let previous = 0;
  let previousNeed = 0;
  for (let chunk = 0; chunk < longest; chunk++) {
    for (let part = 0; part < parts; part++) {
      if (chunk >= entries[part]!) continue;
      const w = firstWord[part]! + chunk * 2;
      const offset = words[w + 1]! * 0x1_0000_0000 + words[w]!; // entryAt, written out: the call cost 12 % here
      if (offset < end || offset >= fileSize || previous + previousNeed > offset) return false;
      previous = offset;
      previousNeed = need[part]!;
    }
  }
  return previous + previousNeed <= fileSize;
}
