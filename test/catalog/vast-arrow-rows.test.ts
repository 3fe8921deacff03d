/**
 * `rowsToBatch` lays out the catalog's column types itself (not through apache-arrow's builders): every column of
 * every catalog table, from real catalog rows plus edge values (nulls, non-ASCII text, 64-bit and negative
 * integers, timestamps before 1970, NaN), must decode from the IPC stream exactly as apache-arrow's own
 * `vectorFromArray` of the same values does.
 */
import {
  Binary,
  Bool,
  type DataType,
  Decimal,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int8,
  Int32,
  Int64,
  List,
  RecordBatch,
  Schema,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  tableFromIPC,
  Uint32,
  Uint64,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { type CatalogTable, CHILD_TABLES, type ColumnSpec } from "../../src/catalog/tables.js";
import {
  columnValues,
  RowConversionError,
  readBigints,
  readColumn,
  readStrings,
  rowsToBatch,
  tableToRows,
} from "../../src/catalog/vast/arrow-rows.js";
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
      // (compared as Buffers: toEqual walks a byte array element by element, seconds per mutant)
      const bytes = Buffer.from(encodeIpcStream(schema, [batch]));
      expect(Buffer.compare(Buffer.from(batchStream(batch)), bytes), table).toBe(0);
      expect(Buffer.compare(Buffer.from(batchStream(batch)), bytes), table).toBe(0);
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

describe("rowsToBatch refuses values a column cannot store", () => {
  const one = (type: DataType, value: unknown) =>
    rowsToBatch(new Schema([new Field("c", type, true)]), [{ c: value }]);
  const decodedOne = (type: DataType, value: unknown) => decoded(one(type, value)).c![0];

  it("converts what each column type can store", () => {
    expect(decodedOne(new Utf8(), new Date("2026-03-01T10:00:00.250Z"))).toBe("2026-03-01T10:00:00.250Z");
    expect(decodedOne(new Utf8(), 12)).toBe("12");
    expect(decodedOne(new Utf8(), Number.NaN)).toBe("NaN");
    expect(decodedOne(new Utf8(), true)).toBe("true");
    expect(decodedOne(new Utf8(), 5n)).toBe("5");
    expect(decodedOne(new Utf8(), ["a", "b"])).toBe('["a","b"]');
    expect(decodedOne(new Utf8(), Float32Array.of(0.5, 2))).toBe("[0.5,2]");
    expect(decodedOne(new Utf8(), { k: 1 })).toBe('{"k":1}');
    expect(decodedOne(new Int64(), 7)).toBe(7n);
    expect(decodedOne(new Int32(), 7n)).toBe(7);
    expect(decodedOne(new TimestampMicrosecond(), "2026-03-01T10:00:00.250Z")).toBe(
      Date.parse("2026-03-01T10:00:00.250Z"),
    );
    expect(decodedOne(new List(new Field("item", new Float32(), true)), Float32Array.of(1.5))).toEqual([1.5]);
    expect(decodedOne(new List(new Field("item", new Utf8(), true)), ["x"])).toEqual(["x"]);
    const vector = new FixedSizeList(2, new Field("item", new Float32(), false));
    expect(decodedOne(vector, [0.5, 1])).toEqual([0.5, 1]);
  });

  it("names the column, its type and the value's kind", () => {
    const cases: [DataType, unknown, string][] = [
      [new Int32(), "7", "column 'c' (Int32) cannot store string"],
      [new Int64(), true, "column 'c' (Int64) cannot store boolean"],
      [new Float64(), 1n, "column 'c' (Float64) cannot store bigint"],
      [new Bool(), 1, "column 'c' (Bool) cannot store number"],
      [new TimestampMicrosecond(), 1, "column 'c' (Timestamp<MICROSECOND>) cannot store number"],
      [
        new FixedSizeList(2, new Field("item", new Float32(), false)),
        "ab",
        "column 'c' (FixedSizeList[2]<Float32>) cannot store string",
      ],
      [new List(new Field("item", new Utf8(), true)), "x", "column 'c' (List<Utf8>) cannot store string"],
      [new Binary(), new Uint8Array(1), "column 'c' (Binary) cannot store object"],
    ];
    for (const [type, value, message] of cases) {
      let caught: unknown;
      try {
        one(type, value);
      } catch (err) {
        caught = err;
      }
      expect(caught, message).toBeInstanceOf(RowConversionError);
      expect((caught as RowConversionError).message).toBe(message);
      expect((caught as RowConversionError).code).toBe("VAST_ROW_CONVERSION");
    }
    expect(() => one(new FixedSizeList(3, new Field("item", new Float32(), false)), [1, 2])).toThrow(
      "column 'c' holds 3 values, got 2",
    );
    expect(() => one(new FixedSizeList(2, new Field("item", new Float64(), false)), [1, 2])).toThrow(
      new RowConversionError("fixed_size_list of Float64 is not a catalog vector column"),
    );
    // Not a float at all, though its precision (digits) is 1, as Float32's (SINGLE) is.
    expect(() => one(new FixedSizeList(2, new Field("item", new Decimal(0, 1, 128), false)), [1, 2])).toThrow(
      "fixed_size_list of Decimal[1e0] is not a catalog vector column",
    );
  });

  it("lays out other integer, float and timestamp types through apache-arrow, values intact", () => {
    const schema = new Schema([
      new Field("u32", new Uint32(), true),
      new Field("u64", new Uint64(), true),
      new Field("f16", new Float16(), true),
      new Field("ms", new TimestampMillisecond(), true),
    ]);
    const rows = [{ u32: 3_000_000_000, u64: 2n ** 63n + 1n, f16: 0.5, ms: new Date(1_700_000_000_123) }, {}];
    expect(decoded(rowsToBatch(schema, rows))).toEqual({
      u32: [3_000_000_000, null],
      u64: [2n ** 63n + 1n, null],
      f16: [0.5, null],
      ms: [1_700_000_000_123, null],
    });
  });

  it("marks nulls in booleans and vectors, and leaves no validity bitmap when there are none", () => {
    const vector = new FixedSizeList(2, new Field("item", new Float32(), false));
    const schema = new Schema([new Field("b", new Bool(), true), new Field("v", vector, true)]);
    const rows = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? {} : { b: i % 2 === 0, v: [i, -i] }));
    const batch = rowsToBatch(schema, rows);
    expect(decoded(batch)).toEqual({
      b: rows.map((r) => r.b ?? null),
      v: rows.map((r) => r.v ?? null),
    });
    expect(batch.getChildAt(0)!.nullCount).toBe(4);
    expect(batch.getChildAt(1)!.nullCount).toBe(4);
    const full = rowsToBatch(schema, [{ b: true, v: [1, 2] }]);
    for (const i of [0, 1]) {
      expect(full.getChildAt(i)!.nullCount).toBe(0);
      expect(full.getChildAt(i)!.data[0]!.nullBitmap?.length ?? 0).toBe(0);
    }
  });
});

