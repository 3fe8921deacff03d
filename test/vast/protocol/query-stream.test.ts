/**
 * The query-data answer decoded as its bytes arrive (QueryResponseDecoder over ByteQueue): cut into any pieces it
 * decodes to exactly what the whole body does; a column stream is handed out as soon as its end-of-stream frame is
 * in, before the rest of the answer; a message that arrived in one piece stays a view of it, one that spanned pieces
 * is copied once; an answer that stops inside a frame or a column stream is malformed.
 */
import { Field, Float32, Int64, makeData, RecordBatch, Schema, Struct } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildData } from "../../../src/vast/emulator/cells.js";
import { MalformedIpc } from "../../../src/vast/protocol/arrow-ipc.js";
import { ByteQueue } from "../../../src/vast/protocol/byte-queue.js";
import { INVALID_ROW_ID } from "../../../src/vast/protocol/headers.js";
import { MessagePool } from "../../../src/vast/protocol/message-pool.js";
import {
  type ColumnChunk,
  decodeQueryResponse,
  encodeColumnStreamFrames,
  encodeCompletedFrame,
  encodeFailedFrame,
  encodeKeepAliveFrame,
  type QueryEvent,
  QueryResponseDecoder,
} from "../../../src/vast/protocol/query-response.js";

const f = new Field("a", new Int64(), true);
const schema = new Schema([f]);
const batch = (values: (bigint | null)[]) =>
  new RecordBatch(
    schema,
    makeData({ type: new Struct([f]), length: values.length, children: [buildData(f.type, values)] }),
  );

/** Two sub-splits' column streams interleaved with keep-alives, then the completion marker. */
function answer(): Uint8Array {
  return Buffer.concat([
    ...encodeColumnStreamFrames(0, 100n, schema, [batch([1n, 2n, null])]),
    encodeKeepAliveFrame(),
    ...encodeColumnStreamFrames(1, INVALID_ROW_ID, schema, [batch([7n]), batch([8n, 9n])]),
    ...encodeColumnStreamFrames(0, INVALID_ROW_ID, schema, []),
    encodeKeepAliveFrame(),
    encodeCompletedFrame(),
  ]);
}

const summary = (chunks: ColumnChunk[]) =>
  chunks.map((c) => [c.streamId, c.nextRowId, c.batches.flatMap((b) => [...b.getChildAt(0)!])]);

/** Feeds `body` cut at `cuts`, collecting every event as soon as `next()` gives it. */
function feed(body: Uint8Array, cuts: number[]): { events: QueryEvent[]; arrivedAfter: number[] } {
  const decoder = new QueryResponseDecoder();
  const events: QueryEvent[] = [];
  const arrivedAfter: number[] = [];
  const bounds = [...new Set([0, ...cuts.filter((c) => c > 0 && c < body.length), body.length])].sort(
    (a, b) => a - b,
  );
  for (let i = 1; i < bounds.length; i++) {
    decoder.push(body.subarray(bounds[i - 1], bounds[i]));
    for (let e = decoder.next(); e !== null; e = decoder.next()) {
      events.push(e);
      arrivedAfter.push(bounds[i]!);
    }
  }
  decoder.end();
  return { events, arrivedAfter };
}

