import { rename, rm, stat } from "node:fs/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../sql-engine/sql-literals.js";
import { STORAGE_VERSION } from "./duckdb-store.js";

export interface CompactResult {
  bytesBefore: number;
  bytesAfter: number;
  /** The storage format the file had (`v1.0.0+` for files created before exr-inspector wrote v1.3). */
  formatBefore: string;
  formatAfter: string;
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function storageFormat(connection: Awaited<ReturnType<DuckDBInstance["connect"]>>, database: string) {
  const r = await connection.runAndReadAll(
    `SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = ${sqlString(database)}`,
  );
  return String(r.getRowsJS()[0]?.[0] ?? "unknown");
}

/**
 * Rewrites a DuckDB catalog file into a fresh one: every table, view, key and row (`COPY FROM DATABASE`) in the
 * current storage format, without the free blocks a file keeps after large deletes or rebuilt tables (migration 5
 * left a 255 MB catalog at 480 MB in the old format; a fresh copy of it is ≈ 30 MB). The copy is written beside
 * the file and renamed over it only once complete and closed, so an interruption leaves the original intact. The
 * original is held open for writing throughout: a scan cannot write to it meanwhile (nor can this start while
 * one does).
 */
export async function compactCatalogFile(dbPath: string): Promise<CompactResult> {
  const fresh = `${dbPath}.compact-${process.pid}`;
  await rm(fresh, { force: true });
  const bytesBefore = (await stat(dbPath)).size;
  const instance = await DuckDBInstance.create(dbPath);
  let formatBefore: string;
  let formatAfter: string;
  try {
    const connection = await instance.connect();
    try {
      const name = String((await connection.runAndReadAll("SELECT current_database()")).getRowsJS()[0]?.[0]);
      formatBefore = await storageFormat(connection, name);
      // Folds a write-ahead log left by a crash into the original, so no log outlives it beside the copy.
      await connection.run("CHECKPOINT");
      await connection.run(
        `ATTACH ${sqlString(fresh)} AS compacted (STORAGE_VERSION ${sqlString(STORAGE_VERSION)})`,
      );
      await connection.run(`COPY FROM DATABASE ${quoteIdentifier(name)} TO compacted`);
      formatAfter = await storageFormat(connection, "compacted");
      await connection.run("DETACH compacted");
    } finally {
      connection.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    await rm(fresh, { force: true });
    await rm(`${fresh}.wal`, { force: true });
    throw err;
  }
  // Still holding the original (which this never wrote to): nothing can have written to it since the copy began.
  await rename(fresh, dbPath);
  instance.closeSync();
  return { bytesBefore, bytesAfter: (await stat(dbPath)).size, formatBefore, formatAfter };
}
