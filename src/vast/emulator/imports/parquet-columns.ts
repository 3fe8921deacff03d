/**
 * Reads a Parquet object into the emulator's column form (Arrow fields + cells), as VAST's import does.
 * Column types come from the Arrow schema pyarrow stores in the file (`ARROW:schema`, so e.g. `timestamp[s]`
 * written as milliseconds reads back as seconds), else from the Parquet physical and logical types.
 * Parsing is hyparquet's (pure JS); values are kept exact (64-bit integers and timestamps as bigint).
 */
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Struct,
  TimeMicrosecond,
  TimeMillisecond,
  TimeNanosecond,
  Timestamp,
  TimeUnit,
  Type,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";
import { type FileMetaData, parquetMetadata, parquetRead, type SchemaElement } from "hyparquet";
import { decodeSchemaMessage } from "../../protocol/arrow-ipc.js";
import type { Cell } from "../cells.js";

export interface ParquetColumns {
  fields: Field[];
  /** `columns[i]` holds the cells of `fields[i]`, one per row. */
  columns: Cell[][];
  rows: number;
}

export class UnreadableParquet extends Error {}

/** The unit a Parquet timestamp/time column stores its values in, per top-level column. */
type StoredUnit = "MILLIS" | "MICROS" | "NANOS";

const identity = <T>(v: T): T => v;
/** hyparquet parsers that keep stored values raw (Dates would lose sub-millisecond precision). */
const RAW_PARSERS = {
  timestampFromMilliseconds: identity,
  timestampFromMicroseconds: identity,
  timestampFromNanoseconds: identity,
  dateFromDays: identity,
};

function arrowSchemaOf(metadata: FileMetaData): Field[] | null {
  const entry = metadata.key_value_metadata?.find((kv) => kv.key === "ARROW:schema");
  if (!entry?.value) return null;
  try {
    return decodeSchemaMessage(new Uint8Array(Buffer.from(entry.value, "base64"))).fields;
  } catch {
    return null;
  }
}

function timeUnitOf(unit: StoredUnit): TimeUnit {
  return unit === "MILLIS"
    ? TimeUnit.MILLISECOND
    : unit === "MICROS"
      ? TimeUnit.MICROSECOND
      : TimeUnit.NANOSECOND;
}

/** The Arrow type of a leaf Parquet column from its physical, converted and logical types. */
function leafType(e: SchemaElement): DataType {
  const lt = e.logical_type;
  switch (e.type) {
    case "BOOLEAN":
      return new Bool();
    case "INT32":
      if (lt?.type === "DATE" || e.converted_type === "DATE") return new DateDay();
      if (lt?.type === "TIME" || e.converted_type === "TIME_MILLIS") return new TimeMillisecond();
      if (lt?.type === "INTEGER") {
        const { bitWidth, isSigned } = lt;
        if (bitWidth === 8) return isSigned ? new Int8() : new Uint8();
        if (bitWidth === 16) return isSigned ? new Int16() : new Uint16();
        return isSigned ? new Int32() : new Uint32();
      }
      if (lt?.type === "DECIMAL" || e.converted_type === "DECIMAL")
        return new Decimal(e.scale ?? 0, e.precision ?? 9, 128);
      return new Int32();
    case "INT64":
      if (lt?.type === "TIMESTAMP")
        return new Timestamp(timeUnitOf(lt.unit), lt.isAdjustedToUTC ? "UTC" : null);
      if (e.converted_type === "TIMESTAMP_MILLIS") return new Timestamp(TimeUnit.MILLISECOND, "UTC");
      if (e.converted_type === "TIMESTAMP_MICROS") return new Timestamp(TimeUnit.MICROSECOND, "UTC");
      if (lt?.type === "TIME") return lt.unit === "NANOS" ? new TimeNanosecond() : new TimeMicrosecond();
      if (lt?.type === "INTEGER" && !lt.isSigned) return new Uint64();
      if (lt?.type === "DECIMAL" || e.converted_type === "DECIMAL")
        return new Decimal(e.scale ?? 0, e.precision ?? 18, 128);
      return new Int64();
    case "FLOAT":
      return new Float32();
    case "DOUBLE":
      return new Float64();
    case "BYTE_ARRAY":
      return lt?.type === "STRING" || e.converted_type === "UTF8" ? new Utf8() : new Binary();
    default:
      throw new UnreadableParquet(
        `column ${e.name}: Parquet type ${String(e.type)} is not supported by the import`,
      );
  }
}

