/**
 * The bulk path's Parquet objects (rowsToParquet), read back with hyparquet: each Arrow column type's Parquet
 * schema element, the values (timestamps in microseconds, lists, vectors, nulls) and the Arrow schema carried in
 * the `ARROW:schema` metadata. No emulator: the server side of the import is vast-bulk-import.test.ts.
 */
import {
  Binary,
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Schema,
  TimestampMicrosecond,
  Utf8,
} from "apache-arrow";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { RowConversionError } from "../../src/catalog/vast/arrow-rows.js";
import { rowsToParquet } from "../../src/catalog/vast/parquet-batch.js";
import { decodeSchemaMessage } from "../../src/vast/protocol/arrow-ipc.js";

const schema = () =>
  new Schema([
    new Field("s", new Utf8(), true),
    new Field("i64", new Int64(), true),
    new Field("i32", new Int32(), true),
    new Field("f32", new Float32(), true),
    new Field("f64", new Float64(), true),
    new Field("b", new Bool(), true),
    new Field("t", new TimestampMicrosecond(), true),
    new Field("l", new List(new Field("item", new Utf8(), true)), true),
    new Field("v", new FixedSizeList(3, new Field("item", new Float32(), false)), true),
  ]);

const full = {
  s: "a",
  i64: 5n,
  i32: 7,
  f32: 1.5,
  f64: 0.1,
  b: true,
  t: new Date("2026-03-01T00:00:00.123Z"),
  l: ["x", null],
  v: new Float32Array([1, 2, 3]),
};
const empty = { s: null, i64: null, i32: null, f32: null, f64: null, b: null, t: null, l: null, v: null };

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe("rowsToParquet", () => {
  it("writes each column type as its Parquet element, lists as the three-level LIST group", () => {
    const md = parquetMetadata(arrayBuffer(rowsToParquet(schema(), [full])));
    const opt = "OPTIONAL";
    const text = { type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" } };
    const list = (name: string) => [
      { name, repetition_type: opt, num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
    ];
    expect(md.schema).toEqual([
      { name: "root", num_children: 9 },
      { name: "s", repetition_type: opt, ...text },
      { name: "i64", repetition_type: opt, type: "INT64" },
      { name: "i32", repetition_type: opt, type: "INT32" },
      { name: "f32", repetition_type: opt, type: "FLOAT" },
      { name: "f64", repetition_type: opt, type: "DOUBLE" },
      { name: "b", repetition_type: opt, type: "BOOLEAN" },
      {
        name: "t",
        repetition_type: opt,
        type: "INT64",
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
      },
      ...list("l"),
      // A nullable list item is OPTIONAL, a vector's (not null) item REQUIRED.
      { name: "element", repetition_type: opt, ...text },
      ...list("v"),
      { name: "element", repetition_type: "REQUIRED", type: "FLOAT" },
    ]);
  });

  it("carries the Arrow schema as ARROW:schema, so fixed-size vectors read back as fixed_size_list", () => {
    const md = parquetMetadata(arrayBuffer(rowsToParquet(schema(), [full])));
    expect(md.key_value_metadata?.map((kv) => kv.key)).toEqual(["ARROW:schema"]);
    const carried = decodeSchemaMessage(
      new Uint8Array(Buffer.from(md.key_value_metadata![0]!.value!, "base64")),
    );
    expect(carried.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual(
      schema().fields.map((f) => [f.name, String(f.type), f.nullable]),
    );
  });

  it("stores the values: timestamps in microseconds, lists and vectors as lists, nulls as nulls", async () => {
    const bytes = rowsToParquet(schema(), [full, empty]);
    const rows = await parquetReadObjects({ file: arrayBuffer(bytes) });
    expect(rows).toEqual([
      { ...full, v: [1, 2, 3] },
      { ...empty, l: undefined, v: undefined },
    ]);
  });

  it("refuses a column type with no Parquet form in the bulk path", () => {
    const bad = new Schema([new Field("blob", new Binary(), true)]);
    expect(() => rowsToParquet(bad, [{ blob: null }])).toThrow(RowConversionError);
    expect(() => rowsToParquet(bad, [{ blob: null }])).toThrow(
      "column 'blob' (Binary) has no Parquet form in the bulk path",
    );
  });
});
