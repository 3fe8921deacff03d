/**
 * The catalog port's contract, written once and run against every adapter:
 *   describeCatalogContract("duckdb", () => DuckDbCatalogStore.open(tmpFile))
 * `makeStore` must return a NEW, EMPTY store each call (export/import uses two). Only the port is used here, so
 * the suite is backend-agnostic; `query` is exercised with one plain SELECT.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import type { CatalogStore } from "../../src/catalog/port.js";
import type { CatalogRecord } from "../../src/catalog/rows.js";
import { type FixtureOptions, fixture } from "./fixtures.js";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const T1 = new Date("2026-03-02T11:30:00.250Z");
const T2 = new Date("2026-09-15T08:00:00.000Z");

function record(o: FixtureOptions, now: Date = T0): CatalogRecord {
  return buildRecord(fixture(o), { now });
}

export function describeCatalogContract(name: string, makeStore: () => Promise<CatalogStore>): void {
  describe(`catalog contract: ${name}`, () => {
    let store: CatalogStore;
    const others: CatalogStore[] = [];
    let dir: string;

    beforeEach(async () => {
      store = await makeStore();
      await store.init();
      dir = await mkdtemp(path.join(tmpdir(), "exr-catalog-contract-"));
    });
    afterEach(async () => {
      await store.close();
      for (const s of others.splice(0)) await s.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("init is idempotent and an empty catalog has no rows", async () => {
      await store.init();
      expect(await store.counts()).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });
    });

    it("stores a file with all its child rows and reads it back unchanged", async () => {
      const rec = record({ path: "/renders/shot/beauty.1001.exr", parts: 2 });
      const [outcome] = await store.upsertBatch([rec], T0);
      expect(outcome).toEqual({
        file_id: rec.file.file_id,
        file_path_normalized: "/renders/shot/beauty.1001.exr",
        status: "inserted",
      });
      expect(await store.counts()).toEqual({
        files: 1,
        parts: 2,
        channels: rec.channels.length,
        attributes: rec.attributes.length,
      });
      expect(await store.getRecord(rec.file.file_id)).toEqual(rec);
      expect(await store.getRecord("0".repeat(64))).toBeNull();
    });

    it("re-inspecting an unchanged file increments inspection_count and adds no rows", async () => {
      const rec = record({ path: "/r/a.exr" });
      await store.upsertBatch([rec], T0);
      const before = await store.counts();
      const [again] = await store.upsertBatch([record({ path: "/r/a.exr" }, T1)], T1);
      expect(again?.status).toBe("reinspected");
      expect(again?.file_id).toBe(rec.file.file_id);
      expect(await store.counts()).toEqual(before);
      const stored = await store.getRecord(rec.file.file_id);
      expect(stored?.file.inspection_count).toBe(2);
      expect(stored?.file.last_inspected).toEqual(T1);
      expect(stored?.file.inspection_timestamp).toEqual(T0);
    });

    it("the same file twice in one batch is one row inspected twice", async () => {
      const outcomes = await store.upsertBatch(
        [record({ path: "/r/b.exr" }), record({ path: "/r/b.exr" })],
        T0,
      );
      expect(outcomes.map((o) => o.status)).toEqual(["inserted", "reinspected"]);
      expect((await store.counts()).files).toBe(1);
      expect((await store.getRecord(outcomes[0]!.file_id))?.file.inspection_count).toBe(2);
    });

    it("a changed header at the same path becomes a new files row and the current version", async () => {
      const v1 = record({ path: "/r/c.exr", headerHash: "11".repeat(32), sizeBytes: 100 });
      const v2 = record({ path: "/r/c.exr", headerHash: "22".repeat(32), sizeBytes: 200 }, T1);
      await store.upsertBatch([v1], T0);
      await store.upsertBatch([v2], T1);
      expect(v1.file.file_id).not.toBe(v2.file.file_id);
      expect((await store.counts()).files).toBe(2);
      const known = await store.knownState(["/r/c.exr", "/r/unknown.exr"]);
      expect(known.size).toBe(1);
      expect(known.get("/r/c.exr")).toEqual({
        file_path_normalized: "/r/c.exr",
        file_id: v2.file.file_id,
        size_bytes: 200,
        mtime: "2026-01-02T03:04:05.678Z",
        etag: null,
      });
    });

    it("paths differing only in case are different files", async () => {
      await store.upsertBatch([record({ path: "/r/A.exr" }), record({ path: "/r/a.exr" })], T0);
      expect((await store.counts()).files).toBe(2);
    });

    it("stores damaged files as error rows with a stable key", async () => {
      const broken = { path: "/r/broken.exr", headerHash: null, errorCodes: ["EXR_TRUNCATED_HEADER"] };
      const rec = record(broken);
      await store.upsertBatch([rec], T0);
      const [again] = await store.upsertBatch([record(broken, T1)], T1);
      expect(again?.status).toBe("reinspected");
      const stored = await store.getRecord(rec.file.file_id);
      expect(stored?.file.validation_status).toBe("error");
      expect(stored?.file.error_codes).toEqual(["EXR_TRUNCATED_HEADER"]);
      expect(stored?.file.is_complete).toBe(false);
      expect(stored?.file.header_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored?.file.inspection_count).toBe(2);
      expect(stored?.parts).toEqual([]);
    });

    it("cleanup removes files not inspected since the cutoff, with all their children", async () => {
      const old = record({ path: "/r/old.exr", parts: 2 }, T0);
      const fresh = record({ path: "/r/fresh.exr" }, T2);
      await store.upsertBatch([old], T0);
      await store.upsertBatch([fresh], T2);
      const cutoff = new Date("2026-06-01T00:00:00Z");
      const expected = {
        files: 1,
        parts: 2,
        channels: old.channels.length,
        attributes: old.attributes.length,
      };
      expect(await store.cleanup(cutoff, true)).toEqual(expected);
      expect((await store.counts()).files).toBe(2);
      expect(await store.cleanup(cutoff, false)).toEqual(expected);
      expect(await store.getRecord(old.file.file_id)).toBeNull();
      expect(await store.getRecord(fresh.file.file_id)).toEqual(fresh);
      expect(await store.counts()).toEqual({
        files: 1,
        parts: 1,
        channels: fresh.channels.length,
        attributes: fresh.attributes.length,
      });
      expect(await store.cleanup(cutoff, false)).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });
      // A cleaned-up file can be catalogued again.
      await store.upsertBatch([record({ path: "/r/old.exr", parts: 2 }, T2)], T2);
      expect((await store.counts()).files).toBe(2);
    });

    it("export/import round-trips every row losslessly (vectors and timestamps included)", async () => {
      const recs = [
        record({ path: "/r/x.exr", parts: 2 }),
        record({ path: "/r/y.exr", pass: "cryptomatte", renderer: "vray" }),
        record({ path: "/r/z.exr", headerHash: null, errorCodes: ["EXR_BAD_MAGIC"] }),
      ];
      await store.upsertBatch(recs, T0);
      await store.upsertBatch([record({ path: "/r/x.exr", parts: 2 }, T1)], T1);
      await store.exportTo(dir);
      const restored = await makeStore();
      others.push(restored);
      await restored.init();
      await restored.importFrom(dir);
      expect(await restored.counts()).toEqual(await store.counts());
      for (const r of recs) {
        expect(await restored.getRecord(r.file.file_id)).toEqual(await store.getRecord(r.file.file_id));
      }
      const restoredX = await restored.getRecord(recs[0]!.file.file_id);
      expect(restoredX?.file.inspection_count).toBe(2);
      expect(restoredX?.file.last_inspected).toEqual(T1);
      expect(restoredX?.file.metadata_embedding).toEqual(recs[0]!.file.metadata_embedding);
    });

    it("similar orders neighbours by embedding distance and excludes the query file", async () => {
      const a = record({ path: "/s/a.exr", pass: "beauty", renderer: "arnold", width: 1920, height: 1080 });
      const b = record({ path: "/s/b.exr", pass: "beauty", renderer: "arnold", width: 2048, height: 858 });
      const c = record({ path: "/s/c.exr", pass: "cryptomatte", renderer: "vray" });
      const d = record({ path: "/s/d.exr", pass: "depth", renderer: "karma" });
      await store.upsertBatch([a, b, c, d], T0);
      const hits = await store.similar({ file_id: a.file.file_id }, 2);
      expect(hits).toHaveLength(2);
      expect(hits[0]?.file_id).toBe(b.file.file_id);
      expect(hits.map((h) => h.file_id)).not.toContain(a.file.file_id);
      expect(hits[0]!.distance).toBeLessThanOrEqual(hits[1]!.distance);
      const all = await store.similar({ embedding: a.file.metadata_embedding! }, 10);
      expect(all[0]?.file_id).toBe(a.file.file_id);
      expect(all[0]?.distance).toBeCloseTo(0, 5);
      expect(all).toHaveLength(4);
    });

    it("query runs a SELECT over exr_metadata", async () => {
      await store.upsertBatch([record({ path: "/q/1.exr" }), record({ path: "/q/2.exr" })], T0);
      const r = await store.query("SELECT count(*) AS n FROM exr_metadata.files");
      expect(r.columns).toEqual(["n"]);
      expect(Number(r.rows[0]?.[0])).toBe(2);
    });
  });
}
