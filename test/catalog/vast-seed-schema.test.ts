/**
 * Tables created in the seed document's VAST schema (ISO-string timestamps, variable-length float lists, none of
 * the added columns) are migrated forward by init (missing columns added) and then written and read losslessly
 * in their own column types.
 */
import { Bool, Field, Float32, Int32, Int64, List, Schema, Utf8 } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { nearestFiles } from "../../src/catalog/similarity.js";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import { VastSession } from "../../src/vast/client/session.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { fixture } from "./fixtures.js";

const s = () => new Utf8();
const f = (name: string, type: ConstructorParameters<typeof Field>[1]) => new Field(name, type, true);
const floats = () => new List(new Field("item", new Float32(), true));
const SEED: Record<string, Schema> = {
  files: new Schema([
    f("file_id", s()),
    f("file_path", s()),
    f("file_path_normalized", s()),
    f("header_hash", s()),
    f("size_bytes", new Int64()),
    f("mtime", s()),
    f("multipart_count", new Int32()),
    f("is_deep", new Bool()),
    f("metadata_embedding", floats()),
    f("inspection_timestamp", s()),
    f("inspection_count", new Int32()),
    f("last_inspected", s()),
  ]),
  parts: new Schema([
    f("file_id", s()),
    f("file_path", s()),
    f("part_index", new Int32()),
    f("compression", s()),
  ]),
  channels: new Schema([
    f("file_id", s()),
    f("file_path", s()),
    f("part_index", new Int32()),
    f("channel_name", s()),
    f("channel_fingerprint", floats()),
  ]),
  attributes: new Schema([
    f("file_id", s()),
    f("file_path", s()),
    f("part_index", new Int32()),
    f("attribute_name", s()),
    f("attribute_type", s()),
    f("attribute_value", s()),
  ]),
};

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

describe("VAST adapter on tables in the seed's schema", () => {
  it("adds the missing columns, then stores and reads records losslessly in the seed's types", async () => {
    const config = testConfig(emu.url);
    const session = await VastSession.connect(config);
    await session.transaction(async (tx) => {
      await tx.createSchema(config.bucket, config.schema);
      for (const [table, schema] of Object.entries(SEED)) {
        await tx.createTable({ bucket: config.bucket, schema: config.schema, table }, schema);
      }
    });
    const store = await VastCatalogStore.open(config);
    try {
      await store.init();
      const columns = await session.transaction((tx) =>
        tx.columns({ bucket: config.bucket, schema: config.schema, table: "files" }),
      );
      expect(columns.fields.find((x) => x.name === "mtime")?.type.toString()).toBe("Utf8");
      expect(columns.fields.map((x) => x.name)).toContain("validation_status");
      const rec = buildRecord(fixture({ path: "/seed/a.exr", parts: 2 }), {
        now: new Date("2026-05-05T05:05:05.5Z"),
      });
      await store.upsertBatch([rec], new Date("2026-05-05T05:05:05.5Z"));
      expect(await store.getRecord(rec.file.file_id)).toEqual(rec);
      const q = await store.query("SELECT typeof(mtime) AS t, mtime FROM files");
      expect(q.rows[0]![0]).toBe("TIMESTAMP");
      // similar over variable-length float lists: the same answer as the in-memory rule; a list of another
      // length than the query's is no candidate.
      const at = (path: string, embedding: number[]) => {
        const r = buildRecord(fixture({ path }), { now: new Date("2026-05-05T05:05:05.5Z") });
        r.file.metadata_embedding = Float32Array.from(
          { length: 384 },
          (_, i) => embedding[i % embedding.length]!,
        );
        return r;
      };
      const others = [at("/seed/b.exr", [1, 2]), at("/seed/c.exr", [2, 1]), at("/seed/d.exr", [1, 1, 3])];
      const short = buildRecord(fixture({ path: "/seed/e.exr" }), {
        now: new Date("2026-05-05T05:05:05.5Z"),
      });
      short.file.metadata_embedding = new Float32Array([1, 2, 3]);
      await store.upsertBatch([...others, short], new Date("2026-05-05T05:05:05.5Z"));
      const query = { embedding: others[0]!.file.metadata_embedding! };
      const hits = await store.similar(query, 10);
      expect(hits).toEqual(nearestFiles([rec.file, ...others.map((r) => r.file), short.file], query, 10));
      expect(hits.map((h) => h.file_path)).toEqual([
        "/seed/b.exr",
        "/seed/d.exr",
        "/seed/c.exr",
        "/seed/a.exr",
      ]);
    } finally {
      await store.close();
      session.close();
    }
  });
});
