/**
 * `openCatalog({ backend: "vast" })`'s branch against the emulator: settings from options over `VAST_DB_*`, the
 * tables created on open unless told not to (or read-only), and the store's options passed on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { openVastCatalog } from "../../src/catalog/vast/open-vast.js";
import type { VastConfig } from "../../src/vast/client/config.js";
import { VastSession } from "../../src/vast/client/session.js";
import { rawRows } from "../vast/client/catalog-raw.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { fixture } from "./fixtures.js";

let emu: EmulatorHandle;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.stop();
});

function flags(config: VastConfig) {
  return {
    endpoint: config.endpoint.origin,
    accessKey: config.accessKey,
    secretKey: "test-secret-key-value",
    bucket: config.bucket,
    schema: config.schema,
    retry: { baseDelayMs: 5, maxDelayMs: 100 },
  };
}

/** The tables in the config's schema (none when the schema does not exist). */
async function tablesOf(config: VastConfig): Promise<string[]> {
  const session = await VastSession.connect(config);
  try {
    return await session.retrying(
      async (tx) =>
        (await tx.schemaExists(config.bucket, config.schema))
          ? (await tx.listTables(config.bucket, config.schema)).sort()
          : [],
      { commit: false },
    );
  } finally {
    session.close();
  }
}

describe("openVastCatalog", () => {
  it("creates the catalog's tables on open, in the configured schema, and the store writes there", async () => {
    const config = testConfig(emu.url);
    const store = await openVastCatalog({ vast: flags(config) });
    try {
      expect(store.backend).toBe("vast");
      expect(store.location).toBe(`${config.endpoint.origin} vastdb/${config.schema}`);
      expect(await tablesOf(config)).toEqual(
        ["attributes", "channels", "files", "part_stats", "parts", "stats", "validation_results"].sort(),
      );
      await store.upsertBatch([buildRecord(fixture({ path: "/a.exr" }))]);
      expect((await store.counts()).files).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("creates nothing with init: false, nor read-only", async () => {
    const config = testConfig(emu.url);
    const store = await openVastCatalog({ vast: flags(config), init: false });
    await store.close();
    expect(await tablesOf(config)).toEqual([]);
    const reader = await openVastCatalog({ vast: flags(config), readOnly: true });
    try {
      expect(await tablesOf(config)).toEqual([]);
      expect((await reader.counts()).files).toBe(0);
      await expect(reader.upsertBatch([buildRecord(fixture({ path: "/a.exr" }))])).rejects.toThrow(
        "catalog table",
      );
    } finally {
      await reader.close();
    }
  });

  it("passes filesPerTransaction on to the store: one write token per transaction", async () => {
    const records = ["/t/a.exr", "/t/b.exr", "/t/c.exr"].map((p) => buildRecord(fixture({ path: p })));
    const tokensOf = async (options: { filesPerTransaction?: number }) => {
      const config = testConfig(emu.url);
      const store = await openVastCatalog({ vast: { ...flags(config), ...options } });
      try {
        await store.upsertBatch(records);
      } finally {
        await store.close();
      }
      return new Set((await rawRows(config)).files.map((f) => f.token)).size;
    };
    expect(await tokensOf({ filesPerTransaction: 1 })).toBe(3);
    expect(await tokensOf({ filesPerTransaction: 2 })).toBe(2);
    expect(await tokensOf({})).toBe(1);
  });

  it("fails with the init's error when the bucket does not exist", async () => {
    const config = testConfig(emu.url);
    await expect(openVastCatalog({ vast: { ...flags(config), bucket: "no-such-bucket" } })).rejects.toThrow(
      "bucket 'no-such-bucket' does not exist",
    );
  });
});
