import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { type Command, Option } from "commander";
import { catalogBackends, openCatalog } from "../catalog/open.js";
import { type CatalogOptions, DB_ENV_VAR, DEFAULT_DB_FILE, defaultDbPath } from "../catalog/open-options.js";
import type { CatalogStore } from "../catalog/port.js";
import { isLockConflict, lockConflictMessage } from "./catalog-holder.js";
import { RuntimeFailure, UsageError } from "./exit-codes.js";

export interface CatalogCliOptions {
  db?: string;
  backend?: string;
  vastEndpoint?: string;
  vastBucket?: string;
  vastSchema?: string;
  vastDataEndpoints?: string;
  vastFilesPerTransaction?: string;
  vastBulkImport?: boolean;
}

/** Adds the options every catalog command shares: `--db` and `--backend`. */
export function addCatalogOptions(command: Command): Command {
  return command
    .option("--db <path>", `DuckDB catalog file (default: $${DB_ENV_VAR}, else ./${DEFAULT_DB_FILE})`)
    .addOption(
      new Option("--backend <backend>", "catalog backend")
        .choices(catalogBackends())
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
    .option("--vast-files-per-transaction <n>", "files written per VAST transaction (default 256)")
    .option(
      "--vast-bulk-import",
      "backfill path: write new rows as Parquet objects to VAST's S3 side and import them server-side",
    );
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
    ...(cli.vastBulkImport ? { bulkImport: true } : {}),
  };
  return { backend: cli.backend ?? "duckdb", ...(cli.db ? { db: cli.db } : {}), vast, ...extra };
}

/** The DuckDB file a command would open (null on VAST or in memory). */
export function duckDbFileOf(cli: CatalogCliOptions): string | null {
  if ((cli.backend ?? "duckdb") !== "duckdb") return null;
  const file = cli.db ?? defaultDbPath();
  return file === ":memory:" ? null : file;
}

/**
 * Checks what the user named before anything is opened: a read-only command needs an existing catalog file; a
 * writing one needs its directory to exist (nothing is created silently but the file itself).
 */
function checkDuckDbPath(file: string, readOnly: boolean): void {
  if (readOnly) {
    if (!existsSync(file))
      throw new UsageError(
        `no catalog at ${file}: create one with \`exr-inspector db init --db ${file}\` or a scan`,
      );
    return;
  }
  const dir = path.dirname(path.resolve(file));
  if (!existsSync(dir))
    throw new UsageError(`directory ${dir} does not exist (create it first; nothing was created)`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a directory`);
}

/** Opens the catalog, turning "another process holds it" into a clear runtime failure (exit 3). */
export async function openCatalogFor(
  cli: CatalogCliOptions,
  extra: Partial<CatalogOptions>,
): Promise<CatalogStore> {
  const file = duckDbFileOf(cli);
  if (file) checkDuckDbPath(file, extra.readOnly === true);
  try {
    return await openCatalog(catalogOptionsFrom(cli, extra));
  } catch (err) {
    if (file && isLockConflict(err)) throw new RuntimeFailure(lockConflictMessage(file, err), { cause: err });
    throw err;
  }
}

/** Opens the catalog for a command and always closes it. */
export async function withCatalog<T>(
  cli: CatalogCliOptions,
  extra: Partial<CatalogOptions>,
  work: (store: CatalogStore) => Promise<T>,
): Promise<T> {
  const store = await openCatalogFor(cli, extra);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
