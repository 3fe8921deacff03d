import { type Command, Option } from "commander";
import { JsonOutput, prettyJson } from "../output/json.js";
import { statsDocument, statsText } from "../output/pixel-output.js";
import { exitCodeOf, writeOut } from "../output/run.js";
import { pixelJobsOption, runPixelReports } from "./pixel-run.js";

export function registerStats(program: Command): void {
  program
    .command("stats")
    .description(
      "decode every chunk and print per part, level and channel: min, max, mean, stddev (finite values), NaN/Inf/finite " +
        "counts, constant; per part monochrome and a pixel hash. Exit 0: all sound; 1: any damaged",
    )
    .addOption(
      new Option("-f, --format <format>", "text | json | ndjson ({path, parts, findings} per line)")
        .choices(["text", "json", "ndjson"])
        .default("text"),
    )
    .addOption(pixelJobsOption())
    .argument("<paths...>", "files, directories, or '-' for a newline-separated list on stdin")
    .action(async (paths: string[], opts: { format: string; jobs?: number }) => {
      const json = new JsonOutput(writeOut);
      const summary = await runPixelReports(
        paths,
        true,
        (r) => {
          if (opts.format === "text") return writeOut(statsText(r));
          if (opts.format === "ndjson") return writeOut(`${JSON.stringify(statsDocument(r))}\n`);
          return json.add(prettyJson(statsDocument(r), "  "));
        },
        opts.jobs,
      );
      if (opts.format === "json") await json.end();
      process.exitCode = exitCodeOf(summary);
    });
}
