/** Puts a record's child rows in CHILD_ORDER (for backends that cannot sort while reading); nulls last. */
import type { CatalogRecord } from "./rows.js";
import { CHILD_ORDER, CHILD_TABLES } from "./tables.js";

export function inRecordOrder(record: CatalogRecord): CatalogRecord {
  const out = { ...record };
  for (const table of CHILD_TABLES) {
    const keys = CHILD_ORDER[table];
    const rows = [...(record[table] as unknown as Record<string, unknown>[])];
    rows.sort((a, b) => {
      for (const key of keys) {
        const x = a[key] as string | number | null;
        const y = b[key] as string | number | null;
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        return x < y ? -1 : 1;
      }
      return 0;
    });
    (out as Record<string, unknown>)[table] = rows;
  }
  return out;
}
