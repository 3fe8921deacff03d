/**
 * `scan --policy`: every file's verdicts land in `validation_results`, one row per rule, on DuckDB and on VAST (the
 * emulator); a re-run replaces them; an invalid policy stops the scan before anything is read or stored.
 * The files are the preset cases (test/policy/preset-cases.ts): one passes, each other breaks exactly one rule.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import { loadPolicy } from "../../src/policy/load.js";
import type { Policy } from "../../src/policy/model.js";
import { acesStrictCases } from "../policy/preset-cases.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { cliBuilt, runCli, vastEnv } from "../vast/client/writer-fleet.js";

const STRICT = "aces-container-strict";
const RELAXED = "aces-container-relaxed";
const cases = acesStrictCases();
let dir: string;
let tree: string;
/** The file breaking each rule (null: the passing file). */
const fileOf = new Map<string | null, string>();
let strict: Policy;
let emu: EmulatorHandle;

async function preset(name: string): Promise<Policy> {
  const loaded = await loadPolicy(name);
  if (!loaded.ok) throw new Error(`preset ${name} must load`);
  return loaded.value;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-scan-policy-"));
  tree = path.join(dir, "tree");
  for (const [i, c] of cases.entries()) {
    const sub = path.join(tree, `case${String(i).padStart(2, "0")}`);
    await mkdir(sub, { recursive: true });
    const file = path.join(sub, c.fileName);
    await writeFile(file, writeExr(c.spec));
    fileOf.set(c.breaks, file);
  }
  strict = await preset(STRICT);
  if (cliBuilt) emu = await startTestEmulator();
}, 120_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Backend {
  name: string;
  args: () => string[];
  env: () => NodeJS.ProcessEnv;
}

const BACKENDS: Backend[] = [
  { name: "duckdb", args: () => ["--db", path.join(dir, "catalog.duckdb")], env: () => ({}) },
  {
    name: "vast (emulator)",
    args: () => ["--backend", "vast"],
    env: () => vastEnv(testConfig(emu.url, "scan_policy")),
  },
];

describe.skipIf(!cliBuilt).each(BACKENDS)("scan --policy on $name", (backend) => {
  const cli = (args: string[]) => runCli([...args, ...backend.args()], { ...process.env, ...backend.env() });
  const sql = async (query: string) => {
    const r = await cli(["sql", "--format", "json", query]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>[];
  };
  const byRule = (policy: string) =>
    sql(`SELECT rule_id, severity, count(*) AS files, count(*) FILTER (WHERE outcome = 'fail') AS failed,
       count(*) FILTER (WHERE outcome = 'pass') AS passed, count(DISTINCT checked_at) AS runs
FROM validation_results WHERE policy_id = '${policy}' GROUP BY ALL ORDER BY rule_id`);

  it("stores one verdict per file and rule; a re-run replaces them; another policy's stay beside", async () => {
    const scan = await cli(["scan", tree, "--policy", STRICT, "-j", "2", "--no-progress"]);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toMatch(new RegExp(`inspected\\s+${cases.length} \\(new ${cases.length}`));
    const expected = strict.rules
      .map((r) => ({
        rule_id: r.id,
        severity: r.severity,
        files: cases.length,
        failed: 1,
        passed: cases.length - 1,
        runs: 1,
      }))
      .sort((a, b) => (a.rule_id < b.rule_id ? -1 : 1));
    expect(await byRule(STRICT)).toEqual(expected);
    const [failure] =
      await sql(`SELECT f.file_path, v.severity, v.message, v.expected, v.actual, v.suggested_fix
FROM validation_results v JOIN current_files f USING (file_id)
WHERE v.policy_id = '${STRICT}' AND v.rule_id = 'aces.compression' AND v.outcome = 'fail'`);
    const rule = strict.rules.find((r) => r.id === "aces.compression")!;
    expect(failure).toEqual({
      file_path: fileOf.get("aces.compression"),
      severity: "error",
      message: rule.message,
      expected: "none",
      actual: "piz",
      suggested_fix: rule.suggested_fix,
    });

    // Unchanged files are judged again (not skipped): the verdicts are this run's, not added to the last.
    const again = await cli(["scan", tree, "--policy", STRICT, "-j", "0", "--no-progress"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/skipped\s+0/);
    expect(await byRule(STRICT)).toEqual(expected);

    const relaxed = await cli(["scan", tree, "--policy", RELAXED, "-j", "0", "--no-progress"]);
    expect(relaxed.code, relaxed.stderr).toBe(0);
    expect(await byRule(STRICT)).toEqual(expected);
    const relaxedPolicy = await preset(RELAXED);
    const relaxedRules = await byRule(RELAXED);
    expect(relaxedRules.map((r) => r.rule_id)).toEqual(relaxedPolicy.rules.map((r) => r.id).sort());
    expect(relaxedRules.find((r) => r.rule_id === "aces.container-flag")).toMatchObject({
      severity: "warning",
      failed: 1,
    });
    // A plain scan leaves the verdicts alone.
    expect((await cli(["scan", tree, "-j", "0", "--no-progress"])).code).toBe(0);
    expect(await byRule(STRICT)).toEqual(expected);
  }, 240_000);
});

describe.skipIf(!cliBuilt)("scan --policy with an invalid policy", () => {
  it("exits 2 with the problem's location before anything is read or stored", async () => {
    const bad = path.join(dir, "bad.yaml");
    await writeFile(bad, "id: bad\nrules:\n  - id: r1\n    severity: fatal\n");
    const db = path.join(dir, "never.duckdb");
    const r = await runCli(["scan", tree, "--db", db, "--policy", bad, "--no-progress"], process.env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/invalid policy: .*bad\.yaml:4:15: \/rules\/0\/severity: must be one of/);
    expect(existsSync(db)).toBe(false);
  });
});
