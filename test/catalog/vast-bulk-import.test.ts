/**
 * The bulk path (`bulkImport`: rows staged as Parquet objects on the S3 side and imported server-side) keeps the
 * catalog port's whole contract, and leaves no staged object behind.
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { BULK_PREFIX } from "../../src/catalog/vast/bulk-import.js";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { describeCatalogContract } from "./contract.js";
import { fixture } from "./fixtures.js";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

describeCatalogContract("vast (emulator, bulk import)", () =>
  VastCatalogStore.open(testConfig(emu.url), { bulkImport: true }),
);

describe("vast bulk import", () => {
  it("imports the same rows as row inserts and removes the staged objects", async () => {
    const config = testConfig(emu.url, "bulk_staging");
    const records = Array.from({ length: 30 }, (_, i) =>
      buildRecord(fixture({ path: `/shots/s${i}.exr`, parts: 1 + (i % 3) })),
    );
    const bulk = await VastCatalogStore.open(config, { bulkImport: true });
    const rows = await VastCatalogStore.open(testConfig(emu.url, "bulk_rows"));
    try {
      await bulk.init();
      await rows.init();
      await bulk.upsertBatch(records, new Date("2026-12-07T12:00:00Z"));
      await rows.upsertBatch(records, new Date("2026-12-07T12:00:00Z"));
      expect(await bulk.counts()).toEqual(await rows.counts());
      for (const r of records.slice(0, 5))
        expect(await bulk.getRecord(r.file.file_id)).toEqual(await rows.getRecord(r.file.file_id));
    } finally {
      await bulk.close();
      await rows.close();
    }
    const s3 = new S3Client({
      endpoint: emu.url,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: config.accessKey, secretAccessKey: config.secretKey },
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: config.bucket, Prefix: BULK_PREFIX }));
    s3.destroy();
    expect(listed.KeyCount ?? 0).toBe(0);
  });
});
