import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { listedFiles, type WalkEntry, walkPaths } from "../../src/io/walk.js";

async function collect(gen: AsyncIterable<WalkEntry>): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "exr-walk-"));
  roots.push(root);
  for (const f of files) {
    const p = join(root, f);
    mkdirSync(join(p, ".."), { recursive: true });
    writeFileSync(p, "x");
  }
  return root;
}

describe("walkPaths", () => {
  it("recurses directories depth-first in sorted order, keeping *.exr case-insensitively", async () => {
    const root = tree(["b/2.exr", "b/1.EXR", "a.exr", "c.txt", "a/z.Exr", "a/y.exr.bak"]);
    const paths = (await collect(walkPaths([root]))).map((e) => e.path.slice(root.length + 1));
    expect(paths).toEqual(["a/z.Exr", "a.exr", "b/1.EXR", "b/2.exr"]);
  });

  it("passes explicit files through whatever their name, and missing paths as-is", async () => {
    const root = tree(["notes.txt"]);
    const entries = await collect(walkPaths([join(root, "notes.txt"), join(root, "missing.exr")]));
    expect(entries).toEqual([{ path: join(root, "notes.txt") }, { path: join(root, "missing.exr") }]);
  });

  it("terminates on symlink loops and follows links to other directories", async () => {
    const root = tree(["shots/s1/f.exr", "library/l.exr"]);
    symlinkSync(join(root, "shots"), join(root, "shots/s1/back-to-shots"));
    symlinkSync(join(root, "library"), join(root, "shots/lib"));
    symlinkSync(join(root, "nowhere"), join(root, "shots/dangling.exr"));
    const paths = (await collect(walkPaths([join(root, "shots")]))).map((e) => e.path.slice(root.length + 1));
    expect(paths).toEqual(["shots/dangling.exr", "shots/lib/l.exr", "shots/s1/f.exr"]);
  });

  it("reads '-' as a newline-separated list, expanding directories and skipping blank lines", async () => {
    const root = tree(["d/x.exr", "d/y.exr", "one.exr"]);
    const stdin = Readable.from([`${join(root, "one.exr")}\r\n\n  ${join(root, "d")}  \n`]);
    const paths = (await collect(walkPaths(["-"], { stdin }))).map((e) => e.path.slice(root.length + 1));
    expect(paths).toEqual(["one.exr", "d/x.exr", "d/y.exr"]);
  });

  it("applies a custom match inside directories", async () => {
    const root = tree(["a.exr", "b.dpx"]);
    const paths = (await collect(walkPaths([root], { match: () => true }))).map((e) =>
      e.path.slice(root.length + 1),
    );
    expect(paths).toEqual(["a.exr", "b.dpx"]);
  });

  it("streams: later directories are listed only when the walk reaches them", async () => {
    const root = tree(Array.from({ length: 50 }, (_, i) => `d${String(i).padStart(2, "0")}/f.exr`));
    const gen = walkPaths([root]);
    const first = await gen.next();
    expect(first.value?.path).toBe(join(root, "d00/f.exr"));
    // A walker that listed everything up front would miss a file created now in a directory not yet visited.
    writeFileSync(join(root, "d49/late.exr"), "x");
    const rest: string[] = [];
    for await (const e of gen) rest.push(e.path);
    expect(rest).toContain(join(root, "d49/late.exr"));
    expect(rest).toHaveLength(50);
  });

  it.skipIf(process.getuid?.() === 0)(
    "reports an unreadable directory as an entry with an error",
    async () => {
      const { chmodSync } = await import("node:fs");
      const root = tree(["locked/a.exr"]);
      chmodSync(join(root, "locked"), 0o000);
      try {
        const entries = await collect(walkPaths([root]));
        expect(entries).toHaveLength(1);
        expect(entries[0]!.path).toBe(join(root, "locked"));
        expect(entries[0]!.error).toMatch(/EACCES|permission/i);
      } finally {
        chmodSync(join(root, "locked"), 0o755);
      }
    },
  );
});

describe("listedFiles", () => {
  it("is what the walk yields when every argument names a *.exr file, without touching the disk", async () => {
    const root = tree(["a.exr"]);
    const args = [join(root, "a.exr"), join(root, "missing.EXR"), join(root, "a.exr")];
    expect(listedFiles(args)).toEqual(await collect(walkPaths(args)));
  });

  it.each([
    ["a directory", (root: string) => [join(root, "a.exr"), root]],
    ["stdin", (root: string) => [join(root, "a.exr"), "-"]],
    ["a file not named *.exr", (root: string) => [join(root, "notes.txt")]],
  ])("is null when an argument needs the walk (%s)", (_, args) => {
    const root = tree(["a.exr", "notes.txt"]);
    expect(listedFiles(args(root))).toBeNull();
  });
});
