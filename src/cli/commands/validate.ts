import { statSync } from "node:fs";
import { type Command, Option } from "commander";
import type { Policy } from "../../policy/model.js";
import { groupDigits } from "../output/group-digits.js";
import type { RenderKind } from "../output/render.js";
import { exitCodeOf, renderPaths, writeOut } from "../output/run.js";
import { progressLine } from "../progress-line.js";
import { addRemoteOptions, type RemoteCliOptions, remoteSettings } from "../remote-options.js";
import {
  ioOption,
  jobsOption,
  parsePositiveInt,
  type ReadOptions,
  readOptions,
  readTimeoutOption,
} from "./inspect.js";

/** More explicit files than this (or any directory or `-`) make a "big run": one line per file by default. */
const FEW_FILES = 10;

function isBigRun(paths: string[]): boolean {
  if (paths.length > FEW_FILES) return true;
  return paths.some(
    (p) =>
      p === "-" ||
      (p.startsWith("s3://") && p.endsWith("/")) ||
      (!p.includes("://") && statSync(p, { throwIfNoEntry: false })?.isDirectory() === true),
  );
}

interface ValidateOptions extends ReadOptions {
  format: string;
  quiet?: boolean;
  details?: boolean;
  summary?: boolean;
}

import { loadPolicyOrExit } from "./policy-option.js";

export function registerValidate(program: Command): void {
  const command = program
    .command("validate")
    .description(
      "print only the validation findings of EXR files (directories recurse; '-' reads paths from stdin). " +
        "Directories, stdin and more than 10 files print one line per file (--details for every finding). " +
        "Exit 0: all valid and complete; 1: any not; 2: usage error or invalid policy; " +
        "4 (with --policy): none failed but some have warnings",
    )
    .addOption(
      new Option("-f, --format <format>", "text | ndjson ({path, status, is_complete, findings} per file)")
        .choices(["text", "ndjson"])
        .default("text"),
    )
    .option("-q, --quiet", "only files that fail (no OK lines)")
    .addOption(new Option("--details", "text: every finding of every file").conflicts("summary"))
    .addOption(new Option("--summary", "text: one line per file, even for a few files"))
    .option(
      "--policy <name|file>",
      "also check a policy: a built-in preset (aces-container-strict, aces-container-relaxed, vfx-plate-delivery, " +
        "studio-default) or a YAML/JSON policy file",
    )
    .option("--max-header-bytes <n>", "refuse headers larger than this (default 64 MiB)", parsePositiveInt)
    .option("--full", "also decode every chunk and report damage in the pixel data (same as verify)")
    .addOption(ioOption())
    .addOption(jobsOption())
    .addOption(readTimeoutOption());
  addRemoteOptions(command)
    .argument("<paths...>", "files, directories, s3://bucket/key, s3://bucket/prefix/, https:// URLs, or '-'")
    .action(
      async (
        paths: string[],
        opts: ValidateOptions & RemoteCliOptions & { full?: boolean; policy?: string },
      ) => {
        // Pixel decoding (every codec) is loaded only by the runs that ask for it.
        if (opts.full) return (await import("./verify.js")).runVerify(paths, opts.format, opts.jobs);
        let policy: Policy | undefined;
        if (opts.policy !== undefined) {
          const loaded = await loadPolicyOrExit(opts.policy);
          if (!loaded) return;
          policy = loaded;
        }
        const oneLine = opts.summary === true || (opts.details !== true && isBigRun(paths));
        const kind: RenderKind =
          opts.format === "ndjson" ? "findings-ndjson" : oneLine ? "findings-line" : "findings-text";
        const progress = progressLine("validate", { besideOutput: true });
        let done = 0;
        let failed = 0;
        const summary = await renderPaths({
          paths,
          kind,
          ...readOptions(opts),
          remote: remoteSettings(opts),
          ...(policy ? { policy } : {}),
          omitPassed: opts.quiet === true,
          emit: (batch) => {
            done += batch.files;
            failed += batch.failed;
            progress.update(`${groupDigits(done)} files, ${groupDigits(failed)} failed`);
            return batch.text.length === 0 ? undefined : writeOut(batch.text);
          },
        }).finally(() => progress.done());
        if (opts.format === "text")
          process.stderr.write(
            summary.files === 0
              ? "exr-inspector: no EXR files found\n"
              : `${summary.files} file${summary.files === 1 ? "" : "s"}, ${summary.failed} failed` +
                  `${policy ? `, ${summary.warned ?? 0} with warnings (policy ${policy.id})` : ""}\n`,
          );
        process.exitCode = exitCodeOf(summary, policy !== undefined);
      },
    );
}
