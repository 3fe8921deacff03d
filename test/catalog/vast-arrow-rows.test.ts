/**
 * `rowsToBatch` lays out the catalog's column types itself (not through apache-arrow's builders): every column of
 * every catalog table, from real catalog rows plus edge values (nulls, non-ASCII text, 64-bit and negative
 * integers, timestamps before 1970, NaN), must decode from the IPC stream exactly as apache-arrow's own
 * `vectorFromArray` of the same values does.
 */
import { Field, Int8, RecordBatch, Schema, tableFromIPC, Utf8, vectorFromArray } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { type CatalogTable, CHILD_TABLES } from "../../src/catalog/tables.js";
import { columnValues, rowsToBatch } from "../../src/catalog/vast/arrow-rows.js";
import { INGEST_TOKEN, tableSchema } from "../../src/catalog/vast/table-schemas.js";
import { batchStream } from "../../src/vast/client/arrow-batches.js";
import { encodeIpcStream } from "../../src/vast/protocol/arrow-ipc.js";
import { fixture } from "./fixtures.js";

/** Decoded values of every column, through an IPC round trip (what the server receives). */
function decoded(batch: RecordBatch): Record<string, unknown[]> {
  const table = tableFromIPC(batchStream(batch));
  const out: Record<string, unknown[]> = {};
  for (const f of table.schema.fields) {
    const v = table.getChild(f.name)!;
    out[f.name] = Array.from({ length: table.numRows }, (_, i) => {
      const x = v.get(i);
      return x !== null && typeof x === "object" && "toArray" in x ? Array.from(x.toArray()) : x;
    });
  }
  return out;
}

/** The same rows built column by column with apache-arrow's builders (the reference). */
function reference(schema: Schema, rows: Record<string, unknown>[]): RecordBatch {
  const columns: Record<string, ReturnType<typeof vectorFromArray>> = {};
  for (const f of schema.fields) {
    const values = columnValues(f, rows);
    columns[f.name] =
      f.type.typeId === 16 /* FixedSizeList */
        ? rowsToBatch(new Schema([f]), rows).getChildAt(0)!
        : vectorFromArray(values, f.type);
  }
  return new RecordBatch(columns as never);
}

const tables: CatalogTable[] = [...CHILD_TABLES, "files"];

describe("rowsToBatch", () => {
  it("decodes like apache-arrow's builders for every catalog column", () => {
    const records = [
      buildRecord(fixture({ path: "/shots/a.exr" })),
      buildRecord(fixture({ path: "/shots/ü/b – ✓.exr" })),
    ];
    for (const table of tables) {
      const schema = tableSchema(table);
      const rows: Record<string, unknown>[] = records.flatMap((r) =>
        (table === "files" ? [r.file] : (r[table] as object[])).map((row) => ({
          ...row,
          [INGEST_TOKEN]: "tok",
        })),
      );
      // Edge rows: every column null, then every scalar column set to an extreme of its type.
      rows.push({});
      const extreme: Record<string, unknown> = { [INGEST_TOKEN]: "ñ€𝄞" };
      for (const f of schema.fields) {
        const t = String(f.type);
        if (t === "Int64") extreme[f.name] = -(2n ** 63n);
        else if (t === "Int32") extreme[f.name] = -(2 ** 31);
        else if (t.startsWith("Float")) extreme[f.name] = Number.NaN;
        else if (t === "Bool") extreme[f.name] = false;
        else if (t.startsWith("Timestamp")) extreme[f.name] = new Date("1969-07-20T20:17:40.123Z");
        else if (t === "Utf8") extreme[f.name] = "";
      }
      rows.push(extreme);
      expect(rows.length, table).toBeGreaterThan(2);
      const batch = rowsToBatch(schema, rows);
      // The insert body: the cached schema message makes no difference to the bytes, first use or later.
      expect(batchStream(batch), table).toEqual(encodeIpcStream(schema, [batch]));
      expect(batchStream(batch), table).toEqual(encodeIpcStream(schema, [batch]));
      const ours = decoded(batch);
      expect(ours, table).toEqual(decoded(reference(schema, rows)));
      expect(Object.keys(ours), table).toEqual(schema.fields.map((f) => f.name));
    }
  });

  it("falls back to apache-arrow for a type it does not lay out itself (int8)", () => {
    const schema = new Schema([new Field("n", new Int8(), true), new Field("s", new Utf8(), true)]);
    const rows = [{ n: 5, s: "x" }, { n: null, s: null }, { n: -128 }];
    expect(decoded(rowsToBatch(schema, rows))).toEqual({ n: [5, null, -128], s: ["x", null, null] });
  });
});
