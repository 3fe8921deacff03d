/**
 * sql-engine/write-backup.ts and read-backup.ts directly: an export written from pages of rows holds one Parquet
 * file per stored table (files ordered by id, the other tables by every column, tables without pages empty), the
 * manifest counts them, the scratch database is removed; reading it back gives the records and the tables apart.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  readBackup,
  readBackupPixelStats,
  readBackupVerdicts,
} from "../../../src/catalog/sql-engine/read-backup.js";
import { writeBackup } from "../../../src/catalog/sql-engine/write-backup.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-backup-unit-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* pages<T>(...batches: T[][]): AsyncIterable<T[]> {
  for (const b of batches) yield b;
}

async function parquetRows(file: string, columns: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  try {
    return (await c.runAndReadAll(`SELECT ${columns} FROM read_parquet('${file}')`)).getRowsJS();
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

const T = new Date("2026-03-01T10:00:00.000Z");

describe("writeBackup / readBackup", () => {
  it("writes each table in order from its pages, counts them, and leaves no scratch database", async () => {
    const out = path.join(dir, "export");
    const scratchRoot = path.join(dir, "tmp");
    mkdirSync(scratchRoot);
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = scratchRoot;
    try {
      await writeBackup(out, {
        files: () =>
          pages(
            [{ file_id: "b", file_path: "/b.exr", last_inspected: T }],
            [],
            [{ file_id: "a", file_path: "/a.exr", last_inspected: T }],
          ),
        parts: () =>
          pages([
            { file_id: "b", part_index: 1, compression: "zip" },
            { file_id: "b", part_index: 0, compression: "zip" },
            { file_id: "a", part_index: 0, compression: "piz" },
          ]),
        validation_results: () =>
          pages([{ file_id: "a", policy_id: "p", rule_id: "r", outcome: "fail", checked_at: T }]),
      });
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    expect(readdirSync(scratchRoot)).toEqual([]);
    expect(readdirSync(out).sort()).toEqual([
      "attributes.parquet",
      "channels.parquet",
      "files.parquet",
      "manifest.json",
      "part_stats.parquet",
      "parts.parquet",
      "stats.parquet",
      "validation_results.parquet",
    ]);
    expect(await parquetRows(path.join(out, "files.parquet"), "file_id, file_path, last_inspected")).toEqual([
      ["a", "/a.exr", T],
      ["b", "/b.exr", T],
    ]);
    expect(await parquetRows(path.join(out, "parts.parquet"), "file_id, part_index, compression")).toEqual([
      ["a", 0, "piz"],
      ["b", 0, "zip"],
      ["b", 1, "zip"],
    ]);
    expect(await parquetRows(path.join(out, "channels.parquet"), "count(*)::INTEGER")).toEqual([[0]]);
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.tables).toEqual({
      files: 2,
      parts: 3,
      channels: 0,
      attributes: 0,
      validation_results: 1,
      stats: 0,
      part_stats: 0,
    });

    const records = await readBackup(out);
    expect(records.map((r) => [r.file.file_id, r.parts.map((p) => p.part_index), r.channels.length])).toEqual(
      [
        ["a", [0], 0],
        ["b", [0, 1], 0],
      ],
    );
    expect(records[0]!.file.last_inspected).toEqual(T);
    const verdicts = await readBackupVerdicts(out);
    expect(verdicts.map((v) => [v.file_id, v.policy_id, v.rule_id, v.outcome, v.message])).toEqual([
      ["a", "p", "r", "fail", null],
    ]);
    expect(await readBackupPixelStats(out)).toEqual([]);
  });

  it("an export from before verdicts and statistics has none of them; children of unknown files are dropped", async () => {
    const out = path.join(dir, "old");
    await writeBackup(out, {
      files: () => pages([{ file_id: "a" }]),
      parts: () =>
        pages([
          { file_id: "gone", part_index: 0 },
          { file_id: "a", part_index: 2 },
        ]),
    });
    for (const t of ["validation_results", "stats", "part_stats"]) rmSync(path.join(out, `${t}.parquet`));
    expect(await readBackupVerdicts(out)).toEqual([]);
    expect(await readBackupPixelStats(out)).toEqual([]);
    expect((await readBackup(out)).map((r) => [r.file.file_id, r.parts.map((p) => p.part_index)])).toEqual([
      ["a", [2]],
    ]);
  });
});
