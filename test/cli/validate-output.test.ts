/**
 * validate's text output for people: one line per file for big runs (directories, stdin, many files),
 * --quiet for failures only, a truncated file reported once (where it ends, which chunks are missing), and no
 * cascade of EXR_MISSING_REQUIRED_ATTRIBUTE after a cut header; ndjson keeps every finding.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExr } from "../../src/core/write/index.js";
import { ensureBuilt, ndjson, removeTempDirs, runCli, tempDir, writeFile } from "./helpers.js";

let dir: string;
let good: string;
let truncated: string;
let headerCut: string;

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});

beforeAll(() => {
  ensureBuilt();
  dir = tempDir("exr-validate-out-");
  const tall = writeExr({
    parts: [
      { type: "scanlineimage", dataWindow: box(0, 0, 63, 199), channels: [{ name: "Y", type: "float" }] },
    ],
  });
  good = writeFile(dir, "a_good.exr", tall);
  // Cut in the chunk area: most of the 200 one-line chunks are gone.
  truncated = writeFile(dir, "b_truncated.exr", tall.slice(0, Math.floor(tall.length * 0.6)));
  // Cut inside the header: the required attributes after the cut are "missing".
  headerCut = writeFile(dir, "c_header_cut.exr", tall.slice(0, 60));
});
afterAll(() => removeTempDirs());

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("validate text output", () => {
  it("reports a truncated file once: where it ends, which chunks are missing", async () => {
    const r = await runCli(["validate", truncated]);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${esc(truncated)}: error truncated: the file ends at [\\d.]+ KB of at least [\\d.]+ KB; chunks \\d+–199 missing or cut \\(\\d+ of 200\\) \\[EXR_OFFSET_OUT_OF_RANGE ×\\d+`,
      ),
    );
    expect(lines[1]).toBe(`${truncated}: ERROR (incomplete)`);
    expect(r.stdout).not.toContain("EXR_FINDINGS_ELIDED");
    // ndjson keeps every finding as the core reports it.
    const nd = ndjson((await runCli(["validate", "--format", "ndjson", truncated])).stdout)[0];
    expect(nd.findings.filter((f: { code: string }) => f.code === "EXR_OFFSET_OUT_OF_RANGE").length).toBe(20);
  });

  it("leaves out the EXR_MISSING_REQUIRED_ATTRIBUTE cascade after a cut header", async () => {
    const nd = ndjson((await runCli(["validate", "--format", "ndjson", headerCut])).stdout)[0];
    const cascade = nd.findings.filter((f: { code: string }) => f.code === "EXR_MISSING_REQUIRED_ATTRIBUTE");
    expect(cascade.length).toBeGreaterThan(1);
    const r = await runCli(["validate", headerCut]);
    expect(r.stdout).toContain("EXR_TRUNCATED_HEADER");
    expect(r.stdout).not.toMatch(/error EXR_MISSING_REQUIRED_ATTRIBUTE/);
    expect(r.stdout).toContain(`info EXR_MISSING_REQUIRED_ATTRIBUTE ×${cascade.length} not listed`);
  });

  it("prints one line per file for a directory, every finding with --details, failures only with --quiet", async () => {
    const r = await runCli(["validate", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split("\n")).toEqual([
      `${good}: OK`,
      expect.stringMatching(new RegExp(`^${esc(truncated)}: ERROR \\(incomplete\\) — error truncated: `)),
      expect.stringMatching(
        new RegExp(`^${esc(headerCut)}: ERROR \\(incomplete\\) — error EXR_TRUNCATED_HEADER: `),
      ),
    ]);
    expect(r.stderr).toBe("3 files, 2 failed\n");
    const details = await runCli(["validate", "--details", dir]);
    expect(details.stdout.trim().split("\n").length).toBeGreaterThan(3);
    const quiet = await runCli(["validate", "--quiet", dir]);
    expect(quiet.stdout).not.toContain(good);
    expect(quiet.stdout.trim().split("\n")).toHaveLength(2);
    expect(quiet.code).toBe(1);
    const quietOk = await runCli(["validate", "-q", good]);
    expect(quietOk.stdout).toBe("");
    expect(quietOk.code).toBe(0);
  });
});
