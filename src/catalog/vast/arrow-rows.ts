/**
 * Catalog rows ⇄ Arrow. Writing follows the table's ACTUAL column types (so a table created by the seed's
 * tooling — ISO-string timestamps, variable `list<float>` embeddings — is written in its own types);
 * reading coerces whatever is stored back into the catalog's row types.
 */
import {
  type Data,
  type DataType,
  type Field,
  type FixedSizeList,
  type Float,
  Float32,
  type Int,
  makeData,
  Precision,
  RecordBatch,
  type Schema,
  Struct,
  type Table,
  type Timestamp,
  TimeUnit,
  Type,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import type { ColumnKind, ColumnSpec } from "../tables.js";

export class RowConversionError extends Error {
  readonly code = "VAST_ROW_CONVERSION";
}

/** Builds one record batch in `schema`'s column order from row objects (absent keys are null). */
export function rowsToBatch(schema: Schema, rows: readonly Record<string, unknown>[]): RecordBatch {
  const children: Data[] = schema.fields.map((field) => columnData(field.type, columnValues(field, rows)));
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children }),
  );
}

/** One column of row objects as the values the table's type stores (absent keys are null). */
export function columnValues(field: Field, rows: readonly Record<string, unknown>[]): unknown[] {
  return rows.map((r) => toArrowValue(field.type, r[field.name], field.name));
}

/**
 * The catalog's column types are laid out here directly from the values (one pass, one allocation per buffer);
 * apache-arrow's builders (`vectorFromArray`) cost ~3 ms per four-table batch whatever its size — most of a
 * one-file write in `serve` — and stay the path for any other type a table may have.
 */
function columnData(type: DataType, values: unknown[]): Data {
  switch (type.typeId) {
    case Type.FixedSizeList:
      return fixedListData(type as FixedSizeList, values);
    case Type.Utf8:
      return utf8Data(type, values as (string | null)[]);
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int;
      if (isSigned && bitWidth === 64) return fixedWidthData(type, values, new BigInt64Array(values.length));
      if (isSigned && bitWidth === 32) return fixedWidthData(type, values, new Int32Array(values.length));
      break;
    }
    case Type.Float: {
      const { precision } = type as Float;
      if (precision === Precision.DOUBLE)
        return fixedWidthData(type, values, new Float64Array(values.length));
      if (precision === Precision.SINGLE)
        return fixedWidthData(type, values, new Float32Array(values.length));
      break;
    }
    case Type.Timestamp:
      if ((type as Timestamp).unit === TimeUnit.MICROSECOND) {
        const micros = values.map((v) => (v === null ? null : BigInt((v as Date).getTime() * 1000)));
        return fixedWidthData(type, micros, new BigInt64Array(values.length));
      }
      break;
    case Type.Bool:
      return boolData(type, values as (boolean | null)[]);
  }
  return vectorFromArray(values, type).data[0]!;
}

/** Validity bitmap of `values` (undefined when none is null, as Arrow leaves it). */
function validity(values: readonly unknown[]): { nullCount: number; nullBitmap?: Uint8Array } {
  let nullCount = 0;
  for (const v of values) if (v === null) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullCount, nullBitmap };
}

function fixedWidthData(
  type: DataType,
  values: readonly unknown[],
  data: BigInt64Array | Int32Array | Float64Array | Float32Array,
): Data {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null) data[i] = v as never;
  }
  return makeData({ type, length: values.length, ...validity(values), data } as never);
}

function utf8Data(type: DataType, values: readonly (string | null)[]): Data {
  const valueOffsets = new Int32Array(values.length + 1);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string | null;
    if (v !== null) total += Buffer.byteLength(v);
    valueOffsets[i + 1] = total;
  }
  const data = new Uint8Array(total);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which writes nothing
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v) bytes.write(v, valueOffsets[i]!);
  }
  return makeData({ type, length: values.length, ...validity(values), valueOffsets, data } as never);
}

function boolData(type: DataType, values: readonly (boolean | null)[]): Data {
  const data = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v === true) data[i >> 3]! |= 1 << (i & 7);
  });
  return makeData({ type, length: values.length, ...validity(values), data } as never);
}

