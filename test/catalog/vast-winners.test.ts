/**
 * Every VAST read keeps only winner rows: per `file_id` the files row with the smallest `$row_id`, and children
 * carrying that row's `ingest_token`. A small catalog (a few files, keys looked up two per query) with a race
 * loser, orphaned children of a write that never committed, a file stored only by two racing foreign writers and a
 * path with two versions (its current one with a race loser and orphans too); each reader (counts, getRecord,
 * knownState, export, sql) must answer as if none of the strays existed, and cleanup must sweep them out of storage. (vast-reads.test.ts checks the same at scale; this one is cheap enough for mutation runs.)
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { pixelStatsSet } from "../../src/catalog/pixel-stats.js";
import { EmptyQueryError } from "../../src/catalog/query-sandbox.js";
import type { CatalogRecord, PixelStatsSet, ValidationResultRow } from "../../src/catalog/rows.js";
import { rowsToBatch } from "../../src/catalog/vast/arrow-rows.js";
import { INGEST_TOKEN, tableSchema } from "../../src/catalog/vast/table-schemas.js";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import type { VastConfig } from "../../src/vast/client/config.js";
import { VastSession } from "../../src/vast/client/session.js";
import { rawProblems, rawRows } from "../vast/client/catalog-raw.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { fixture } from "./fixtures.js";
import { setUpOnceOrFailEach } from "./setup-once.js";

const T0 = new Date("2026-03-01T00:00:00Z");
const T1 = new Date("2026-04-01T00:00:00Z");

let emu: EmulatorHandle;
let config: VastConfig;
let store: VastCatalogStore;

const rec = (path: string, parts: number, now = T0, hash = "ab") =>
  buildRecord(fixture({ path, parts, headerHash: hash.repeat(32), sizeBytes: 1000 + parts }), { now });

const a = rec("/w/a.exr", 2);
const b = rec("/w/b.exr", 1);
const c = rec("/w/c.exr", 3);
/** Stored only by foreign writers: d1 first (the winner), then d2 with three parts under the same id. */
const d1 = rec("/w/d.exr", 1);
const d2 = withId(rec("/w/d.exr", 3), d1.file.file_id);
const e0 = rec("/w/e.exr", 1, T0, "cd");
const e1 = rec("/w/e.exr", 2, T1, "ef");

function withId(r: CatalogRecord, file_id: string): CatalogRecord {
  const re = <T>(rows: T[]) => rows.map((x) => ({ ...x, file_id }));
  return {
    ...r,
    file: { ...r.file, file_id, size_bytes: 777 },
    parts: re(r.parts),
    channels: re(r.channels),
    attributes: re(r.attributes),
  };
}

/** Rows of `r` (children, and the files row unless `withFile` is false) written under `token` in one transaction into `into`'s schema. */
async function inject(
  r: CatalogRecord,
  token: string,
  withFile = true,
  file: object = {},
  into: VastConfig = config,
): Promise<void> {
  const session = await VastSession.connect(into);
  try {
    await session.transaction(async (tx) => {
      const ref = (table: string) => ({ bucket: into.bucket, schema: into.schema, table });
      for (const table of ["parts", "channels", "attributes"] as const) {
        const rows = (r[table] as object[]).map((x) => ({ ...x, [INGEST_TOKEN]: token }));
        await tx.insert(ref(table), rowsToBatch(tableSchema(table), rows));
      }
      if (withFile) {
        await tx.insert(
          ref("files"),
          rowsToBatch(tableSchema("files"), [{ ...r.file, ...file, [INGEST_TOKEN]: token }]),
        );
      }
    });
  } finally {
    session.close();
  }
}

setUpOnceOrFailEach(buildCatalog, 60_000);

async function buildCatalog(): Promise<void> {
  emu = await startTestEmulator();
  config = testConfig(emu.url);
  store = await VastCatalogStore.open(config, { keysPerQuery: 2 });
  await store.init();
  await store.upsertBatch([a, b, c, e0], T0);
  await store.upsertBatch([e1], T1);
  await inject(a, "loser-a", true, { size_bytes: 999_999 }); // a race loser of a
  await inject(b, "orphan-b", false); // children of b whose files row never committed
  await inject(d1, "d1");
  await inject(d2, "d2");
  await inject(e1, "orphan-e1", false);
  await inject(e1, "loser-e1");
}

afterAll(async () => {
  await store?.close();
  await emu?.stop();
});

