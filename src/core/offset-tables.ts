import { finding } from "./findings.js";
import type { Finding, PartType } from "./model.js";
import { orderedTables } from "./ordered-tables.js";
import type { ChunkRef, PartTableStats, TableAnalysis, TableLayout, TableSpan } from "./table-layout.js";
import { loadEntries } from "./table-words.js";

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

/**
 * Reused typed arrays for table analysis: files can have 100k+ chunks, and fresh off-heap arrays per
 * file dominated the garbage collector. Analysis is synchronous, so one set per slot is enough.
 */
const u32Scratch: Uint32Array[] = [];
const f64Scratch: Float64Array[] = [];

function u32(slot: number, n: number): Uint32Array {
  let a = u32Scratch[slot];
  if (!a || a.length < n) {
    // Stryker disable next-line ArithmeticOperator: growth policy of a scratch array (Math.max keeps it >= n): same answer
    a = new Uint32Array(Math.max(n, 1024, (a?.length ?? 0) * 2));
    u32Scratch[slot] = a;
  }
  return a.subarray(0, n);
}

function f64(slot: number, n: number): Float64Array {
  let a = f64Scratch[slot];
  if (!a || a.length < n) {
    // Stryker disable next-line ArithmeticOperator: growth policy of a scratch array (Math.max keeps it >= n): same answer
    a = new Float64Array(Math.max(n, 1024, (a?.length ?? 0) * 2));
    f64Scratch[slot] = a;
  }
  return a.subarray(0, n);
}

/** Bytes a chunk needs before its pixel data: [part number] + coordinates + size field(s). */
export function chunkHeaderSize(type: PartType, multipart: boolean): number {
  const part = multipart ? 4 : 0;
  switch (type) {
    case "scanlineimage":
      return part + 8; // y, data size
    case "tiledimage":
      return part + 20; // 4 tile/level coordinates, data size
    case "deepscanline":
      return part + 28; // y, 3 u64 sizes
    case "deeptile":
      return part + 40; // 4 coordinates, 3 u64 sizes
  }
}

/** The finding for an offset-table entry that is 0 or points outside the chunk area (a cold path). */
function badEntry(t: TableSpan, chunk: number, offset: number, tablesEnd: number, fileSize: number): Finding {
  const loc = { part_index: t.part, chunk_index: chunk, byte_offset: t.start + chunk * 8 };
  if (offset === 0) return finding("EXR_OFFSET_ZERO", `offset of chunk ${chunk} is 0 (never written)`, loc);
  const where =
    offset < tablesEnd ? `before the end of the offset tables (${tablesEnd})` : `past EOF (${fileSize})`;
  return finding("EXR_OFFSET_OUT_OF_RANGE", `chunk ${chunk} offset ${offset} is ${where}`, loc);
}

