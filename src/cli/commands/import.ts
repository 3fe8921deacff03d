import { existsSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { UsageError } from "../exit-codes.js";
import { withElapsed } from "../progress-line.js";

export function registerImport(program: Command): void {
  addCatalogOptions(
    program
      .command("import")
      .description("restore a catalog export (rows already present are kept as they are)")
      .argument("<dir>", "directory written by exr-inspector export"),
  ).action(async (dir: string, options: CatalogCliOptions) => {
    // Checked before the catalog is opened, so a typo creates no empty catalog.
    if (!existsSync(dir)) throw new UsageError(`no such directory: ${dir} (nothing imported)`);
    if (!existsSync(path.join(dir, "manifest.json"))) {
      throw new UsageError(`${dir} is not an exr-inspector export (no manifest.json; nothing imported)`);
    }
    await withCatalog(options, { init: true }, async (store) => {
      await withElapsed("import", () => store.importFrom(dir));
      const c = await store.counts();
      process.stdout.write(
        `imported ${dir}; catalog now has ${c.files} files, ${c.parts} parts, ${c.channels} channels, ${c.attributes} attributes\n`,
      );
    });
  });
}
