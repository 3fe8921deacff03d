import { type Command, InvalidArgumentError } from "commander";
import { generateRenderTree } from "../../generate/render-tree.js";
import { checkOutputDir } from "../output-dir.js";
import { progressLine } from "../progress-line.js";

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function atLeastZero(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
}

interface GenerateCliOptions {
  sequences: number;
  frames: number;
  seed: number;
  gaps?: number;
  duplicates?: number;
  incomplete?: number;
  odd?: number;
  force?: boolean;
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("write a realistic synthetic render tree of valid EXR files (tests, benchmarks, demos)")
    .argument("<dir>", "output directory (an existing non-empty one needs --force)")
    .option("--force", "write into an existing non-empty directory, overwriting files of the same names")
    .option("--sequences <n>", "frame sequences", count, 48)
    .option("--frames <n>", "frames per sequence", count, 10)
    .option("--seed <n>", "random seed (same seed, same tree)", count, 1)
    .option("--gaps <n>", "frames left out of every sequence", atLeastZero)
    .option(
      "--duplicates <n>",
      "frames of every sequence also written with one more digit of padding",
      atLeastZero,
    )
    .option("--incomplete <n>", "frames of every sequence cut to a third of their bytes", atLeastZero)
    .option("--odd <n>", "frames of every sequence with an extra channel", atLeastZero)
    .action(async (dir: string, options: GenerateCliOptions) => {
      checkOutputDir(dir, options.force === true);
      const { sequences, frames, seed, gaps, duplicates, incomplete, odd } = options;
      const wantsDefects = [gaps, duplicates, incomplete, odd].some((n) => n !== undefined);
      const defects = {
        gaps: gaps ?? 0,
        duplicates: duplicates ?? 0,
        incomplete: incomplete ?? 0,
        odd: odd ?? 0,
      };
      const progress = progressLine("generate");
      const total = sequences * frames;
      const tree = await generateRenderTree({
        root: dir,
        sequences,
        frames,
        seed,
        ...(wantsDefects ? { defects } : {}),
        onFile: (n) =>
          progress.update(`${n.toLocaleString("en-US")} of ~${total.toLocaleString("en-US")} files`),
      }).finally(() => progress.done());
      process.stdout.write(
        `generated ${tree.files} files in ${tree.sequences.length} sequences under ${dir} ` +
          `(${(tree.bytes / 1048576).toFixed(1)} MiB)\n`,
      );
    });
}
