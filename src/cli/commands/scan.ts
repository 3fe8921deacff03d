import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { type Command, InvalidArgumentError } from "commander";
import { FILE_READ_TIMEOUT_MS, withTimeout } from "../../io/file-source.js";
import { formatSummary, progressReporter } from "../../scan/progress.js";
import { type ScanSummary, scan } from "../../scan/scanner.js";
import { databaseThreadsBeside } from "../../scan/worker-pool.js";
import { holderNote } from "../catalog-holder.js";
import { addCatalogOptions, type CatalogCliOptions, duckDbFileOf, withCatalog } from "../catalog-options.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { addRemoteOptions, type RemoteCliOptions, remoteSettings } from "../remote-options.js";
import { parsePositiveInt, readTimeoutOption } from "./inspect.js";
import { loadPolicyOrExit } from "./policy-option.js";

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

interface ScanCliOptions extends CatalogCliOptions, RemoteCliOptions {
  force?: boolean;
  jobs: number;
  batch: number;
  progress?: boolean;
  allFiles?: boolean;
  policy?: string;
  stats?: boolean;
  /** Seconds. */
  readTimeout: number;
}

/**
 * Local roots that do not exist (a stat that times out on a hung mount counts as present: the scan then reports
 * the read failure for that path). A bounded number of stats in flight.
 */
async function missingRoots(paths: string[], timeoutMs: number): Promise<string[]> {
  const local = paths.filter((p) => p !== "-" && !p.includes("://"));
  const missing: string[] = [];
  for (let i = 0; i < local.length; i += 64) {
    const group = local.slice(i, i + 64);
    const absent = await Promise.all(
      group.map((p) =>
        withTimeout(stat(p), timeoutMs || FILE_READ_TIMEOUT_MS, `stat ${p}`).then(
          () => false,
          (err: NodeJS.ErrnoException) => err.code === "ENOENT" || err.code === "ENOTDIR",
        ),
      ),
    );
    group.forEach((p, k) => {
      if (absent[k]) missing.push(p);
    });
  }
  return missing;
}

type StopSignal = "SIGINT" | "SIGTERM";
const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: EXIT.INTERRUPTED, SIGTERM: EXIT.TERMINATED };

export function registerScan(program: Command): void {
  addCatalogOptions(
    addRemoteOptions(program.command("scan"))
      .description(
        "inspect EXR files (directories recursed, s3:// prefixes listed, - for a list on stdin) into the catalog. " +
          "Ctrl-C or SIGTERM " +
          "stops promptly, keeping what was inspected (exit 130 / 143; a second one aborts at once)",
      )
      .argument("<paths...>", "files, directories, s3://bucket/key, s3://bucket/prefix/, https:// URLs or -")
      .option("--force", "re-inspect files whose size and mtime (objects: ETag and size) are unchanged")
      .option("-j, --jobs <n>", "worker threads (0 = main thread)", nonNegativeInt, availableParallelism())
      .option("--batch <n>", "files per database transaction (at least 1)", parsePositiveInt, 10_000)
      .option("--all-files", "in directories, catalogue every file, not only *.exr")
      .option(
        "--policy <name|file>",
        "also judge every file against a policy (preset name or YAML/JSON file) and store the verdicts in " +
          "validation_results (replacing the file's earlier ones; unchanged files are inspected again)",
      )
      .option(
        "--stats",
        "also decode every chunk and store pixel statistics (stats: per part, level and channel; part_stats: " +
          "pixel hash, monochrome, deep summary), replacing the file's earlier ones; unchanged files without " +
          "statistics are inspected again; policy rules on pixels (no NaN/Inf) are judged",
      )
      .addOption(readTimeoutOption())
      .option("--no-progress", "no progress output"),
  ).action(async (paths: string[], options: ScanCliOptions) => {
    const missing = await missingRoots(paths, options.readTimeout * 1000);
    if (missing.length > 0) {
      throw new UsageError(
        `no such file or directory: ${missing.join(", ")} (nothing scanned, nothing stored)`,
      );
    }
    // An invalid policy is reported (with its location) before anything is read or stored.
    const policy = options.policy === undefined ? undefined : await loadPolicyOrExit(options.policy);
    if (policy === null) return;
    const controller = new AbortController();
    let stoppedBy: StopSignal | null = null;
    const onSignal = (signal: StopSignal) => {
      if (stoppedBy) {
        process.stderr.write("\naborted at once: the batch being written is rolled back\n");
        process.exit(SIGNAL_EXIT[stoppedBy]);
      }
      stoppedBy = signal;
      const again = signal === "SIGINT" ? "Ctrl-C" : "SIGTERM";
      process.stderr.write(
        `\nstopping: committing the files inspected so far (${again} again to abort at once)…\n`,
      );
      controller.abort();
    };
    const onInt = () => onSignal("SIGINT");
    const onTerm = () => onSignal("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    const reporter = options.progress === false ? null : progressReporter(process.stderr);
    const dbFile = duckDbFileOf(options);
    let note: ReturnType<typeof holderNote> | null = null;
    let summary: ScanSummary;
    try {
      const databaseThreads = databaseThreadsBeside(options.jobs, availableParallelism());
      summary = await withCatalog(options, { init: true, databaseThreads }, (store) => {
        if (dbFile) note = holderNote(dbFile, `exr-inspector scan ${paths.join(" ")}`);
        return scan({
          inputs: paths,
          store,
          force: options.force ?? false,
          allFiles: options.allFiles ?? false,
          ...(policy ? { policy } : {}),
          ...(options.stats ? { stats: true } : {}),
          jobs: options.jobs,
          batchSize: options.batch,
          readTimeoutMs: options.readTimeout * 1000,
          remote: remoteSettings(options),
          signal: controller.signal,
          onProgress: (p) => {
            reporter?.update(p);
            note?.update({ done: p.inspected + p.skipped, found: p.found, walkDone: p.walkDone });
          },
        });
      });
    } finally {
      reporter?.stop();
      (note as ReturnType<typeof holderNote> | null)?.remove();
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    }
    let code: number = EXIT.OK;
    if (summary.interrupted) code = SIGNAL_EXIT[stoppedBy ?? "SIGINT"];
    else if (summary.found === 0) {
      process.stderr.write("exr-inspector: no EXR files found\n");
      code = EXIT.FINDINGS;
    }
    for (const e of summary.inputErrors) process.stderr.write(`exr-inspector: ${e}\n`);
    if (code === EXIT.OK && summary.inputErrors.length > 0) code = EXIT.FINDINGS;
    process.exitCode = code;
    // An interrupted walk may still be waiting on stdin: exit once the summary is out.
    await new Promise<void>((done) => process.stdout.write(`${formatSummary(summary)}\n`, () => done()));
    if (summary.interrupted) process.exit(code);
  });
}