/** The finding for a chunk whose header does not fit before the next chunk or EOF (a cold path). */
function unfit(
  part: number,
  chunk: number,
  offset: number,
  limit: number,
  need: number,
  next: boolean,
): Finding {
  const loc = { part_index: part, chunk_index: chunk, byte_offset: offset };
  return next
    ? finding(
        "EXR_CHUNK_OVERLAP",
        `chunk ${chunk} at ${offset} has ${limit - offset} bytes before the next chunk; its header needs ${need}`,
        loc,
      )
    : finding(
        "EXR_CHUNK_TRUNCATED",
        `file ends ${limit - offset} bytes into chunk ${chunk}; its header alone needs ${need}`,
        loc,
      );
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
  const partHeaderSize: number[] = [];
  let largestHeader = 0;
  for (const t of partTypes) {
    const size = t === null ? 0 : chunkHeaderSize(t, multipart);
    partHeaderSize.push(size);
    if (size > largestHeader) largestHeader = size;
  }
  // Finished files written in table or round-robin order (nearly all) need one pass and no copies.
  const ordered = orderedTables(bytes, layout, fileSize, partHeaderSize);
  if (ordered) return ordered;

  const findings: Finding[] = [];
  let complete = true;
  const tables = layout.tables;
  const parts = tables.length;
  // Per-part facts gathered in plain numbers; the stats objects are built once at the end.
  const mins: number[] = [];
  const maxs: number[] = [];
  const present: number[] = [];
  let total = 0;
  for (const t of tables) total += t.entries;
  // Stryker disable next-line ArithmeticOperator: a larger count copies the same bytes (subarray stops at the end); each table reads only the entries it stores
  const storedTotal = Math.max(0, Math.min(total, Math.floor(bytes.length / 8)));
  const words = loadEntries(bytes, storedTotal);
  // Valid entries in table order, as parallel typed arrays (files can have 100k+ chunks); each
  // table's entries form one segment, so the part of an entry is found from `segmentStarts`.
  const offsets = f64(0, storedTotal);
  const chunkOf = u32(1, storedTotal);
  let n = 0;
  /** Where each table's valid entries start in `offsets`. */
  const segmentStarts: number[] = [];
  // Stryker disable next-line BooleanLiteral: `false` sends every table through the sort, which gives the same answer
  let ascending = true;
  // Stryker disable next-line UnaryOperator: offsets are >= the tables' end (> 1), so -1 and +1 are both below the first
  let highest = -1;
  // Stryker disable next-line UnaryOperator: overwritten by the first valid entry; unused when there is none
  let highestAt = -1;
  const end = layout.end;
  for (let part = 0; part < parts; part++) {
    const t = tables[part]!;
    const rel = t.start - layout.start;
    const stored = Math.max(0, Math.min(t.entries, Math.floor((bytes.length - rel) / 8)));
    if (stored < t.entries) {
      complete = false;
      findings.push(
        finding(
          "EXR_OFFSET_TABLE_TRUNCATED",
          `file ends inside offset table: ${stored} of ${t.entries} entries present`,
          {
            part_index: t.part,
            chunk_index: stored,
            byte_offset: t.start + stored * 8,
          },
        ),
      );
    }
    let min = Number.POSITIVE_INFINITY;
    let max = -1;
    const before = n;
    segmentStarts.push(n);
    for (let chunk = 0, w = rel >>> 2; chunk < stored; chunk++, w += 2) {
      const offset = words[w + 1]! * 0x1_0000_0000 + words[w]!; // entryAt, written out: the call cost 12 % here
      if (offset !== 0 && offset >= end && offset < fileSize) {
        // ">=": among equal offsets the later entry sorts last (the merge below is stable)
        if (offset >= highest) {
          highest = offset;
          highestAt = n;
        } else ascending = false;
        offsets[n] = offset;
        chunkOf[n] = chunk;
        n++;
        if (offset < min) min = offset;
        if (offset > max) max = offset;
        continue;
      }
      complete = false;
      findings.push(badEntry(t, chunk, offset, layout.end, fileSize));
    }
    mins.push(min);
    maxs.push(max);
    present.push(n - before);
  }

  // Stryker disable next-line BooleanLiteral: `false` takes the per-part header path, which gives the same answer
  let uniformHeader = true;
  for (let part = 0; part < parts; part++) uniformHeader &&= partHeaderSize[part] === partHeaderSize[0];
  const partAt = (i: number) => segmentOf(segmentStarts, i);
  // Valid entries count as present unless their header does not fit before the next chunk.
  // Out-of-order tables (interleaved parts) are first checked on sorted offsets alone with the
  // largest chunk header: when every chunk fits that way, no per-entry order is needed.
  const order = ascending || allFitSorted(offsets, n, largestHeader, fileSize) ? null : mergeRuns(offsets, n);
  const unfitting = order
    ? gapsInOrder(offsets, order, partsOf(segmentStarts, n), partHeaderSize, fileSize)
    : !ascending
      ? []
      : uniformHeader
        ? gapsAscendingUniform(offsets, n, partHeaderSize[0] ?? 0, fileSize)
        : gapsAscending(offsets, n, partsOf(segmentStarts, n), partHeaderSize, fileSize);
  for (const k of unfitting) {
    const i = order ? order[k]! : k;
    const next = k + 1;
    const limit = next < n ? offsets[order ? order[next]! : next]! : fileSize;
    const part = partAt(i);
    const need = partHeaderSize[part] ?? 0;
    present[part]!--;
    complete = false;
    findings.push(unfit(part, chunkOf[i]!, offsets[i]!, limit, need, next < n));
  }
  // The last chunk's header is only worth reading when it fits; otherwise it was reported above.
  let lastChunk: ChunkRef | null = null;
  if (n > 0) {
    const i = order ? order[n - 1]! : highestAt;
    const offset = offsets[i]!;
    const part = partAt(i);
    const need = partHeaderSize[part] ?? 0; // 0: unknown part type, its chunk header cannot be read
    if (need > 0 && offset + need <= fileSize) {
      lastChunk = { part, chunk: chunkOf[i]!, offset };
    }
  }
  // Built by push, not `map`: an array from `map` is packed or holey depending on which tier ran `map`, and its
  // optimized readers then deoptimize ("wrong map") and are compiled again (see Inspection.setHeaders).
  const stats: PartTableStats[] = [];
  for (let part = 0; part < tables.length; part++)
    stats.push({
      offset_table_offset: tables[part]!.start,
      data_offset_min: maxs[part]! >= 0 ? mins[part]! : null,
      data_offset_max: maxs[part]! >= 0 ? maxs[part]! : null,
      chunks_present: present[part]!,
    });
  return { stats, findings, lastChunk, complete };
}

