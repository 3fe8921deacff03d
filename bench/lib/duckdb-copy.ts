/**
 * The database half of a first scan on its own: the rows a scan wrote, copied into a fresh catalogue
 * (the same migrations, so the seed's primary, unique and foreign keys) by one `INSERT … SELECT` per
 * table in one transaction, then a checkpoint. No file is read and nothing is inspected, so this is
 * a lower bound for any scan that writes these rows into DuckDB with these keys.
 */
import { rm } from "node:fs/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { migrate, SCHEMA } from "../../src/catalog/duckdb/schema.js";

const TABLES = ["files", "parts", "channels", "attributes"] as const;

export interface CopyTiming {
  rows: number;
  /** Seconds for the inserts, the commit and the checkpoint (opening and migrating excluded). */
  keyed: number;
  /** The same rows as `CREATE TABLE … AS` without any key, for comparison. */
  unkeyed: number;
}

export async function copyCatalog(sourceDb: string, scratchDb: string): Promise<CopyTiming> {
  await rm(scratchDb, { force: true });
  await rm(`${scratchDb}.wal`, { force: true });
  const instance = await DuckDBInstance.create(scratchDb);
  const c = await instance.connect();
  try {
    await migrate(c);
    await c.run(`ATTACH '${sourceDb.replaceAll("'", "''")}' AS src (READ_ONLY)`);
    let rows = 0;
    for (const t of TABLES) {
      const r = await c.runAndReadAll(`SELECT count(*) FROM src.${SCHEMA}.${t}`);
      rows += Number(r.getRows()[0]?.[0] ?? 0);
    }
    let start = performance.now();
    await c.run("BEGIN TRANSACTION");
    for (const t of TABLES) await c.run(`INSERT INTO ${SCHEMA}.${t} SELECT * FROM src.${SCHEMA}.${t}`);
    await c.run("COMMIT");
    await c.run("CHECKPOINT");
    const keyed = (performance.now() - start) / 1000;

    await c.run("CREATE SCHEMA plain");
    start = performance.now();
    await c.run("BEGIN TRANSACTION");
    for (const t of TABLES) await c.run(`CREATE TABLE plain.${t} AS SELECT * FROM src.${SCHEMA}.${t}`);
    await c.run("COMMIT");
    await c.run("CHECKPOINT");
    const unkeyed = (performance.now() - start) / 1000;
    return { rows, keyed, unkeyed };
  } finally {
    c.closeSync();
    instance.closeSync();
    await rm(scratchDb, { force: true });
    await rm(`${scratchDb}.wal`, { force: true });
  }
}
