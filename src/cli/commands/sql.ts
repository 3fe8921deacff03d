import { type Command, Option } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { formatResult, type OutputFormat } from "../query-output.js";

export function registerSql(program: Command): void {
  addCatalogOptions(
    program
      .command("sql")
      .description("run read-only SQL (SELECT) over the catalog (schema exr_metadata)")
      .argument("<query>", 'e.g. "SELECT compression, count(*) FROM exr_metadata.parts GROUP BY 1"')
      .addOption(
        new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"),
      ),
  ).action(async (query: string, options: CatalogCliOptions & { format: OutputFormat }) => {
    await withCatalog(options, { readOnly: true }, async (store) => {
      const result = await store.query(query);
      process.stdout.write(formatResult(result, options.format));
    });
  });
}
