/**
 * `similar` on VAST in memory flat in the table size: `(file_id, metadata_embedding, $row_id)` stream through in
 * pages (about 6 MB each) and only the `size` nearest rows are kept (a bounded max-heap, O(size) memory); then
 * those few rows are checked against the catalog's rules with two small key lookups — a row counts only when it is
 * its file's winner (smallest `$row_id`) and that file is the current version of its path (current-version.ts).
 * Rows that fail are excluded and, if fewer than `k` passed, the pass repeats with a doubled heap — so the answer
 * is exactly `nearestFiles` over every current file, the DuckDB backend's answer.
 *
 * Why not VAST's own vector search: the SDK's `Table.vector_search` does not use the tabular HTTP API. It sends
 * `SELECT …, array_distance(col::FLOAT[d], [...]::FLOAT[d]) … ORDER BY … LIMIT n` through VAST's ADBC driver
 * (a native `libadbc_driver_vastdb.so` downloaded from VAST, VAST ≥ 5.5, a table created with a vector index whose
 * metrics are `l2sq` and `ip`). No ADBC driver exists for Node, the catalog ranks by cosine distance, and it must
 * exclude race losers and superseded versions that an index would rank too; the scan below works on every VAST
 * version and on the emulator.
 */
import { type Data, type FixedSizeList, type RecordBatch, Type, type Vector } from "apache-arrow";
import type { Transaction } from "../../vast/client/transaction.js";
import { ROW_ID } from "../../vast/client/transaction.js";
import { currentFirst } from "../current-version.js";
import type { SimilarHit } from "../port.js";
import type { FileRow } from "../rows.js";
import { TABLE_COLUMNS } from "../tables.js";
import { readBigints, readStrings, tableToRows } from "./arrow-rows.js";
import type { VastTables } from "./vast-tables.js";

/** Rows per sub-split and request: 4 sub-splits × 1,024 rows × 1.5 KB (384 floats) ≈ 6 MB per answer. */
const PAGE_ROWS = 1024;
/** Rows kept beyond `k` in the first pass, so a few superseded versions or duplicates need no second pass. */
const SLACK = 16;

interface Candidate {
  distance: number;
  file_id: string;
  rowId: bigint;
}

/** The catalog's order of hits: distance, then file_id (then `$row_id`, between copies of one file). */
function closer(a: Candidate, b: Candidate): boolean {
  if (a.distance !== b.distance) return a.distance < b.distance;
  if (a.file_id !== b.file_id) return a.file_id < b.file_id;
  return a.rowId < b.rowId;
}

/** The `size` closest candidates offered so far: a binary max-heap (the farthest kept at the root). */
class Nearest {
  readonly #heap: Candidate[] = [];
  constructor(readonly size: number) {}

  get length(): number {
    return this.#heap.length;
  }

  /** Whether a candidate at `distance` could still enter (cheap test before building one). */
  admits(distance: number): boolean {
    return this.#heap.length < this.size || distance <= this.#heap[0]!.distance;
  }

  offer(c: Candidate): void {
    const h = this.#heap;
    if (h.length < this.size) {
      h.push(c);
      this.#up(h.length - 1);
    } else if (closer(c, h[0]!)) {
      h[0] = c;
      this.#down(0);
    }
  }

  sorted(): Candidate[] {
    return [...this.#heap].sort((a, b) => (closer(a, b) ? -1 : closer(b, a) ? 1 : 0));
  }

  #up(i: number): void {
    const h = this.#heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!closer(h[parent]!, h[i]!)) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  #down(i: number): void {
    const h = this.#heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let far = i;
      if (l < h.length && closer(h[far]!, h[l]!)) far = l;
      if (r < h.length && closer(h[far]!, h[r]!)) far = r;
      if (far === i) return;
      [h[far], h[i]] = [h[i]!, h[far]!];
      i = far;
    }
  }
}

/** The `k` nearest current files to `query` (a stored file's id, or an embedding), nearest first. */
export async function similarFiles(
  tables: VastTables,
  tx: Transaction,
  query: { file_id: string } | { embedding: Float32Array | number[] },
  k: number,
): Promise<SimilarHit[]> {
  const limit = Math.max(0, Math.floor(k));
  const exclude = "file_id" in query ? query.file_id : null;
  const target =
    "file_id" in query ? await embeddingOf(tables, tx, query.file_id) : Float32Array.from(query.embedding);
  if (!target || limit === 0) return [];
  const rejected = new Set<bigint>();
  for (let size = limit + SLACK; ; size *= 2) {
    const nearest = await scanNearest(tables, tx, target, exclude, size, rejected);
    const { hits, stale } = await currentOnly(tables, tx, nearest.sorted());
    for (const rowId of stale) rejected.add(rowId);
    // Every row left out of the heap is farther than every row in it: the first `limit` current ones are final.
    if (hits.length >= limit || nearest.length < size) return hits.slice(0, limit);
  }
}

/** The embedding of a stored file (its winner row), or null. */
async function embeddingOf(
  tables: VastTables,
  tx: Transaction,
  fileId: string,
): Promise<Float32Array | null> {
  let best: { rowId: bigint; embedding: Float32Array | null } | null = null;
  for (const t of await tables.selectIn(tx, "files", ["metadata_embedding"], "file_id", [fileId])) {
    const rowIds = readBigints(t, ROW_ID);
    const column = t.getChild("metadata_embedding");
    rowIds.forEach((rowId, i) => {
      if (best && best.rowId < rowId) return;
      const v = column?.get(i) as Vector | null | undefined;
      best = { rowId, embedding: v ? Float32Array.from(v.toArray() as ArrayLike<number>) : null };
    });
  }
  return (best as { embedding: Float32Array | null } | null)?.embedding ?? null;
}