// The sorting helpers below are exported for their own tests (test/core/offset-sort.test.ts): a wrong sort
// that still passes through the slow path would otherwise go unnoticed.

/**
 * True when, in ascending order, every one of the first `n` offsets leaves `headerSize` bytes
 * before the next one (and the last before `fileSize`). Sorts a copy of the keys only (tables in
 * table or round-robin order that fit never get here: see ordered-tables.ts).
 */
export function allFitSorted(
  offsets: Float64Array,
  n: number,
  headerSize: number,
  fileSize: number,
): boolean {
  if (n === 0) return true;
  const sorted = bucketSortedKeys(offsets, n) ?? sortedKeys(offsets, n);
  return sorted[n - 1]! + headerSize <= fileSize && gapsAtLeast(sorted, n, headerSize);
}

/** True when each of the first `n` sorted offsets is at least `gap` below the next one. */
function gapsAtLeast(sorted: Float64Array, n: number, gap: number): boolean {
  let ok = true;
  for (let k = 0; k + 1 < n; k++) ok = ok && sorted[k]! + gap <= sorted[k + 1]!;
  return ok;
}

/**
 * The first `n` offsets in ascending order by one bucket pass (n buckets over the offsets' range)
 * and an insertion sort of what the buckets leave out of order: linear for chunks spread over the
 * file, with no data-dependent branches to mispredict (interleaved runs defeat a merge's). Null
 * when the offsets are too clustered for that (the insertion sort's work is capped).
 */
export function bucketSortedKeys(offsets: Float64Array, n: number): Float64Array | null {
  const key = f64(1, n);
  bucketScatter(offsets, n, u32(7, n + 1), key);
  // Stryker disable next-line ArithmeticOperator: the insertion sort's budget; past it the caller sorts by merging, same answer
  return insertionSortBounded(key, n, 8 * n) ? key : null;
}

// The passes are separate functions: each long loop is compiled on its own feedback (one
// function holding them all was compiled mid-loop and deoptimized on the loops not yet run).

/** Writes the first `n` offsets into `key` grouped by bucket (n equal buckets over their range). */
function bucketScatter(offsets: Float64Array, n: number, starts: Uint32Array, key: Float64Array): void {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const o = offsets[i]!;
    if (o < lo) lo = o;
    if (o > hi) hi = o;
  }
  const scale = n / (hi - lo + 1);
  starts.fill(0);
  for (let i = 0; i < n; i++) {
    const b = Math.min(n - 1, Math.floor((offsets[i]! - lo) * scale)) + 1;
    starts[b] = starts[b]! + 1;
  }
  for (let b = 1; b <= n; b++) starts[b] = starts[b]! + starts[b - 1]!;
  for (let i = 0; i < n; i++) {
    const o = offsets[i]!;
    const b = Math.min(n - 1, Math.floor((o - lo) * scale));
    const at = starts[b]!;
    starts[b] = at + 1;
    key[at] = o;
  }
}

/** Sorts `key[0, n)` in place unless that takes more than `budget` element moves (then false). */
export function insertionSortBounded(key: Float64Array, n: number, budget: number): boolean {
  let left = budget;
  for (let i = 1; i < n; i++) {
    const o = key[i]!;
    let j = i - 1;
    while (j >= 0 && key[j]! > o) {
      key[j + 1] = key[j]!;
      j--;
      left--;
    }
    key[j + 1] = o;
    if (left < 0) return false;
  }
  return true;
}

/**
 * The first `n` offsets in ascending order: a natural merge sort of their ascending runs. Deliberately a
 * keys-only twin of `mergeRuns` (same merge, no index arrays): the common fit check needs no per-entry
 * order, and one shared routine would carry the index moves or a branch in this hot loop.
 */
export function sortedKeys(offsets: Float64Array, n: number): Float64Array {
  const runStarts: number[] = [0];
  for (let i = 1; i < n; i++) if (offsets[i]! < offsets[i - 1]!) runStarts.push(i);
  let key = f64(1, n);
  key.set(offsets.subarray(0, n));
  let key2 = f64(2, n);
  let runs = runStarts;
  while (runs.length > 1) {
    const merged: number[] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r]!;
      const mid = r + 1 < runs.length ? runs[r + 1]! : n;
      const stop = r + 2 < runs.length ? runs[r + 2]! : n;
      merged.push(a);
      let i = a;
      let j = mid;
      let k = a;
      while (i < mid && j < stop) {
        const ki = key[i]!;
        const kj = key[j]!;
        if (kj < ki) {
          key2[k++] = kj;
          j++;
        } else {
          key2[k++] = ki;
          i++;
        }
      }
      while (i < mid) key2[k++] = key[i++]!;
      while (j < stop) key2[k++] = key[j++]!;
    }
    const swap = key;
    key = key2;
    key2 = swap;
    runs = merged;
  }
  return key;
}

