import type { Command } from "commander";
import type { QueryResult } from "../../catalog/port.js";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { humanBytes } from "../output/human.js";
import { formatResult } from "../query-output.js";
import { REPORT_PROBLEMS, REPORT_SECTIONS, REPORT_TOTALS } from "../report-queries.js";
import { type HtmlReportOptions, writeHtmlReport } from "./report-html.js";

const n = (v: unknown) => Number(v ?? 0).toLocaleString("en-US");

/** Byte columns in human units; timestamps to the second. */
function readable(result: QueryResult, bytes: string[] = []): QueryResult {
  const byteIndexes = new Set(bytes.map((b) => result.columns.indexOf(b)).filter((i) => i >= 0));
  return {
    columns: result.columns,
    rows: result.rows.map((row) =>
      row.map((v, i) => {
        if (byteIndexes.has(i) && v !== null && v !== undefined) return humanBytes(Math.round(Number(v)));
        if (v instanceof Date) return `${v.toISOString().slice(0, 19).replace("T", " ")} UTC`;
        return v;
      }),
    ),
  };
}

export function registerReport(program: Command): void {
  addCatalogOptions(
    program
      .command("report")
      .description(
        "what is in the catalog: unreadable, incomplete and invalid files first (and which), then compression, " +
          "renderers, sizes, channels and recent inspections",
      )
      .option("--rows <n>", "rows shown per table", (v) => Math.max(1, Number.parseInt(v, 10) || 20), 20)
      .option(
        "--html <file>",
        "write a self-contained HTML report (sequences, policy results, distributions, files)",
      )
      .option(
        "--open",
        "open the HTML report in a browser ($BROWSER, else the system's; a temp file without --html)",
      ),
  ).action(async (options: CatalogCliOptions & HtmlReportOptions & { rows: number }) => {
    await withCatalog(options, { readOnly: true }, async (store) => {
      if (options.html !== undefined || options.open) {
        await writeHtmlReport(
          store,
          options,
          `EXR catalog report (${options.db ?? options.backend ?? "catalog"})`,
        );
        return;
      }
      const out = (s: string) => process.stdout.write(s);
      const shown = (r: QueryResult) => ({ columns: r.columns, rows: r.rows.slice(0, options.rows) });
      const more = (r: QueryResult, hint: string) =>
        r.rows.length > options.rows ? `… ${n(r.rows.length - options.rows)} more (${hint})\n` : "";

      const [t] = (await store.query(REPORT_TOTALS)).rows;
      const [files, bytes, unreadable, incomplete, invalid, warnings, last] = t ?? [];
      const lastText =
        last instanceof Date
          ? `; last inspection ${last.toISOString().slice(0, 16).replace("T", " ")} UTC`
          : "";
      out(`${n(files)} files, ${humanBytes(Number(bytes ?? 0))}${lastText}\n`);
      const problems = Number(unreadable ?? 0) + Number(incomplete ?? 0) + Number(invalid ?? 0);
      out(
        `${n(unreadable)} unreadable, ${n(incomplete)} incomplete, ${n(invalid)} invalid` +
          `${Number(warnings ?? 0) > 0 ? ` (${n(warnings)} more with warnings only)` : ""}\n`,
      );
      if (problems > 0) {
        const list = await store.query(REPORT_PROBLEMS);
        out(`\n== Files with problems ==\n${formatResult(readable(shown(list), ["size"]), "table", 120)}`);
        out(more(list, "--rows N, or exr-inspector validate on them for details"));
      }
      for (const section of REPORT_SECTIONS) {
        const result = await store.query(section.sql);
        out(`\n== ${section.title} ==\n${formatResult(readable(shown(result), section.bytes), "table")}`);
        out(more(result, "--rows N"));
      }
    });
  });
}
