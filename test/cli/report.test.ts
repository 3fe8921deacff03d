/**
 * report leads with what a TD looks for first: how many files are unreadable, incomplete or invalid, and which;
 * sizes in human units; no 64-hex ids, developer-only sections or project jargon.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import { runCli } from "../catalog/run-cli.js";
import { ensureBuilt, removeTempDirs, tempDir, writeFile, writeSamples } from "./helpers.js";

let db: string;
let truncated: string;
let notExr: string;

beforeAll(async () => {
  ensureBuilt();
  const { dir } = writeSamples("renders");
  const samples = join(dir, "renders");
  const tall = writeExr({
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [63, 199] },
        channels: [{ name: "Y", type: "float" }],
      },
    ],
  });
  truncated = writeFile(dir, "renders/zz_truncated.exr", tall.slice(0, Math.floor(tall.length * 0.6)));
  notExr = writeFile(dir, "renders/zz_not_an_exr.exr", "hello");
  db = join(tempDir(), "report.duckdb");
  const r = await runCli(["scan", "--db", db, "--no-progress", "-j", "0", samples]);
  expect(r.code, r.stderr).toBe(0);
}, 120_000);
afterAll(() => removeTempDirs());

describe("report", () => {
  it("starts with the counts of unreadable, incomplete and invalid files, then lists them", async () => {
    const r = await runCli(["report", "--db", db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^\d+ files, [\d.]+ (B|KB|MB); last inspection \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(lines[1]).toMatch(/^1 unreadable, 1 incomplete, \d+ invalid/);
    const problems = r.stdout.slice(r.stdout.indexOf("== Files with problems =="));
    expect(problems.indexOf(notExr)).toBeGreaterThan(0);
    expect(problems.indexOf(truncated)).toBeGreaterThan(problems.indexOf(notExr)); // unreadable first
    expect(problems).toMatch(
      /unreadable\s+\S+zz_not_an_exr\.exr\s+EXR_BAD_MAGIC|unreadable\s+\S+zz_not_an_exr\.exr\s+EXR_FILE_TOO_SMALL/,
    );
    expect(r.stdout).not.toMatch(/[0-9a-f]{64}/);
    expect(r.stdout).not.toMatch(/seed|embedding|persistence/i);
    expect(r.stdout).toMatch(/\d (KB|MB)/);
    const help = await runCli(["report", "--help"]);
    expect(help.stdout).not.toMatch(/seed/i);
  });

  it("sql tables cut long cells in the middle (--max-width N, --wide for none) and escape control characters", async () => {
    const long = "SELECT repeat('a', 100) || 'END' AS long, 'x' || chr(10) || chr(7) AS ctrl";
    const normal = (await runCli(["sql", "--db", db, long])).stdout.split("\n")[2]!;
    expect(normal).toBe(`${"a".repeat(32)}…${"a".repeat(28)}END  x \\x07`);
    expect(normal.indexOf("  x")).toBe(64);
    const narrow = (await runCli(["sql", "--db", db, "--max-width", "20", long])).stdout.split("\n")[2]!;
    expect(narrow.indexOf("  x")).toBe(20);
    expect(narrow).toContain("END");
    const wide = (await runCli(["sql", "--db", db, "--wide", long])).stdout.split("\n")[2]!;
    expect(wide.startsWith(`${"a".repeat(100)}END`)).toBe(true);
  });

  it("similar's table shows paths, not 64-hex ids", async () => {
    const r = await runCli(["similar", "--db", db, truncated, "-k", "3"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^rank\s+distance\s+path/);
    expect(r.stdout).not.toMatch(/[0-9a-f]{64}/);
  });
});
