import { existsSync, readdirSync, statSync } from "node:fs";
import { UsageError } from "./exit-codes.js";

/** Refuses to write into an existing non-empty directory (or onto a file) unless `force`. */
export function checkOutputDir(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`${dir} exists and is not a directory`);
  if (!force && readdirSync(dir).length > 0) {
    throw new UsageError(
      `${dir} exists and is not empty: pass --force to write into it (files are overwritten)`,
    );
  }
}
