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

// A focused mutation run (`npm run test:mutation -- --tests …` sets MUTATION_TESTS) runs the contract once, in memory: the file-backed
// run repeats it at twice the cost per mutant. The file-only paths (directory creation, queries on a read-only
// reopening of the file) stay covered there by open.test.ts and duckdb-compact.test.ts.
if (!process.env.MUTATION_TESTS) {
  describeCatalogContract("duckdb (file)", () => DuckDbCatalogStore.open(path.join(dir, `c${n++}.duckdb`)));
}
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

  it("child keys hold by construction (they are not indexed): repeated channel and attribute names in damaged headers, the same file twice, re-inspections", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { encodeChildren } = await import("../../src/catalog/encoded-children.js");
    const { CHILD_KEY_CHECKS } = await import("../../src/catalog/child-keys.js");
    const { fixture } = await import("./fixtures.js");
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      const damaged = (p: string) => {
        const result = fixture({ path: p, parts: 2, pass: "cryptomatte" });
        // A damaged header: a channel and an attribute name repeated within a part.
        result.channels.push({ ...result.channels[0]! }, { ...result.channels[1]! });
        const attrs = result.parts[1]!.attributes;
        attrs.push({ ...attrs[0]! }, { ...attrs[2]! });
        return result;
      };
      const records = [0, 1, 2].map((i) => buildRecord(damaged(`/k/d${i}.exr`), { now: new Date(1000) }));
      expect(records[0]!.attributes.filter((a) => a.attribute_name === "channels")).toHaveLength(3);
      // The scan's path (children as JSON texts) and the plain one, the same file twice in a batch, then again.
      const encoded = records.map((r) => {
        const copy = structuredClone(r);
        encodeChildren(copy);
        return copy;
      });
      await store.upsertBatch([encoded[0]!, encoded[1]!, encoded[0]!]);
      await store.upsertBatch([records[2]!, records[1]!]);
      await store.upsertBatch(encoded);
      const counts = await store.counts();
      expect(counts.files).toBe(3);
      expect(counts.channels).toBe(records.reduce((n, r) => n + r.channels.length, 0));
      expect(counts.attributes).toBe(records.reduce((n, r) => n + r.attributes.length, 0));
      for (const check of CHILD_KEY_CHECKS) {
        expect((await store.query(check.sql)).rows, check.table).toEqual([[0, 0]]);
      }
      // The check finds a violation when there is one.
      const channels = CHILD_KEY_CHECKS.find((c) => c.table === "channels")!;
      const other = await DuckDbCatalogStore.open(":memory:");
      await other.init();
      try {
        const twice = structuredClone(records[0]!);
        twice.channels.push({ ...twice.channels[1]! });
        await other.upsertBatch([twice]);
        expect((await other.query(channels.sql)).rows).toEqual([[2, 0]]);
      } finally {
        await other.close();
      }
    } finally {
      await store.close();
    }
  });

  it("a batch that violates a constraint is rolled back whole and leaves nothing staged for the next batch", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { fixture } = await import("./fixtures.js");
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      const good = buildRecord(fixture({ path: "/k/good.exr" }), { now: new Date(1000) });
      const bad = buildRecord(fixture({ path: "/k/bad.exr" }), { now: new Date(1000) });
      // A channel row without its name (NOT NULL): the bulk insert of the channels fails after files and parts went in.
      bad.channels.push({ ...bad.channels[0]!, channel_name: null as unknown as string });
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

  it("with a write buffer, upserts commit together in the background: invisible to lookups until then, counted once, rolled back together", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { fixture } = await import("./fixtures.js");
    const store = await DuckDbCatalogStore.open(path.join(dir, `buffer${n++}.duckdb`));
    await store.init();
    const rec = (p: string) => buildRecord(fixture({ path: p }), { now: new Date(1000) });
    try {
      // Large enough that one or three files are not taken early by the idle writer (a quarter of the buffer).
      store.setWriteBuffer(100);
      expect((await store.upsertBatch([rec("/b/a.exr")])).map((o) => o.status)).toEqual(["inserted"]);
      // Buffered: the lookup connection (skip checks) sees only committed rows.
      expect((await store.knownState(["/b/a.exr"])).size).toBe(0);
      // The same file again while buffered waits for its commit and is a re-inspection, not a second row.
      expect((await store.upsertBatch([rec("/b/a.exr")])).map((o) => o.status)).toEqual(["reinspected"]);
      expect((await store.knownState(["/b/a.exr"])).size).toBe(1);
      await store.upsertBatch([rec("/b/b.exr")]);
      await store.upsertBatch([rec("/b/c.exr")]);
      await store.flush();
      expect((await store.knownState(["/b/a.exr", "/b/b.exr", "/b/c.exr"])).size).toBe(3);
      const counts = await store.query(
        "SELECT file_path, inspection_count FROM exr_metadata.files ORDER BY 1",
      );
      expect(counts.rows).toEqual([
        ["/b/a.exr", 2],
        ["/b/b.exr", 1],
        ["/b/c.exr", 1],
      ]);

      // A failed commit rolls back its whole generation and is thrown by the next upsertBatch or flush.
      const bad = rec("/b/bad.exr");
      bad.channels.push({ ...bad.channels[0]!, channel_name: null as unknown as string });
      const good = rec("/b/good.exr");
      store.setWriteBuffer(2);
      const failure = await store
        .upsertBatch([good, bad])
        .then(() => store.flush())
        .then(
          () => null,
          (err: unknown) => err,
        );
      expect(String(failure)).toMatch(/constraint|key/i);
      expect((await store.counts()).files).toBe(3);
      const d = rec("/b/d.exr");
      await store.upsertBatch([d]);
      await store.flush();
      expect((await store.knownState(["/b/d.exr"])).get("/b/d.exr")?.file_id).toBe(d.file.file_id);
      expect(await store.getRecord(d.file.file_id)).toEqual(d);
      expect((await store.counts()).files).toBe(4);
      // Sketches are computed by the bulk insert: the same as the backfill would compute, none missing.
      const { sketchesOf } = await import("../../src/catalog/duckdb/schema.js");
      const sketches = await store.query(
        `SELECT count(*), count(*) FILTER (f.embedding_sketch IS DISTINCT FROM k.sketch)
         FROM exr_metadata.files f LEFT JOIN (${sketchesOf("exr_metadata.files")}) k USING (file_id)`,
      );
      expect(sketches.rows).toEqual([[4, 0]]);
    } finally {
      await store.close();
    }
  });

  it("close commits the files a write buffer still holds", async () => {
    const { buildRecord } = await import("../../src/catalog/build-record.js");
    const { fixture } = await import("./fixtures.js");
    const file = path.join(dir, `close${n++}.duckdb`);
    const store = await DuckDbCatalogStore.open(file);
    await store.init();
    store.setWriteBuffer(100);
    await store.upsertBatch([buildRecord(fixture({ path: "/c/a.exr" }), { now: new Date(1000) })]);
    await store.close();
    const reopened = await DuckDbCatalogStore.open(file, { readOnly: true });
    try {
      expect((await reopened.counts()).files).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