describe("VAST readers see winner rows only", () => {
  it("counts: each file once, children of winning writes only", async () => {
    const winners = [a, b, c, d1, e0, e1];
    const sum = (f: (r: CatalogRecord) => number) => winners.reduce((n, r) => n + f(r), 0);
    expect(await store.counts()).toEqual({
      files: 6,
      parts: sum((r) => r.parts.length),
      channels: sum((r) => r.channels.length),
      attributes: sum((r) => r.attributes.length),
    });
  });

  it("getRecord: the winner's files row and its own children; an unknown id is null", async () => {
    expect(await store.getRecord(a.file.file_id)).toEqual(a);
    expect(await store.getRecord(b.file.file_id)).toEqual(b);
    const d = await store.getRecord(d1.file.file_id);
    expect(d).toEqual(d1);
    expect(await store.getRecord("0".repeat(64))).toBeNull();
  });

  it("knownState: per path the current version's winner row; unknown paths left out", async () => {
    const known = await store.knownState(["/w/a.exr", "/w/e.exr", "/w/d.exr", "/w/none.exr"]);
    expect([...known.keys()].sort()).toEqual(["/w/a.exr", "/w/d.exr", "/w/e.exr"]);
    expect(known.get("/w/a.exr")).toEqual({
      file_path_normalized: "/w/a.exr",
      file_id: a.file.file_id,
      size_bytes: a.file.size_bytes,
      mtime: "2026-01-02T03:04:05.678Z",
      etag: null,
    });
    expect(known.get("/w/e.exr")?.file_id).toBe(e1.file.file_id);
    expect(known.get("/w/d.exr")?.size_bytes).toBe(d1.file.size_bytes);
    expect(await store.knownState([])).toEqual(new Map());
  });

  it("export writes winners only; importing it into an empty catalog restores them", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "vast-winners-"));
    const other = await VastCatalogStore.open(testConfig(emu.url), { filesPerTransaction: 4 });
    try {
      await store.exportTo(dir);
      await other.importFrom(dir);
      expect(await other.counts()).toEqual(await store.counts());
      expect(await other.getRecord(a.file.file_id)).toEqual(a);
      expect(await other.getRecord(d1.file.file_id)).toEqual(d1);
      expect((await other.knownState(["/w/e.exr"])).get("/w/e.exr")?.file_id).toBe(e1.file.file_id);
    } finally {
      await other.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("sql over files and children reads winners only", async () => {
    const files = await store.query(
      "SELECT file_path_normalized, size_bytes FROM exr_metadata.files ORDER BY 1, 2",
    );
    expect(files.rows).toEqual(
      [a, b, c, d1, e0, e1].map((r) => [r.file.file_path_normalized, r.file.size_bytes]).sort(),
    );
    const parts = await store.query(
      "SELECT p.file_id, count(*) FROM exr_metadata.parts p GROUP BY 1 ORDER BY 1",
    );
    expect(parts.rows).toEqual(
      [a, b, c, d1, e0, e1]
        .map((r) => [r.file.file_id, r.parts.length])
        .sort((x, y) => (String(x[0]) < String(y[0]) ? -1 : 1)),
    );
  });

  it("sql with a pushed-down WHERE keeps winners only and says what was pushed and read", async () => {
    const loserSize = await store.query("SELECT file_path, size_bytes FROM files WHERE size_bytes = 999999");
    expect(loserSize.rows).toEqual([]); // only a's race loser has that size
    expect(loserSize.notes).toEqual([
      "vast: pushed down to files: size_bytes = 999999",
      "vast: columns read: files(file_id, file_path_normalized, last_inspected, inspection_timestamp, file_path, size_bytes)",
    ]);
    // Children: d2's parts (a lost write of d) and e1's orphans have a part 1 too; only winning writes count.
    const parts = await store.query("SELECT file_id, part_index FROM parts WHERE part_index = 1 ORDER BY 1");
    expect(parts.rows).toEqual(
      [a, c, e1].map((r) => [r.file.file_id, 1]).sort((x, y) => (x[0]! < y[0]! ? -1 : 1)),
    );
    expect(parts.notes).toEqual([
      "vast: pushed down to parts: part_index = 1",
      "vast: columns read: parts(file_id, part_index)",
    ]);
    const mixed = await store.query(
      "SELECT count(*) FROM files WHERE file_path LIKE '/w/%' AND size_bytes > 1001",
    );
    expect(mixed.rows).toEqual([[3]]); // a, c, e1 (a's loser is larger, but a counts once)
    expect(mixed.notes).toEqual([
      "vast: pushed down to files: size_bytes > 1001",
      "vast: applied after reading: 1 condition(s) that are not simple column comparisons",
      "vast: columns read: files(file_id, file_path_normalized, last_inspected, inspection_timestamp, file_path, size_bytes)",
    ]);
    const none = await store.query("SELECT 1");
    expect(none.notes).toEqual([
      "vast: no condition pushed down (FROM is not a single catalog table (a join or a subquery)); every row of the tables read is fetched",
      "vast: columns read: none",
    ]);
    const two = await store.query(
      "SELECT count(*) FROM files WHERE size_bytes > 1001 AND size_bytes < 1003 AND file_path LIKE '/w/%'",
    );
    expect(two.rows).toEqual([[2]]); // a and e1 (1002 bytes); a's loser is larger
    expect(two.notes?.[0]).toBe("vast: pushed down to files: size_bytes > 1001 AND size_bytes < 1003");
    const joined = await store.query("SELECT count(*) FROM files JOIN parts USING (file_id)");
    expect(joined.notes?.at(-1)).toBe(
      "vast: columns read: files(file_id, file_path_normalized, last_inspected, inspection_timestamp), parts(file_id)",
    );
    await expect(store.query("  ")).rejects.toThrow(EmptyQueryError);
  });

  it("cleanup: a dry run only counts; then old files go with their verdicts and statistics, and strays are swept", async () => {
    const ghost = "f".repeat(64); // verdicts and statistics of a file the catalog does not have
    await store.putValidationResults([verdict(a.file.file_id), verdict(e1.file.file_id), verdict(ghost)]);
    await store.putPixelStats([stats(a.file.file_id), stats(e1.file.file_id), stats(ghost)]);
    const old = [a, b, c, d1, e0];
    const sum = (rs: CatalogRecord[], f: (r: CatalogRecord) => number) => rs.reduce((n, r) => n + f(r), 0);
    const removed = {
      files: old.length,
      parts: sum(old, (r) => r.parts.length),
      channels: sum(old, (r) => r.channels.length),
      attributes: sum(old, (r) => r.attributes.length),
    };
    const before = await store.counts();
    expect(await store.cleanup(T1, true)).toEqual(removed);
    expect(await store.counts()).toEqual(before);
    expect(await store.cleanup(T1, false)).toEqual(removed);
    expect(await store.counts()).toEqual({
      files: 1,
      parts: e1.parts.length,
      channels: e1.channels.length,
      attributes: e1.attributes.length,
    });
    // In storage: e1's winning write only (its race loser and orphans swept), nothing of the old files.
    const raw = await rawRows(config);
    expect(rawProblems(raw)).toEqual([]);
    expect(raw.files.map((f) => f.file_id)).toEqual([e1.file.file_id]);
    expect(raw.parts).toHaveLength(e1.parts.length);
    expect(raw.channels).toHaveLength(e1.channels.length);
    expect(raw.attributes).toHaveLength(e1.attributes.length);
    expect(await store.filesWithPixelStats([a.file.file_id, e1.file.file_id, ghost])).toEqual(
      new Set([e1.file.file_id]),
    );
    const verdicts = await store.query("SELECT file_id FROM exr_metadata.validation_results");
    expect(verdicts.rows).toEqual([[e1.file.file_id]]);
  });
});

