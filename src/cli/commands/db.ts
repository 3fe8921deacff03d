import { existsSync } from "node:fs";
import type { Command } from "commander";
import { compactDuckDbFile } from "../../catalog/open.js";
import { isLockConflict, lockConflictMessage } from "../catalog-holder.js";
import { addCatalogOptions, type CatalogCliOptions, duckDbFileOf, withCatalog } from "../catalog-options.js";
import { RuntimeFailure, UsageError } from "../exit-codes.js";

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function registerDb(program: Command): void {
  const db = program.command("db").description("manage the catalog database");
  addCatalogOptions(
    db.command("init").description("create the catalog schema, or migrate it to the current version"),
  ).action(async (options: CatalogCliOptions) => {
    await withCatalog(options, { init: true }, async (store) => {
      const counts = await store.counts();
      const where = store.location;
      process.stdout.write(
        `catalog ready: ${where} (${store.backend}); files ${counts.files}, parts ${counts.parts}, ` +
          `channels ${counts.channels}, attributes ${counts.attributes}\n`,
      );
    });
  });
  addCatalogOptions(
    db
      .command("compact")
      .description(
        "rewrite a DuckDB catalog file into a fresh one (current storage format, no free blocks), replacing it " +
          "only once complete; for a file grown by deletes or by an old migration",
      ),
  ).action(async (options: CatalogCliOptions) => {
    const file = duckDbFileOf(options);
    if (!file) throw new UsageError("db compact rewrites a DuckDB catalog file (--db), not VAST or :memory:");
    if (!existsSync(file)) throw new UsageError(`no catalog at ${file}`);
    try {
      const r = await compactDuckDbFile(file);
      process.stdout.write(
        `compacted ${file}: ${mib(r.bytesBefore)} → ${mib(r.bytesAfter)} (storage format ${r.formatBefore} → ${r.formatAfter})\n`,
      );
    } catch (err) {
      if (isLockConflict(err)) throw new RuntimeFailure(lockConflictMessage(file, err), { cause: err });
      throw err;
    }
  });
}
