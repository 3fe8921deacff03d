/**
 * Record batches as request bodies: one-batch IPC streams, slicing a batch so each request stays under the
 * service's per-request size (5 MiB; the SDK targets 90% of it), and the column types VAST accepts.
 */
import {
  type Data,
  type DataType,
  type Date_,
  DateUnit,
  type Field,
  makeData,
  RecordBatch,
  RecordBatchStreamWriter,
  type Schema,
  Struct,
  Type,
} from "apache-arrow";
import { encodeSchemaMessage, splitIpcMessages } from "../protocol/arrow-ipc.js";
import { readIpcMessages } from "../protocol/ipc-reader.js";
import { TooWideRow, VastError } from "./errors.js";

export const MAX_TABULAR_REQUEST_SIZE = 5 << 20;
export const MAX_RECORD_BATCH_SLICE_SIZE = Math.floor(0.9 * MAX_TABULAR_REQUEST_SIZE);
export const MAX_ROWS_PER_REQUEST = 512 * 1024;

/** Schema messages already encoded, per Schema object: a table's schema heads every insert into it. */
const schemaMessages = new WeakMap<Schema, Uint8Array>();

/** The stream writer, with the schema message taken from the cache (encoding it was ~2/3 of an insert body's cost). */
class SchemaCachingWriter extends RecordBatchStreamWriter {
  protected override _writeSchema(schema: Schema): this {
    let message = schemaMessages.get(schema);
    if (!message) {
      message = encodeSchemaMessage(schema);
      schemaMessages.set(schema, message);
    }
    return this._write(message);
  }
}

/** An IPC stream holding exactly one record batch (insert / update / delete bodies). */
export function batchStream(batch: RecordBatch): Uint8Array {
  const writer = new SchemaCachingWriter();
  writer.reset(undefined, batch.schema);
  writer.write(batch);
  writer.finish();
  return writer.toUint8Array(true);
}

/** Reads an IPC stream answer (insert row ids, list-columns schema). */
export function readStream(bytes: Uint8Array): { schema: Schema; batches: RecordBatch[] } {
  return readIpcMessages(splitIpcMessages(bytes), bytes);
}

/**
 * Serialized slices of `batch`, each at most `maxBytes`, at most `maxRows` rows. Like the SDK:
 * estimate rows per slice from the average row size, halve while a slice is too large.
 */
export function* serializedSlices(
  batch: RecordBatch,
  maxBytes = MAX_RECORD_BATCH_SLICE_SIZE,
  maxRows = MAX_ROWS_PER_REQUEST,
): Generator<{ bytes: Uint8Array; offset: number; rows: number }> {
  // Stryker disable next-line ConditionalExpression: a faster path; with no rows the loop below yields nothing either
  if (batch.numRows === 0) return;
  const whole = batchStream(batch);
  let rowsPerSlice =
    whole.byteLength <= maxBytes
      ? batch.numRows
      : Math.floor((0.9 * batch.numRows * maxBytes) / whole.byteLength);
  rowsPerSlice = Math.min(rowsPerSlice, maxRows);
  let offset = 0;
  while (offset < batch.numRows) {
    if (rowsPerSlice < 1)
      throw new TooWideRow(`a single row of ${batch.numCols} columns exceeds ${maxBytes} bytes`);
    const end = Math.min(batch.numRows, offset + rowsPerSlice);
    // Stryker disable next-line ConditionalExpression: a faster path; a slice of every row encodes to the same bytes
    const bytes = offset === 0 && end === batch.numRows ? whole : batchStream(batch.slice(offset, end));
    if (bytes.byteLength <= maxBytes) {
      yield { bytes, offset, rows: end - offset };
      offset = end;
    } else {
      rowsPerSlice = Math.floor(rowsPerSlice / 2);
    }
  }
}

/**
 * Column types the tabular API stores and selects (`get_field_type` of the SDK): no large_* types,
 * no dictionary/union/null, fixed-size lists only with non-nullable numeric items.
 */
export function assertSupportedField(field: Field): void {
  const problem = unsupportedReason(field.type);
  if (problem) throw new VastError("VAST_UNSUPPORTED_TYPE", `column '${field.name}': ${problem}`);
}

function unsupportedReason(type: DataType): string | null {
  switch (type.typeId) {
    case Type.LargeUtf8:
    case Type.LargeBinary:
      return `${type} is not supported; use utf8/binary`;
    case Type.Null:
    case Type.Dictionary:
    case Type.Union:
    case Type.DenseUnion:
    case Type.SparseUnion:
    case Type.FixedSizeBinary:
    case Type.Duration:
      return `${type} is not supported by VAST`;
    // apache-arrow reports date64 as Type.Date too (never Type.DateMillisecond): told apart by its unit.
    case Type.Date:
      return (type as Date_).unit === DateUnit.MILLISECOND ? `${type} is not supported by VAST` : null;
    case Type.FixedSizeList: {
      const child = (type as DataType<Type.FixedSizeList>).children[0]!;
      if (child.nullable) return "fixed_size_list items must be non-nullable";
      if (!isNumeric(child.type)) return "fixed_size_list items must be numeric";
      return unsupportedReason(child.type);
    }
    case Type.List:
    case Type.Struct:
    case Type.Map:
      for (const c of (type as DataType<Type.List | Type.Struct | Type.Map>).children) {
        const r = unsupportedReason(c.type);
        if (r) return r;
      }
      return null;
    default:
      return null;
  }
}

function isNumeric(type: DataType): boolean {
  return type.typeId === Type.Int || type.typeId === Type.Float;
}

/** Builds a record batch from equally long column data. */
export function recordBatch(schema: Schema, columns: Data[]): RecordBatch {
  const length = columns[0]?.length ?? 0;
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length, nullCount: 0, children: columns }),
  );
}
