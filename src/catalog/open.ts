/**
 * The backend registry: the one place where a backend is chosen. Each backend is loaded only when opened, so
 * commands that never open a catalog never load DuckDB, Arrow or the VAST client.
 */
import type { CatalogOptions } from "./open-options.js";
import type { CatalogStore } from "./port.js";

export type BackendOpener = (options: CatalogOptions) => Promise<CatalogStore>;

const openDuckDb: BackendOpener = async (options) =>
  (await import("./duckdb/open-duckdb.js")).openDuckDbCatalog(options);
const openVast: BackendOpener = async (options) =>
  (await import("./vast/open-vast.js")).openVastCatalog(options);

const BACKENDS = new Map<string, BackendOpener>([
  ["duckdb", openDuckDb],
  ["vast", openVast],
]);

/** Names of the registered backends, in registration order. */
export function catalogBackends(): string[] {
  return [...BACKENDS.keys()];
}

/** Adds (or replaces) a backend: a new adapter needs its own folder and one call here or at start-up. */
export function registerCatalogBackend(name: string, open: BackendOpener): void {
  BACKENDS.set(name, open);
}

/** Opens the catalog named by the options (default backend: duckdb). */
export async function openCatalog(options: CatalogOptions = {}): Promise<CatalogStore> {
  const name = options.backend ?? "duckdb";
  const open = BACKENDS.get(name);
  if (!open) throw new Error(`unknown catalog backend '${name}' (known: ${catalogBackends().join(", ")})`);
  return open(options);
}

/** `db compact`: rewrites a DuckDB catalog file into a fresh one (duckdb/compact.ts); loaded only when asked. */
export async function compactDuckDbFile(file: string): Promise<import("./duckdb/compact.js").CompactResult> {
  return (await import("./duckdb/compact.js")).compactCatalogFile(file);
}
