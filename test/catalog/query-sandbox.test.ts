/**
 * User SQL runs in the query sandbox on both backends: nothing outside the catalog is readable (files, globs,
 * URLs), nothing is written (EXPORT/COPY create no directory), no extension is installed or loaded, and the
 * sandbox cannot be switched off from inside a query.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import type { CatalogStore } from "../../src/catalog/port.js";
import { VastCatalogStore } from "../../src/catalog/vast/vast-store.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "../vast/client/emulator-harness.js";
import { runCli } from "./run-cli.js";

let dir: string;
let emu: EmulatorHandle;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-sandbox-"));
  emu = await startTestEmulator();
}, 60_000);
afterAll(async () => {
  await emu?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Queries that reach outside the catalog: each must be refused. */
function escapes(outDir: string): string[] {
  return [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')",
    "SELECT * FROM read_parquet('/etc/*.parquet')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    `EXPORT DATABASE '${outDir}'`,
    `COPY (SELECT 1) TO '${outDir}.csv'`,
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "INSTALL httpfs",
    "LOAD httpfs",
    `ATTACH '${outDir}.duckdb' AS other`,
  ];
}

async function expectSandboxed(store: CatalogStore, tag: string): Promise<void> {
  const outDir = path.join(dir, `${tag}-export`);
  for (const sql of escapes(outDir)) {
    await expect(store.query(sql), sql).rejects.toThrow();
  }
  expect(existsSync(outDir)).toBe(false);
  expect(existsSync(`${outDir}.csv`)).toBe(false);
  expect(existsSync(`${outDir}.duckdb`)).toBe(false);
  // Still a working query engine over the catalog.
  const r = await store.query("SELECT count(*) AS n FROM files");
  expect(r.columns).toEqual(["n"]);
  await expect(store.query("")).rejects.toThrow(/empty query/);
  await expect(store.query("  \n ")).rejects.toThrow(/empty query/);
}

describe("query sandbox", () => {
  it("DuckDB (catalog file, writable store): user SQL reaches nothing outside the catalog", async () => {
    const store = await DuckDbCatalogStore.open(path.join(dir, "rw.duckdb"));
    try {
      await store.init();
      await expectSandboxed(store, "duckdb-rw");
      // The store's own connection is not locked: export still works after queries.
      await store.exportTo(path.join(dir, "backup"));
      expect(existsSync(path.join(dir, "backup", "files.parquet"))).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("DuckDB (in memory): the same", async () => {
    const store = await DuckDbCatalogStore.open(":memory:");
    try {
      await store.init();
      await expectSandboxed(store, "duckdb-memory");
    } finally {
      await store.close();
    }
  });

  it("VAST (the local DuckDB mirror): the same", async () => {
    const store = await VastCatalogStore.open(testConfig(emu.url));
    try {
      await store.init();
      await expectSandboxed(store, "vast");
    } finally {
      await store.close();
    }
  });

  it("sql CLI: refused reads exit non-zero, no extension directory appears, empty query explained", async () => {
    const db = path.join(dir, "cli.duckdb");
    const home = path.join(dir, "home");
    expect((await runCli(["db", "init", "--db", db])).code).toBe(0);
    const outDir = path.join(dir, "cli-export");
    for (const sql of escapes(outDir)) {
      const r = await runCli(["sql", "--db", db, sql], { HOME: home });
      expect(r.code, sql).not.toBe(0);
      expect(r.stdout, sql).not.toContain("root:");
    }
    expect(existsSync(outDir)).toBe(false);
    expect(existsSync(path.join(home, ".duckdb"))).toBe(false);
    // DuckDB's multi-line refusal is printed as lines (the query and its caret), not with escaped newlines.
    const refused = await runCli(["sql", "--db", db, "SELECT * FROM read_csv('/etc/passwd')"], {
      HOME: home,
    });
    expect(refused.stderr).toMatch(/^exr-inspector: Permission Error: .*disabled by configuration$/m);
    expect(refused.stderr).toMatch(/^LINE 1: SELECT \* FROM read_csv/m);
    expect(refused.stderr).not.toContain("\\n");
    const empty = await runCli(["sql", "--db", db, ""]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty query/);
    expect(empty.stderr).not.toMatch(/native callback/);
  }, 60_000);
});
