import { type Command, Option } from "commander";
import { exitCodeOf, renderPaths, writeOut } from "../output/run.js";
import { ioOption, jobsOption, parsePositiveInt, type ReadOptions, readOptions } from "./inspect.js";

export function registerValidate(program: Command): void {
  program
    .command("validate")
    .description(
      "print only the validation findings of EXR files (directories recurse; '-' reads paths from stdin). " +
        "Exit 0: all valid and complete; 1: any not; 2: usage error",
    )
    .addOption(
      new Option("-f, --format <format>", "text | ndjson ({path, status, is_complete, findings} per file)")
        .choices(["text", "ndjson"])
        .default("text"),
    )
    .option("--max-header-bytes <n>", "refuse headers larger than this (default 64 MiB)", parsePositiveInt)
    .addOption(ioOption())
    .addOption(jobsOption())
    .argument("<paths...>", "files, directories, or '-' for a newline-separated list on stdin")
    .action(async (paths: string[], opts: { format: string } & ReadOptions) => {
      const summary = await renderPaths({
        paths,
        kind: opts.format === "text" ? "findings-text" : "findings-ndjson",
        ...readOptions(opts),
        emit: ({ text }) => writeOut(text),
      });
      if (opts.format === "text")
        process.stderr.write(
          summary.files === 0
            ? "exr-inspector: no EXR files found\n"
            : `${summary.files} file${summary.files === 1 ? "" : "s"}, ${summary.failed} failed\n`,
        );
      process.exitCode = exitCodeOf(summary);
    });
}
