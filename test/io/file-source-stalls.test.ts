/**
 * FileSource on a mount whose open or read never returns (the stalling FUSE file system of stalled-reads.test.ts,
 * without the CLI): each gives up after its timeout with a message naming the operation, the path and the offset,
 * and counts as a stuck operation until the mount lets it go.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../../src/io/file-source.js";
import { stuckOperations } from "../../src/io/stuck-operations.js";
import { canMountFuse, mountStallingFs, type StallingMount } from "./stalling-mount.js";

let dir: string;
let mountpoint: string;
let mount: StallingMount | null = null;

beforeAll(async () => {
  if (!canMountFuse) return;
  dir = mkdtempSync(join(tmpdir(), "exr-stalls-"));
  const source = join(dir, "source.bin");
  writeFileSync(
    source,
    Uint8Array.from({ length: 256 }, (_, i) => i),
  );
  mount = await mountStallingFs(dir, [
    { name: "good.bin", source },
    { name: "stalled-read.bin", source, stall: "read" },
    { name: "stalled-open.bin", source, stall: "open" },
  ]);
  mountpoint = mount.mountpoint;
}, 30_000);

afterAll(() => {
  mount?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!canMountFuse)("FileSource on a hung mount", () => {
  it("an open that never returns fails after the timeout, naming the path", async () => {
    const path = join(mountpoint, "stalled-open.bin");
    const before = stuckOperations();
    await expect(FileSource.open(path, 200)).rejects.toThrow(
      new Error(`opening ${path} timed out after 0.2 s`),
    );
    expect(stuckOperations()).toBe(before + 1);
  });

  it("a read that never returns fails after the timeout, naming the path and the offset", async () => {
    const path = join(mountpoint, "stalled-read.bin");
    const src = await FileSource.open(path, 300);
    expect(await src.size()).toBe(256);
    await expect(src.read(5, 10)).rejects.toThrow(new Error(`read of ${path} at 5 timed out after 0.3 s`));
  });

  it("a file of the same mount that answers reads normally", async () => {
    const src = await FileSource.open(join(mountpoint, "good.bin"), 2_000);
    try {
      expect([...(await src.read(250, 10))]).toEqual([250, 251, 252, 253, 254, 255]);
    } finally {
      await src.close();
    }
  });
});
