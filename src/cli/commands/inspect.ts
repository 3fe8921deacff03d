import { type Command, InvalidArgumentError, Option } from "commander";
import { groupDigits } from "../output/group-digits.js";
import { JsonOutput } from "../output/json.js";
import type { RenderKind } from "../output/render.js";
import { exitCodeOf, renderPaths, writeOut } from "../output/run.js";
import { progressLine } from "../progress-line.js";
import { addRemoteOptions, type RemoteCliOptions, remoteSettings } from "../remote-options.js";

export function registerInspect(program: Command): void {
  const command = program
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
    .option(
      "-v, --verbose",
      "text: the complete layout (every attribute's type, size and offset; derived facts)",
    )
    .option("--max-header-bytes <n>", "refuse headers larger than this (default 64 MiB)", parsePositiveInt)
    .addOption(ioOption())
    .addOption(jobsOption())
    .addOption(readTimeoutOption());
  addRemoteOptions(command)
    .argument("<paths...>", "files, directories, s3://bucket/key, s3://bucket/prefix/, https:// URLs, or '-'")
    .action(
      async (
        paths: string[],
        opts: { format: RenderKind; verbose?: boolean } & ReadOptions & RemoteCliOptions,
      ) => {
        const json = new JsonOutput(writeOut);
        let first = true;
        const progress = progressLine("inspect", { besideOutput: true });
        let done = 0;
        const summary = await renderPaths({
          paths,
          kind: opts.format === "text" && opts.verbose ? "text-verbose" : opts.format,
          ...readOptions(opts),
          remote: remoteSettings(opts),
          emit: async ({ text, files }) => {
            done += files;
            progress.update(`${groupDigits(done)} files`);
            if (files === 0) return;
            if (opts.format === "json") return json.add(text as string, files);
            // Text: a blank line between files (inside a batch the worker put them there).
            if (opts.format !== "ndjson" && !first) await writeOut("\n");
            first = false;
            return writeOut(text);
          },
        });
        progress.done();
        if (opts.format === "json") await json.end();
        if (summary.files === 0) process.stderr.write("exr-inspector: no EXR files found\n");
        process.exitCode = exitCodeOf(summary);
      },
    );
}

export interface ReadOptions {
  maxHeaderBytes?: number;
  io: "sync" | "async";
  /** Unset: sized from the run (workersFor). */
  jobs?: number;
  /** Seconds (--read-timeout). */
  readTimeout?: number;
}

export interface RunReadOptions {
  maxHeaderBytes?: number;
  io: "sync" | "async";
  jobs?: number;
  readTimeoutMs?: number;
}

/** `--io`: how files are read (shared by inspect and validate). */
export function ioOption(): Option {
  return new Option(
    "--io <mode>",
    "sync: blocking reads on worker threads for long runs (fastest on local disks); async: 16 files in flight (network file systems)",
  )
    .choices(["sync", "async"])
    .default("sync");
}

/** `--jobs`: worker threads for blocking-read inspection of many files (shared by inspect and validate). */
export function jobsOption(): Option {
  return new Option(
    "-j, --jobs <n>",
    "worker threads inspecting files in parallel with --io sync (started when there are more than a few hundred " +
      "files; default: one, and one more per 9,000 files (inspect) or 18,000 (validate) up to one per CPU and 8, " +
      "one on a busy machine)",
  ).argParser(parsePositiveInt);
}

/** `--read-timeout`: how long one open, stat or read of a file may take (shared by inspect, validate and scan). */
export function readTimeoutOption(): Option {
  return new Option(
    "--read-timeout <seconds>",
    "give up on a file whose open, stat or read takes longer (a hung network mount): EXR_IO_ERROR",
  )
    .argParser(parsePositiveSeconds)
    .default(60);
}

export function readOptions(opts: ReadOptions): RunReadOptions {
  return {
    ...(opts.maxHeaderBytes ? { maxHeaderBytes: opts.maxHeaderBytes } : {}),
    io: opts.io,
    ...(opts.jobs ? { jobs: opts.jobs } : {}),
    ...(opts.readTimeout ? { readTimeoutMs: opts.readTimeout * 1000 } : {}),
  };
}

export function parsePositiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400)
    throw new InvalidArgumentError(`not a number of seconds between 0 and 86400: ${value}`);
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}
