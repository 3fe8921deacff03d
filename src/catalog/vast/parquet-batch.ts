/**
 * Catalog rows as one Parquet object in a table's exact column types, for VAST's server-side import (the bulk
 * path). The Arrow schema rides along as `ARROW:schema` (as pyarrow writes it), so the server reads the
 * fixed-size embedding vectors back as `fixed_size_list` and not as plain Parquet lists. Written by hyparquet-writer.
 */
import type { DataType, Field, FixedSizeList, List, Schema } from "apache-arrow";
import { Type } from "apache-arrow";
import type { SchemaElement } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import { encodeSchemaMessage } from "../../vast/protocol/arrow-ipc.js";
import { columnValues, RowConversionError } from "./arrow-rows.js";

function leaf(name: string, type: DataType, repetition: "OPTIONAL" | "REQUIRED"): SchemaElement {
  switch (type.typeId) {
    case Type.Utf8:
      return {
        name,
        type: "BYTE_ARRAY",
        repetition_type: repetition,
        converted_type: "UTF8",
        logical_type: { type: "STRING" },
      };
    case Type.Int:
      return (type as DataType & { bitWidth: number }).bitWidth === 64
        ? { name, type: "INT64", repetition_type: repetition }
        : { name, type: "INT32", repetition_type: repetition };
    case Type.Float:
      return (type as DataType & { precision: number }).precision === 1
        ? { name, type: "FLOAT", repetition_type: repetition }
        : { name, type: "DOUBLE", repetition_type: repetition };
    case Type.Bool:
      return { name, type: "BOOLEAN", repetition_type: repetition };
    case Type.Timestamp:
      return {
        name,
        type: "INT64",
        repetition_type: repetition,
        converted_type: "TIMESTAMP_MICROS",
        logical_type: { type: "TIMESTAMP", isAdjustedToUTC: false, unit: "MICROS" },
      };
    default:
      throw new RowConversionError(`column '${name}' (${type}) has no Parquet form in the bulk path`);
  }
}

/** The Parquet schema elements of one column (a list is the standard three-level LIST group). */
function elements(field: Field): SchemaElement[] {
  if (field.type.typeId === Type.List || field.type.typeId === Type.FixedSizeList) {
    const item = (field.type as List | FixedSizeList).children[0]!;
    return [
      {
        name: field.name,
        repetition_type: "OPTIONAL",
        num_children: 1,
        converted_type: "LIST",
        logical_type: { type: "LIST" },
      },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      leaf("element", item.type, item.nullable ? "OPTIONAL" : "REQUIRED"),
    ];
  }
  return [leaf(field.name, field.type, "OPTIONAL")];
}

function parquetValue(type: DataType, v: unknown): unknown {
  if (v === null) return null;
  switch (type.typeId) {
    case Type.Timestamp:
      return BigInt((v as Date).getTime()) * 1000n;
    case Type.List:
    case Type.FixedSizeList:
      return Array.from(v as ArrayLike<unknown>);
    default:
      return v;
  }
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

export function rowsToParquet(schema: Schema, rows: readonly Record<string, unknown>[]): Uint8Array {
  const columnData = schema.fields.map((f) => ({
    name: f.name,
    data: columnValues(f, rows).map((v) => parquetValue(f.type, v)) as never,
  }));
  const buffer = parquetWriteBuffer({
    columnData,
    schema: [{ name: "root", num_children: schema.fields.length }, ...schema.fields.flatMap(elements)],
    kvMetadata: [{ key: "ARROW:schema", value: base64(encodeSchemaMessage(schema)) }],
  });
  return new Uint8Array(buffer);
}
