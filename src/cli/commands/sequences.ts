import { type Command, Option } from "commander";
import { analyzeSequences, type SequenceReport } from "../../sequences/analyze.js";
import { catalogSequences } from "../../sequences/catalog-sequences.js";
import { frameEntries } from "../../sequences/frame-entries.js";
import { sequenceLines } from "../../sequences/notation.js";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";
import { writeOut } from "../output/run.js";
import { addRemoteOptions, type RemoteCliOptions, remoteSettings } from "../remote-options.js";

interface SequencesOptions extends CatalogCliOptions, RemoteCliOptions {
  format: "text" | "json";
  catalog?: boolean;
}

export function registerSequences(program: Command): void {
  addCatalogOptions(
    addRemoteOptions(program.command("sequences"))
      .description(
        "group frames into sequences and report missing, duplicate, incomplete, odd and suspiciously small frames " +
          "(files and s3:// objects are read; with --db or --catalog the catalog is queried instead and PATHs are " +
          "path prefixes). " +
          "Exit 0: every sequence clean; 1: any problem; 2: usage error",
      )
      .addOption(
        new Option("-f, --format <format>", "text (one line per sequence) | json (an array)")
          .choices(["text", "json"])
          .default("text"),
      )
      .option("--catalog", "query the catalog (implied by --db)")
      .argument(
        "[paths...]",
        "files, directories, s3://bucket/prefix/ or s3://bucket/key (catalog: path prefixes, default all)",
      ),
  ).action(async (paths: string[], options: SequencesOptions) => {
    const fromCatalog = options.catalog === true || options.db !== undefined;
    if (!fromCatalog && paths.length === 0) {
      process.stderr.write("exr-inspector: sequences needs PATHs (or --db to query the catalog)\n");
      process.exitCode = 2;
      return;
    }
    let inputErrors: string[] = [];
    let reports: SequenceReport[];
    if (fromCatalog) {
      reports = await withCatalog(options, { readOnly: true }, (store) => catalogSequences(store, paths));
    } else {
      const read = await frameEntries(paths, remoteSettings(options));
      inputErrors = read.inputErrors;
      reports = analyzeSequences(read.entries);
    }
    await writeOut(
      options.format === "json" ? `${JSON.stringify(reports, null, 2)}\n` : sequenceLines(reports),
    );
    for (const e of inputErrors) process.stderr.write(`exr-inspector: ${e}\n`);
    process.exitCode = reports.some(hasProblem) || inputErrors.length > 0 ? 1 : 0;
  });
}

function hasProblem(s: SequenceReport): boolean {
  return (
    s.missing.length + s.duplicates.length + s.incomplete.length + s.odd.length + s.size_outliers.length > 0
  );
}
