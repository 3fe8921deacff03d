/**
 * Get-or-create of the catalog's schema and tables, safe when several processes start at once: VAST has no
 * "IF NOT EXISTS", so each step is check-then-create in its own transaction, and a failed create is followed by
 * a fresh check (another writer may have won the race) before anything is reported. Missing columns are added,
 * so tables created by older versions (or by the seed's tooling) are migrated forward.
 */
import { Schema } from "apache-arrow";
import { HttpError } from "../../vast/client/errors.js";
import type { VastSession } from "../../vast/client/session.js";
import type { TableRef, Transaction } from "../../vast/client/transaction.js";
import { STORED_TABLES, type StoredTable } from "../tables.js";
import { tableSchema } from "./table-schemas.js";

/** A lost creation race (409, or 400 "exists" from a concurrent DDL) is worth a fresh check too. */
function lostRace(err: unknown): boolean {
  return err instanceof HttpError && (err.status === 400 || err.status === 409);
}

/** One check-then-create step in its own transaction, replayed (fresh check) on failures and lost races. */
function settle<T>(session: VastSession, step: (tx: Transaction) => Promise<T>): Promise<T> {
  return session.retrying(step, { alsoRetry: lostRace });
}

export function tableRef(bucket: string, schema: string, table: StoredTable): TableRef {
  return { bucket, schema, table };
}

/** Ensures bucket/schema/tables/columns exist; returns each table's actual column schema. */
export async function provisionCatalog(
  session: VastSession,
  bucket: string,
  schema: string,
): Promise<Record<StoredTable, Schema>> {
  await settle(session, (tx) => tx.assertBucket(bucket));
  const levels = schema.split("/");
  for (let i = 1; i <= levels.length; i++) {
    const path = levels.slice(0, i).join("/");
    await settle(session, async (tx) => {
      if (!(await tx.schemaExists(bucket, path))) await tx.createSchema(bucket, path);
    });
  }
  const out = {} as Record<StoredTable, Schema>;
  for (const table of STORED_TABLES) {
    const ref = tableRef(bucket, schema, table);
    const wanted = tableSchema(table);
    await settle(session, async (tx) => {
      if (!(await tx.tableExists(ref))) await tx.createTable(ref, wanted);
    });
    out[table] = await settle(session, async (tx) => {
      const actual = await tx.columns(ref);
      const have = new Set(actual.fields.map((f) => f.name));
      const missing = wanted.fields.filter((f) => !have.has(f.name));
      if (missing.length === 0) return actual;
      await tx.addColumns(ref, new Schema(missing));
      return new Schema([...actual.fields, ...missing]);
    });
  }
  return out;
}

/** The tables' column schemas without creating anything (read-only opens); null when a table is missing. */
export async function describeCatalog(
  session: VastSession,
  bucket: string,
  schema: string,
): Promise<Record<StoredTable, Schema | null>> {
  return settle(session, async (tx) => {
    const out = {} as Record<StoredTable, Schema | null>;
    const present = new Set(
      (await tx.schemaExists(bucket, schema)) ? await tx.listTables(bucket, schema) : [],
    );
    for (const table of STORED_TABLES) {
      out[table] = present.has(table) ? await tx.columns(tableRef(bucket, schema, table)) : null;
    }
    return out;
  });
}
