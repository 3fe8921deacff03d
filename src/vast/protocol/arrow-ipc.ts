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

/** Largest encapsulated message accepted (metadata or body): far above any answer the tabular API sends. */
export const MAX_IPC_MESSAGE_BYTES = 1 << 30;

/**
 * The framing of the encapsulated message at the start of `bytes`: the length of its prefix and metadata
 * (`headLength`) and of its body, or `eos` for an end-of-stream marker; `needed` (a byte count) when `bytes`
 * stops before the metadata does. Only the metadata is read, so a message whose body has not arrived yet can be
 * framed.
 */
export type IpcMessageHead =
  | { needed: number }
  | { needed?: undefined; eos: boolean; headLength: number; bodyLength: number };

export function ipcMessageHead(bytes: Uint8Array): IpcMessageHead {
  if (bytes.length < 4) return { needed: 4 };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 4;
  let len = view.getInt32(0, true);
  if (len === -1) {
    if (bytes.length < 8) return { needed: 8 };
    len = view.getInt32(4, true);
    pos = 8;
  }
  if (len === 0) return { eos: true, headLength: pos, bodyLength: 0 };
  if (len < 0 || len > MAX_IPC_MESSAGE_BYTES)
    throw new MalformedIpc(`IPC metadata length ${len} out of range`);
  if (pos + len > bytes.length) return { needed: pos + len };
  const bodyLength = Number(FbTable.root(bytes.subarray(pos, pos + len)).i64(3));
  if (!(bodyLength >= 0 && bodyLength <= MAX_IPC_MESSAGE_BYTES)) {
    throw new MalformedIpc(`IPC body length ${bodyLength} out of range`);
  }
  return { eos: false, headLength: pos + len, bodyLength };
}

/**
 * Length in bytes of the encapsulated message at the start of `bytes` (metadata + body),
 * 0 for an end-of-stream marker.
 */
export function ipcMessageLength(bytes: Uint8Array): number {
  const head = ipcMessageHead(bytes);
  if (head.needed !== undefined) throw new MalformedIpc("truncated IPC message");
  if (head.eos) return 0;
  const length = head.headLength + head.bodyLength;
  if (length > bytes.length) throw new MalformedIpc("IPC body out of range");
  return length;
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