function fixedListData(type: FixedSizeList, values: unknown[]): Data {
  const size = type.listSize;
  const flat = new Float32Array(values.length * size);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  values.forEach((v, i) => {
    if (v === null) {
      nulls++;
      return;
    }
    flat.set(v as Float32Array, i * size);
    validity[i >> 3]! |= 1 << (i & 7);
  });
  const childType = type.children[0]!.type;
  if (childType.typeId !== Type.Float || (childType as Float32).precision !== 1) {
    throw new RowConversionError(`fixed_size_list of ${childType} is not a catalog vector column`);
  }
  const child = makeData({ type: new Float32(), length: flat.length, nullCount: 0, data: flat });
  return makeData({
    type,
    length: values.length,
    nullCount: nulls,
    nullBitmap: nulls > 0 ? validity : undefined,
    child,
  });
}

function toArrowValue(type: DataType, v: unknown, column: string): unknown {
  if (v === null || v === undefined) return null;
  const bad = () => new RowConversionError(`column '${column}' (${type}) cannot store ${typeof v}`);
  switch (type.typeId) {
    case Type.Utf8:
      if (v instanceof Date) return v.toISOString();
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "bigint") return String(v); // (booleans: JSON's text is the same)
      return JSON.stringify(
        Array.isArray(v) || ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<unknown>) : v,
      );
    case Type.Int:
      if (typeof v === "number" || typeof v === "bigint") {
        return (type as DataType & { bitWidth: number }).bitWidth === 64 ? BigInt(v) : Number(v);
      }
      throw bad();
    case Type.Float:
      if (typeof v === "number") return v;
      throw bad();
    case Type.Bool:
      if (typeof v === "boolean") return v;
      throw bad();
    case Type.Timestamp:
      if (v instanceof Date) return v;
      if (typeof v === "string") return new Date(v);
      throw bad();
    case Type.FixedSizeList: {
      const size = (type as FixedSizeList).listSize;
      if (!(v instanceof Float32Array) && !Array.isArray(v)) throw bad();
      const arr = v instanceof Float32Array ? v : Float32Array.from(v as number[]);
      if (arr.length !== size) {
        throw new RowConversionError(`column '${column}' holds ${size} values, got ${arr.length}`);
      }
      return arr;
    }
    case Type.List:
      if (Array.isArray(v)) return v;
      if (ArrayBuffer.isView(v)) return Array.from(v as Float32Array);
      throw bad();
    default:
      throw bad();
  }
}

/** Reads a column of `table` as JS values coerced to the catalog column kind (missing column → nulls). */
export function readColumn(table: Table, name: string, kind: ColumnKind): unknown[] {
  const vector = table.getChild(name);
  const out = new Array<unknown>(table.numRows).fill(null);
  if (!vector) return out;
  const type = vector.type as DataType;
  for (let i = 0; i < table.numRows; i++) out[i] = fromArrow(type, vector.get(i), kind);
  return out;
}

function fromArrow(type: DataType, v: unknown, kind: ColumnKind): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case "varchar":
      return String(v);
    case "bigint":
    case "integer":
    case "double":
    case "float":
      return Number(v);
    case "boolean":
      return Boolean(v);
    case "timestamp":
      if (type.typeId === Type.Timestamp) return new Date(Number(v));
      return new Date(String(v));
    case "varchar[]": {
      if (type.typeId === Type.Utf8) return JSON.parse(String(v)) as string[];
      return Array.from((v as Vector).toArray() as ArrayLike<string>);
    }
    case "float[384]":
    case "float[128]":
      return Float32Array.from((v as Vector).toArray() as ArrayLike<number>);
  }
}

/** Row objects of the given catalog columns from a selected table. */
export function tableToRows<Row>(table: Table, columns: ColumnSpec<Row>[]): Row[] {
  const cols = columns.map((c) => readColumn(table, c.name, c.kind));
  const rows: Row[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    columns.forEach((c, j) => {
      row[c.name] = cols[j]![i];
    });
    rows.push(row as Row);
  }
  return rows;
}

export function readStrings(table: Table, name: string): (string | null)[] {
  const v = table.getChild(name);
  const out: (string | null)[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const x = v?.get(i);
    out.push(x === null || x === undefined ? null : String(x));
  }
  return out;
}

export function readBigints(table: Table, name: string): bigint[] {
  const v = table.getChild(name);
  if (!v) throw new RowConversionError(`selected table has no column '${name}'`);
  const out: bigint[] = [];
  for (let i = 0; i < table.numRows; i++) out.push(BigInt(v.get(i) as bigint));
  return out;
}
