import type { Command } from "commander";
import { registerInspect } from "./inspect.js";
import { registerValidate } from "./validate.js";

/** Each command lives in its own file and registers itself here (one line per command). */
export function registerCommands(program: Command): void {
  registerInspect(program);
  registerValidate(program);
}
