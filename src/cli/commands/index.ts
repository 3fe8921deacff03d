import type { Command } from "commander";
import { registerCleanup } from "./cleanup.js";
import { registerConsume } from "./consume.js";
import { registerDb } from "./db.js";
import { registerDoctor } from "./doctor.js";
import { registerExport } from "./export.js";
import { registerGenerate } from "./generate.js";
import { registerImport } from "./import.js";
import { registerInspect } from "./inspect.js";
import { registerPublish } from "./publish.js";
import { registerReport } from "./report.js";
import { registerScan } from "./scan.js";
import { registerSequences } from "./sequences.js";
import { registerServe } from "./serve.js";
import { registerSimilar } from "./similar.js";
import { registerSql } from "./sql.js";
import { registerStats } from "./stats.js";
import { registerValidate } from "./validate.js";
import { registerVerify } from "./verify.js";

/** Each command lives in its own file and registers itself here, in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerInspect(program);
  registerValidate(program);
  registerVerify(program);
  registerStats(program);
  registerSequences(program);
  registerDb(program);
  registerScan(program);
  registerServe(program);
  registerPublish(program);
  registerConsume(program);
  registerDoctor(program);
  registerSimilar(program);
  registerSql(program);
  registerReport(program);
  registerCleanup(program);
  registerExport(program);
  registerImport(program);
  registerGenerate(program);
}
