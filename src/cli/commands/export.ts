import type { Command } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { checkOutputDir } from "../output-dir.js";
import { withElapsed } from "../progress-line.js";

export function registerExport(program: Command): void {
  addCatalogOptions(
    program
      .command("export")
      .description("back up the catalog to a directory of Parquet files (files, parts, channels, attributes)")
      .argument("<dir>", "output directory (created; an existing non-empty one needs --force)")
      .option("--force", "write into an existing non-empty directory, overwriting the export files"),
  ).action(async (dir: string, options: CatalogCliOptions & { force?: boolean }) => {
    checkOutputDir(dir, options.force === true);
    await withCatalog(options, { readOnly: true }, async (store) => {
      await withElapsed("export", () => store.exportTo(dir));
      const c = await store.counts();
      process.stdout.write(
        `exported ${c.files} files, ${c.parts} parts, ${c.channels} channels, ${c.attributes} attributes to ${dir}\n`,
      );
    });
  });
}
