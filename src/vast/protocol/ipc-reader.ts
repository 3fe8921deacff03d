/**
 * Reads the IPC streams the tabular API answers with (a query's per-column streams, an insert's row ids) without
 * apache-arrow's general reader: that reader builds a message reader, a byte stream and a record-batch reader per
 * stream, and decoding a one-file transaction's answers with it cost ~3 ms of CPU. Here each record batch's
 * metadata is read straight from its flatbuffer and its columns are made from views of the body, buffer by buffer
 * in the order the IPC format lays them out (as apache-arrow's own loader does). A schema is decoded once per
 * distinct schema message (a table's answers repeat the same few). Anything this reader does not handle —
 * dictionary batches, compressed bodies, unions, view or large types — is handed to `tableFromIPC`, so the result is
 * the same whatever the stream holds.
 */
import {
  type Data,
  type DataType,
  type Field,
  makeData,
  RecordBatch,
  type Schema,
  Struct,
  Type,
  tableFromIPC,
} from "apache-arrow";
import { decodeSchemaMessage, IPC_EOS, MalformedIpc } from "./arrow-ipc.js";
import { FbTable } from "./fb-table.js";

/** `MessageHeader` union tags of the IPC format. */
const HEADER_SCHEMA = 1;
const HEADER_RECORD_BATCH = 3;

/** Schemas already decoded, by their metadata bytes (latin1): a table's answers carry the same schema messages. */
const schemas = new Map<string, Schema>();
const MAX_CACHED_SCHEMAS = 256;

/** A stream this reader leaves to apache-arrow. */
class NotHandled extends Error {}

/**
 * The schema and record batches of an IPC stream given as its encapsulated messages (continuation marker, metadata
 * length, metadata, body), schema message first; an end-of-stream marker among them ends the stream.
 */
export function readIpcMessages(
  messages: readonly Uint8Array[],
  /** The stream's bytes as received, for apache-arrow when this reader hands the stream over. */
  whole?: Uint8Array,
): { schema: Schema; batches: RecordBatch[] } {
  try {
    return readLean(messages);
  } catch (err) {
    if (!(err instanceof NotHandled)) throw err;
    const table = tableFromIPC(whole ?? [...messages, IPC_EOS]);
    return { schema: table.schema, batches: table.batches };
  }
}

function readLean(messages: readonly Uint8Array[]): { schema: Schema; batches: RecordBatch[] } {
  let schema: Schema | null = null;
  const batches: RecordBatch[] = [];
  for (const message of messages) {
    const { metadata, body } = split(message);
    if (metadata === null) break;
    const root = FbTable.root(metadata);
    const headerType = root.u8(1);
    if (headerType === HEADER_SCHEMA) {
      if (schema !== null) throw new NotHandled();
      schema = cachedSchema(metadata, message);
      continue;
    }
    if (headerType !== HEADER_RECORD_BATCH) throw new NotHandled();
    if (schema === null) throw new NotHandled();
    const header = root.union(2);
    if (header === null) throw new MalformedIpc("record batch message without its header");
    batches.push(recordBatchOf(schema, header, body));
  }
  if (schema === null) throw new NotHandled();
  // A stream of only a schema reads as one empty batch, as apache-arrow gives it.
  if (batches.length === 0) {
    const children = schema.fields.map((f) => makeData({ type: f.type } as never) as Data);
    batches.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: 0, nullCount: 0, children }),
      ),
    );
  }
  return { schema, batches };
}

/** The metadata and body of an encapsulated message (null metadata: an end-of-stream marker). */
function split(message: Uint8Array): { metadata: Uint8Array | null; body: Uint8Array } {
  if (message.length < 4) throw new MalformedIpc("truncated IPC message");
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  let pos = 4;
  let length = view.getInt32(0, true);
  if (length === -1) {
    if (message.length < 8) throw new MalformedIpc("truncated IPC message");
    length = view.getInt32(4, true);
    pos = 8;
  }
  if (length === 0) return { metadata: null, body: message.subarray(0, 0) };
  if (length < 0 || pos + length > message.length) throw new MalformedIpc("IPC metadata out of range");
  const metadata = message.subarray(pos, pos + length);
  const bodyLength = Number(FbTable.root(metadata).i64(3));
  const start = pos + length;
  if (!(bodyLength >= 0 && start + bodyLength <= message.length))
    throw new MalformedIpc(`IPC body of ${bodyLength} bytes out of range`);
  let body = message.subarray(start, start + bodyLength);
  // Typed-array views need aligned offsets: a body that arrived at an odd place in a received piece is copied.
  // (A copy, not `slice()`: on a node Buffer that is another view.)
  if (body.byteOffset % 8 !== 0) body = new Uint8Array(body);
  return { metadata, body };
}

