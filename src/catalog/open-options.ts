import type { VastConfigInput } from "../vast/client/config.js";

/** What `openCatalog` is told; each backend reads the part that concerns it. */
export interface CatalogOptions {
  /** A registered backend name (see catalog/open.ts); default "duckdb". */
  backend?: string;
  /** DuckDB database file (default: $EXR_INSPECTOR_DB, else ./exr-catalog.duckdb). */
  db?: string;
  /** Open without write access (sql, similar, report, export). */
  readOnly?: boolean;
  /** Create/migrate the schema after opening (default true for writable stores). */
  init?: boolean;
  /**
   * Threads the embedded database may use (DuckDB's `threads`; default: one per core). `scan` leaves it the cores
   * its inspection workers do not use.
   */
  databaseThreads?: number;
  /** VAST backend settings; each overrides its `VAST_DB_*` environment variable. */
  vast?: VastConfigInput & { filesPerTransaction?: number; bulkImport?: boolean };
}

export const DB_ENV_VAR = "EXR_INSPECTOR_DB";
export const DEFAULT_DB_FILE = "exr-catalog.duckdb";

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[DB_ENV_VAR] || DEFAULT_DB_FILE;
}
