/** The Arrow types of the catalog's VAST tables, per column kind, and the token column every table carries. */
import { describe, expect, it } from "vitest";
import { type ColumnKind, STORED_TABLE_COLUMNS, STORED_TABLES } from "../../src/catalog/tables.js";
import { arrowType, INGEST_TOKEN, tableSchema } from "../../src/catalog/vast/table-schemas.js";

describe("VAST table schemas", () => {
  it("maps each column kind to the type VAST accepts", () => {
    const kinds: Record<ColumnKind, string> = {
      varchar: "Utf8",
      bigint: "Int64",
      integer: "Int32",
      double: "Float64",
      float: "Float32",
      boolean: "Bool",
      timestamp: "Timestamp<MICROSECOND>",
      "varchar[]": "List<Utf8>",
      "float[384]": "FixedSizeList[384]<Float32>",
      "float[128]": "FixedSizeList[128]<Float32>",
    };
    for (const [kind, type] of Object.entries(kinds))
      expect(String(arrowType(kind as ColumnKind)), kind).toBe(type);
    // List items may be null; vector items may not (VAST's fixed_size_list<float32 not null, N>).
    const list = arrowType("varchar[]");
    expect(list.children.map((f) => [f.name, f.nullable])).toEqual([["item", true]]);
    for (const kind of ["float[384]", "float[128]"] as const) {
      expect(
        arrowType(kind).children.map((f) => [f.name, f.nullable]),
        kind,
      ).toEqual([["item", false]]);
    }
  });

  it("every table: its catalog columns in order, all nullable, then ingest_token", () => {
    expect(INGEST_TOKEN).toBe("ingest_token");
    for (const table of STORED_TABLES) {
      const schema = tableSchema(table);
      expect(
        schema.fields.map((f) => [f.name, String(f.type), f.nullable]),
        table,
      ).toEqual([
        ...STORED_TABLE_COLUMNS[table].map((c) => [c.name, String(arrowType(c.kind)), true]),
        [INGEST_TOKEN, "Utf8", true],
      ]);
    }
  });
});
