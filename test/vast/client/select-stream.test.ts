/**
 * `selectBatches` reads each query answer as it arrives: a page is handed on while the rest of its answer is still
 * on the way, and an answer cut off in the middle of its body is resumed from the pages already handed on (every
 * row exactly once). The emulator serves the data endpoint through a proxy that holds back or cuts off the last
 * bytes of the first `?data` answer.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Field, FixedSizeList, Float32, Int64, Schema } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsToBatch } from "../../../src/catalog/vast/arrow-rows.js";
import { VastConfig } from "../../../src/vast/client/config.js";
import type { RetryEvent } from "../../../src/vast/client/retry-policy.js";
import { select, selectBatches } from "../../../src/vast/client/select.js";
import { VastSession } from "../../../src/vast/client/session.js";
import type { TableRef } from "../../../src/vast/client/transaction.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "./emulator-harness.js";

const ROWS = 400;
const schema = new Schema([new Field("n", new Int64(), true)]);
const ref: TableRef = { bucket: "vastdb", schema: "stream_tests", table: "t" };
/** 384 floats a row: a page of 50 rows (75 KB) spans socket pieces, so its message is copied (pooled). */
const wideSchema = new Schema([
  new Field("n", new Int64(), true),
  new Field("v", new FixedSizeList(384, new Field("item", new Float32(), false)), true),
]);
const wideRef: TableRef = { ...ref, table: "wide" };
const vector = (i: number) => Float32Array.from({ length: 384 }, (_, j) => i * 1000 + j);

/** What the proxy does to the first `?data` answer: its last 64 bytes held back until released, or cut off. */
type Mode = "hold" | "cut";

interface Proxy {
  base: string;
  mode: Mode | null;
  /** Resolves once the first data answer's bytes before the held-back tail have been sent. */
  sentHead: Promise<void>;
  release(): void;
  /** The start-row-id headers of every data request. */
  starts: string[][];
}

let emu: EmulatorHandle;
let server: Server;
let proxy: Proxy;

function startProxy(target: URL): Promise<Server> {
  let released: () => void = () => undefined;
  let sentHead: () => void = () => undefined;
  const reset = () => {
    proxy.sentHead = new Promise((r) => {
      sentHead = r;
    });
    const gate = new Promise<void>((r) => {
      released = r;
    });
    proxy.release = () => released();
    return gate;
  };
  let gate = Promise.resolve();
  proxy = { base: "", mode: null, sentHead: Promise.resolve(), release: () => undefined, starts: [] };
  const s = createServer((req, res) => {
    const isData = req.url?.includes("?data") ?? false;
    const first = isData && proxy.mode !== null && proxy.starts.length === 0;
    if (isData) {
      proxy.starts.push(
        Object.keys(req.headers)
          .filter((h) => h.startsWith("tabular-start-row-id-"))
          .sort()
          .map((h) => String(req.headers[h])),
      );
    }
    if (first) gate = reset();
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const pieces: Buffer[] = [];
        answer.on("data", (p: Buffer) => pieces.push(p));
        answer.on("end", async () => {
          const body = Buffer.concat(pieces);
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          if (!first) {
            res.end(body);
            return;
          }
          res.write(body.subarray(0, body.length - 64));
          sentHead();
          if (proxy.mode === "cut") {
            setTimeout(() => res.socket?.destroy(), 50);
            return;
          }
          await gate;
          res.end(body.subarray(body.length - 64));
        });
      },
    );
    req.pipe(up);
  });
  return new Promise((resolve) => s.listen(0, "127.0.0.1", () => resolve(s)));
}

async function dataSession(onRetry?: (e: RetryEvent) => void): Promise<VastSession> {
  const config = testConfig(emu.url, ref.schema);
  return VastSession.connect(
    new VastConfig({
      endpoint: emu.url,
      accessKey: config.accessKey,
      secretKey: config.secretKey,
      bucket: "vastdb",
      dataEndpoints: [proxy.base],
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    }),
    { onRetry },
  );
}

