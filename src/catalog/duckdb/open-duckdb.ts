/** The DuckDB entry of the backend registry (catalog/open.ts). */
import { type CatalogOptions, defaultDbPath } from "../open-options.js";
import { DuckDbCatalogStore } from "./duckdb-store.js";

export async function openDuckDbCatalog(options: CatalogOptions): Promise<DuckDbCatalogStore> {
  const readOnly = options.readOnly ?? false;
  const store = await DuckDbCatalogStore.open(options.db ?? defaultDbPath(), {
    readOnly,
    ...(options.databaseThreads ? { threads: options.databaseThreads } : {}),
  });
  if ((options.init ?? !readOnly) && !readOnly) await store.init();
  return store;
}
