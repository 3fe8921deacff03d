#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { stuckOperations } from "../io/stuck-operations.js";
import { registerCommands } from "./commands/index.js";
import { EXIT, exitCodeForError } from "./exit-codes.js";
import { escapeControl } from "./output/escape.js";

const program = new Command();
program
  .name("exr-inspector")
  .description("Lossless, crash-proof OpenEXR inspection, validation and cataloguing")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  .addHelpText(
    "after",
    "\nExit codes: 0 ok, 1 files invalid/incomplete/unreadable (or none found), 2 usage error, " +
      "3 runtime failure (catalog unreachable, locked, not permitted), 130 Ctrl-C, 137 a read never returned " +
      "(hung mount), 143 SIGTERM. See docs/codes.md.",
  );

/** No top-level await: the build also bundles this entry as one CommonJS script (tools/bundle.ts), run with its code cache. */
async function main(): Promise<void> {
  await registerCommands(program, process.argv.slice(2));
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help/version exit 0; every other commander error is a usage error (exit 2).
      process.exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    } else {
      const message = err instanceof Error ? err.message : String(err);
      // Line by line: a multi-line message (DuckDB's error with the query and a caret) stays readable, and no
      // other control character from it reaches the terminal.
      process.stderr.write(`exr-inspector: ${message.split("\n").map(escapeControl).join("\n")}\n`);
      process.exitCode = exitCodeForError(err);
    }
  }
  // A read given up on a hung mount stays stuck in a thread, and exiting waits for every thread: end at once.
  if (stuckOperations() > 0) {
    process.stderr.write(
      `exr-inspector: ${stuckOperations()} read(s) never returned (a hung mount?): ending the process (exit ${EXIT.STUCK_READ})\n`,
    );
    process.kill(process.pid, "SIGKILL");
  }
}

void main();
