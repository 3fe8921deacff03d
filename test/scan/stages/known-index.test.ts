import { describe, expect, it } from "vitest";
import { buildRecord } from "../../../src/catalog/build-record.js";
import { DuckDbCatalogStore } from "../../../src/catalog/duckdb/duckdb-store.js";
import { KnownIndex } from "../../../src/scan/stages/known-index.js";
import { fixture } from "../../catalog/fixtures.js";

const record = (path: string, size: number, mtime: number, headerHash?: string, now = 1_000_000) => {
  const r = buildRecord(fixture({ path, ...(headerHash ? { headerHash } : {}) }), {
    now: new Date(now),
    cwd: "/",
  });
  r.file = { ...r.file, size_bytes: size, mtime: new Date(mtime) };
  return r;
};

describe("KnownIndex (re-scan: the catalogued state under the inputs, read once)", () => {
  it("holds the current version of each path under the roots only, and compares size and mtime exactly", async () => {
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      await store.upsertBatch(
        [
          record("/a/x/1.exr", 100, 5_000),
          record("/a/x/deep/2.exr", 200, 6_000),
          record("/a/xy/3.exr", 300, 7_000), // shares the text prefix "/a/x", not the directory
          record("/b/4.exr", 400, 8_000),
          record("/a/x/5.exr", 500, 9_000, "01".repeat(32), 1_000_000),
        ],
        new Date(1_000_000),
      );
      // A newer version of /a/x/5.exr: the index holds its size and mtime, not the old one's.
      await store.upsertBatch(
        [record("/a/x/5.exr", 555, 9_999, "02".repeat(32), 2_000_000)],
        new Date(2_000_000),
      );

      const index = await KnownIndex.load(store, ["/a/x", "/b/4.exr"], "/");
      expect(index?.size).toBe(4);
      expect(index?.unchanged("/a/x/1.exr", 100, 5_000)).toBe(true);
      expect(index?.unchanged("/a/x/deep/2.exr", 200, 6_000)).toBe(true);
      expect(index?.unchanged("/b/4.exr", 400, 8_000)).toBe(true);
      expect(index?.unchanged("/a/xy/3.exr", 300, 7_000)).toBe(false);
      expect(index?.unchanged("/a/x/5.exr", 555, 9_999)).toBe(true);
      expect(index?.unchanged("/a/x/5.exr", 500, 9_000)).toBe(false);
      expect(index?.unchanged("/a/x/1.exr", 101, 5_000)).toBe(false);
      expect(index?.unchanged("/a/x/1.exr", 100, 5_001)).toBe(false);
      expect(index?.unchanged("/a/x/missing.exr", 100, 5_000)).toBe(false);
      // Relative inputs resolve against cwd; stdin lists and objects are looked up per group instead.
      expect((await KnownIndex.load(store, ["x"], "/a"))?.size).toBe(3);
      expect(await KnownIndex.load(store, ["-"], "/")).toBeNull();
      expect(await KnownIndex.load(store, ["s3://bucket/prefix/"], "/")).toBeNull();
    } finally {
      await store.close();
    }
  });
});
