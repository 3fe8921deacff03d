import { type Command, Option } from "commander";
import { analyzeSequences, type SequenceReport } from "../../sequences/analyze.js";
import { catalogSequences } from "../../sequences/catalog-sequences.js";
import { localFrameEntries } from "../../sequences/local-entries.js";
import { sequenceLines } from "../../sequences/notation.js";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { writeOut } from "../output/run.js";

interface SequencesOptions extends CatalogCliOptions {
  format: "text" | "json";
  catalog?: boolean;
}

export function registerSequences(program: Command): void {
  addCatalogOptions(
    program
      .command("sequences")
      .description(
        "group frames into sequences and report missing, duplicate, incomplete, odd and suspiciously small frames " +
          "(files are read; with --db or --catalog the catalog is queried instead and PATHs are path prefixes). " +
          "Exit 0: every sequence clean; 1: any problem; 2: usage error",
      )
      .addOption(
        new Option("-f, --format <format>", "text (one line per sequence) | json (an array)")
          .choices(["text", "json"])
          .default("text"),
      )
      .option("--catalog", "query the catalog (implied by --db)")
      .argument("[paths...]", "files or directories (catalog: path prefixes, default all)"),
  ).action(async (paths: string[], options: SequencesOptions) => {
    const fromCatalog = options.catalog === true || options.db !== undefined;
    if (!fromCatalog && paths.length === 0) {
      process.stderr.write("exr-inspector: sequences needs PATHs (or --db to query the catalog)\n");
      process.exitCode = 2;
      return;
    }
    const reports = fromCatalog
      ? await withCatalog(options, { readOnly: true }, (store) => catalogSequences(store, paths))
      : analyzeSequences(await localFrameEntries(paths));
    await writeOut(
      options.format === "json" ? `${JSON.stringify(reports, null, 2)}\n` : sequenceLines(reports),
    );
    process.exitCode = reports.some(hasProblem) ? 1 : 0;
  });
}

function hasProblem(s: SequenceReport): boolean {
  return (
    s.missing.length + s.duplicates.length + s.incomplete.length + s.odd.length + s.size_outliers.length > 0
  );
}
