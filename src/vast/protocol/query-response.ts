/**
 * The framed query-data response of `GET …?data`: a sequence of frames `u32le stream_id, u64le next_row_id,
 * one Arrow IPC message`. For every projected leaf column the server sends one IPC stream (schema message,
 * record batches, EOS) per page; special stream ids mark keep-alive (4 bytes only), completion and failure.
 */
import type { RecordBatch, Schema } from "apache-arrow";
import { encodeIpcStream, IPC_EOS, ipcMessageHead, MalformedIpc, splitIpcMessages } from "./arrow-ipc.js";
import { ByteQueue } from "./byte-queue.js";
import { STREAM_ID_COMPLETED, STREAM_ID_FAILED, STREAM_ID_KEEP_ALIVE } from "./headers.js";
import { readIpcMessages } from "./ipc-reader.js";
import type { MessagePool } from "./message-pool.js";

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
  /** Buffers of the decoder's pool its messages were copied into (empty without a pool). */
  leases: Uint8Array[];
}

/** What the answer holds next: a finished column stream, or its end marker (completed, or failed in the server). */
export type QueryEvent = { kind: "column"; chunk: ColumnChunk } | { kind: "completed" } | { kind: "failed" };

interface FrameHead {
  streamId: number;
  nextRowId: bigint;
  /** Frame header, message prefix and metadata. */
  headLength: number;
  /** The whole frame. */
  length: number;
  eos: boolean;
}

/** Bytes of a frame header: u32 stream id, u64 next row id. */
const FRAME_HEADER = 12;

/**
 * Decodes a query-data answer as its bytes arrive: `push` every received piece, take `next()` until it gives null
 * (more bytes needed), and call `end()` once the body has ended. It holds only the bytes of the frame being
 * received and the messages of the column streams still open; a finished column stream is handed out at once, its
 * buffers views of the received bytes (a message that arrived in one piece) or of one copy of exactly the
 * message (one that spanned pieces) — or of a buffer from `pool`, listed in the chunk's `leases` for the caller to
 * give back once it is done with the chunk.
 */
export class QueryResponseDecoder {
  readonly #queue = new ByteQueue();
  readonly #open = new Map<number, { messages: Uint8Array[]; leases: Uint8Array[] }>();
  /** The framing of the frame at the front, once its metadata has arrived. */
  #head: FrameHead | null = null;
  #finished = false;

  constructor(private readonly pool?: MessagePool) {}

  push(piece: Uint8Array): void {
    if (!this.#finished) this.#queue.push(piece);
  }

  /** The next event, or null until more bytes arrive (and for good after the end marker). */
  next(): QueryEvent | null {
    const queue = this.#queue;
    for (;;) {
      if (this.#finished || queue.length < 4) return null;
      if (this.#head === null) {
        const prefix = queue.peek(4);
        const streamId = new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0, true);
        if (streamId === STREAM_ID_KEEP_ALIVE) {
          queue.skip(4);
          continue;
        }
        if (streamId === STREAM_ID_COMPLETED || streamId === STREAM_ID_FAILED) {
          this.#finished = true;
          return { kind: streamId === STREAM_ID_COMPLETED ? "completed" : "failed" };
        }
        this.#head = this.#frameHead(streamId);
        if (this.#head === null) return null;
      }
      const head = this.#head;
      if (queue.length < head.length) return null;
      this.#head = null;
      queue.skip(FRAME_HEADER);
      if (head.eos) {
        queue.skip(head.headLength - FRAME_HEADER);
        const open = this.#open.get(head.streamId);
        if (!open) throw new MalformedIpc(`EOS for stream ${head.streamId} that was never opened`);
        this.#open.delete(head.streamId);
        // The messages as separate chunks: column buffers stay views of them (no joined copy of the stream).
        const { schema, batches } = readIpcMessages(open.messages);
        return {
          kind: "column",
          chunk: {
            streamId: head.streamId,
            nextRowId: head.nextRowId,
            schema,
            batches,
            leases: open.leases,
          },
        };
      }
      let open = this.#open.get(head.streamId);
      if (!open) {
        open = { messages: [], leases: [] };
        this.#open.set(head.streamId, open);
      }
      const pool = this.pool;
      const leases = open.leases;
      const alloc = pool
        ? (n: number) => {
            const buffer = pool.acquire(n);
            leases.push(buffer);
            return buffer.subarray(0, n);
          }
        : undefined;
      open.messages.push(queue.take(head.length - FRAME_HEADER, alloc));
    }
  }

  /** At the end of the body: throws when it stopped inside a frame or with column streams still open. */
  end(): void {
    if (this.#finished) return;
    if (this.#queue.length > 0) throw new MalformedIpc("response ended inside a frame");
    if (this.#open.size > 0) throw new MalformedIpc("response ended with open column streams");
  }

  /** The framing of the data frame at the front once its metadata has arrived, else null. */
  #frameHead(streamId: number): FrameHead | null {
    const queue = this.#queue;
    let want = FRAME_HEADER + 8;
    for (;;) {
      const bytes = queue.peek(Math.min(queue.length, want));
      if (bytes.length < FRAME_HEADER) return null;
      const head = ipcMessageHead(bytes.subarray(FRAME_HEADER));
      if (head.needed === undefined) {
        if (head.eos && head.headLength !== 8) throw new MalformedIpc("frame without an IPC message");
        const nextRowId = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(
          4,
          true,
        );
        const headLength = FRAME_HEADER + head.headLength;
        return { streamId, nextRowId, headLength, length: headLength + head.bodyLength, eos: head.eos };
      }
      want = FRAME_HEADER + head.needed;
      if (queue.length < want) return null;
    }
  }
}

export interface DecodedQueryResponse {
  chunks: ColumnChunk[];
  completed: boolean;
  failed: boolean;
}

/** Decodes a whole response body into per-stream leaf-column chunks, in arrival order. */
export function decodeQueryResponse(body: Uint8Array): DecodedQueryResponse {
  const decoder = new QueryResponseDecoder();
  decoder.push(body);
  const chunks: ColumnChunk[] = [];
  for (let event = decoder.next(); event !== null; event = decoder.next()) {
    if (event.kind !== "column")
      return { chunks, completed: event.kind === "completed", failed: event.kind === "failed" };
    chunks.push(event.chunk);
  }
  decoder.end();
  return { chunks, completed: false, failed: false };
}
