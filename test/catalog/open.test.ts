/**
 * catalog/open.ts and duckdb/open-duckdb.ts: the backend registry (names, default, unknown names, replacement) and
 * the DuckDB opener's defaults (schema created for writable stores only, read-only opens).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogBackends, openCatalog, registerCatalogBackend } from "../../src/catalog/open.js";
import type { CatalogStore } from "../../src/catalog/port.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-open-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function tables(store: CatalogStore): Promise<number> {
  return Number(
    (
      await store.query(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'exr_metadata'",
      )
    ).rows[0]?.[0],
  );
}

describe("openCatalog", () => {
  it("duckdb by default; the schema is created unless init is false", async () => {
    const store = await openCatalog({ db: ":memory:" });
    try {
      expect(store.backend).toBe("duckdb");
      expect(await tables(store)).toBeGreaterThan(4);
    } finally {
      await store.close();
    }
    const bare = await openCatalog({ backend: "duckdb", db: ":memory:", init: false });
    try {
      expect(await tables(bare)).toBe(0);
    } finally {
      await bare.close();
    }
  });

  it("read-only: the file is opened without write access and the schema is not created", async () => {
    const db = path.join(dir, "c.duckdb");
    const writer = await openCatalog({ db });
    await writer.close();
    const reader = await openCatalog({ db, readOnly: true, init: true });
    try {
      expect(await tables(reader)).toBeGreaterThan(4);
      await expect(reader.init()).rejects.toThrow();
    } finally {
      await reader.close();
    }
    const empty = path.join(dir, "empty.duckdb");
    const bare = await openCatalog({ db: empty, init: false });
    await bare.close();
    const readOnlyBare = await openCatalog({ db: empty, readOnly: true });
    try {
      expect(await tables(readOnlyBare)).toBe(0);
    } finally {
      await readOnlyBare.close();
    }
  });

  it("vast is registered (its configuration is checked when opened)", async () => {
    await expect(
      openCatalog({ backend: "vast", vast: { endpoint: "", accessKey: "", secretKey: "", bucket: "" } }),
    ).rejects.toThrow(/VAST backend needs VAST_DB_ENDPOINT/);
  });

  it("an unknown backend is named with the known ones; a registered one is used, and can be replaced", async () => {
    await expect(openCatalog({ backend: "nope" })).rejects.toThrow(
      `unknown catalog backend 'nope' (known: ${catalogBackends().join(", ")})`,
    );
    expect(catalogBackends().slice(0, 2)).toEqual(["duckdb", "vast"]);
    const seen: string[] = [];
    registerCatalogBackend("test-a", async (o) => {
      seen.push(`first ${o.db}`);
      throw new Error("first");
    });
    await expect(openCatalog({ backend: "test-a", db: "x" })).rejects.toThrow("first");
    registerCatalogBackend("test-a", async (o) => {
      seen.push(`second ${o.db}`);
      throw new Error("second");
    });
    await expect(openCatalog({ backend: "test-a", db: "y" })).rejects.toThrow("second");
    expect(seen).toEqual(["first x", "second y"]);
    expect(catalogBackends().filter((n) => n === "test-a")).toHaveLength(1);
    expect(catalogBackends().indexOf("test-a")).toBeGreaterThan(1);
  });
});
