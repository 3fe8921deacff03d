/**
 * Reads that scale on VAST, checked for exactness against the in-memory rules on a catalog with superseded versions,
 * race losers and orphans: `similar` (streamed top-k, repeated passes when stale rows crowd the heap) equals
 * `nearestFiles` over every row, `counts` (streamed key columns) equals what readers see, and `sql` with a pushed-down
 * WHERE answers exactly what the same query without pushdown answers, while reading fewer bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import type { CatalogRecord, FileRow } from "../../src/catalog/rows.js";
import { nearestFiles } from "../../src/catalog/similarity.js";
import { rowsToBatch } from "../../src/catalog/vast/arrow-rows.js";
import { INGEST_TOKEN, tableSchema } from "../../src/catalog/vast/table-schemas.js";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import type { VastConfig } from "../../src/vast/client/config.js";
import { VastSession } from "../../src/vast/client/session.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { fixture } from "./fixtures.js";

const T0 = new Date("2026-03-01T00:00:00Z");
const T1 = new Date("2026-04-01T00:00:00Z");
const PATHS = 160;
const STALE = 40; // more superseded versions near the query than k + the first pass's slack (16)

let emu: EmulatorHandle;
let config: VastConfig;
let store: VastCatalogStore;
const everyFileRow: FileRow[] = []; // what the in-memory rule ranks: every version, no race losers
let query: Float32Array;
let seed = 7;

function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}

function vector(near?: Float32Array, spread = 0.01): Float32Array {
  return Float32Array.from({ length: 384 }, (_, i) =>
    near ? near[i]! + spread * (random() - 0.5) : random() - 0.5,
  );
}

function record(path: string, parts: number, now: Date, embedding: Float32Array | null): CatalogRecord {
  // Another header (here: another part count) is another version of the path, with its own file_id.
  const headerHash = String(parts).repeat(64);
  const rec = buildRecord(fixture({ path, parts, sizeBytes: 1000 + parts, headerHash }), { now });
  rec.file.metadata_embedding = embedding;
  return rec;
}

/** A second files row of `rec` (and children) under another token, as a racing writer that lost would leave. */
async function injectCopy(rec: CatalogRecord, file: Partial<FileRow>, withFile = true): Promise<void> {
  const session = await VastSession.connect(config);
  try {
    await session.transaction(async (tx) => {
      const ref = (table: string) => ({ bucket: config.bucket, schema: config.schema, table });
      const token = `copy-${rec.file.file_id.slice(0, 8)}-${withFile}`;
      for (const table of ["parts", "channels", "attributes"] as const) {
        const rows = (rec[table] as object[]).map((r) => ({ ...r, [INGEST_TOKEN]: token }));
        await tx.insert(ref(table), rowsToBatch(tableSchema(table), rows));
      }
      if (withFile) {
        await tx.insert(
          ref("files"),
          rowsToBatch(tableSchema("files"), [{ ...rec.file, ...file, [INGEST_TOKEN]: token }]),
        );
      }
    });
  } finally {
    session.close();
  }
}

beforeAll(async () => {
  emu = await startTestEmulator();
  config = testConfig(emu.url);
  store = await VastCatalogStore.open(config, { filesPerTransaction: 64 });
  await store.init();
  query = vector();
  // Superseded versions (inspected at T0) right next to the query: they must never be answered.
  const stale: CatalogRecord[] = [];
  for (let i = 0; i < STALE; i++) stale.push(record(`/show/p${i}.exr`, 2, T0, vector(query, 0.001)));
  await store.upsertBatch(stale, T0);
  // The current versions (T1): a few near the query, one with no embedding (its path must drop out entirely).
  const current: CatalogRecord[] = [];
  for (let i = 0; i < PATHS; i++) {
    const embedding = i === 3 ? null : i % 20 === 0 ? vector(query, 0.2) : vector();
    current.push(record(`/show/p${i}.exr`, 1, T1, embedding));
  }
  await store.upsertBatch(current, T1);
  for (const r of [...stale, ...current]) everyFileRow.push(r.file);
  // Race losers of the nearest current files and of a stale one, and children of a write that never committed.
  await injectCopy(current[0]!, {});
  await injectCopy(current[20]!, { size_bytes: 424242 });
  await injectCopy(stale[5]!, {});
  await injectCopy(current[40]!, {}, false);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await emu?.stop();
});