function verdict(file_id: string): ValidationResultRow {
  return {
    file_id,
    policy_id: "p",
    rule_id: "r",
    severity: "error",
    outcome: "pass",
    message: null,
    expected: null,
    actual: null,
    suggested_fix: null,
    checked_at: T1,
  };
}

function stats(file_id: string): PixelStatsSet {
  const channel = { name: "R", type: "half" as const, min: 0, max: 1, mean: 0.5, stddev: 0.1, nan_count: 0 };
  return pixelStatsSet(
    file_id,
    [
      {
        part_index: 0,
        levels: [
          { level: [0, 0], channels: [{ ...channel, inf_count: 0, finite_count: 4, constant: false }] },
        ],
        monochrome: null,
        pixel_hash: null,
      },
    ],
    T1,
  );
}

describe("VAST writes", () => {
  it("counts repeats in a batch, bumps re-inspected files and sweeps the race losers it meets", async () => {
    const own = testConfig(emu.url);
    const writer = await VastCatalogStore.open(own, { keysPerQuery: 2, filesPerTransaction: 2 });
    try {
      await writer.init();
      let committed = 0;
      const onCommitted = () => committed++;
      expect(await writer.upsertBatch([], T0, { onCommitted })).toEqual([]);
      expect(committed).toBe(1);
      const outcome = (r: CatalogRecord, status: string) => ({
        file_id: r.file.file_id,
        file_path_normalized: r.file.file_path_normalized,
        status,
      });
      // Three unique files in transactions of two: onCommitted once, after the last.
      expect(await writer.upsertBatch([a, b, a, c], T0, { onCommitted })).toEqual([
        outcome(a, "inserted"),
        outcome(b, "inserted"),
        outcome(a, "reinspected"),
        outcome(c, "inserted"),
      ]);
      expect(committed).toBe(2);
      expect((await writer.getRecord(a.file.file_id))?.file.inspection_count).toBe(2);
      expect((await writer.getRecord(b.file.file_id))?.file.inspection_count).toBe(1);
      // A race loser of a (files row and children) and orphaned children of c, then a and c written again.
      await inject(a, "loser-a", true, { size_bytes: 5 }, own);
      await inject(c, "orphan-c", false, {}, own);
      expect(await writer.upsertBatch([c, a, a], T1)).toEqual([
        outcome(c, "reinspected"),
        outcome(a, "reinspected"),
        outcome(a, "reinspected"),
      ]);
      const storedA = await writer.getRecord(a.file.file_id);
      expect(storedA?.file.inspection_count).toBe(4);
      expect(storedA?.file.last_inspected).toEqual(T1);
      expect(storedA?.file.size_bytes).toBe(a.file.size_bytes);
      const storedC = await writer.getRecord(c.file.file_id);
      expect([storedC?.file.inspection_count, storedC?.file.last_inspected]).toEqual([2, T1]);
      // a's loser is gone with its children; c's orphans are left to cleanup (readers ignore them).
      const raw = await rawRows(own);
      expect(raw.files.map((f) => f.file_id).sort()).toEqual([a, b, c].map((r) => r.file.file_id).sort());
      expect(raw.parts.filter((p) => p.token === "loser-a")).toEqual([]);
      expect(raw.parts.filter((p) => p.token === "orphan-c")).toHaveLength(c.parts.length);
      expect(await writer.counts()).toEqual({
        files: 3,
        parts: a.parts.length + b.parts.length + c.parts.length,
        channels: a.channels.length + b.channels.length + c.channels.length,
        attributes: a.attributes.length + b.attributes.length + c.attributes.length,
      });
    } finally {
      await writer.close();
    }
  });
});

