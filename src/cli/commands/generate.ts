import { type Command, InvalidArgumentError } from "commander";
import { generateRenderTree } from "../../generate/render-tree.js";

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

export function registerGenerate(program: Command): void {
  program
    .command("generate")
    .description("write a realistic synthetic render tree of valid EXR files (tests, benchmarks, demos)")
    .argument("<dir>", "output directory")
    .option("--sequences <n>", "frame sequences", count, 48)
    .option("--frames <n>", "frames per sequence", count, 10)
    .option("--seed <n>", "random seed (same seed, same tree)", count, 1)
    .action(async (dir: string, options: { sequences: number; frames: number; seed: number }) => {
      const tree = await generateRenderTree({ root: dir, ...options });
      process.stdout.write(
        `generated ${tree.files} files in ${tree.sequences.length} sequences under ${dir} ` +
          `(${(tree.bytes / 1048576).toFixed(1)} MiB)\n`,
      );
    });
}