describe("VAST reads that scale", () => {
  it("similar by embedding equals the in-memory rule, through superseded versions and race losers", async () => {
    for (const k of [1, 5, 30]) {
      const expected = nearestFiles(everyFileRow, { embedding: query }, k);
      const got = await store.similar({ embedding: query }, k);
      expect(got.map((h) => h.file_id)).toEqual(expected.map((h) => h.file_id));
      got.forEach((h, i) => {
        expect(h.distance).toBeCloseTo(expected[i]!.distance, 6);
        expect(h.file_path).toBe(expected[i]!.file_path);
      });
    }
    expect(await store.similar({ embedding: query }, 0)).toEqual([]);
  });

  it("similar by file id excludes the file itself and answers like the in-memory rule", async () => {
    const id = everyFileRow.find((f) => f.file_path === "/show/p20.exr" && f.last_inspected === T1)!.file_id;
    const expected = nearestFiles(everyFileRow, { file_id: id }, 8);
    const got = await store.similar({ file_id: id }, 8);
    expect(got.map((h) => h.file_id)).toEqual(expected.map((h) => h.file_id));
    expect(got.map((h) => h.file_id)).not.toContain(id);
    expect(await store.similar({ file_id: "0".repeat(64) }, 3)).toEqual([]);
  });

  it("counts are what readers see: every version once, no race loser, no orphan", async () => {
    const parts = everyFileRow.length + STALE; // stale versions have 2 parts, current ones 1
    const counts = await store.counts();
    expect(counts.files).toBe(everyFileRow.length);
    expect(counts.parts).toBe(parts);
  });

  it("sql: a WHERE on one column is pushed down, answers as without pushdown, and reads far fewer bytes", async () => {
    const where = `WHERE last_inspected < TIMESTAMP '2026-03-15 00:00:00'`;
    const before = store.session.bytesReceived;
    const pushed = await store.query(`SELECT file_path, inspection_count FROM files ${where} ORDER BY 1`);
    const pushedBytes = store.session.bytesReceived - before;
    const plain = await store.query(
      `SELECT file_path, inspection_count FROM (SELECT * FROM files) ${where} ORDER BY 1`,
    );
    const plainBytes = store.session.bytesReceived - before - pushedBytes;
    expect(pushed.rows).toEqual(plain.rows);
    expect(pushed.rows).toHaveLength(STALE);
    expect(pushed.notes?.[0]).toBe(
      "vast: pushed down to files: last_inspected < TIMESTAMP '2026-03-15 00:00:00'",
    );
    expect(plain.notes?.[0]).toMatch(/^vast: no condition pushed down \(FROM is not a single catalog table/);
    expect(pushedBytes).toBeLessThan(plainBytes / 2);
  });

  it("sql: a race loser matching the pushed predicate is not taken for its file", async () => {
    const sql = "SELECT file_path, size_bytes FROM files WHERE size_bytes = 424242";
    const pushed = await store.query(sql);
    expect(pushed.notes?.[0]).toBe("vast: pushed down to files: size_bytes = 424242");
    expect(pushed.rows).toEqual([]); // the winner of /show/p20.exr has another size
  });

  it("sql: every simple shape is pushed and answers as without pushdown", async () => {
    const ids = everyFileRow.slice(0, 3).map((f) => `'${f.file_id}'`);
    const cases: [string, string][] = [
      [`file_id IN (${ids.join(", ")})`, "file_id IN"],
      [
        "(file_path = '/show/p1.exr' OR file_path >= '/show/p9')",
        "(file_path = '/show/p1.exr' OR file_path >= '/show/p9')",
      ],
      [
        "inspection_count BETWEEN 1 AND 1 AND etag IS NULL",
        "inspection_count BETWEEN 1 AND 1 AND etag IS NULL",
      ],
      ["last_inspected > '2026-03-15'", "last_inspected > '2026-03-15'"],
      ["is_deep = false AND size_bytes <> 1002", "is_deep = false AND size_bytes <> 1002"],
    ];
    for (const [condition, shown] of cases) {
      const pushed = await store.query(`SELECT file_id FROM files WHERE ${condition} ORDER BY 1`);
      const plain = await store.query(
        `SELECT file_id FROM (SELECT * FROM files) WHERE ${condition} ORDER BY 1`,
      );
      expect(pushed.rows, condition).toEqual(plain.rows);
      expect(pushed.rows.length, condition).toBeGreaterThan(0);
      expect(pushed.notes?.[0], condition).toContain(`vast: pushed down to files: ${shown}`);
    }
  });

  it("sql: children are pushed down and only winning writes count; what cannot be pushed is said", async () => {
    const sql = "SELECT count(*) FROM parts WHERE part_index = 1";
    const pushed = await store.query(sql);
    const plain = await store.query("SELECT count(*) FROM (SELECT * FROM parts) WHERE part_index = 1");
    expect(pushed.rows).toEqual(plain.rows);
    expect(Number(pushed.rows[0]![0])).toBe(STALE);
    // current_files: a condition on anything but the path would change which version is current.
    const current = await store.query(
      "SELECT count(*) FROM current_files WHERE last_inspected < TIMESTAMP '2026-03-15 00:00:00'",
    );
    expect(Number(current.rows[0]![0])).toBe(0);
    expect(current.notes?.[0]).toMatch(
      /^vast: no condition pushed down \(last_inspected < .*\(current_files: only/,
    );
    const mixed = await store.query(
      "SELECT count(*) FROM files WHERE file_path LIKE '/show/p1%' AND size_bytes = 1001",
    );
    expect(mixed.notes).toContain(
      "vast: applied after reading: 1 condition(s) that are not simple column comparisons",
    );
    const joined = await store.query(
      "SELECT count(*) FROM files f JOIN parts p USING (file_id) WHERE p.part_index = 1",
    );
    expect(Number(joined.rows[0]![0])).toBe(STALE);
    expect(joined.notes?.[0]).toMatch(/^vast: no condition pushed down/);
  });
});
