import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, ndjson, removeTempDirs, runCli, writeFile, writeSamples } from "./helpers.js";

const corpus = process.env.EXR_CORPUS;

beforeAll(() => ensureBuilt());
afterAll(() => removeTempDirs());

/** Several 32-path batches: copies of the sample files (over 320, past the point where workers start), a truncated copy and a non-EXR. */
function tree(): { dir: string; args: string[] } {
  const { dir, names } = writeSamples("a");
  for (let copy = 1; copy * names.length < 320; copy++)
    for (const name of names)
      writeFile(
        dir,
        join(copy < 8 ? "b" : "c", `${copy}`, relative("a", name)),
        readFileSync(join(dir, name)),
      );
  const first = readFileSync(join(dir, names[0]!));
  writeFile(dir, "c/truncated.exr", first.subarray(0, Math.floor(first.length / 2)));
  writeFile(dir, "c/not-exr.exr", "plain text");
  // A missing path between the directories: its error must come out in its place.
  return { dir, args: [join(dir, "a"), join(dir, "missing.exr"), join(dir, "b"), join(dir, "c")] };
}

describe("inspect/validate --jobs", () => {
  const { args } = tree();

  it.each([
    ["inspect", "ndjson"],
    ["inspect", "json"],
    ["inspect", "text"],
    ["validate", "ndjson"],
    ["validate", "text"],
  ])(
    "%s --format %s prints the same bytes and exit code with worker threads as without",
    async (cmd, format) => {
      const one = await runCli([cmd, "--format", format, "--jobs", "1", ...args]);
      const two = await runCli([cmd, "--format", format, "--jobs", "2", ...args]);
      expect(one.code).toBe(1); // the truncated, the non-EXR and the missing file fail
      expect(two.code).toBe(one.code);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stderr).toBe(one.stderr);
    },
  );

  it("keeps input order across batches, with the missing path in its place", async () => {
    const r = await runCli(["inspect", "--format", "ndjson", "--jobs", "2", ...args]);
    const docs = ndjson(r.stdout) as Array<{ file: { path: string }; validation: { status: string } }>;
    expect(docs.length).toBeGreaterThan(320);
    const missing = docs.findIndex((d) => d.file.path.endsWith("missing.exr"));
    expect(missing).toBeGreaterThan(0);
    expect(docs.slice(0, missing).every((d) => d.file.path.includes("/a/"))).toBe(true);
    expect(docs.slice(missing + 1).every((d) => !d.file.path.includes("/a/"))).toBe(true);
    expect(docs[missing]!.validation.status).toBe("error");
  });

  it.skipIf(!corpus || !existsSync(corpus))("matches the in-thread output on the whole corpus", async () => {
    const one = await runCli(["inspect", "--format", "ndjson", "--jobs", "1", corpus!]);
    const two = await runCli(["inspect", "--format", "ndjson", "--jobs", "2", corpus!]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.code).toBe(one.code);
    expect(ndjson(two.stdout).length).toBeGreaterThan(90);
  });
});
