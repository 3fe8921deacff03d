import { Field, Int64, Schema } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyCatalog } from "../../../src/vast/emulator/catalog.js";
import { EmulatorError } from "../../../src/vast/emulator/errors.js";
import { TabularHandlers } from "../../../src/vast/emulator/handlers.js";
import { TransactionManager } from "../../../src/vast/emulator/transactions.js";
import { encodeSchemaMessage } from "../../../src/vast/protocol/arrow-ipc.js";
import { encodeQueryRelation } from "../../../src/vast/protocol/query-relation.js";

async function handlersWithTable() {
  const txm = new TransactionManager(emptyCatalog(["b"]), { nextTableId: 1, rowIds: new Map() }, () => {});
  const h = new TabularHandlers(txm);
  const url = (s: string) => new URL(s, "http://emulator");
  await h.handle("POST", url("/b/s?schema"), {}, new Uint8Array(0));
  const schema = new Schema([new Field("a", new Int64(), true)]);
  await h.handle("POST", url("/b/s/t?table"), {}, encodeSchemaMessage(schema));
  return { h, url };
}

/** Any outcome is fine except an exception that is not an EmulatorError (which would become a 500). */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    const reply = (await p) as { stream?: AsyncIterable<Uint8Array> };
    if (reply?.stream) for await (const _ of reply.stream);
    return "ok";
  } catch (err) {
    if (err instanceof EmulatorError) return String(err.status);
    throw err;
  }
}

describe("malformed requests never crash the emulator", () => {
  it("answers random bodies on every body-carrying command with a 4xx/5xx error value or success", async () => {
    const { h, url } = await handlersWithTable();
    const targets: [string, string][] = [
      ["GET", "/b/s/t?data"],
      ["POST", "/b/s/t?rows"],
      ["PUT", "/b/s/t?rows"],
      ["DELETE", "/b/s/t?rows"],
      ["POST", "/b/s/t2?table"],
      ["POST", "/b/s/t?column"],
      ["DELETE", "/b/s/t?column"],
      ["POST", "/b/s2?schema"],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.uint8Array({ maxLength: 300 }),
        async ([method, path], body) => {
          const result = await outcome(h.handle(method, url(path), {}, body));
          expect(["ok", "400", "404", "405", "409", "501"]).toContain(result);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses corrupted but well-framed query relations with 400", async () => {
    const { h, url } = await handlersWithTable();
    const good = encodeQueryRelation({
      name: "",
      schema: [new Field("a", new Int64(), true)],
      filter: null,
      projection: [0],
    });
    expect(await outcome(h.handle("GET", url("/b/s/t?data"), {}, good))).toBe("ok");
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        async (at, byte) => {
          const bad = good.slice();
          bad[at] = byte;
          const result = await outcome(h.handle("GET", url("/b/s/t?data"), {}, bad));
          expect(["ok", "400", "501"]).toContain(result);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("rejects malformed headers with 400", async () => {
    const { h, url } = await handlersWithTable();
    const good = encodeQueryRelation({
      name: "",
      schema: [new Field("a", new Int64(), true)],
      filter: null,
      projection: [0],
    });
    for (const headers of [
      { "tabular-txid": "x" },
      { "tabular-split": "3,2,8" },
      { "tabular-num-of-subsplits": "0" },
      { "tabular-schedule-id": "-1" },
      { "tabular-limit-rows": "abc" },
      { "tabular-start-row-id-0": "0,zz" },
    ]) {
      expect(await outcome(h.handle("GET", url("/b/s/t?data"), headers, good))).toBe("400");
    }
  });
});

describe("malformed paths", () => {
  it("answers 400 to a path with a broken percent escape", async () => {
    const { h, url } = await handlersWithTable();
    expect(await outcome(h.handle("GET", url("/b/%E0%A4%A?schema"), {}, new Uint8Array(0)))).toBe("400");
  });
});