describe("QueryResponseDecoder", () => {
  it("decodes an answer cut into any pieces exactly as the whole body", () => {
    const body = answer();
    const whole = decodeQueryResponse(body);
    expect(whole.completed).toBe(true);
    expect(summary(whole.chunks)).toEqual([
      [0, 100n, [1n, 2n, null]],
      [1, INVALID_ROW_ID, [7n, 8n, 9n]],
      [0, INVALID_ROW_ID, []],
    ]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: body.length }), { maxLength: 40 }), (cuts) => {
        const { events } = feed(body, cuts);
        const chunks = events.flatMap((e) => (e.kind === "column" ? [e.chunk] : []));
        expect(summary(chunks)).toEqual(summary(whole.chunks));
        expect(events.at(-1)).toEqual({ kind: "completed" });
      }),
      { numRuns: 60 },
    );
    // byte by byte
    const { events } = feed(
      body,
      Array.from({ length: body.length }, (_, i) => i),
    );
    expect(events.map((e) => e.kind)).toEqual(["column", "column", "column", "completed"]);
  });

  it("hands out a column as soon as its end-of-stream frame is in, before the rest of the answer", () => {
    const first = Buffer.concat(encodeColumnStreamFrames(0, 5n, schema, [batch([1n])]));
    const rest = Buffer.concat([
      ...encodeColumnStreamFrames(1, 6n, schema, [batch([2n])]),
      encodeCompletedFrame(),
    ]);
    const decoder = new QueryResponseDecoder();
    decoder.push(first.subarray(0, first.length - 1));
    expect(decoder.next()).toBeNull();
    decoder.push(first.subarray(first.length - 1));
    const event = decoder.next();
    expect(event?.kind === "column" && [event.chunk.streamId, event.chunk.nextRowId]).toEqual([0, 5n]);
    expect(decoder.next()).toBeNull();
    decoder.push(rest.subarray(0, 30));
    expect(decoder.next()).toBeNull();
    decoder.push(rest.subarray(30));
    expect(decoder.next()?.kind).toBe("column");
    expect(decoder.next()).toEqual({ kind: "completed" });
    expect(decoder.next()).toBeNull();
  });

  it("keeps a message that came in one piece as a view of it, and copies one that spanned pieces once", () => {
    const v = new Field("v", new Float32(), false);
    const floats = new Schema([v]);
    const values = Float32Array.from({ length: 1000 }, (_, i) => i / 7);
    const rows = new RecordBatch(
      floats,
      makeData({ type: new Struct([v]), length: 1000, children: [makeData({ type: v.type, data: values })] }),
    );
    const body = Buffer.concat([...encodeColumnStreamFrames(0, 1n, floats, [rows]), encodeCompletedFrame()]);
    const whole = new QueryResponseDecoder();
    whole.push(body);
    const a = whole.next();
    const inPiece =
      a?.kind === "column" ? (a.chunk.batches[0]!.getChildAt(0)!.data[0]!.values as Float32Array) : null;
    expect(inPiece?.buffer).toBe(body.buffer);
    expect([...inPiece!]).toEqual([...values]);
    const { events } = feed(body, [body.length / 2]);
    const e = events[0]!;
    const spanned =
      e.kind === "column" ? (e.chunk.batches[0]!.getChildAt(0)!.data[0]!.values as Float32Array) : null;
    expect(spanned?.buffer).not.toBe(body.buffer);
    expect(spanned!.buffer.byteLength).toBeLessThan(body.length);
    expect([...spanned!]).toEqual([...values]);
  });

  it("with a pool, copies a message that spans pieces into a pool buffer and lists it in the chunk's leases", () => {
    const v = new Field("v", new Float32(), false);
    const floats = new Schema([v]);
    const values = Float32Array.from({ length: 1000 }, (_, i) => i);
    const rows = new RecordBatch(
      floats,
      makeData({ type: new Struct([v]), length: 1000, children: [makeData({ type: v.type, data: values })] }),
    );
    const body = Buffer.concat([...encodeColumnStreamFrames(0, 1n, floats, [rows]), encodeCompletedFrame()]);
    const pool = new MessagePool();
    const big = new Uint8Array(1 << 16);
    pool.release([big]);
    const decoder = new QueryResponseDecoder(pool);
    decoder.push(body.subarray(0, body.length / 2));
    decoder.push(body.subarray(body.length / 2));
    const event = decoder.next();
    if (event?.kind !== "column") throw new Error("no column");
    expect(event.chunk.leases).toEqual([big]);
    const got = event.chunk.batches[0]!.getChildAt(0)!.data[0]!.values as Float32Array;
    expect(got.buffer).toBe(big.buffer);
    expect([...got]).toEqual([...values]);
    // Without a pool, and for a message inside one piece, nothing is leased.
    expect(decodeQueryResponse(body).chunks[0]!.leases).toEqual([]);
  });

  it("stops at the failure marker and ignores what follows either marker", () => {
    const decoder = new QueryResponseDecoder();
    decoder.push(
      Buffer.concat([...encodeColumnStreamFrames(0, 1n, schema, [batch([1n])]), encodeFailedFrame(7n)]),
    );
    expect(decoder.next()?.kind).toBe("column");
    expect(decoder.next()).toEqual({ kind: "failed" });
    decoder.push(Buffer.concat(encodeColumnStreamFrames(1, 1n, schema, [batch([2n])])));
    expect(decoder.next()).toBeNull();
    decoder.end();
    expect(decodeQueryResponse(encodeFailedFrame(3n))).toEqual({
      chunks: [],
      completed: false,
      failed: true,
    });
  });

  it("rejects an answer that ends inside a frame or a column stream, or closes a stream never opened", () => {
    const frames = encodeColumnStreamFrames(0, 0n, schema, [batch([1n])]);
    const cutInFrame = new QueryResponseDecoder();
    cutInFrame.push(Buffer.concat(frames).subarray(0, 30));
    expect(cutInFrame.next()).toBeNull();
    expect(() => cutInFrame.end()).toThrow(/ended inside a frame/);
    const open = new QueryResponseDecoder();
    open.push(Buffer.concat(frames.slice(0, -1)));
    expect(open.next()).toBeNull();
    expect(() => open.end()).toThrow(/open column streams/);
    const orphan = new QueryResponseDecoder();
    orphan.push(frames.at(-1)!);
    expect(() => orphan.next()).toThrow(MalformedIpc);
  });

  it("rejects an IPC metadata length beyond any real message without waiting for its bytes", () => {
    const frame = new Uint8Array(20);
    const view = new DataView(frame.buffer);
    view.setUint32(0, 0, true);
    view.setInt32(12, -1, true);
    view.setInt32(16, 2 ** 31 - 1, true);
    const decoder = new QueryResponseDecoder();
    decoder.push(frame);
    expect(() => decoder.next()).toThrow(/metadata length/);
  });
});

