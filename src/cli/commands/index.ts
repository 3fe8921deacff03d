import type { Command } from "commander";

type Register = (program: Command) => void;

/**
 * Each command lives in its own file and registers itself; listed in the order `--help` shows them. Loaded on
 * demand: a run loads only its own command's module (and so only the packages it uses — no DuckDB, Arrow, Kafka
 * or AWS SDK for `inspect`), while `--help` and an unknown command load them all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  inspect: async () => (await import("./inspect.js")).registerInspect,
  validate: async () => (await import("./validate.js")).registerValidate,
  verify: async () => (await import("./verify.js")).registerVerify,
  stats: async () => (await import("./stats.js")).registerStats,
  sequences: async () => (await import("./sequences.js")).registerSequences,
  db: async () => (await import("./db.js")).registerDb,
  scan: async () => (await import("./scan.js")).registerScan,
  serve: async () => (await import("./serve.js")).registerServe,
  publish: async () => (await import("./publish.js")).registerPublish,
  consume: async () => (await import("./consume.js")).registerConsume,
  doctor: async () => (await import("./doctor.js")).registerDoctor,
  similar: async () => (await import("./similar.js")).registerSimilar,
  sql: async () => (await import("./sql.js")).registerSql,
  report: async () => (await import("./report.js")).registerReport,
  cleanup: async () => (await import("./cleanup.js")).registerCleanup,
  export: async () => (await import("./export.js")).registerExport,
  import: async () => (await import("./import.js")).registerImport,
  generate: async () => (await import("./generate.js")).registerGenerate,
};

/** The command a command line names: its first word that is not an option. */
function commandNamed(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith("-"));
}

/** `exr-inspector --version` alone: commander answers it before any command runs, so none is loaded (0.9 s of CPU). */
function asksOnlyVersion(args: readonly string[]): boolean {
  return args.length === 1 && (args[0] === "--version" || args[0] === "-V");
}

export async function registerCommands(program: Command, args: readonly string[]): Promise<void> {
  if (asksOnlyVersion(args)) return;
  const named = commandNamed(args);
  const wanted = named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  const registers = await Promise.all(wanted.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
}
