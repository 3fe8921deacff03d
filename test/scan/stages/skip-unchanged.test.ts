/**
 * scan/stages/skip-unchanged.ts `statAll`: the stats of a group issued together under one timer. A path whose
 * stat never answers (a hung mount: the stalling FUSE file system of test/io) is null after the timeout, the others
 * keep their answers, and the abandoned stat counts as stuck until it ends.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stuckOperations } from "../../../src/io/stuck-operations.js";
import { statAll } from "../../../src/scan/stages/skip-unchanged.js";
import { canMountFuse, mountStallingFs, type StallingMount } from "../../io/stalling-mount.js";

const dir = mkdtempSync(join(tmpdir(), "exr-stat-all-"));
let mount: StallingMount | null = null;
afterAll(() => {
  mount?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, bytes: number): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.alloc(bytes));
  return p;
}

describe("statAll", () => {
  it("answers each path's size and mtime (stat's Date, in ms), null for one that cannot be stat'ed, in order", async () => {
    const a = file("a.bin", 3);
    const b = file("b.bin", 70);
    const states = await statAll([b, join(dir, "missing"), a, b], 5_000);
    const expected = (p: string) => ({ size: statSync(p).size, mtimeMs: statSync(p).mtime.getTime() });
    expect(states).toEqual([expected(b), null, expected(a), expected(b)]);
    expect(states[2]!.size).toBe(3);
    expect(await statAll([], 5_000)).toEqual([]);
  });

  it.skipIf(!canMountFuse)(
    "a stat that never answers is null after the timeout and counts as stuck; the others are answered",
    async () => {
      const source = file("source.bin", 10);
      mount = await mountStallingFs(mkdtempSync(join(tmpdir(), "exr-stat-all-mnt-")), [
        { name: "hung", source, stall: "lookup" },
      ]);
      const good = file("good.bin", 5);
      const stuckBefore = stuckOperations();
      const started = Date.now();
      const states = await statAll([good, join(mount.mountpoint, "hung"), source], 300);
      const ms = Date.now() - started;
      expect(states).toEqual([
        { size: 5, mtimeMs: statSync(good).mtime.getTime() },
        null,
        expect.any(Object),
      ]);
      expect(states[2]!.size).toBe(10);
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(10_000);
      expect(stuckOperations()).toBe(stuckBefore + 1);
    },
    30_000,
  );
});
