import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import { describeCatalogContract } from "./contract.js";

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "exr-duckdb-contract-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeCatalogContract("duckdb (file)", () => DuckDbCatalogStore.open(path.join(dir, `c${n++}.duckdb`)));
describeCatalogContract("duckdb (:memory:)", () => DuckDbCatalogStore.open(":memory:"));

describe("duckdb specifics", () => {
  it("similar returns only the current version of each path, even when old versions are nearest", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { fixture } = await import("./fixtures.js");
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      const q = buildRecord(fixture({ path: "/v/query.exr" }), { now: new Date(1000) });
      // 40 paths, each with an old version identical to the query's kind and a new, different current version.
      for (let i = 0; i < 40; i++) {
        const old = buildRecord(fixture({ path: `/v/f${i}.exr`, headerHash: "01".repeat(32) }), {
          now: new Date(1000),
        });
        const cur = buildRecord(
          fixture({ path: `/v/f${i}.exr`, headerHash: "02".repeat(32), pass: "depth", renderer: "karma" }),
          { now: new Date(2000) },
        );
        await store.upsertBatch([old], new Date(1000));
        await store.upsertBatch([cur], new Date(2000));
      }
      await store.upsertBatch([q], new Date(1000));
      const hits = await store.similar({ file_id: q.file.file_id }, 5);
      expect(hits).toHaveLength(5);
      const current = await store.knownState(hits.map((h) => h.file_path));
      for (const h of hits) expect(current.get(h.file_path)?.file_id).toBe(h.file_id);
    } finally {
      await store.close();
    }
  });

  it("a batch that violates a key is rolled back whole and leaves nothing staged for the next batch", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { fixture } = await import("./fixtures.js");
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      const good = buildRecord(fixture({ path: "/k/good.exr" }), { now: new Date(1000) });
      const bad = buildRecord(fixture({ path: "/k/bad.exr" }), { now: new Date(1000) });
      // Two channel rows with the same key: the bulk insert of the channels fails after files and parts went in.
      bad.channels.push({ ...bad.channels[0]!, channel_fingerprint: null });
      await expect(store.upsertBatch([good, bad])).rejects.toThrow(/constraint|key/i);
      expect(await store.counts()).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });

      const next = buildRecord(fixture({ path: "/k/next.exr" }), { now: new Date(2000) });
      const outcomes = await store.upsertBatch([next]);
      expect(outcomes.map((o) => o.status)).toEqual(["inserted"]);
      expect(await store.counts()).toEqual({
        files: 1,
        parts: next.parts.length,
        channels: next.channels.length,
        attributes: next.attributes.length,
      });
      expect(await store.getRecord(next.file.file_id)).toEqual(next);
    } finally {
      await store.close();
    }
  });

  it("with a write buffer, upserts commit together: invisible to lookups until then, counted once, rolled back together", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { fixture } = await import("./fixtures.js");
    const file = path.join(dir, `buffer${n++}.duckdb`);
    const store = await DuckDbCatalogStore.open(file);
    await store.init();
    const rec = (p: string) => buildRecord(fixture({ path: p }), { now: new Date(1000) });
    try {
      store.setWriteBuffer(3);
      const a = rec("/b/a.exr");
      expect((await store.upsertBatch([a])).map((o) => o.status)).toEqual(["inserted"]);
      // Buffered: the lookup connection (skip checks) sees only committed rows.
      expect((await store.knownState(["/b/a.exr"])).size).toBe(0);
      // The same file again while buffered is a re-inspection of the buffered row, not a second row.
      expect((await store.upsertBatch([rec("/b/a.exr")])).map((o) => o.status)).toEqual(["reinspected"]);
      // The third file upserted reaches the buffer: everything commits.
      await store.upsertBatch([rec("/b/b.exr")]);
      expect((await store.knownState(["/b/a.exr", "/b/b.exr"])).size).toBe(2);
      const counts = await store.query(
        "SELECT file_path, inspection_count FROM exr_metadata.files ORDER BY 1",
      );
      expect(counts.rows).toEqual([
        ["/b/a.exr", 2],
        ["/b/b.exr", 1],
      ]);

      // A failing batch rolls back every file buffered since the last commit; the next ones go through.
      const c = rec("/b/c.exr");
      await store.upsertBatch([c]);
      const bad = rec("/b/bad.exr");
      bad.channels.push({ ...bad.channels[0]!, channel_fingerprint: null });
      store.setWriteBuffer(2);
      await expect(store.upsertBatch([bad])).rejects.toThrow(/constraint|key/i);
      expect((await store.counts()).files).toBe(2);
      await store.upsertBatch([c]);
      await store.flush();
      expect((await store.knownState(["/b/c.exr"])).get("/b/c.exr")?.file_id).toBe(c.file.file_id);
      expect(await store.getRecord(c.file.file_id)).toEqual(c);
    } finally {
      await store.close();
    }
  });
});
