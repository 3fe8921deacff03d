/**
 * The CLI on VAST exactly as on DuckDB (`--backend vast`, configured by VAST_DB_* variables), end to end against
 * an emulator that checks credentials; secrets never appear in any output, not even partially.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { type CliRun, cliBuilt, runCli, vastEnv } from "../vast/client/writer-fleet.js";

const ACCESS = "test-access";
const SECRET = "test-secret-key-value";
const WRONG_ACCESS = "Wr0ngAcc3ssKq4Jv";
const WRONG_SECRET = "Wr0ngS3cr3tQx7Zk";

let emu: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  if (!cliBuilt) return;
  emu = await startTestEmulator(["--access-key", ACCESS, "--secret-key", SECRET]);
  dir = await mkdtemp(path.join(tmpdir(), "exr-vast-cli-"));
  const gen = await runCli(
    ["generate", path.join(dir, "tree"), "--sequences", "3", "--frames", "2"],
    process.env,
  );
  expect(gen.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every 4-character window of `secret` absent from the run's output. */
function expectNoSecret(run: CliRun, secret: string): void {
  const text = run.stdout + run.stderr;
  for (let i = 0; i + 4 <= secret.length; i++) expect(text).not.toContain(secret.slice(i, i + 4));
}

describe.skipIf(!cliBuilt)("CLI with --backend vast", () => {
  it("db init, scan, sql, similar, report, cleanup, export and import work as on DuckDB", async () => {
    const config = testConfig(emu.url);
    const env = vastEnv(config);
    const vast = ["--backend", "vast"];
    const ok = async (args: string[], e = env) => {
      const run = await runCli(args, e);
      expect(run.stderr, args.join(" ")).not.toMatch(/Error|error:/);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
      expectNoSecret(run, SECRET);
      return run.stdout;
    };
    expect(await ok(["db", "init", ...vast])).toMatch(/catalog ready: .*\(vast\); files 0/);
    const tree = path.join(dir, "tree");
    expect(await ok(["scan", tree, ...vast, "-j", "0", "--no-progress"])).toMatch(/inspected\s+6 \(new 6/);
    expect(await ok(["scan", tree, ...vast, "-j", "0", "--no-progress"])).toMatch(/skipped\s+6/);
    const counted = JSON.parse(
      await ok([
        "sql",
        ...vast,
        "--format",
        "json",
        "SELECT count(*) AS n, sum(inspection_count) AS c FROM files",
      ]),
    );
    expect(counted).toEqual([{ n: 6, c: 6 }]);
    const files = JSON.parse(
      await ok(["sql", ...vast, "--format", "json", "SELECT file_path FROM files ORDER BY 1"]),
    );
    const similar = await ok(["similar", ...vast, files[0].file_path, "-k", "2", "--format", "json"]);
    expect(JSON.parse(similar)).toHaveLength(2);
    expect(await ok(["report", ...vast])).toMatch(
      /0 unreadable, 0 incomplete, 0 invalid[\s\S]*Most recently inspected/,
    );
    expect(await ok(["cleanup", ...vast, "--older-than", "6mo", "--dry-run"])).toMatch(
      /would remove 0 files/,
    );
    const exported = path.join(dir, "export");
    await ok(["export", ...vast, exported]);
    expect((await readdir(exported)).sort()).toContain("files.parquet");
    const restored = vastEnv(testConfig(emu.url));
    await ok(["import", ...vast, exported], restored);
    const again = JSON.parse(
      await ok(
        ["sql", ...vast, "--format", "json", "SELECT count(*) AS n, sum(inspection_count) AS c FROM files"],
        restored,
      ),
    );
    expect(again).toEqual(counted);
  }, 300_000);

  it("wrong credentials fail with Forbidden and no key appears in the output", async () => {
    const env = {
      ...vastEnv(testConfig(emu.url)),
      VAST_DB_ACCESS_KEY: WRONG_ACCESS,
      VAST_DB_SECRET_KEY: WRONG_SECRET,
    };
    const run = await runCli(["sql", "--backend", "vast", "SELECT 1"], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/403|Forbidden|AccessDenied|SignatureDoesNotMatch/i);
    expectNoSecret(run, WRONG_SECRET);
    expectNoSecret(run, WRONG_ACCESS);
    expectNoSecret(run, SECRET);
  }, 120_000);

  it("missing configuration names the variables, never their values", async () => {
    const env = { ...vastEnv(testConfig(emu.url)), VAST_DB_ENDPOINT: "" };
    const run = await runCli(["sql", "--backend", "vast", "SELECT 1"], env);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/VAST_DB_ENDPOINT/);
    expectNoSecret(run, SECRET);
  }, 120_000);
});
