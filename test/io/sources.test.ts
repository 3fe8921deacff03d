import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BufferSource } from "../../src/io/buffer-source.js";
import { FileSource } from "../../src/io/file-source.js";

const dir = mkdtempSync(join(tmpdir(), "exr-io-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FileSource", () => {
  const path = join(dir, "bytes.bin");
  const content = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
  writeFileSync(path, content);

  it("reads exact ranges, short only at end of file", async () => {
    const src = await FileSource.open(path);
    try {
      expect(await src.size()).toBe(1000);
      expect([...(await src.read(10, 5))]).toEqual([...content.subarray(10, 15)]);
      const tail = await src.read(990, 100);
      expect([...tail]).toEqual([...content.subarray(990)]);
      expect(tail.byteLength).toBe(10);
      expect(await src.read(1000, 10)).toHaveLength(0);
      expect(await src.read(2000, 10)).toHaveLength(0);
      expect((await src.mtime())?.getTime()).toBeGreaterThan(0);
    } finally {
      await src.close();
    }
  });

  it("fails to open a missing file", async () => {
    await expect(FileSource.open(join(dir, "missing.exr"))).rejects.toThrow();
  });
});

describe("BufferSource", () => {
  it("returns views clamped to the buffer", async () => {
    const bytes = Uint8Array.of(1, 2, 3, 4);
    const src = new BufferSource(bytes, "memory:x");
    expect(src.path).toBe("memory:x");
    expect(await src.size()).toBe(4);
    expect(await src.read(2, 10)).toEqual(Uint8Array.of(3, 4));
    expect(await src.read(5, 1)).toHaveLength(0);
    expect(await src.mtime()).toBeNull();
    await expect(src.read(-1, 1)).rejects.toThrow(RangeError);
  });
});
