import type { Command } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";

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
}