/** Top-level columns from the flattened Parquet schema (lists and structs become List / Struct). */
function parquetFields(schema: readonly SchemaElement[]): Field[] {
  let at = 1;
  const node = (): Field => {
    const e = schema[at++];
    if (!e) throw new UnreadableParquet("truncated Parquet schema");
    const nullable = e.repetition_type !== "REQUIRED";
    if (!e.num_children) return new Field(e.name, leafType(e), nullable);
    const children: Field[] = [];
    for (let i = 0; i < e.num_children; i++) children.push(node());
    if (e.converted_type === "LIST" || e.logical_type?.type === "LIST") {
      // LIST → repeated group "list" → element
      const repeated = children[0]!;
      const element = repeated.type.typeId === Type.Struct ? (repeated.type.children[0] as Field) : repeated;
      return new Field(e.name, new List(new Field("item", element.type, element.nullable)), nullable);
    }
    return new Field(e.name, new Struct(children), nullable);
  };
  const root = schema[0];
  const out: Field[] = [];
  for (let i = 0; i < (root?.num_children ?? 0); i++) out.push(node());
  return out;
}

/** The stored time unit of each top-level timestamp/time column (to rescale into the Arrow type's unit). */
function storedUnits(schema: readonly SchemaElement[]): Map<string, StoredUnit> {
  const out = new Map<string, StoredUnit>();
  for (const e of schema.slice(1)) {
    const lt = e.logical_type;
    if (lt?.type === "TIMESTAMP" || lt?.type === "TIME") out.set(e.name, lt.unit);
    else if (e.converted_type === "TIMESTAMP_MILLIS" || e.converted_type === "TIME_MILLIS")
      out.set(e.name, "MILLIS");
    else if (e.converted_type === "TIMESTAMP_MICROS" || e.converted_type === "TIME_MICROS")
      out.set(e.name, "MICROS");
  }
  return out;
}

const PER_SECOND: Record<StoredUnit, bigint> = { MILLIS: 1000n, MICROS: 1_000_000n, NANOS: 1_000_000_000n };
const ARROW_PER_SECOND: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1_000_000n,
  [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/** A decoded Parquet value as a cell of `type` (`stored`: the unit a top-level timestamp/time was written in). */
function toCell(value: unknown, type: DataType, stored: StoredUnit | undefined): Cell {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Int:
      return (type as Int64).bitWidth === 64 ? BigInt(value as number | bigint) : Number(value);
    case Type.Float:
    case Type.Date:
      return Number(value);
    case Type.Bool:
      return Boolean(value);
    case Type.Utf8:
      return typeof value === "string" ? value : new TextDecoder().decode(value as Uint8Array);
    case Type.Binary:
      return typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array);
    case Type.Timestamp:
    case Type.Time: {
      const v = BigInt(value as number | bigint);
      const target = ARROW_PER_SECOND[(type as Timestamp).unit]!;
      const from = stored ? PER_SECOND[stored] : target;
      const scaled = from === target ? v : from > target ? v / (from / target) : v * (target / from);
      return type.typeId === Type.Time && (type as TimeMillisecond).bitWidth === 32 ? Number(scaled) : scaled;
    }
    case Type.Decimal: {
      const scale = (type as Decimal).scale;
      return BigInt(Math.round(Number(value) * 10 ** scale));
    }
    case Type.List:
    case Type.FixedSizeList: {
      const child = (type as List).children[0]!;
      return (value as unknown[]).map((x) => toCell(x, child.type, undefined));
    }
    case Type.Struct: {
      const record = value as Record<string, unknown>;
      return (type as Struct).children.map((c) => toCell(record[c.name], c.type, undefined));
    }
    default:
      throw new UnreadableParquet(`values of type ${String(type)} cannot be imported`);
  }
}

/** Parses a whole Parquet object. Throws `UnreadableParquet` for anything that is not a readable Parquet file. */
export async function readParquetColumns(bytes: Uint8Array): Promise<ParquetColumns> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (err) {
    throw new UnreadableParquet(`not a Parquet file: ${(err as Error).message}`);
  }
  const fromParquet = parquetFields(metadata.schema);
  const fromArrow = arrowSchemaOf(metadata);
  const fields = fromParquet.map((f) => fromArrow?.find((a) => a.name === f.name) ?? f);
  const rows = Number(metadata.num_rows);
  const units = storedUnits(metadata.schema);
  const raw = new Map<string, unknown[]>(fields.map((f) => [f.name, new Array<unknown>(rows)]));
  try {
    await parquetRead({
      file,
      metadata,
      parsers: RAW_PARSERS,
      onChunk: (chunk) => {
        const target = raw.get(chunk.columnName);
        if (!target) return;
        for (let i = 0; i < chunk.columnData.length; i++) target[chunk.rowStart + i] = chunk.columnData[i];
      },
    });
  } catch (err) {
    throw new UnreadableParquet(`cannot read the Parquet data: ${(err as Error).message}`);
  }
  const columns = fields.map((f) => {
    const values = raw.get(f.name)!;
    const stored = units.get(f.name);
    const out = new Array<Cell>(rows);
    for (let r = 0; r < rows; r++) out[r] = toCell(values[r], f.type, stored);
    return out;
  });
  return { fields, columns, rows };
}