/** One streamed pass over `(file_id, embedding)`: the `size` nearest rows not known to be stale. */
async function scanNearest(
  tables: VastTables,
  tx: Transaction,
  target: Float32Array,
  exclude: string | null,
  size: number,
  rejected: ReadonlySet<bigint>,
): Promise<Nearest> {
  const nearest = new Nearest(size);
  const distanceTo = cosineDistanceFrom(target);
  const pages = tables.stream(tx, "files", ["file_id", "metadata_embedding"], {
    rowsPerPage: PAGE_ROWS,
    transientPages: true, // each page is ranked before the next is asked for
  });
  for await (const batch of pages) {
    const ids = batch.getChild("file_id")!;
    const rowIds = batch.getChild(ROW_ID)!;
    forEachEmbedding(batch, target.length, (i, values, start) => {
      const distance = distanceTo(values, start);
      if (distance === null || !nearest.admits(distance)) return;
      const fileId = ids.get(i) as string | null;
      const rowId = BigInt(rowIds.get(i) as bigint);
      if (fileId === null || fileId === exclude || rejected.has(rowId)) return;
      nearest.offer({ distance, file_id: fileId, rowId });
    });
  }
  return nearest;
}

/**
 * `cosineDistance(target, values[start … start + target.length))` without a view per row, the target's norm
 * summed once; the same additions in the same order, so the same number as `cosineDistance`.
 */
function cosineDistanceFrom(target: Float32Array): (values: Float32Array, start: number) => number | null {
  const n = target.length;
  let na = 0;
  for (let i = 0; i < n; i++) na += target[i]! * target[i]!;
  return (values, start) => {
    let dot = 0;
    let nb = 0;
    for (let i = 0; i < n; i++) {
      const y = values[start + i]!;
      dot += target[i]! * y;
      nb += y * y;
    }
    if (na === 0 || nb === 0) return null;
    return 1 - dot / Math.sqrt(na * nb);
  };
}

/**
 * Calls `visit(row, values, start)` for every non-null embedding of the batch of `width` items (fixed-size lists
 * read in place; other widths are skipped, as `cosineDistance` would give no distance).
 */
function forEachEmbedding(
  batch: RecordBatch,
  width: number,
  visit: (row: number, values: Float32Array, start: number) => void,
): void {
  const column = batch.getChild("metadata_embedding");
  if (!column) return;
  let base = 0;
  for (const data of column.data as Data[]) {
    const child = data.children[0];
    if (data.type.typeId === Type.FixedSizeList && child?.values instanceof Float32Array) {
      if ((data.type as FixedSizeList).listSize === width) {
        // `values` of a sliced Data already start at its first row (apache-arrow slices buffers, `offset` is for bitmaps)
        const values = child.values as Float32Array;
        for (let i = 0; i < data.length; i++) if (data.getValid(i)) visit(base + i, values, i * width);
      }
    } else {
      // Tables in the seed's schema: variable `list<float>`.
      for (let i = 0; i < data.length; i++) {
        const v = data.getValid(i) ? (column.get(base + i) as Vector | null) : null;
        const items = v ? Float32Array.from(v.toArray() as ArrayLike<number>) : null;
        if (items?.length === width) visit(base + i, items, 0);
      }
    }
    base += data.length;
  }
}

/**
 * Splits candidates (nearest first) into hits — rows that are their file's winner and their path's current
 * version — and the `$row_id`s of the others, with two key lookups (ids → paths, paths → every version).
 */
async function currentOnly(
  tables: VastTables,
  tx: Transaction,
  candidates: Candidate[],
): Promise<{ hits: SimilarHit[]; stale: bigint[] }> {
  const pathOf = new Map<string, string>();
  const ids = [...new Set(candidates.map((c) => c.file_id))];
  for (const t of await tables.selectIn(tx, "files", ["file_id", "file_path_normalized"], "file_id", ids)) {
    const fileIds = readStrings(t, "file_id");
    readStrings(t, "file_path_normalized").forEach((p, i) => {
      if (p !== null) pathOf.set(fileIds[i]!, p);
    });
  }
  const columns = ["file_id", "file_path", "file_path_normalized", "last_inspected", "inspection_timestamp"];
  const specs = TABLE_COLUMNS.files.filter((c) => columns.includes(c.name));
  const winners = new Map<string, { row: FileRow; rowId: bigint }>();
  for (const t of await tables.selectIn(tx, "files", columns, "file_path_normalized", [
    ...new Set(pathOf.values()),
  ])) {
    const rows = tableToRows<FileRow>(t, specs);
    readBigints(t, ROW_ID).forEach((rowId, i) => {
      const w = winners.get(rows[i]!.file_id);
      if (!w || rowId < w.rowId) winners.set(rows[i]!.file_id, { row: rows[i]!, rowId });
    });
  }
  const current = new Map<string, { row: FileRow; rowId: bigint }>();
  for (const w of winners.values()) {
    const c = current.get(w.row.file_path_normalized);
    if (!c || currentFirst(w.row, c.row) < 0) current.set(w.row.file_path_normalized, w);
  }
  const hits: SimilarHit[] = [];
  const stale: bigint[] = [];
  for (const c of candidates) {
    const path = pathOf.get(c.file_id);
    const cur = path === undefined ? undefined : current.get(path);
    if (cur && cur.rowId === c.rowId)
      hits.push({ file_id: c.file_id, file_path: cur.row.file_path, distance: c.distance });
    else stale.push(c.rowId);
  }
  return { hits, stale };
}
