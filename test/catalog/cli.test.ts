/** The catalog commands end to end through the built CLI, on a generated render tree (no corpus needed). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATEST_SCHEMA_VERSION } from "../../src/catalog/duckdb/schema.js";
import { type GeneratedTree, generateRenderTree } from "../../src/generate/render-tree.js";
import { runCli, sqlJson } from "./run-cli.js";

let dir: string;
let tree: GeneratedTree;
let db: string;
const counts = (database: string) =>
  sqlJson(
    database,
    "SELECT (SELECT count(*) FROM files) f, (SELECT count(*) FROM parts) p, (SELECT count(*) FROM channels) c, (SELECT count(*) FROM attributes) a",
  );

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-cli-catalog-"));
  tree = await generateRenderTree({ root: path.join(dir, "tree"), sequences: 12, frames: 3, seed: 11 });
  db = path.join(dir, "catalog.duckdb");
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("catalog CLI", () => {
  it("db init creates the schema at the --db path or $EXR_INSPECTOR_DB", async () => {
    const viaEnv = path.join(dir, "env.duckdb");
    const r = await runCli(["db", "init"], { EXR_INSPECTOR_DB: viaEnv });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(viaEnv);
    const v = await sqlJson(viaEnv, "SELECT max(version) AS v FROM exr_metadata.schema_migrations");
    expect(v).toEqual([{ v: LATEST_SCHEMA_VERSION }]);
  });

  it("scan with worker threads catalogues the tree and prints a summary", async () => {
    const r = await runCli(["scan", path.join(dir, "tree"), "--db", db, "--jobs", "2", "--batch", "10"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`inspected   ${tree.files} (new ${tree.files}, re-inspected 0)`);
    expect(r.stdout).toMatch(/files\/s/);
    expect(r.stderr).not.toMatch(/Error/);
    const again = await runCli(["scan", path.join(dir, "tree"), "--db", db, "--no-progress"]);
    expect(again.stdout).toContain(`skipped     ${tree.files}`);
  });

  it("similar finds files of the same renderer and pass kind first", async () => {
    const seq = tree.sequences.find((s) => s.pass === "beauty")!;
    const file = path.join(dir, "tree", seq.dir, seq.pattern.replace("####", "1002"));
    const r = await runCli(["similar", file, "-k", "4", "--db", db, "--format", "json"]);
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.stdout) as { file_id: string; file_path: string; distance: number }[];
    expect(hits).toHaveLength(4);
    expect(hits.map((h) => h.file_path)).not.toContain(file);
    const distances = hits.map((h) => h.distance);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    // The other frames of the same sequence are the nearest.
    expect(hits.slice(0, 2).every((h) => h.file_path.includes(seq.dir))).toBe(true);
    const byId = await runCli(["similar", hits[0]!.file_id, "-k", "2", "--db", db]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain("distance");
  });

  it("sql prints table, json and csv, and refuses writes", async () => {
    const csv = await runCli([
      "sql",
      "--db",
      db,
      "--format",
      "csv",
      "SELECT render_software, count(*) AS n FROM exr_metadata.parts GROUP BY 1 ORDER BY 1",
    ]);
    expect(csv.stdout.split("\r\n")[0]).toBe("render_software,n");
    expect(csv.stdout).toContain("Arnold,");
    const table = await runCli(["sql", "--db", db, "SELECT 1 AS one"]);
    expect(table.stdout).toContain("one");
    expect(table.stdout).toContain("(1 row)");
    for (const write of [
      "DELETE FROM exr_metadata.files",
      "DROP TABLE exr_metadata.parts",
      "SELECT 1; UPDATE exr_metadata.files SET inspection_count = 0",
    ]) {
      const r = await runCli(["sql", "--db", db, write]);
      expect(r.code, write).toBe(2);
      expect(r.stderr, write).toMatch(/read-only/);
    }
    expect(await counts(db)).toEqual([expect.objectContaining({ f: tree.files })]);
  });

  it("report shows problems first, then the make-up of the catalog", async () => {
    const r = await runCli(["report", "--db", db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${tree.files} files, [\\d.]+ [KMG]B; last inspection `));
    for (const title of [
      "0 unreadable, 0 incomplete, 0 invalid",
      "Compression",
      "Renderers",
      "File sizes",
      "Most common channels",
      "Most recently inspected",
    ]) {
      expect(r.stdout).toContain(title);
    }
  });

  it("export and import round-trip the catalog", async () => {
    const out = path.join(dir, "backup");
    expect((await runCli(["export", "--db", db, out])).code).toBe(0);
    const restored = path.join(dir, "restored.duckdb");
    const r = await runCli(["import", "--db", restored, out]);
    expect(r.code).toBe(0);
    expect(await counts(restored)).toEqual(await counts(db));
    const q =
      "SELECT file_id, metadata_embedding, last_inspected, mtime, inspection_count FROM files ORDER BY file_id";
    expect(await sqlJson(restored, q)).toEqual(await sqlJson(db, q));
  });

  it("cleanup --dry-run counts, cleanup removes files and their children", async () => {
    const before = await counts(db);
    const dry = await runCli(["cleanup", "--db", db, "--older-than", "0s", "--dry-run"]);
    expect(dry.stdout).toContain(`would remove ${tree.files} files`);
    expect(await counts(db)).toEqual(before);
    const bad = await runCli(["cleanup", "--db", db, "--older-than", "six months"]);
    expect(bad.code).toBe(2);
    const refused = await runCli(["cleanup", "--db", db, "--older-than", "0s"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes/);
    expect(await counts(db)).toEqual(before);
    const done = await runCli(["cleanup", "--db", db, "--older-than", "0s", "--yes"]);
    expect(done.stdout).toContain(`removed ${tree.files} files`);
    expect(await counts(db)).toEqual([{ f: 0, p: 0, c: 0, a: 0 }]);
  });
});
