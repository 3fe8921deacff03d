import { type Command, Option } from "commander";
import { verifyNdjson, verifyText } from "../output/pixel-output.js";
import { exitCodeOf, writeOut } from "../output/run.js";
import { pixelJobsOption, runPixelReports } from "./pixel-run.js";

/** `verify` and `validate --full`: decode every chunk and report damage. */
export async function runVerify(paths: string[], format: string, jobs?: number): Promise<void> {
  const summary = await runPixelReports(
    paths,
    false,
    (r) => writeOut(format === "text" ? verifyText(r) : verifyNdjson(r)),
    jobs,
  );
  if (format === "text")
    process.stderr.write(
      summary.files === 0
        ? "exr-inspector: no EXR files found\n"
        : `${summary.files} file${summary.files === 1 ? "" : "s"}, ${summary.failed} failed\n`,
    );
  process.exitCode = exitCodeOf(summary);
}

export function registerVerify(program: Command): void {
  program
    .command("verify")
    .description(
      "decode every chunk of EXR files and report damage inside the pixel data with part, chunk and byte offset " +
        "(plus everything validate reports). Exit 0: all sound; 1: any not; 2: usage error",
    )
    .addOption(
      new Option("-f, --format <format>", "text | ndjson ({path, status, is_complete, findings} per file)")
        .choices(["text", "ndjson"])
        .default("text"),
    )
    .addOption(pixelJobsOption())
    .argument("<paths...>", "files, directories, or '-' for a newline-separated list on stdin")
    .action((paths: string[], opts: { format: string; jobs?: number }) =>
      runVerify(paths, opts.format, opts.jobs),
    );
}