describe("MessagePool", () => {
  it("hands out the smallest free buffer that fits, else a fresh one of the size asked; keeps at most maxFree", () => {
    const pool = new MessagePool(2);
    const [a, b, c] = [new Uint8Array(10), new Uint8Array(30), new Uint8Array(20)];
    pool.release([a, b, c]);
    expect(pool.acquire(15)).toBe(b); // c was not kept: two at most
    const fresh = pool.acquire(15);
    expect(fresh).not.toBe(a);
    expect(fresh.byteLength).toBe(15);
    expect(pool.acquire(5)).toBe(a);
    pool.release([new Uint8Array(40), c]);
    expect(pool.acquire(18)).toBe(c);
  });
});

describe("ByteQueue", () => {
  it("reads any split of bytes back in order; a read inside one piece is a view of it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 10 }),
        fc.array(fc.nat(25), { maxLength: 20 }),
        (pieces, reads) => {
          const q = new ByteQueue();
          for (const p of pieces) q.push(p);
          const all = Buffer.concat(pieces);
          let at = 0;
          for (const r of reads) {
            const n = Math.min(r, q.length);
            expect(q.length).toBe(all.length - at);
            expect([...q.peek(n)]).toEqual([...all.subarray(at, at + n)]);
            expect([...q.take(n)]).toEqual([...all.subarray(at, at + n)]);
            at += n;
          }
          expect(q.length).toBe(all.length - at);
        },
      ),
    );
    const q = new ByteQueue();
    const a = new Uint8Array([1, 2, 3, 4]);
    q.push(a);
    q.push(new Uint8Array([5, 6]));
    q.skip(1);
    expect(q.peek(3).buffer).toBe(a.buffer);
    expect([...q.take(4)]).toEqual([2, 3, 4, 5]);
    expect(() => q.take(2)).toThrow(RangeError);
    expect(() => q.skip(2)).toThrow(RangeError);
  });
});
