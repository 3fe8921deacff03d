/**
 * Multi-process writer fixtures: a tree of N small EXR files, and `exr-inspector scan --backend vast` processes
 * (the built CLI) pointed at an emulator.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { sampleFiles } from "../../../src/core/write/sample-files.js";
import type { VastConfig } from "../../../src/vast/client/config.js";

export const CLI = path.resolve(import.meta.dirname, "../../../dist/cli/launch.cjs");
export const cliBuilt = existsSync(CLI);

/** Writes `n` copies of the smallest sample EXR (distinct paths → distinct catalog files) in 10 folders. */
export async function writeTree(dir: string, n: number): Promise<void> {
  const smallest = sampleFiles().reduce((a, b) => (a.bytes.length <= b.bytes.length ? a : b));
  for (let i = 0; i < n; i++) {
    const sub = path.join(dir, `shot${i % 10}`);
    if (i < 10) await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, `frame.${String(i).padStart(4, "0")}.exr`), smallest.bytes);
  }
}

export function vastEnv(config: VastConfig): NodeJS.ProcessEnv {
  return {
    ...process.env,
    VAST_DB_ENDPOINT: config.endpoint.origin,
    VAST_DB_ACCESS_KEY: config.accessKey,
    VAST_DB_SECRET_KEY: config.secretKey,
    VAST_DB_BUCKET: config.bucket,
    VAST_DB_SCHEMA: config.schema,
  };
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliRun>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done;
}

/** `scan DIR` on VAST, one process, main-thread inspection, small transactions. */
export function scanArgs(dir: string, batch = 250): string[] {
  return ["scan", dir, "--backend", "vast", "--force", "-j", "0", "--batch", String(batch), "--no-progress"];
}
