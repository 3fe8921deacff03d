/**
 * duckdb/vector-chunks.ts: embeddings appended to a staging table a data chunk (2,048 rows) at a time — every row
 * once, in order, the vectors exact and a missing one NULL, across chunk boundaries.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { appendVectors, VECTOR_STAGING_COLUMNS } from "../../../src/catalog/duckdb/vector-chunks.js";
import type { CatalogRecord } from "../../../src/catalog/rows.js";

function record(i: number, withEmbedding: boolean): CatalogRecord {
  const embedding = withEmbedding ? Float32Array.from({ length: 384 }, (_, d) => (i * 384 + d) / 7) : null;
  return { file: { file_id: `f${i}`, metadata_embedding: embedding } } as unknown as CatalogRecord;
}

async function staged(records: CatalogRecord[]): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(":memory:");
  const c = await instance.connect();
  try {
    await c.run(`CREATE TEMP TABLE v (${VECTOR_STAGING_COLUMNS})`);
    await appendVectors(c, { catalog: "temp", schema: "main", table: "v" }, records);
    return (
      await c.runAndReadAll("SELECT rowid, file_id, metadata_embedding FROM temp.main.v ORDER BY rowid")
    ).getRowsJS();
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

describe("appendVectors", () => {
  it("the staging columns", () => {
    expect(VECTOR_STAGING_COLUMNS).toBe("file_id VARCHAR, metadata_embedding FLOAT[384]");
  });

  it("every record once, in order, across chunk boundaries; vectors exact, a missing one NULL", async () => {
    const n = 2048 + 3;
    const records = Array.from({ length: n }, (_, i) => record(i, i % 1000 !== 5));
    const rows = await staged(records);
    expect(rows).toHaveLength(n);
    expect(rows.map((r) => r[1])).toEqual(records.map((r) => r.file.file_id));
    for (const i of [0, 5, 2047, 2048, n - 1]) {
      const stored = rows[i]![2];
      const expected = records[i]!.file.metadata_embedding;
      if (expected === null) expect(stored, `row ${i}`).toBeNull();
      else expect(Float32Array.from(stored as number[]), `row ${i}`).toEqual(expected);
    }
    expect(rows.filter((r) => r[2] === null)).toHaveLength(3);
  });

  it("no records: nothing appended", async () => {
    expect(await staged([])).toEqual([]);
  });
});
