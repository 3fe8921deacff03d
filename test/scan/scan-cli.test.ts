/**
 * `scan` through the built CLI: Ctrl-C and SIGTERM stop it promptly even when everything fits in one batch
 * (what was inspected is committed; exit 130 / 143), a second Ctrl-C aborts at once; roots that do not exist
 * are errors that store nothing; an empty directory is reported as in `inspect`; paths are stored absolute.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRenderTree } from "../../src/generate/render-tree.js";
import { CLI, runCli, sqlJson } from "../catalog/run-cli.js";
import { ensureBuilt, removeTempDirs, tempDir } from "../cli/helpers.js";
import { startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { vastEnv } from "../vast/client/writer-fleet.js";

let root: string;
let tree: string;
let files: string[];

beforeAll(async () => {
  ensureBuilt();
  root = tempDir("exr-scan-cli-");
  tree = join(root, "tree");
  await generateRenderTree({ root: tree, sequences: 10, frames: 10, seed: 3 });
  files = (readdirSync(tree, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".exr"))
    .map((f) => join(tree, f))
    .sort();
}, 180_000);
afterAll(() => removeTempDirs());

interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/** A scan reading paths from stdin (so it can be kept waiting), the given ones written first. */
function scanFromStdin(args: string[], paths: string[], env: NodeJS.ProcessEnv = process.env): Running {
  const child = spawn(process.execPath, [CLI, "scan", ...args, "--no-progress", "-"], {
    stdio: ["pipe", "pipe", "pipe"],
    env,
  });
  const run: Running = { child, stdout: "", stderr: "", exit: Promise.resolve(null) };
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    run.stdout += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    run.stderr += d;
  });
  run.exit = new Promise((done) => child.on("exit", (code) => done(code)));
  child.stdin!.write(`${paths.join("\n")}\n`);
  return run;
}

function noteDone(db: string): number {
  try {
    return Number(JSON.parse(readFileSync(`${db}.scan.json`, "utf8")).done ?? 0);
  } catch {
    return 0;
  }
}

async function waitFor(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = async (db: string) => Number((await sqlJson(db, "SELECT count(*) AS n FROM files"))[0]!.n);

describe("scan CLI", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s stops a one-batch scan, commits what was inspected, exits %i; a re-run resumes",
    async (signal, code) => {
      const db = join(root, `${signal}.duckdb`);
      const run = scanFromStdin(["--db", db, "-j", "2"], files.slice(0, 20));
      // The paths are inspected while stdin stays open (the walk then waits for more); the scan's note beside
      // the catalog says how many are done.
      await waitFor(() => noteDone(db) >= 20, 60_000);
      const started = Date.now();
      run.child.kill(signal);
      expect(await run.exit).toBe(code);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(run.stdout).toMatch(/scan interrupted/);
      const inspected = Number(/inspected\s+(\d+)/.exec(run.stdout)?.[1]);
      expect(inspected).toBe(20);
      expect(await count(db)).toBe(inspected);
      const again = await runCli(["scan", "--db", db, "--no-progress", tree]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`skipped\\s+${inspected}\\b`));
      expect(await count(db)).toBe(files.length);
    },
    120_000,
  );

  it("a second Ctrl-C aborts at once, even while the first waits on a slow catalog (VAST, 1.5 s per request)", async () => {
    const emu = await startTestEmulator(["--latency-ms", "1500"]);
    try {
      const run = scanFromStdin(
        ["--backend", "vast", "-j", "0"],
        files.slice(0, 40),
        vastEnv(testConfig(emu.url)),
      );
      await new Promise((r) => setTimeout(r, 8000));
      run.child.kill("SIGINT");
      await new Promise((r) => setTimeout(r, 300));
      const started = Date.now();
      run.child.kill("SIGINT");
      expect(await run.exit).toBe(130);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(run.stderr).toMatch(/stopping: committing/);
      expect(run.stderr).toMatch(/aborted at once/);
    } finally {
      await emu.stop();
    }
  }, 60_000);

  it("roots that do not exist are a usage error and store nothing", async () => {
    const db = join(root, "missing.duckdb");
    const r = await runCli(["scan", "--db", db, "/no/such/dir", "typo.exr", tree]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no such file or directory: \/no\/such\/dir, typo\.exr/);
    expect(r.stderr).toMatch(/nothing stored/);
  });

  it("a directory without EXR files says so and exits 1, like inspect", async () => {
    const empty = join(root, "empty");
    mkdirSync(empty, { recursive: true });
    const db = join(root, "empty.duckdb");
    const scan = await runCli(["scan", "--db", db, "--no-progress", empty]);
    const inspect = await runCli(["inspect", empty]);
    expect(inspect.code).toBe(1);
    expect(scan.code).toBe(inspect.code);
    expect(scan.stderr).toContain("no EXR files found");
  });

  it("--batch 0 is rejected", async () => {
    const r = await runCli(["scan", "--db", join(root, "b.duckdb"), "--batch", "0", tree]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/positive integer/);
  });

  it("stores absolute paths whatever the working directory", async () => {
    const db = join(root, "abs.duckdb");
    const rel = relative(process.cwd(), files[0]!);
    const r = await runCli(["scan", "--db", db, "--no-progress", rel]);
    expect(r.code).toBe(0);
    const rows = await sqlJson(db, "SELECT file_path, file_path_normalized FROM files");
    expect(rows).toEqual([{ file_path: files[0], file_path_normalized: files[0] }]);
  });
});
