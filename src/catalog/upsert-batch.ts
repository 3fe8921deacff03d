/** The upsert's batch rules, the same for every backend: duplicates within a batch, and the outcome of each record. */
import type { UpsertOutcome } from "./port.js";
import type { CatalogRecord } from "./rows.js";

/**
 * The same key twice in one batch is one insert plus re-inspections: the first record of each `file_id`, and how
 * many times each id occurs.
 */
export function dedupeBatch(records: readonly CatalogRecord[]): {
  unique: CatalogRecord[];
  occurrences: Map<string, number>;
} {
  const occurrences = new Map<string, number>();
  const unique: CatalogRecord[] = [];
  for (const r of records) {
    const n = occurrences.get(r.file.file_id) ?? 0;
    if (n === 0) unique.push(r);
    occurrences.set(r.file.file_id, n + 1);
  }
  return { unique, occurrences };
}

/** One outcome per record, in order: "inserted" for the first record of an id `isNew` says was new, else "reinspected". */
export function upsertOutcomes(
  records: readonly CatalogRecord[],
  isNew: (fileId: string) => boolean,
): UpsertOutcome[] {
  const seen = new Set<string>();
  return records.map((r) => {
    const id = r.file.file_id;
    const first = !seen.has(id);
    seen.add(id);
    return {
      file_id: id,
      file_path_normalized: r.file.file_path_normalized,
      status: first && isNew(id) ? "inserted" : "reinspected",
    };
  });
}
