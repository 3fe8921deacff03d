import { type Command, Option } from "commander";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { formatResult, type OutputFormat } from "../query-output.js";
import { parsePositiveInt } from "./inspect.js";

export function registerSql(program: Command): void {
  addCatalogOptions(
    program
      .command("sql")
      .description("run read-only SQL (SELECT) over the catalog (schema exr_metadata)")
      .argument("<query>", 'e.g. "SELECT compression, count(*) FROM exr_metadata.parts GROUP BY 1"')
      .addOption(
        new Option("--format <format>", "output format").choices(["table", "json", "csv"]).default("table"),
      )
      .option(
        "--max-width <n>",
        "table: longest cell shown, longer ones cut in the middle (default 64)",
        parsePositiveInt,
      )
      .option("--wide", "table: never cut cells"),
  ).action(
    async (
      query: string,
      options: CatalogCliOptions & { format: OutputFormat; maxWidth?: number; wide?: boolean },
    ) => {
      await withCatalog(options, { readOnly: true }, async (store) => {
        const result = await store.query(query);
        for (const note of result.notes ?? []) process.stderr.write(`${note}\n`);
        const width = options.wide ? Number.POSITIVE_INFINITY : (options.maxWidth ?? 64);
        process.stdout.write(formatResult(result, options.format, width));
      });
    },
  );
}
