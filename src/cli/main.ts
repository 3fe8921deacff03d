#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";

const program = new Command();
program
  .name("exr-inspector")
  .description("Lossless, crash-proof OpenEXR inspection, validation and cataloguing")
  .version("0.1.0")
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // help/version exit 0; every other commander error is a usage error (exit 2).
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`exr-inspector: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