function cachedSchema(metadata: Uint8Array, message: Uint8Array): Schema {
  const key = Buffer.from(metadata.buffer, metadata.byteOffset, metadata.byteLength).toString("latin1");
  let schema = schemas.get(key);
  if (schema === undefined) {
    schema = decodeSchemaMessage(message);
    if (schemas.size >= MAX_CACHED_SCHEMAS) schemas.clear();
    schemas.set(key, schema);
  }
  return schema;
}

function recordBatchOf(schema: Schema, header: FbTable, body: Uint8Array): RecordBatch {
  if (header.has(3)) throw new NotHandled(); // a compressed body
  const length = Number(header.i64(0));
  const loader = new BodyLoader(body, header.structs(1, 16), header.structs(2, 16));
  const children = schema.fields.map((f) => loader.field(f));
  return new RecordBatch(
    schema,
    makeData({ type: new Struct(schema.fields), length, nullCount: 0, children }),
  );
}

/** Walks a record batch's field nodes and buffers in layout order (depth first, as they were written). */
class BodyLoader {
  #node = 0;
  #buffer = 0;

  constructor(
    private readonly body: Uint8Array,
    private readonly nodes: DataView,
    private readonly buffers: DataView,
  ) {}

  field(field: Field): Data {
    return this.#data(field.type);
  }

  #data(type: DataType): Data {
    if (this.#node * 16 >= this.nodes.byteLength)
      throw new MalformedIpc("record batch has too few field nodes");
    const length = Number(this.nodes.getBigInt64(this.#node * 16, true));
    const nullCount = Number(this.nodes.getBigInt64(this.#node * 16 + 8, true));
    this.#node++;
    switch (type.typeId) {
      case Type.Bool:
      case Type.Int:
      case Type.Float:
      case Type.Decimal:
      case Type.Date:
      case Type.Time:
      case Type.Timestamp:
      case Type.Interval:
      case Type.Duration:
      case Type.FixedSizeBinary: {
        const nullBitmap = this.#validity(nullCount);
        return makeData({ type, length, nullCount, nullBitmap, data: this.#next() } as never);
      }
      case Type.Utf8:
      case Type.Binary: {
        const nullBitmap = this.#validity(nullCount);
        const valueOffsets = this.#next();
        return makeData({ type, length, nullCount, nullBitmap, valueOffsets, data: this.#next() } as never);
      }
      case Type.List:
      case Type.Map: {
        const nullBitmap = this.#validity(nullCount);
        const valueOffsets = this.#next();
        const child = this.#data(type.children[0]!.type);
        return makeData({ type, length, nullCount, nullBitmap, valueOffsets, child } as never);
      }
      case Type.FixedSizeList: {
        const nullBitmap = this.#validity(nullCount);
        const child = this.#data(type.children[0]!.type);
        return makeData({ type, length, nullCount, nullBitmap, child } as never);
      }
      case Type.Struct: {
        const nullBitmap = this.#validity(nullCount);
        const children = type.children.map((c) => this.#data(c.type));
        return makeData({ type, length, nullCount, nullBitmap, children } as never);
      }
      default:
        throw new NotHandled();
    }
  }

  /** The validity buffer, empty when nothing is null (as apache-arrow's loader leaves it). */
  #validity(nullCount: number): Uint8Array {
    const bitmap = this.#next();
    return nullCount > 0 ? bitmap : new Uint8Array(0);
  }

  #next(): Uint8Array {
    const at = this.#buffer * 16;
    if (at >= this.buffers.byteLength) throw new MalformedIpc("record batch has too few buffers");
    this.#buffer++;
    const offset = Number(this.buffers.getBigInt64(at, true));
    const length = Number(this.buffers.getBigInt64(at + 8, true));
    if (offset < 0 || length < 0 || offset + length > this.body.length)
      throw new MalformedIpc(`buffer ${offset}+${length} outside the ${this.body.length}-byte body`);
    return this.body.subarray(offset, offset + length);
  }
}
