/**
 * Small catalog rules on their own: duplicates within one upsert batch and each record's outcome, the export
 * manifest (written, accepted, refused with its reason), and where the default DuckDB file is.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  backupTableFile,
  checkBackupManifest,
  writeBackupManifest,
} from "../../src/catalog/backup-manifest.js";
import { DB_ENV_VAR, DEFAULT_DB_FILE, defaultDbPath } from "../../src/catalog/open-options.js";
import type { CatalogRecord } from "../../src/catalog/rows.js";
import { CATALOG_SCHEMA_VERSION } from "../../src/catalog/tables.js";
import { dedupeBatch, upsertOutcomes } from "../../src/catalog/upsert-batch.js";

const dir = mkdtempSync(join(tmpdir(), "exr-batch-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (file_id: string, path: string) =>
  ({
    file: { file_id, file_path_normalized: path },
    parts: [],
    channels: [],
    attributes: [],
  }) as unknown as CatalogRecord;

describe("upsert batches", () => {
  it("keeps the first record of each id and counts every occurrence", () => {
    const a1 = record("a", "/a1");
    const b = record("b", "/b");
    const a2 = record("a", "/a2");
    const a3 = record("a", "/a3");
    const { unique, occurrences } = dedupeBatch([a1, b, a2, a3]);
    expect(unique).toEqual([a1, b]);
    expect(unique[0]).toBe(a1);
    expect([...occurrences]).toEqual([
      ["a", 3],
      ["b", 1],
    ]);
    expect(dedupeBatch([])).toEqual({ unique: [], occurrences: new Map() });
  });

  it("one outcome per record: inserted only for the first record of a new id", () => {
    const outcomes = upsertOutcomes(
      [record("a", "/a1"), record("b", "/b"), record("a", "/a2"), record("c", "/c")],
      (id) => id !== "b",
    );
    expect(outcomes).toEqual([
      { file_id: "a", file_path_normalized: "/a1", status: "inserted" },
      { file_id: "b", file_path_normalized: "/b", status: "reinspected" },
      { file_id: "a", file_path_normalized: "/a2", status: "reinspected" },
      { file_id: "c", file_path_normalized: "/c", status: "inserted" },
    ]);
  });
});

describe("export manifest", () => {
  it("names each table's Parquet file", () => {
    expect(backupTableFile("/x/y", "files")).toBe("/x/y/files.parquet");
    expect(backupTableFile("/x/y", "part_stats")).toBe("/x/y/part_stats.parquet");
  });

  it("is written with the format, the schema version, the time and the row counts, and accepted back", async () => {
    const out = mkdtempSync(join(dir, "ok-"));
    const before = Date.now();
    await writeBackupManifest(out, { files: 3, parts: 4 });
    const text = readFileSync(join(out, "manifest.json"), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "format"');
    const manifest = JSON.parse(text);
    expect(manifest).toEqual({
      format: "exr-inspector-catalog",
      schema_version: CATALOG_SCHEMA_VERSION,
      exported_at: expect.any(String),
      tables: { files: 3, parts: 4 },
    });
    const when = Date.parse(manifest.exported_at);
    expect(when).toBeGreaterThanOrEqual(before - 1);
    expect(when).toBeLessThanOrEqual(Date.now() + 1);
    await expect(checkBackupManifest(out)).resolves.toBeUndefined();
  });

  it("an older export, or one without a version, is accepted", async () => {
    for (const [name, manifest] of [
      ["old", { format: "exr-inspector-catalog", schema_version: CATALOG_SCHEMA_VERSION - 1 }],
      ["unversioned", { format: "exr-inspector-catalog" }],
    ] as const) {
      const out = mkdtempSync(join(dir, `${name}-`));
      writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest));
      await expect(checkBackupManifest(out)).resolves.toBeUndefined();
    }
  });

  it("refuses another format and a newer schema, saying why", async () => {
    const other = mkdtempSync(join(dir, "other-"));
    writeFileSync(join(other, "manifest.json"), JSON.stringify({ format: "something", schema_version: 1 }));
    await expect(checkBackupManifest(other)).rejects.toThrow(
      new Error(`${other} is not an exr-inspector catalog export (no valid manifest.json)`),
    );
    const newer = mkdtempSync(join(dir, "newer-"));
    const v = CATALOG_SCHEMA_VERSION + 1;
    writeFileSync(
      join(newer, "manifest.json"),
      JSON.stringify({ format: "exr-inspector-catalog", schema_version: v }),
    );
    await expect(checkBackupManifest(newer)).rejects.toThrow(
      new Error(`export has schema version ${v}, newer than this exr-inspector (${CATALOG_SCHEMA_VERSION})`),
    );
  });
});

describe("default DuckDB file", () => {
  it("$EXR_INSPECTOR_DB when set and not empty, else ./exr-catalog.duckdb", () => {
    expect(DB_ENV_VAR).toBe("EXR_INSPECTOR_DB");
    expect(DEFAULT_DB_FILE).toBe("exr-catalog.duckdb");
    expect(defaultDbPath({ EXR_INSPECTOR_DB: "/data/c.duckdb" })).toBe("/data/c.duckdb");
    expect(defaultDbPath({ EXR_INSPECTOR_DB: "" })).toBe("exr-catalog.duckdb");
    expect(defaultDbPath({})).toBe("exr-catalog.duckdb");
  });
});
