import { availableParallelism } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import { formatSummary, progressReporter } from "../../scan/progress.js";
import { scan } from "../../scan/scanner.js";
import { addCatalogOptions, type CatalogCliOptions, withCatalog } from "../catalog-options.js";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

interface ScanCliOptions extends CatalogCliOptions {
  force?: boolean;
  jobs: number;
  batch: number;
  progress?: boolean;
  allFiles?: boolean;
}

export function registerScan(program: Command): void {
  addCatalogOptions(
    program
      .command("scan")
      .description("inspect EXR files (directories recursed, - for a list on stdin) into the catalog")
      .argument("<paths...>", "files, directories or -")
      .option("--force", "re-inspect files whose size and mtime are unchanged")
      .option("-j, --jobs <n>", "worker threads (0 = main thread)", positiveInt, availableParallelism())
      .option("--batch <n>", "files per database transaction", positiveInt, 10_000)
      .option("--all-files", "in directories, catalogue every file, not only *.exr")
      .option("--no-progress", "no progress output"),
  ).action(async (paths: string[], options: ScanCliOptions) => {
    let stopRequested = false;
    const onSignal = () => {
      if (stopRequested) process.exit(130);
      stopRequested = true;
      process.stderr.write("\nstopping after the current batch (Ctrl-C again to abort at once)…\n");
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const reporter = options.progress === false ? null : progressReporter(process.stderr);
    try {
      const summary = await withCatalog(options, { init: true }, (store) =>
        scan({
          inputs: paths,
          store,
          force: options.force ?? false,
          allFiles: options.allFiles ?? false,
          jobs: options.jobs,
          batchSize: Math.max(1, options.batch),
          shouldStop: () => stopRequested,
          onProgress: (p) => reporter?.update(p),
        }),
      );
      reporter?.stop();
      process.stdout.write(`${formatSummary(summary)}\n`);
      if (summary.interrupted) process.exitCode = 130;
    } finally {
      reporter?.stop();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  });
}