describe("reading rows back", () => {
  it("coerces stored values of any type to the catalog column kinds", () => {
    const table = new Table({
      s: vectorFromArray(["a", null, "c"], new Utf8()),
      n64: vectorFromArray([5n, null, -(2n ** 40n)], new Int64()),
      b8: vectorFromArray([1, 0, null], new Int8()),
      ts: vectorFromArray([new Date(1_700_000_000_123), null, new Date(-5)], new TimestampMicrosecond()),
      tsText: vectorFromArray(["2026-03-01T10:00:00.250Z", null, "1969-12-31T23:59:59.995Z"], new Utf8()),
      listText: vectorFromArray(['["x","y"]', null, "[]"], new Utf8()),
      list: vectorFromArray([["p", "q"], null, []], new List(new Field("item", new Utf8(), true))),
      vec: vectorFromArray([[0.5, 1], null, [2, 3]], new List(new Field("item", new Float32(), true))),
      numText: vectorFromArray(["3", null, "-1.5"], new Utf8()),
      bool: vectorFromArray([true, false, null], new Bool()),
    });
    const specs: ColumnSpec<Record<string, unknown>>[] = [
      { name: "s", kind: "varchar" },
      { name: "n64", kind: "varchar" },
      { name: "n64", kind: "bigint" },
      { name: "b8", kind: "boolean" },
      { name: "ts", kind: "timestamp" },
      { name: "tsText", kind: "timestamp" },
      { name: "listText", kind: "varchar[]" },
      { name: "list", kind: "varchar[]" },
      { name: "vec", kind: "float[128]" },
      { name: "numText", kind: "double" },
      { name: "bool", kind: "boolean" },
      { name: "absent", kind: "integer" },
    ];
    expect(readColumn(table, "n64", "varchar")).toEqual(["5", null, String(-(2n ** 40n))]);
    expect(readColumn(table, "n64", "bigint")).toEqual([5, null, -(2 ** 40)]);
    expect(readColumn(table, "b8", "boolean")).toEqual([true, false, null]);
    expect(readColumn(table, "b8", "integer")).toEqual([1, 0, null]);
    expect(readColumn(table, "n64", "double")).toEqual([5, null, -(2 ** 40)]);
    expect(readColumn(table, "ts", "timestamp")).toEqual([new Date(1_700_000_000_123), null, new Date(-5)]);
    expect(readColumn(table, "tsText", "timestamp")).toEqual([
      new Date("2026-03-01T10:00:00.250Z"),
      null,
      new Date(-5),
    ]);
    expect(readColumn(table, "listText", "varchar[]")).toEqual([["x", "y"], null, []]);
    expect(readColumn(table, "list", "varchar[]")).toEqual([["p", "q"], null, []]);
    expect(readColumn(table, "vec", "float[384]")).toEqual([
      Float32Array.of(0.5, 1),
      null,
      Float32Array.of(2, 3),
    ]);
    expect(readColumn(table, "numText", "float")).toEqual([3, null, -1.5]);
    expect(readColumn(table, "absent", "integer")).toEqual([null, null, null]);
    const rows = tableToRows(table, specs);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({
      s: "a",
      n64: 5,
      b8: true,
      ts: new Date(1_700_000_000_123),
      tsText: new Date("2026-03-01T10:00:00.250Z"),
      listText: ["x", "y"],
      list: ["p", "q"],
      vec: Float32Array.of(0.5, 1),
      numText: 3,
      bool: true,
      absent: null,
    });
    expect(Object.keys(rows[2]!)).toEqual(specs.filter((_s, i) => i !== 1).map((s) => s.name));
    expect(rows[1]).toEqual({
      s: null,
      n64: null,
      b8: false,
      ts: null,
      tsText: null,
      listText: null,
      list: null,
      vec: null,
      numText: null,
      bool: false,
      absent: null,
    });
    expect(rows[2]!.s).toBe("c");
    expect(rows[2]!.bool).toBeNull();
  });

  it("reads key columns as strings and bigints", () => {
    const table = new Table({
      id: vectorFromArray(["a", null, "c"], new Utf8()),
      n: vectorFromArray([1, 2, 3], new Int32()),
      row: vectorFromArray([0n, 2n ** 62n, 7n], new Uint64()),
    });
    expect(readStrings(table, "id")).toEqual(["a", null, "c"]);
    expect(readStrings(table, "n")).toEqual(["1", "2", "3"]);
    expect(readStrings(table, "missing")).toEqual([null, null, null]);
    expect(readBigints(table, "row")).toEqual([0n, 2n ** 62n, 7n]);
    expect(readBigints(table, "n")).toEqual([1n, 2n, 3n]);
    expect(() => readBigints(table, "missing")).toThrow(
      new RowConversionError("selected table has no column 'missing'"),
    );
  });

  it("lays out the catalog's types in buffers of exactly the rows' size (apache-arrow's builders pad to 64 bytes)", () => {
    const vector = new FixedSizeList(4, new Field("item", new Float32(), false));
    const schema = new Schema([
      new Field("i64", new Int64(), true),
      new Field("i32", new Int32(), true),
      new Field("f64", new Float64(), true),
      new Field("f32", new Float32(), true),
      new Field("ts", new TimestampMicrosecond(), true),
      new Field("s", new Utf8(), true),
      new Field("b", new Bool(), true),
      new Field("v", vector, true),
    ]);
    const rows = [
      { i64: 1n, i32: 1, f64: 1, f32: 1, ts: new Date(1), s: "é", b: true, v: [1, 2, 3, 4] },
      {},
      { i64: 3n, i32: 3, f64: 3, f32: 3, ts: new Date(3), s: "xyz", b: false, v: [5, 6, 7, 8] },
    ];
    const batch = rowsToBatch(schema, rows);
    const data = (i: number) => batch.getChildAt(i)!.data[0]!;
    const widths = [8, 4, 8, 4, 8];
    widths.forEach((width, i) => {
      expect(data(i).values.byteLength, schema.fields[i]!.name).toBe(3 * width);
    });
    expect(data(5).values.byteLength).toBe(5); // "é" + "xyz"
    expect(data(5).valueOffsets.byteLength).toBe(4 * 4);
    expect(data(6).values.byteLength).toBe(1);
    expect(data(7).children[0]!.values.byteLength).toBe(3 * 4 * 4);
    for (let i = 0; i < schema.fields.length; i++) {
      expect(data(i).nullCount, schema.fields[i]!.name).toBe(1);
      expect(data(i).nullBitmap!.byteLength, schema.fields[i]!.name).toBe(1);
      expect(data(i).nullBitmap![0], schema.fields[i]!.name).toBe(0b101);
    }
  });
});
