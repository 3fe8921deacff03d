import type { CatalogStore } from "./port.js";

export type CatalogBackend = "duckdb" | "vast";

export interface CatalogOptions {
  backend?: CatalogBackend;
  /** DuckDB database file (default: $EXR_INSPECTOR_DB, else ./exr-catalog.duckdb). */
  db?: string;
  /** Open without write access (sql, similar, report, export). */
  readOnly?: boolean;
  /** Create/migrate the schema after opening (default true for writable stores). */
  init?: boolean;
  /** VAST backend settings; each overrides its `VAST_DB_*` environment variable. */
  vast?: import("../vast/client/config.js").VastConfigInput & {
    filesPerTransaction?: number;
    writeAttempts?: number;
  };
}

export const DB_ENV_VAR = "EXR_INSPECTOR_DB";
export const DEFAULT_DB_FILE = "exr-catalog.duckdb";

export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[DB_ENV_VAR] || DEFAULT_DB_FILE;
}

/** Opens the catalog named by the options: the single place where a backend is chosen. */
export async function openCatalog(options: CatalogOptions = {}): Promise<CatalogStore> {
  const backend = options.backend ?? "duckdb";
  switch (backend) {
    case "duckdb": {
      const { DuckDbCatalogStore } = await import("./duckdb/duckdb-store.js");
      const store = await DuckDbCatalogStore.open(options.db ?? defaultDbPath(), {
        readOnly: options.readOnly ?? false,
      });
      if ((options.init ?? !options.readOnly) && !options.readOnly) await store.init();
      return store;
    }
    case "vast": {
      const { openVastCatalog } = await import("./vast/open-vast.js");
      return openVastCatalog(options);
    }
  }
}
