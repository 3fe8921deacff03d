import type { CatalogStore, QueryResult } from "../catalog/port.js";

const SCHEMA = "exr_metadata";

export const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Rows as objects with JSON-friendly values (timestamps as ISO strings). */
export function objects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((row) => {
    const out: Record<string, unknown> = {};
    result.columns.forEach((c, i) => {
      const v = row[i];
      out[c] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? Number(v) : v;
    });
    return out;
  });
}

export async function hasTable(store: CatalogStore, table: string): Promise<boolean> {
  const r = await store.query(
    `SELECT count(*) FROM information_schema.tables WHERE table_schema = '${SCHEMA}' AND table_name = ${quote(table)}`,
  );
  return Number(r.rows[0]?.[0] ?? 0) > 0;
}

export async function columnsOf(store: CatalogStore, table: string): Promise<Set<string>> {
  const r = await store.query(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = '${SCHEMA}' AND table_name = ${quote(table)}`,
  );
  return new Set(r.rows.map((row) => String(row[0])));
}

/** `[label, count]` rows of a `SELECT label, count` query, the rows past `top` summed into `(other)`. */
export async function topCounts(store: CatalogStore, sql: string, top: number): Promise<[string, number][]> {
  const rows = (await store.query(sql)).rows.map(
    (r) => [String(r[0] ?? "(none)"), Number(r[1])] as [string, number],
  );
  if (rows.length <= top) return rows;
  const other = rows.slice(top).reduce((n, r) => n + r[1], 0);
  return [...rows.slice(0, top), ["(other)", other]];
}
