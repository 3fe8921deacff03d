import { type Command, InvalidArgumentError, Option } from "commander";
import { JsonOutput, ndjsonLine } from "../output/json.js";
import { exitCodeOf, inspectPaths, writeOut } from "../output/run.js";
import { formatInspectionText } from "../output/text.js";

export function registerInspect(program: Command): void {
  program
    .command("inspect")
    .description(
      "print every header attribute, derived part/channel facts, completeness and findings of EXR files " +
        "(directories recurse over *.exr; '-' reads paths from stdin). Exit 0: all valid and complete; 1: any not; 2: usage error",
    )
    .addOption(
      new Option(
        "-f, --format <format>",
        "text | json (one document, or an array for several files) | ndjson",
      )
        .choices(["text", "json", "ndjson"])
        .default("text"),
    )
    .option("--max-header-bytes <n>", "refuse headers larger than this (default 64 MiB)", parsePositiveInt)
    .addOption(ioOption())
    .argument("<paths...>", "files, directories, or '-' for a newline-separated list on stdin")
    .action(async (paths: string[], opts: { format: string } & ReadOptions) => {
      const json = new JsonOutput(writeOut);
      let first = true;
      const summary = await inspectPaths({
        paths,
        ...readOptions(opts),
        emit: async (result) => {
          if (opts.format === "json") return json.add(result);
          if (opts.format === "ndjson") return writeOut(ndjsonLine(result));
          const text = formatInspectionText(result);
          await writeOut(first ? text : `\n${text}`);
          first = false;
        },
      });
      if (opts.format === "json") await json.end();
      if (summary.files === 0) process.stderr.write("exr-inspector: no EXR files found\n");
      process.exitCode = exitCodeOf(summary);
    });
}

export interface ReadOptions {
  maxHeaderBytes?: number;
  io: "sync" | "async";
}

/** `--io`: how files are read (shared by inspect and validate). */
export function ioOption(): Option {
  return new Option(
    "--io <mode>",
    "sync: blocking reads, one file at a time (fastest on local disks); async: 16 files in flight (network file systems)",
  )
    .choices(["sync", "async"])
    .default("sync");
}

export function readOptions(opts: ReadOptions): { maxHeaderBytes?: number; io: "sync" | "async" } {
  return { ...(opts.maxHeaderBytes ? { maxHeaderBytes: opts.maxHeaderBytes } : {}), io: opts.io };
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}