/**
 * The table (part) holding valid entry `i`: the last segment starting at or before it (an empty
 * table's segment starts where the next one does, so the last such segment is never empty).
 */
export function segmentOf(segmentStarts: readonly number[], i: number): number {
  let lo = 0;
  // Stryker disable next-line ArithmeticOperator: a larger upper bound only probes past the segments (undefined <= i is false)
  let hi = segmentStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segmentStarts[mid]! <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The part of each of the first `n` valid entries (for tables whose chunk headers differ in size). */
function partsOf(segmentStarts: readonly number[], n: number): Uint32Array {
  const out = u32(0, n);
  for (let part = 0; part < segmentStarts.length; part++) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: fill() without an end, or past the array, fills to n; later parts overwrite
    const end = part + 1 < segmentStarts.length ? segmentStarts[part + 1]! : n;
    out.fill(part, segmentStarts[part]!, end);
  }
  return out;
}

/** `gapsAscending` when every part's chunk header has the same size (single part: always). */
function gapsAscendingUniform(
  offsets: Float64Array,
  n: number,
  headerSize: number,
  fileSize: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const limit = i + 1 < n ? offsets[i + 1]! : fileSize;
    if (offsets[i]! + headerSize > limit) out.push(i);
  }
  return out;
}

/**
 * Positions in ascending-offset order of the chunks whose header does not fit before the next
 * higher offset (or EOF), for offsets already ascending in table order: the usual case, one pass.
 */
function gapsAscending(
  offsets: Float64Array,
  n: number,
  partOf: Uint32Array,
  headerSize: readonly number[],
  fileSize: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const limit = i + 1 < n ? offsets[i + 1]! : fileSize;
    if (offsets[i]! + headerSize[partOf[i]!]! > limit) out.push(i);
  }
  return out;
}

/** The same for a table that is not ascending, walking `order` (ascending offsets). */
function gapsInOrder(
  offsets: Float64Array,
  order: Uint32Array,
  partOf: Uint32Array,
  headerSize: readonly number[],
  fileSize: number,
): number[] {
  const out: number[] = [];
  const n = order.length;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const limit = k + 1 < n ? offsets[order[k + 1]!]! : fileSize;
    if (offsets[i]! + headerSize[partOf[i]!]! > limit) out.push(k);
  }
  return out;
}

/**
 * Indices of the first `n` offsets in ascending order: a natural merge sort of the ascending runs
 * (a table is one run per part when parts are interleaved, or a few runs), so close to linear.
 */
export function mergeRuns(offsets: Float64Array, n: number): Uint32Array {
  let idx = u32(5, n);
  const runStarts: number[] = [0];
  for (let i = 0; i < n; i++) {
    idx[i] = i;
    // Stryker disable next-line LogicalOperator: offsets[-1] is undefined, so i = 0 never starts a run; extra run starts merge to the same stable order
    if (i > 0 && offsets[i]! < offsets[i - 1]!) runStarts.push(i);
  }
  let key = f64(1, n);
  key.set(offsets.subarray(0, n));
  let idx2 = u32(6, n);
  let key2 = f64(2, n);
  let runs = runStarts;
  while (runs.length > 1) {
    const merged: number[] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r]!;
      const mid = r + 1 < runs.length ? runs[r + 1]! : n;
      const end = r + 2 < runs.length ? runs[r + 2]! : n;
      merged.push(a);
      let i = a;
      let j = mid;
      let k = a;
      while (i < mid && j < end) {
        const ki = key[i]!;
        const kj = key[j]!;
        if (kj < ki) {
          key2[k] = kj;
          idx2[k++] = idx[j++]!;
        } else {
          key2[k] = ki;
          idx2[k++] = idx[i++]!;
        }
      }
      while (i < mid) {
        key2[k] = key[i]!;
        idx2[k++] = idx[i++]!;
      }
      while (j < end) {
        key2[k] = key[j]!;
        idx2[k++] = idx[j++]!;
      }
    }
    [idx, idx2] = [idx2, idx];
    [key, key2] = [key2, key];
    runs = merged;
  }
  return idx;
}
