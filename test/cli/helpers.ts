import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { deflateSync } from "node:zlib";
import { sampleFiles } from "../../src/core/write/sample-files.js";

export const CLI = resolve("dist/cli/launch.cjs");

const made: string[] = [];

/** A fresh temp dir, removed by `removeTempDirs()` (call it in afterAll). */
export function tempDir(prefix = "exr-cli-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The CLI tests run the built JS; `npm test` builds first, a bare `vitest run` builds here when dist is missing. */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return;
  const r = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { encoding: "utf8" });
  if (!existsSync(CLI)) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], stdin?: string): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

export const deflate = (b: Uint8Array) => new Uint8Array(deflateSync(b));

/** Writes every writer sample file into a fresh temp dir (optionally a sub-folder); returns the dir. */
export function writeSamples(sub = ""): { dir: string; names: string[] } {
  const dir = tempDir();
  const names: string[] = [];
  for (const f of sampleFiles(deflate)) {
    const p = join(dir, sub, f.name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.bytes);
    names.push(join(sub, f.name));
  }
  return { dir, names };
}

export function writeFile(dir: string, name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, bytes);
  return p;
}

export const ndjson = (out: string) =>
  out
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