describe("VAST at more than 1,024 files (winners by one streamed scan)", () => {
  it("counts, pushed-down sql, cleanup and verdict rewrites keep winners only", async () => {
    const own = testConfig(emu.url);
    const big = await VastCatalogStore.open(own, { keysPerQuery: 64 });
    try {
      await big.init();
      const template = rec("/big/x.exr", 1, T1).file;
      const id = (i: number) => `${String(i).padStart(4, "0")}${"b".repeat(60)}`;
      const files = Array.from({ length: 1030 }, (_, i) => ({
        ...template,
        file_id: id(i),
        file_path: `/big/${i}.exr`,
        file_path_normalized: `/big/${i}.exr`,
        size_bytes: i + 1,
        metadata_embedding: null,
        [INGEST_TOKEN]: i === 1 ? null : "bulk", // file 1 was stored by a tool that sets no token
      }));
      // A race loser of file 0, older and larger than its winner.
      const loser = { ...files[0]!, size_bytes: 5000, last_inspected: T0, [INGEST_TOKEN]: "loser" };
      const part = (file_id: string, token: string | null) => ({
        ...rec("/big/x.exr", 1, T1).parts[0]!,
        file_id,
        [INGEST_TOKEN]: token,
      });
      const session = await VastSession.connect(own);
      try {
        await session.transaction(async (tx) => {
          const ref = (table: string) => ({ bucket: own.bucket, schema: own.schema, table });
          await tx.insert(ref("files"), rowsToBatch(tableSchema("files"), [...files, loser]));
          await tx.insert(
            ref("parts"),
            rowsToBatch(tableSchema("parts"), [
              part(id(0), "bulk"),
              part(id(0), "loser"),
              part(id(1), null),
              part(id(1), "bulk"),
              part("f".repeat(64), null),
            ]),
          );
        });
      } finally {
        session.close();
      }
      expect(await big.counts()).toEqual({ files: 1030, parts: 2, channels: 0, attributes: 0 });
      const pushed = await big.query("SELECT count(*), sum(size_bytes) FROM files WHERE size_bytes > 0");
      expect(pushed.rows).toEqual([[1030, (1030 * 1031) / 2]]);
      expect(pushed.notes?.[0]).toBe("vast: pushed down to files: size_bytes > 0");
      const parts = await big.query("SELECT file_id FROM parts WHERE part_index = 0 ORDER BY 1");
      expect(parts.rows).toEqual([[id(0)], [id(1)]]);
      // The loser was inspected before the cutoff, its winner not: nothing is old.
      expect(await big.cleanup(T1, true)).toEqual({ files: 0, parts: 0, channels: 0, attributes: 0 });
      // A verdict write replaces the earlier rows of its (file, policy) pairs only.
      await big.putValidationResults([verdict(id(0)), { ...verdict(id(0)), policy_id: "q" }, verdict(id(2))]);
      await big.putValidationResults([{ ...verdict(id(0)), rule_id: "r2" }]);
      const verdicts = await big.query(
        "SELECT file_id, policy_id, rule_id FROM exr_metadata.validation_results ORDER BY 1, 2",
      );
      expect(verdicts.rows).toEqual([
        [id(0), "p", "r2"],
        [id(0), "q", "r"],
        [id(2), "p", "r"],
      ]);
    } finally {
      await big.close();
    }
  });
});
