import type { Command } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";

export function registerImport(program: Command): void {
  addCatalogOptions(
    program
      .command("import")
      .description("restore a catalog export (rows already present are kept as they are)")
      .argument("<dir>", "directory written by exr-inspector export"),
  ).action(async (dir: string, options: CatalogCliOptions) => {
    await withCatalog(options, { init: true }, async (store) => {
      await store.importFrom(dir);
      const c = await store.counts();
      process.stdout.write(
        `imported ${dir}; catalog now has ${c.files} files, ${c.parts} parts, ${c.channels} channels, ${c.attributes} attributes\n`,
      );
    });
  });
}
