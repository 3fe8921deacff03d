import type { Command } from "commander";
import { REPORT_QUERY_IDS, SEED_QUERIES } from "../../catalog/seed-queries.js";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { formatResult } from "../query-output.js";

export function registerReport(program: Command): void {
  addCatalogOptions(
    program
      .command("report")
      .description("the seed's verification and monitoring queries as readable tables")
      .option("--rows <n>", "rows shown per table", (v) => Math.max(1, Number.parseInt(v, 10) || 20), 20),
  ).action(async (options: CatalogCliOptions & { rows: number }) => {
    await withCatalog(options, { readOnly: true }, async (store) => {
      const counts = await store.counts();
      process.stdout.write(
        `catalog: ${counts.files} files, ${counts.parts} parts, ${counts.channels} channels, ${counts.attributes} attributes\n`,
      );
      for (const id of REPORT_QUERY_IDS) {
        const q = SEED_QUERIES.find((s) => s.id === id);
        if (!q) continue;
        const result = await store.query(q.sql);
        const shown = { columns: result.columns, rows: result.rows.slice(0, options.rows) };
        process.stdout.write(`\n== ${q.title} ==\n${formatResult(shown, "table")}`);
        if (result.rows.length > shown.rows.length) {
          process.stdout.write(
            `… ${result.rows.length - shown.rows.length} more rows (use exr-inspector sql)\n`,
          );
        }
      }
    });
  });
}
