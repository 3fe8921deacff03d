/**
 * Arrow IPC helpers for the tabular API: single schema messages (`pa.Schema.serialize()` bodies of create
 * table / add column / drop column), IPC streams (insert/update/delete bodies, list-columns answers), and
 * splitting a stream into its encapsulated messages (the query response sends one message per frame).
 */
import { type RecordBatch, RecordBatchStreamWriter, type Schema, tableFromIPC } from "apache-arrow";
import { FbTable } from "./fb-table.js";

/** The 8-byte end-of-stream marker. */
export const IPC_EOS = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

export class MalformedIpc extends Error {}

/**
 * Length in bytes of the encapsulated message at the start of `bytes` (metadata + body),
 * 0 for an end-of-stream marker.
 */
export function ipcMessageLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new MalformedIpc("truncated IPC message");
  let pos = 0;
  let len = view.getInt32(pos, true);
  pos += 4;
  if (len === -1) {
    if (pos + 4 > bytes.length) throw new MalformedIpc("truncated IPC message length");
    len = view.getInt32(pos, true);
    pos += 4;
  }
  if (len === 0) return 0;
  if (len < 0 || pos + len > bytes.length) throw new MalformedIpc(`IPC metadata length ${len} out of range`);
  const bodyLength = Number(FbTable.root(bytes.subarray(pos, pos + len)).i64(3));
  pos += len;
  if (bodyLength < 0 || pos + bodyLength > bytes.length) throw new MalformedIpc("IPC body out of range");
  return pos + bodyLength;
}

/** Splits IPC stream bytes into encapsulated messages (metadata + body), stopping at EOS or the end. */
export function splitIpcMessages(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  while (pos + 4 <= bytes.length) {
    const len = ipcMessageLength(bytes.subarray(pos));
    if (len === 0) break;
    out.push(bytes.subarray(pos, pos + len));
    pos += len;
  }
  return out;
}

export function encodeIpcStream(schema: Schema, batches: readonly RecordBatch[]): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const b of batches) writer.write(b);
  writer.finish();
  return writer.toUint8Array(true);
}

export function decodeIpcStream(bytes: Uint8Array): { schema: Schema; batches: RecordBatch[] } {
  const table = tableFromIPC(bytes);
  return { schema: table.schema, batches: table.batches };
}

/** One schema message, exactly what `pa.Schema.serialize()` produces (no EOS). */
export function encodeSchemaMessage(schema: Schema): Uint8Array {
  const stream = encodeIpcStream(schema, []);
  const [first] = splitIpcMessages(stream);
  if (!first) throw new MalformedIpc("writer produced no schema message");
  return first.slice();
}

export function decodeSchemaMessage(bytes: Uint8Array): Schema {
  if (bytes.length < 8) throw new MalformedIpc("schema message too short");
  const withEos = new Uint8Array(bytes.length + IPC_EOS.length);
  withEos.set(bytes, 0);
  withEos.set(IPC_EOS, bytes.length);
  return tableFromIPC(withEos).schema;
}
