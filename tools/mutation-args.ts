/** The options `tools/mutation.ts` reads itself, and the rest, which go to Stryker unchanged and in order. */
export interface MutationArgs {
  check: boolean;
  reportOnly: boolean;
  last: boolean;
  /** `--tests "glob,glob"`: the only test files the run uses. */
  tests: string | undefined;
  strykerArgs: string[];
}

export function splitMutationArgs(argv: readonly string[]): MutationArgs {
  const own = new Set(["--check", "--report-only", "--last"]);
  const strykerArgs: string[] = [];
  let tests: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--tests") {
      tests = argv[i + 1];
      i++;
    } else if (!own.has(arg)) {
      strykerArgs.push(arg);
    }
  }
  return {
    check: argv.includes("--check"),
    reportOnly: argv.includes("--report-only"),
    last: argv.includes("--last"),
    tests,
    strykerArgs,
  };
}
