/**
 * The export format shared by every backend: one Parquet file per stored table with exactly the catalog columns
 * (`validation_results.parquet` is absent from exports made before verdicts existed),
 * and `manifest.json` naming the format, the schema version and the row count of each table.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { CATALOG_SCHEMA_VERSION, type StoredTable } from "./tables.js";

const MANIFEST_FILE = "manifest.json";
const FORMAT = "exr-inspector-catalog";

export function backupTableFile(dir: string, table: StoredTable): string {
  return path.join(dir, `${table}.parquet`);
}

export async function writeBackupManifest(dir: string, rows: Record<string, number>): Promise<void> {
  const manifest = {
    format: FORMAT,
    schema_version: CATALOG_SCHEMA_VERSION,
    exported_at: new Date().toISOString(),
    tables: rows,
  };
  await writeFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Throws unless `dir` holds an export this version can restore. */
export async function checkBackupManifest(dir: string): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), "utf8")) as {
    format?: string;
    schema_version?: number;
  };
  if (manifest.format !== FORMAT) {
    throw new Error(`${dir} is not an exr-inspector catalog export (no valid ${MANIFEST_FILE})`);
  }
  if ((manifest.schema_version ?? 0) > CATALOG_SCHEMA_VERSION) {
    throw new Error(
      `export has schema version ${manifest.schema_version}, newer than this exr-inspector (${CATALOG_SCHEMA_VERSION})`,
    );
  }
}
