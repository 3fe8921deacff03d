import { type Command, Option } from "commander";
import {
  type CatalogBackend,
  type CatalogOptions,
  DB_ENV_VAR,
  DEFAULT_DB_FILE,
  openCatalog,
} from "../catalog/open.js";
import type { CatalogStore } from "../catalog/port.js";

export interface CatalogCliOptions {
  db?: string;
  backend?: CatalogBackend;
}

/** Adds the options every catalog command shares: `--db` and `--backend`. */
export function addCatalogOptions(command: Command): Command {
  return command
    .option("--db <path>", `DuckDB catalog file (default: $${DB_ENV_VAR}, else ./${DEFAULT_DB_FILE})`)
    .addOption(
      new Option("--backend <backend>", "catalog backend").choices(["duckdb", "vast"]).default("duckdb"),
    );
}

export function catalogOptionsFrom(
  cli: CatalogCliOptions,
  extra: Partial<CatalogOptions> = {},
): CatalogOptions {
  return { backend: cli.backend ?? "duckdb", ...(cli.db ? { db: cli.db } : {}), ...extra };
}

/** Opens the catalog for a command and always closes it. */
export async function withCatalog<T>(
  cli: CatalogCliOptions,
  extra: Partial<CatalogOptions>,
  work: (store: CatalogStore) => Promise<T>,
): Promise<T> {
  const store = await openCatalog(catalogOptionsFrom(cli, extra));
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
