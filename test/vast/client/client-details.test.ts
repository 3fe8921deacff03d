/**
 * Details of the VAST client found by mutation testing: an empty schema variable, the inspect form of a config, the
 * signing date, which calls a request defaults to and what a retry event names, slicing down to single rows, and a
 * transport that lets its connections go when closed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { Field, FixedSizeList, Int32, Schema, Utf8, vectorFromArray } from "apache-arrow";
import { afterEach, describe, expect, it } from "vitest";
import {
  assertSupportedField,
  batchStream,
  recordBatch,
  serializedSlices,
} from "../../../src/vast/client/arrow-batches.js";
import { resolveVastConfig } from "../../../src/vast/client/config.js";
import { InternalServerError } from "../../../src/vast/client/errors.js";
import { DEFAULT_RETRY, type RetryEvent } from "../../../src/vast/client/retry-policy.js";
import { RequestSigner } from "../../../src/vast/client/signer.js";
import { HttpTransport } from "../../../src/vast/client/transport.js";
import { encodeS3Error } from "../../../src/vast/protocol/s3-error.js";

const ENV = {
  VAST_DB_ENDPOINT: "h:1",
  VAST_DB_ACCESS_KEY: "AK",
  VAST_DB_SECRET_KEY: "SK",
  VAST_DB_BUCKET: "b",
};

describe("config", () => {
  it("an empty schema variable or flag is the default schema", () => {
    expect(resolveVastConfig({}, { ...ENV, VAST_DB_SCHEMA: "" }).schema).toBe("exr_metadata");
    expect(resolveVastConfig({ schema: "" }, ENV).schema).toBe("exr_metadata");
  });

  it("util.inspect shows the text form, without keys", () => {
    const c = resolveVastConfig({}, ENV);
    expect(inspect(c)).toBe(c.toString());
    expect(inspect(c)).not.toContain("SK");
  });
});

describe("signer", () => {
  it("signs at the date it is given", async () => {
    const h = await new RequestSigner("AK", "SK", "").sign({
      method: "GET",
      url: new URL("http://h/b"),
      body: undefined,
      date: new Date("2020-02-03T04:05:06Z"),
    });
    expect(h["x-amz-date"]).toBe("20200203T040506Z");
    expect(h.authorization).toContain("Credential=AK/20200203//s3/aws4_request");
  });
});

describe("record batches", () => {
  it("a fixed-size list of non-nullable ints is accepted", () => {
    expect(() =>
      assertSupportedField(new Field("v", new FixedSizeList(2, new Field("i", new Int32(), false)))),
    ).not.toThrow();
  });

  it("halves the slice until single rows fit; a single row that fits is a slice", () => {
    const schema = new Schema([new Field("id", new Int32(), false), new Field("s", new Utf8(), false)]);
    const rows = 40;
    const ids = vectorFromArray(
      Array.from({ length: rows }, (_, i) => i),
      new Int32(),
    );
    const text = vectorFromArray(
      Array.from({ length: rows }, (_, i) => (i < 4 ? "w".repeat(1500) : "n")),
      new Utf8(),
    );
    const batch = recordBatch(schema, [ids.data[0]!, text.data[0]!]);
    const one = batchStream(batch.slice(0, 1)).byteLength;
    const limit = one + 100;
    const whole = batchStream(batch).byteLength;
    const slices = [...serializedSlices(batch, limit)];
    // The first estimate (90 % of the average) was too large: the slices start with single wide rows.
    expect(Math.floor((0.9 * rows * limit) / whole)).toBeGreaterThan(1);
    expect(slices.slice(0, 4).map((s) => s.rows)).toEqual([1, 1, 1, 1]);
    expect(slices.reduce((n, s) => n + s.rows, 0)).toBe(rows);
    for (const s of slices) expect(s.bytes.byteLength).toBeLessThanOrEqual(limit);
  });
});

describe("transport", () => {
  let server: Server | null = null;
  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((r) => server!.close(() => r()));
      server = null;
    }
  });
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    server = createServer(handler);
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    return new URL(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`);
  };
  const transport = (endpoint: URL, onRetry?: (e: RetryEvent) => void) =>
    new HttpTransport({
      endpoint,
      signer: new RequestSigner("AK", "SK", ""),
      timeoutMs: 5_000,
      retry: { ...DEFAULT_RETRY, baseDelayMs: 1, maxDelayMs: 1 },
      onRetry,
    });

  it("a POST is a write by default (a 500 is left to the transaction), a GET a read (replayed), naming the request", async () => {
    let n = 0;
    const url = await serve((req, res) => {
      req.resume();
      if ([0, 1, 3].includes(n++)) {
        res.writeHead(500);
        res.end(encodeS3Error({ code: "InternalError", message: "m" }));
      } else res.end("ok");
    });
    const events: RetryEvent[] = [];
    const t = transport(url, (e) => events.push(e));
    try {
      await expect(
        t.request({ method: "POST", path: "/b/s/t", query: "rows", body: Uint8Array.of(1) }),
      ).rejects.toBeInstanceOf(InternalServerError);
      expect(events).toEqual([]);
      expect((await t.request({ method: "GET", path: "/b/s/t", query: "data" })).status).toBe(200);
      expect(events.map((e) => e.what)).toEqual(["GET /b/s/t?data"]);
      expect((await t.request({ method: "GET", path: "/b" })).status).toBe(200);
      expect(events.map((e) => e.what)).toEqual(["GET /b/s/t?data", "GET /b"]);
    } finally {
      t.close();
    }
  });

  it("close lets the kept-alive connections go", async () => {
    let closed = 0;
    const url = await serve((req, res) => {
      req.socket.once("close", () => {
        closed++;
      });
      req.resume();
      res.end("ok");
    });
    const t = transport(url);
    await t.request({ method: "GET", path: "/" });
    expect(closed).toBe(0);
    t.close();
    const deadline = Date.now() + 3_000;
    while (closed === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(1);
  });
});