beforeAll(async () => {
  emu = await startTestEmulator();
  server = await startProxy(new URL(emu.url));
  proxy.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const session = await VastSession.connect(testConfig(emu.url, ref.schema));
  await session.transaction(async (tx) => {
    await tx.createSchema("vastdb", ref.schema);
    await tx.createTable(ref, schema);
    await tx.insert(
      ref,
      rowsToBatch(
        schema,
        Array.from({ length: ROWS }, (_, i) => ({ n: BigInt(i) })),
      ),
    );
    await tx.createTable(wideRef, wideSchema);
    await tx.insert(
      wideRef,
      rowsToBatch(
        wideSchema,
        Array.from({ length: ROWS }, (_, i) => ({ n: BigInt(i), v: vector(i) })),
      ),
    );
  });
  session.close();
});
afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await emu?.stop();
});

const options = { columns: ["n"], numSubSplits: 4, rowsPerPage: 50 };

describe("selectBatches over an answer read as it arrives", () => {
  it("hands on a page while the rest of its answer is still held back", async () => {
    proxy.mode = "hold";
    proxy.starts = [];
    const session = await dataSession();
    try {
      const seen: bigint[] = [];
      await session.transaction(async (tx) => {
        let firstBatchWhileHeld = false;
        for await (const batch of selectBatches(tx, ref, schema, options)) {
          if (seen.length === 0) {
            // The first answer's tail (its last page's end and the completion marker) has not been sent yet.
            firstBatchWhileHeld = proxy.starts.length === 1;
            proxy.release();
          }
          seen.push(...(batch.getChild("n")! as Iterable<bigint>));
        }
        expect(firstBatchWhileHeld).toBe(true);
      });
      expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
    } finally {
      proxy.release();
      session.close();
    }
  });

  it("resumes an answer cut off mid-body from the pages already handed on: every row exactly once", async () => {
    proxy.mode = "cut";
    proxy.starts = [];
    const retries: RetryEvent[] = [];
    const session = await dataSession((e) => retries.push(e));
    try {
      const t = await session.transaction((tx) => select(tx, ref, schema, options));
      const got = [...(t.getChild("n")! as Iterable<bigint>)].map(Number).sort((a, b) => a - b);
      expect(got).toEqual(Array.from({ length: ROWS }, (_, i) => i));
      expect(retries.map((r) => r.what)).toEqual([
        `GET /vastdb/${ref.schema}/t?data (the rest of an answer cut off)`,
      ]);
      // The replay starts where the handed-on pages end: three sub-splits moved on, the cut one did not.
      expect(proxy.starts[0]).toEqual(["0,0", "1,0", "2,0", "3,0"]);
      expect(proxy.starts[1]!.filter((s) => s.endsWith(",0"))).toHaveLength(1);
    } finally {
      session.close();
    }
  });

  it("transientPages: every row read in its turn is exact, and later pages reuse earlier pages' buffers", async () => {
    proxy.mode = null;
    const session = await dataSession();
    try {
      for (const numSplits of [1, 3]) {
        await session.transaction(async (tx) => {
          const seen = new Map<number, Float32Array>();
          let first: Float32Array | null = null;
          let firstCopy: number[] = [];
          for await (const batch of selectBatches(tx, wideRef, wideSchema, {
            ...options,
            columns: ["n", "v"],
            numSplits,
            transientPages: true,
          })) {
            const n = batch.getChild("n")!;
            const v = batch.getChild("v")!;
            for (let i = 0; i < batch.numRows; i++) {
              const row = Number(n.get(i));
              seen.set(row, Float32Array.from((v.get(i) as { toArray(): Float32Array }).toArray()));
            }
            if (!first) {
              first = v.data[0]!.children[0]!.values as Float32Array;
              firstCopy = [...first];
            }
          }
          expect([...seen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
          for (const [row, got] of seen) expect([...got]).toEqual([...vector(row)]);
          // The first page's buffer was handed to a later page (read after its turn, it no longer holds it).
          expect([...first!]).not.toEqual(firstCopy);
        });
      }
    } finally {
      session.close();
    }
  });
});
