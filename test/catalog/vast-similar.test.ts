/**
 * `similar` on VAST (similar.ts: a streamed top-k heap, then the few candidates checked against the winner and
 * current-version rules, repeated with a doubled heap while stale rows crowd it) answers exactly what the in-memory
 * rule `nearestFiles` answers over every version — here on a small catalog cheap enough for mutation runs:
 * superseded versions nearer the query than the first pass's heap holds, race losers (one exactly at the query),
 * a file without an embedding, a zero vector, two files at the same distance. vast-reads.test.ts checks it at scale.
 */
import { afterAll, describe, expect, it } from "vitest";
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
import { setUpOnceOrFailEach } from "./setup-once.js";

const T0 = new Date("2026-03-01T00:00:00Z");
const T1 = new Date("2026-04-01T00:00:00Z");
const PATHS = 24;
/** Superseded versions right at the query: more than k + the first pass's slack (16) for k = 1 and 2. */
const STALE = 20;

let emu: EmulatorHandle;
let config: VastConfig;
let store: VastCatalogStore;
let everyFileRow: FileRow[]; // what the in-memory rule ranks: every version, no race losers
let current: CatalogRecord[];
let query: Float32Array;

function vectors(): { vector: (near?: Float32Array, spread?: number) => Float32Array } {
  let seed = 11;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return {
    vector: (near, spread = 0.01) =>
      Float32Array.from({ length: 384 }, (_, i) =>
        near ? near[i]! + spread * (random() - 0.5) : random() - 0.5,
      ),
  };
}

function record(path: string, parts: number, now: Date, embedding: Float32Array | null): CatalogRecord {
  const headerHash = String(parts).repeat(64); // another part count: another version of the path
  const rec = buildRecord(fixture({ path, parts, sizeBytes: 1000 + parts, headerHash }), { now });
  rec.file.metadata_embedding = embedding;
  return rec;
}

/** A second files row of `rec` under another token, as a racing writer that lost would leave. */
async function injectCopy(rec: CatalogRecord, file: Partial<FileRow>): Promise<void> {
  const session = await VastSession.connect(config);
  try {
    await session.transaction(async (tx) => {
      const ref = { bucket: config.bucket, schema: config.schema, table: "files" };
      const token = `copy-${rec.file.file_id.slice(0, 8)}`;
      await tx.insert(
        ref,
        rowsToBatch(tableSchema("files"), [{ ...rec.file, ...file, [INGEST_TOKEN]: token }]),
      );
    });
  } finally {
    session.close();
  }
}

setUpOnceOrFailEach(buildCatalog, 120_000);

async function buildCatalog(): Promise<void> {
  emu = await startTestEmulator();
  config = testConfig(emu.url);
  store = await VastCatalogStore.open(config, { keysPerQuery: 4 });
  await store.init();
  const { vector } = vectors();
  query = vector();
  const stale: CatalogRecord[] = [];
  for (let i = 0; i < STALE; i++) stale.push(record(`/sim/p${i}.exr`, 2, T0, vector(query, 0.001)));
  await store.upsertBatch(stale, T0);
  const twin = vector(query, 0.3);
  current = [];
  for (let i = 0; i < PATHS; i++) {
    const embedding =
      i === 3
        ? null
        : i === 7
          ? new Float32Array(384)
          : i === 5 || i === 6
            ? twin
            : vector(query, i % 4 === 0 ? 0.5 : 2);
    current.push(record(`/sim/p${i}.exr`, 1, T1, embedding));
  }
  await store.upsertBatch(current, T1);
  everyFileRow = [...stale, ...current].map((r) => r.file);
  // Race losers: one exactly at the query (it must never be answered, nor be p5's embedding), one of a stale row.
  await injectCopy(current[5]!, { metadata_embedding: query });
  await injectCopy(current[0]!, {});
  await injectCopy(stale[2]!, {});
}

afterAll(async () => {
  await store?.close();
  await emu?.stop();
});

describe("VAST similar", () => {
  it("by embedding: exactly the in-memory rule's hits, through stale versions and race losers", async () => {
    for (const k of [1, 2, 5, 30]) {
      const expected = nearestFiles(everyFileRow, { embedding: query }, k);
      expect(await store.similar({ embedding: query }, k), `k = ${k}`).toEqual(expected);
    }
    // Every current file with a usable embedding: not p3 (none), not p7 (zero vector).
    expect((await store.similar({ embedding: Array.from(query) }, 100)).length).toBe(PATHS - 2);
    expect(await store.similar({ embedding: query }, 0)).toEqual([]);
    expect(await store.similar({ embedding: query }, -3)).toEqual([]);
    expect((await store.similar({ embedding: query }, 2.9)).length).toBe(2);
  });

  it("two files at the same distance are ordered by file_id", async () => {
    const [p5, p6] = [current[5]!.file, current[6]!.file];
    const hits = await store.similar({ embedding: p5.metadata_embedding! }, 2);
    expect(hits.map((h) => h.file_id)).toEqual([p5.file_id, p6.file_id].sort());
    expect(hits[0]!.distance).toBe(hits[1]!.distance);
    expect(hits).toEqual(nearestFiles(everyFileRow, { embedding: p5.metadata_embedding! }, 2));
  });

  it("by file id: the winner row's embedding, the file itself left out", async () => {
    const p5 = current[5]!.file.file_id;
    const hits = await store.similar({ file_id: p5 }, 3);
    expect(hits).toEqual(nearestFiles(everyFileRow, { file_id: p5 }, 3));
    expect(hits[0]!.file_id).toBe(current[6]!.file.file_id); // its twin, at distance 0
    const p10 = current[10]!.file.file_id;
    expect(await store.similar({ file_id: p10 }, 5)).toEqual(nearestFiles(everyFileRow, { file_id: p10 }, 5));
    expect(await store.similar({ file_id: current[3]!.file.file_id }, 3)).toEqual([]); // no embedding
    expect(await store.similar({ file_id: "0".repeat(64) }, 3)).toEqual([]);
  });
});
