import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BufferSource } from "../../src/io/buffer-source.js";
import { FileSource } from "../../src/io/file-source.js";
import { type WalkEntry, walkPaths } from "../../src/io/walk.js";

// Sources at their edges (empty and negative lengths, reads ending exactly at EOF, the array shape the
// core sees) and the walk's less common paths (a directory vanishing mid-walk, the same directory reached
// twice through links, paths that cannot be stat'ed).

const dir = mkdtempSync(join(tmpdir(), "exr-io-edges-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const content = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
const file = join(dir, "bytes.bin");
writeFileSync(file, content);

describe("FileSource edges", () => {
  it("reads ending exactly at EOF, empty and negative lengths, and plain Uint8Arrays", async () => {
    const src = await FileSource.open(file);
    try {
      expect(src.path).toBe(file);
      const last = await src.read(290, 10);
      expect([...last]).toEqual([...content.subarray(290)]);
      const whole = await src.read(0, 300);
      expect([...whole]).toEqual([...content]);
      expect(Object.getPrototypeOf(whole)).toBe(Uint8Array.prototype);
      expect(await src.read(5, 0)).toHaveLength(0);
      expect(await src.read(5, -3)).toHaveLength(0);
      expect(await src.size()).toBe(300);
      expect((await src.mtime())?.getTime()).toBe(statSync(file).mtime.getTime());
    } finally {
      await src.close();
    }
  });

  it("size and mtime come from one stat taken once: later changes to the file are not seen", async () => {
    const path = join(dir, "grows.bin");
    writeFileSync(path, Uint8Array.of(1, 2, 3));
    const src = await FileSource.open(path);
    try {
      expect(await src.size()).toBe(3);
      writeFileSync(path, new Uint8Array(10));
      expect(await src.size()).toBe(3);
    } finally {
      await src.close();
    }
  });
});

it("close releases the file handle: later reads fail", async () => {
  const src = await FileSource.open(file);
  await src.close();
  await expect(src.read(0, 4)).rejects.toThrow(/closed|EBADF/);
});

describe("BufferSource edges", () => {
  it("defaults, exact-end reads, and negative arguments", async () => {
    const modified = new Date("2026-01-02T03:04:05Z");
    const bytes = Uint8Array.of(9, 8, 7, 6, 5);
    const named = new BufferSource(bytes, "memory:n", modified);
    expect(await named.mtime()).toBe(modified);
    const src = new BufferSource(bytes);
    expect(src.path).toBe("memory:");
    expect(await src.mtime()).toBeNull();
    expect(await src.read(3, 2)).toEqual(Uint8Array.of(6, 5));
    expect(await src.read(0, 5)).toEqual(bytes);
    expect(await src.read(1, 0)).toHaveLength(0);
    // a view, not a copy
    expect((await src.read(1, 2)).buffer).toBe(bytes.buffer);
    await expect(src.read(0, -1)).rejects.toThrow("invalid read (0, -1)");
    await expect(src.read(-2, 1)).rejects.toThrow("invalid read (-2, 1)");
  });
});

async function collect(gen: AsyncIterable<WalkEntry>): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of gen) out.push(e);
  return out;
}

describe("walkPaths edges", () => {
  it("a directory that disappears before the walk reaches it is reported with the error", async () => {
    const root = mkdtempSync(join(dir, "walk-"));
    writeFileSync(join(root, "0.exr"), "x");
    mkdirSync(join(root, "gone"));
    writeFileSync(join(root, "gone/a.exr"), "x");
    const gen = walkPaths([root]);
    expect((await gen.next()).value).toEqual({ path: join(root, "0.exr") });
    rmSync(join(root, "gone"), { recursive: true });
    const rest = await collect(gen);
    expect(rest).toHaveLength(1);
    expect(rest[0]!.path).toBe(join(root, "gone"));
    expect(rest[0]!.error).toMatch(/ENOENT/);
  });

  it("one directory reached through two sibling links is walked both times (only loops are cut)", async () => {
    const root = mkdtempSync(join(dir, "walk-"));
    mkdirSync(join(root, "lib"));
    writeFileSync(join(root, "lib/l.exr"), "x");
    mkdirSync(join(root, "x"));
    mkdirSync(join(root, "y"));
    symlinkSync(join(root, "lib"), join(root, "x/lib"));
    symlinkSync(join(root, "lib"), join(root, "y/lib"));
    const paths = (await collect(walkPaths([join(root, "x"), join(root, "y")]))).map((e) => e.path);
    expect(paths).toEqual([join(root, "x/lib/l.exr"), join(root, "y/lib/l.exr")]);
  });

  it("a dangling link is a plain file entry, without an error", async () => {
    const root = mkdtempSync(join(dir, "walk-"));
    symlinkSync(join(root, "nowhere"), join(root, "dangling.exr"));
    expect(await collect(walkPaths([root]))).toEqual([{ path: join(root, "dangling.exr") }]);
  });

  it("a path through a file is passed on as-is; names sort by code unit", async () => {
    const root = mkdtempSync(join(dir, "walk-"));
    writeFileSync(join(root, "f.exr"), "x");
    for (const n of ["B.exr", "a.exr", "_.exr", "Z.exr"]) writeFileSync(join(root, n), "x");
    const through = join(root, "f.exr", "inner.exr");
    expect(await collect(walkPaths([through]))).toEqual([{ path: through }]);
    const names = (await collect(walkPaths([root]))).map((e) => e.path.slice(root.length + 1));
    expect(names).toEqual(["B.exr", "Z.exr", "_.exr", "a.exr", "f.exr"]);
  });
});
