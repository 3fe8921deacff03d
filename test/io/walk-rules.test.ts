import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type WalkEntry, walkPaths } from "../../src/io/walk.js";

// The walk's rules asserted exactly: the default filter, named *.exr arguments taken as given (even a directory),
// and a missing argument passed on without an error.

const root = mkdtempSync(join(tmpdir(), "exr-walk-rules-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(gen: AsyncIterable<WalkEntry>): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

describe("walkPaths rules", () => {
  it("by default keeps *.exr in any case inside directories, in name order", async () => {
    const d = join(root, "default");
    mkdirSync(d);
    for (const n of ["c.exr", "A.EXR", "b.Exr", "notes.txt", "x.exr.bak", ".exr"])
      writeFileSync(join(d, n), "x");
    expect(await collect(walkPaths([d]))).toEqual(
      [".exr", "A.EXR", "b.Exr", "c.exr"].map((n) => ({ path: join(d, n) })),
    );
  });

  it("a named *.exr is passed on unexamined, even when it is a directory", async () => {
    const d = join(root, "named.exr");
    mkdirSync(d);
    writeFileSync(join(d, "inner.exr"), "x");
    expect(await collect(walkPaths([d]))).toEqual([{ path: d }]);
    expect(await collect(walkPaths([join(root, "NAMED.EXR")]))).toEqual([{ path: join(root, "NAMED.EXR") }]);
  });

  it("a missing argument without the .exr name is passed on as-is, without an error", async () => {
    const missing = join(root, "no-such-dir");
    expect(await collect(walkPaths([missing]))).toEqual([{ path: missing }]);
  });
});
