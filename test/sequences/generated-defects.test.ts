import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GeneratedTree, generateRenderTree } from "../../src/generate/render-tree.js";
import type { SequenceReport } from "../../src/sequences/analyze.js";
import { runCli } from "../catalog/run-cli.js";

const FIRST = 1001;
const FRAMES = 14;

let dir: string;
let tree: GeneratedTree;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-sequences-"));
  tree = await generateRenderTree({
    root: path.join(dir, "tree"),
    sequences: 24,
    frames: FRAMES,
    seed: 5,
    defects: { gaps: 2, duplicates: 1, incomplete: 2, odd: 2 },
  });
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the report must say, from the generator's record of what it wrote (not from reading the files). */
function expected(): SequenceReport[] {
  return tree.sequences
    .map((seq) => {
      const d = seq.defects;
      if (!d) throw new Error("the generator did not record its defects");
      return {
        directory: path.join(tree.root, seq.dir),
        pattern: seq.pattern,
        first: FIRST,
        last: FIRST + FRAMES - 1,
        count: FRAMES - d.missing.length,
        missing: d.missing,
        duplicates: d.duplicates,
        incomplete: d.incomplete,
        odd: d.odd.map((frame) => ({ frame, differs: ["channels"] })),
        // A frame cut to a third of its bytes is also far smaller than its neighbours.
        size_outliers: d.incomplete,
      } as SequenceReport;
    })
    .sort((a, b) => (a.directory < b.directory ? -1 : 1));
}

describe("sequences on a generated tree with known defects", () => {
  it("the generator put every defect on distinct interior frames", () => {
    for (const seq of tree.sequences) {
      const all = Object.values(seq.defects ?? {}).flat();
      expect(new Set(all).size).toBe(7);
      expect(Math.min(...all)).toBeGreaterThan(FIRST);
      expect(Math.max(...all)).toBeLessThan(FIRST + FRAMES - 1);
    }
  });

  it("reads the files and reports every defect exactly (JSON)", async () => {
    const r = await runCli(["sequences", "--format", "json", tree.root]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(expected());
  });

  it("reports the same from the catalog without reading the files", async () => {
    const db = path.join(dir, "catalog.duckdb");
    const scan = await runCli(["scan", "--db", db, "--no-progress", tree.root]);
    expect(scan.code, scan.stderr).toBe(0);
    const r = await runCli(["sequences", "--db", db, "--format", "json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(expected());
    const text = await runCli(["sequences", "--db", db, `${tree.root}/`]);
    const local = await runCli(["sequences", tree.root]);
    expect(text.stdout).toBe(local.stdout);
    const first = expected()[0] as SequenceReport;
    expect(text.stdout).toContain(
      `${first.pattern.replace("####", `[${FIRST}-${FIRST + FRAMES - 1}]`)}  ${first.count} frames  missing `,
    );
  });

  it("exits 0 on a clean tree and 2 without paths", async () => {
    const clean = path.join(dir, "clean");
    await generateRenderTree({ root: clean, sequences: 2, frames: 3, seed: 1 });
    const r = await runCli(["sequences", clean]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n").filter((l) => l.startsWith("  "))).toHaveLength(2);
    expect((await runCli(["sequences"])).code).toBe(2);
  });
});
