/**
 * `scan --stats`: every file's pixel statistics land in `stats` / `part_stats` equal to what `exr-inspector stats`
 * prints, on DuckDB and on VAST (the emulator); a file catalogued without statistics gets them on a --stats re-scan;
 * an unchanged file with statistics is skipped (no duplicates); pixel rules of a policy are judged.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import type { ExrSpec } from "../../src/core/write/spec.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { cliBuilt, runCli, vastEnv } from "../vast/client/writer-fleet.js";

let dir: string;
let tree: string;
let policyFile: string;
let emu: EmulatorHandle;
const files: string[] = [];

/** RGB half + Z float, zip, 30x20; `nan`: R is NaN at one pixel. */
function spec(seed: number, nan: boolean): ExrSpec {
  return {
    deflate: (d) => deflateSync(d),
    parts: [
      {
        type: "scanlineimage",
        dataWindow: { min: [0, 0], max: [29, 19] },
        compression: "zip",
        channels: [
          { name: "B", type: "half" },
          { name: "G", type: "half" },
          { name: "R", type: "half" },
          { name: "Z", type: "float" },
        ],
        pixel: (c, x, y) =>
          nan && c === "R" && x === 3 && y === 4
            ? Number.NaN
            : ((x * 3 + y * 5 + seed + c.charCodeAt(0)) % 17) / 4,
      },
    ],
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-scan-stats-"));
  tree = path.join(dir, "tree");
  await mkdir(tree, { recursive: true });
  for (const [i, nan] of [false, true, false].entries()) {
    const file = path.join(tree, `beauty.${1001 + i}.exr`);
    await writeFile(file, writeExr(spec(i, nan)));
    files.push(file);
  }
  policyFile = path.join(dir, "finite.json");
  await writeFile(
    policyFile,
    JSON.stringify({
      id: "finite",
      title: "finite colour",
      rules: [
        {
          id: "finite.color",
          severity: "error",
          message: "colour channels hold NaN or Inf",
          suggested_fix: "render again",
          check: { kind: "finite_pixels", channels: "color" },
        },
      ],
    }),
  );
  if (cliBuilt) emu = await startTestEmulator();
}, 120_000);
afterAll(async () => {
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const BACKENDS = [
  { name: "duckdb", args: () => ["--db", path.join(dir, "catalog.duckdb")], env: () => ({}) },
  {
    name: "vast (emulator)",
    args: () => ["--backend", "vast"],
    env: () => vastEnv(testConfig(emu.url, "scan_stats")),
  },
];

interface StatsDoc {
  path: string;
  parts: {
    part_index: number;
    pixel_hash: string;
    monochrome: boolean | null;
    levels: { level: [number, number]; channels: Record<string, unknown>[] }[];
  }[];
}

describe.skipIf(!cliBuilt).each(BACKENDS)("scan --stats on $name", (backend) => {
  const cli = (args: string[]) => runCli([...args, ...backend.args()], { ...process.env, ...backend.env() });
  const sql = async (query: string) => {
    const r = await cli(["sql", "--format", "json", query]);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>[];
  };
  const storedStats = () =>
    sql(`SELECT f.file_path, s.part_index, s.level_x, s.level_y, s.channel_name AS name, s.type, s.min, s.max,
       s.mean, s.stddev, s.nan_count, s.inf_count, s.finite_count, s.constant, s.computed_at
FROM stats s JOIN current_files f USING (file_id) ORDER BY f.file_path, s.channel_name`);

  it("stores what `stats` prints; re-scans neither skip files lacking statistics nor duplicate them", async () => {
    const plain = await cli(["scan", tree, "-j", "2", "--no-progress"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(await sql("SELECT count(*) AS n FROM stats")).toEqual([{ n: 0 }]);

    // Catalogued without statistics: a --stats re-scan inspects the unchanged files again to get them.
    const withStats = await cli(["scan", tree, "--stats", "-j", "2", "--no-progress"]);
    expect(withStats.code, withStats.stderr).toBe(0);
    expect(withStats.stdout).toMatch(/skipped\s+0/);
    const printed = await runCli(["stats", "--format", "ndjson", ...files], process.env);
    const docs = printed.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as StatsDoc);
    const expected = docs
      .flatMap((d) =>
        d.parts.flatMap((p) =>
          p.levels.flatMap((l) =>
            l.channels.map(
              (c): Record<string, unknown> => ({
                file_path: d.path,
                part_index: p.part_index,
                level_x: l.level[0],
                level_y: l.level[1],
                ...c,
              }),
            ),
          ),
        ),
      )
      .sort((a, b) => (`${a.file_path} ${String(a.name)}` < `${b.file_path} ${String(b.name)}` ? -1 : 1));
    const stored = await storedStats();
    expect(stored.map(({ computed_at, ...row }) => row)).toEqual(expected);
    expect(stored.find((r) => r.name === "R" && r.nan_count === 1)?.file_path).toBe(files[1]);
    const hashes = await sql(
      "SELECT f.file_path AS path, p.pixel_hash, p.monochrome FROM part_stats p JOIN current_files f USING (file_id) ORDER BY 1",
    );
    expect(hashes).toEqual(
      docs.map((d) => ({
        path: d.path,
        pixel_hash: d.parts[0]!.pixel_hash,
        monochrome: d.parts[0]!.monochrome,
      })),
    );
    expect(new Set(hashes.map((h) => h.pixel_hash)).size).toBe(3);

    // Unchanged files that have statistics are skipped: the rows stay exactly as they were.
    const again = await cli(["scan", tree, "--stats", "-j", "0", "--no-progress"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/skipped\s+3/);
    expect(await storedStats()).toEqual(stored);

    // --force re-decodes and replaces (never adds to) each file's rows.
    const forced = await cli(["scan", tree, "--stats", "--force", "-j", "2", "--no-progress"]);
    expect(forced.code, forced.stderr).toBe(0);
    const replaced = await storedStats();
    expect(replaced.map(({ computed_at, ...row }) => row)).toEqual(expected);
    expect(await sql("SELECT count(*) AS n FROM part_stats")).toEqual([{ n: 3 }]);

    // A policy's pixel rule is judged with --stats, and stays "needs_stats" without.
    const judged = await cli(["scan", tree, "--stats", "--policy", policyFile, "-j", "2", "--no-progress"]);
    expect(judged.code, judged.stderr).toBe(0);
    const verdicts = () =>
      sql(`SELECT f.file_path, v.outcome FROM validation_results v JOIN current_files f USING (file_id)
WHERE v.policy_id = 'finite' ORDER BY 1`);
    expect(await verdicts()).toEqual(
      files.map((f, i) => ({ file_path: f, outcome: i === 1 ? "fail" : "pass" })),
    );
    const unjudged = await cli(["scan", tree, "--policy", policyFile, "-j", "0", "--no-progress"]);
    expect(unjudged.code, unjudged.stderr).toBe(0);
    expect(await verdicts()).toEqual(files.map((f) => ({ file_path: f, outcome: "needs_stats" })));
  }, 240_000);
});
