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
  vastEndpoint?: string;
  vastBucket?: string;
  vastSchema?: string;
  vastDataEndpoints?: string;
  vastFilesPerTransaction?: string;
}

/** Adds the options every catalog command shares: `--db` and `--backend`. */
export function addCatalogOptions(command: Command): Command {
  return command
    .option("--db <path>", `DuckDB catalog file (default: $${DB_ENV_VAR}, else ./${DEFAULT_DB_FILE})`)
    .addOption(
      new Option("--backend <backend>", "catalog backend")
        .choices(["duckdb", "vast"])
        .env("EXR_INSPECTOR_BACKEND")
        .default("duckdb"),
    )
    .option(
      "--vast-endpoint <url>",
      "VAST endpoint (default: $VAST_DB_ENDPOINT; keys only from the environment)",
    )
    .option("--vast-bucket <name>", "VAST bucket (default: $VAST_DB_BUCKET)")
    .option("--vast-schema <name>", "VAST schema (default: $VAST_DB_SCHEMA, else exr_metadata)")
    .option("--vast-data-endpoints <urls>", "comma-separated VAST endpoints for parallel selects")
    .option("--vast-files-per-transaction <n>", "files written per VAST transaction (default 256)");
}

export function catalogOptionsFrom(
  cli: CatalogCliOptions,
  extra: Partial<CatalogOptions> = {},
): CatalogOptions {
  const vast = {
    ...(cli.vastEndpoint ? { endpoint: cli.vastEndpoint } : {}),
    ...(cli.vastBucket ? { bucket: cli.vastBucket } : {}),
    ...(cli.vastSchema ? { schema: cli.vastSchema } : {}),
    ...(cli.vastDataEndpoints ? { dataEndpoints: cli.vastDataEndpoints.split(",").filter((s) => s) } : {}),
    ...(cli.vastFilesPerTransaction ? { filesPerTransaction: Number(cli.vastFilesPerTransaction) } : {}),
  };
  return { backend: cli.backend ?? "duckdb", ...(cli.db ? { db: cli.db } : {}), vast, ...extra };
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
