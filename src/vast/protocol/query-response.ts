/**
 * The framed query-data response of `GET …?data`: a sequence of frames `u32le stream_id, u64le next_row_id,
 * one Arrow IPC message`. For every projected leaf column the server sends one IPC stream (schema message,
 * record batches, EOS) per page; special stream ids mark keep-alive (4 bytes only), completion and failure.
 */
import { type RecordBatch, type Schema, tableFromIPC } from "apache-arrow";
import { encodeIpcStream, IPC_EOS, ipcMessageLength, MalformedIpc, splitIpcMessages } from "./arrow-ipc.js";
import { STREAM_ID_COMPLETED, STREAM_ID_FAILED, STREAM_ID_KEEP_ALIVE } from "./headers.js";

export function encodeFrame(streamId: number, nextRowId: bigint, message: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + message.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, streamId, true);
  view.setBigUint64(4, nextRowId, true);
  out.set(message, 12);
  return out;
}

/** Frames of one leaf column's IPC stream: schema, batches, EOS — all tagged with the same row cursor. */
export function encodeColumnStreamFrames(
  streamId: number,
  nextRowId: bigint,
  schema: Schema,
  batches: readonly RecordBatch[],
): Uint8Array[] {
  const messages = splitIpcMessages(encodeIpcStream(schema, batches));
  return [...messages, IPC_EOS].map((m) => encodeFrame(streamId, nextRowId, m));
}

export function encodeCompletedFrame(): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, STREAM_ID_COMPLETED, true);
  return out;
}

/**
 * VAST's "query failed" frame: the failed stream id, a u64 error code and a u32 termination length of 0 (SDK 2.1
 * reads both fields and raises `QueryDataInternalError` with the code; older SDKs read to the end of the body).
 */
export function encodeFailedFrame(errorCode: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setUint32(0, STREAM_ID_FAILED, true);
  view.setBigUint64(4, errorCode, true);
  view.setUint32(12, 0, true);
  return out;
}

export function encodeKeepAliveFrame(): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, STREAM_ID_KEEP_ALIVE, true);
  return out;
}

/** One finished leaf-column stream of one sub-split. */
export interface ColumnChunk {
  streamId: number;
  nextRowId: bigint;
  schema: Schema;
  batches: RecordBatch[];
}

export interface DecodedQueryResponse {
  chunks: ColumnChunk[];
  completed: boolean;
  failed: boolean;
}

/** Decodes a whole response body into per-stream leaf-column chunks, in arrival order. */
export function decodeQueryResponse(body: Uint8Array): DecodedQueryResponse {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const open = new Map<number, Uint8Array[]>();
  const chunks: ColumnChunk[] = [];
  let pos = 0;
  while (pos + 4 <= body.length) {
    const streamId = view.getUint32(pos, true);
    pos += 4;
    if (streamId === STREAM_ID_KEEP_ALIVE) continue;
    if (streamId === STREAM_ID_COMPLETED) return { chunks, completed: true, failed: false };
    if (streamId === STREAM_ID_FAILED) return { chunks, completed: false, failed: true };
    if (pos + 8 > body.length) throw new MalformedIpc("truncated frame header");
    const nextRowId = view.getBigUint64(pos, true);
    pos += 8;
    const rest = body.subarray(pos);
    const isEos = rest.length >= 8 && view.getInt32(pos, true) === -1 && view.getInt32(pos + 4, true) === 0;
    if (isEos) {
      pos += 8;
      const messages = open.get(streamId);
      if (!messages) throw new MalformedIpc(`EOS for stream ${streamId} that was never opened`);
      open.delete(streamId);
      // The messages as separate chunks: column buffers stay views of the body (no joined copy of the stream).
      const table = tableFromIPC([...messages, IPC_EOS]);
      chunks.push({ streamId, nextRowId, schema: table.schema, batches: table.batches });
      continue;
    }
    const length = ipcMessageLength(rest);
    if (length === 0) throw new MalformedIpc("frame without an IPC message");
    const message = rest.subarray(0, length);
    pos += length;
    const list = open.get(streamId) ?? [];
    list.push(message);
    open.set(streamId, list);
  }
  if (open.size > 0) throw new MalformedIpc("response ended with open column streams");
  return { chunks, completed: false, failed: false };
}
