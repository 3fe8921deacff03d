/**
 * Sessions, transactions and imports of the VAST client (session.ts, transaction.ts, import-files.ts) against the
 * emulator in this process, with every request it receives recorded: what is sent for each call (method, query,
 * the listing headers), what a transaction's end sends and when it refuses further calls, and how the session
 * refuses servers that are not VAST. Kept small: one emulator, a few rows per table.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Field, Int32, Schema, Uint64, Utf8 } from "apache-arrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsToBatch } from "../../../src/catalog/vast/arrow-rows.js";
import { rowsToParquet } from "../../../src/catalog/vast/parquet-batch.js";
import { VastConfig } from "../../../src/vast/client/config.js";
import {
  ApiResponseError,
  MissingBucket,
  MissingRowIdColumn,
  MissingSchema,
  MissingTable,
  MissingTransaction,
  NotFound,
  UnsupportedServer,
  VastError,
} from "../../../src/vast/client/errors.js";
import { ImportFilesError, importFiles } from "../../../src/vast/client/import-files.js";
import * as client from "../../../src/vast/client/index.js";
import { select } from "../../../src/vast/client/select.js";
import { VastSession } from "../../../src/vast/client/session.js";
import { enc, ROW_ID, schemaPath, type TableRef, tablePath } from "../../../src/vast/client/transaction.js";
import { type RunningEmulator, startEmulator } from "../../../src/vast/emulator/server.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}
let emulator: RunningEmulator;
let session: VastSession;
const seen: Seen[] = [];
const SCHEMA = "tx_rules";
const columns = new Schema([new Field("name", new Utf8(), true), new Field("n", new Int32(), true)]);

const config = (endpoint: string, extra: Partial<ConstructorParameters<typeof VastConfig>[0]> = {}) =>
  new VastConfig({
    endpoint,
    accessKey: "AK",
    secretKey: "SK",
    bucket: "vastdb",
    schema: SCHEMA,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, buckets: ["vastdb"] });
  emulator.server.on("request", (req) =>
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers }),
  );
  session = await VastSession.connect(config(emulator.url));
  await session.transaction((tx) => tx.createSchema("vastdb", SCHEMA));
});
afterAll(async () => {
  session?.close();
  await emulator?.close();
});
beforeEach(() => {
  seen.length = 0;
});

let tables = 0;
async function freshTable(rows: Record<string, unknown>[] = []): Promise<TableRef> {
  const ref = { bucket: "vastdb", schema: SCHEMA, table: `t${tables++}` };
  await session.transaction(async (tx) => {
    await tx.createTable(ref, columns);
    if (rows.length > 0) await tx.insert(ref, rowsToBatch(columns, rows));
  });
  seen.length = 0;
  return ref;
}
const txRequests = () => seen.filter((s) => s.url === "/?transaction").map((s) => s.method);

describe("VastSession", () => {
  it("reads the server's version; one transport when no data endpoints are configured", () => {
    expect(session.version).toEqual([5, 4, 0, 0]);
    expect(session.dataTransports).toEqual([session.transport]);
  });

  it("a transport per data endpoint; received bytes counted once per transport", async () => {
    const s = await VastSession.connect(
      config(emulator.url, { dataEndpoints: [emulator.url, emulator.url] }),
    );
    try {
      expect(s.dataTransports).toHaveLength(2);
      expect(s.dataTransports[0]).not.toBe(s.transport);
      expect(s.dataTransports[0]).not.toBe(s.dataTransports[1]);
      const before = s.bytesReceived;
      await s.retrying((tx) => tx.listSchemas("vastdb"), { commit: false });
      const main = s.transport.bytesReceived;
      expect(s.bytesReceived - before).toBeGreaterThan(0);
      expect(s.bytesReceived).toBe(
        main + s.dataTransports[0]!.bytesReceived + s.dataTransports[1]!.bytesReceived,
      );
    } finally {
      s.close();
    }
    expect(session.bytesReceived).toBe(session.transport.bytesReceived);
  });

  describe("refuses servers that are not VAST", () => {
    let server: Server;
    let serverHeader: string | null = null;
    let txid: string | null = null;
    let url = "";
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (serverHeader !== null) res.setHeader("Server", serverHeader);
        else res.removeHeader("Server");
        if (req.method === "POST" && txid !== null) res.setHeader("tabular-txid", txid);
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it.each([
      ["nginx", "is not a VAST DB endpoint (Server: nginx)"],
      [null, "is not a VAST DB endpoint (Server: none)"],
      ["vast 5.4", "unrecognised VAST server version 'vast 5.4'"],
      ["vastly 5.4.0.0", "unrecognised VAST server version 'vastly 5.4.0.0'"],
      ["vast 5.4.0.0 beta", "unrecognised VAST server version 'vast 5.4.0.0 beta'"],
    ])("Server: %s", async (value, message) => {
      serverHeader = value;
      const err = await VastSession.connect(config(url)).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(UnsupportedServer);
      expect(err!.message.endsWith(message)).toBe(true);
      if (message.startsWith("is not")) expect(err!.message).toBe(`${url} ${message}`);
    });

    it("a begin answered without a transaction id (or a malformed one) is an API response error", async () => {
      serverHeader = "vast 5.1.2.3";
      const s = await VastSession.connect(config(url));
      try {
        expect(s.version).toEqual([5, 1, 2, 3]);
        for (const id of [null, "12a", ""]) {
          txid = id;
          const err = await s.begin().then(
            () => null,
            (e: unknown) => e as VastError,
          );
          expect(err).toBeInstanceOf(VastError);
          expect([err!.code, err!.message]).toEqual([
            "VAST_API_RESPONSE_ERROR",
            "begin transaction answered without a tabular-txid",
          ]);
        }
        txid = "42";
        const tx = await s.begin();
        expect(tx.txid).toBe(42n);
        expect(tx.headers()["tabular-txid"]).toBe("42");
      } finally {
        s.close();
        txid = null;
      }
    });
  });
});

describe("Transaction", () => {
  it("commits once; afterwards every call is refused without a request, and rollback sends nothing", async () => {
    const tx = await session.begin();
    expect(tx.active).toBe(true);
    expect(tx.budget).toBeUndefined();
    await tx.commit();
    expect(tx.active).toBe(false);
    await expect(tx.commit()).rejects.toBeInstanceOf(MissingTransaction);
    await expect(tx.rpc({ method: "GET", path: "/vastdb", query: "schema" })).rejects.toBeInstanceOf(
      MissingTransaction,
    );
    await expect(tx.bucketExists("vastdb")).rejects.toBeInstanceOf(MissingTransaction);
    await tx.rollback();
    expect(txRequests()).toEqual(["POST", "PUT"]);
  });

  it("rolls back once, and a rolled-back transaction is gone on the server", async () => {
    const tx = await session.begin();
    await tx.rollback();
    await tx.rollback();
    expect(tx.active).toBe(false);
    expect(txRequests()).toEqual(["POST", "DELETE"]);
    const put = seen.find((s) => s.method === "DELETE")!;
    expect(put.headers["tabular-txid"]).toBe(String(tx.txid));
  });

  it("transaction(): commits what resolves, rolls back what throws (and rethrows)", async () => {
    expect(await session.transaction(async () => "done")).toBe("done");
    expect(txRequests()).toEqual(["POST", "PUT"]);
    seen.length = 0;
    const boom = new Error("boom");
    await expect(
      session.transaction(async () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(txRequests()).toEqual(["POST", "DELETE"]);
  });

  it("retrying(): a read-only run rolls back (waiting for it unless told not to)", async () => {
    const names = await session.retrying(
      async (tx, attempt, uncertain) => {
        expect([attempt, uncertain]).toEqual([1, false]);
        return tx.listSchemas("vastdb");
      },
      { commit: false },
    );
    expect(names).toContain(SCHEMA);
    expect(txRequests()).toEqual(["POST", "DELETE"]);
    seen.length = 0;
    await session.retrying(async () => 1, { commit: false, awaitRollback: false });
    await new Promise((r) => setTimeout(r, 50));
    expect(txRequests()).toEqual(["POST", "DELETE"]);
    seen.length = 0;
    expect(await session.retrying(async () => 2)).toBe(2);
    expect(txRequests()).toEqual(["POST", "PUT"]);
  });

  it("retrying(): replays what may be retried, not what may not; alsoRetry widens it", async () => {
    let calls = 0;
    const bad = new VastError("VAST_INVALID_ARGUMENT", "no");
    await expect(
      session.retrying(async () => {
        calls++;
        throw bad;
      }),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
    const attempts: number[] = [];
    const result = await session.retrying(
      async (_tx, attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw bad;
        return "third";
      },
      { alsoRetry: (e) => e === bad },
    );
    expect([result, attempts]).toEqual(["third", [1, 2, 3]]);
  });

  it("checks buckets with a plain HEAD, without the transaction's headers", async () => {
    await session.retrying(
      async (tx) => {
        expect(await tx.bucketExists("vastdb")).toBe(true);
        expect(await tx.bucketExists("nobucket")).toBe(false);
        await tx.assertBucket("vastdb");
        await expect(tx.assertBucket("nobucket")).rejects.toBeInstanceOf(MissingBucket);
      },
      { commit: false },
    );
    const heads = seen.filter((s) => s.method === "HEAD");
    expect(heads.map((h) => h.url)).toEqual(["/vastdb", "/nobucket", "/vastdb", "/nobucket"]);
    expect(heads[0]!.headers["tabular-txid"]).toBeUndefined();
  });

  it("lists schemas and tables with the SDK's paging headers (1 schema, 1,000 tables by exact name)", async () => {
    const ref = await freshTable();
    await session.retrying(
      async (tx) => {
        expect(await tx.schemaExists("vastdb", SCHEMA)).toBe(true);
        expect(await tx.schemaExists("vastdb", "nope")).toBe(false);
        expect(await tx.listTables("vastdb", SCHEMA)).toContain(ref.table);
        expect(await tx.tableExists(ref)).toBe(true);
        expect(await tx.tableExists({ ...ref, table: "nope" })).toBe(false);
      },
      { commit: false },
    );
    const gets = seen.filter((s) => s.method === "GET");
    const h = (i: number, name: string) => gets[i]!.headers[name];
    expect(gets.map((g) => g.url)).toEqual([
      "/vastdb?schema",
      "/vastdb?schema",
      `/vastdb/${SCHEMA}?table`,
      `/vastdb/${SCHEMA}?table`,
      `/vastdb/${SCHEMA}?table`,
    ]);
    expect([h(0, "tabular-max-keys"), h(0, "tabular-name-exact-match"), h(0, "tabular-name-prefix")]).toEqual(
      ["1", SCHEMA, undefined],
    );
    expect([
      h(0, "tabular-next-key"),
      h(0, "tabular-list-count-only"),
      h(0, "tabular-include-list-stats"),
    ]).toEqual(["0", "False", undefined]);
    expect([
      h(2, "tabular-max-keys"),
      h(2, "tabular-name-prefix"),
      h(2, "tabular-include-list-stats"),
    ]).toEqual(["1000", "", "False"]);
    expect([
      h(3, "tabular-max-keys"),
      h(3, "tabular-name-exact-match"),
      h(3, "tabular-include-list-stats"),
    ]).toEqual(["1000", ref.table, "True"]);
  });

  it("nested schemas are looked up under their parent; missing schemas and tables are named", async () => {
    await session.transaction(async (tx) => {
      await tx.createSchema("vastdb", `${SCHEMA}/inner`);
    });
    seen.length = 0;
    await session.retrying(
      async (tx) => {
        expect(await tx.schemaExists("vastdb", `${SCHEMA}/inner`)).toBe(true);
        expect(await tx.listSchemas("vastdb", { parent: SCHEMA })).toEqual(["inner"]);
        await expect(tx.listTables("vastdb", "missing")).rejects.toBeInstanceOf(MissingSchema);
        await expect(tx.requireSchema("vastdb", "missing")).rejects.toThrow(
          "schema 'vastdb/missing' does not exist",
        );
        await expect(
          tx.requireTable({ bucket: "vastdb", schema: SCHEMA, table: "nope" }),
        ).rejects.toBeInstanceOf(MissingTable);
        const err = await tx.listTables("nobucket", "x").then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(NotFound);
        expect(err).not.toBeInstanceOf(MissingSchema);
      },
      { commit: false },
    );
    expect(seen[1]!.url).toBe(`/vastdb/${SCHEMA}?schema`);
    expect(seen[1]!.headers["tabular-name-exact-match"]).toBe("inner");
    await session.transaction((tx) => tx.dropSchema("vastdb", `${SCHEMA}/inner`));
  });

  it("creates, describes and drops tables; adds columns", async () => {
    const ref = await freshTable();
    const described = await session.retrying((tx) => tx.requireTable(ref), { commit: false });
    expect(described.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["name", "Utf8"],
      ["n", "Int32"],
    ]);
    const col = seen.find((s) => s.url.endsWith("?column"))!;
    expect([
      col.headers["tabular-max-keys"],
      col.headers["tabular-next-key"],
      col.headers["tabular-name-prefix"],
    ]).toEqual(["10000", "0", ""]);
    expect(col.headers["tabular-list-count-only"]).toBe("False");
    await session.transaction((tx) =>
      tx.addColumns(ref, new Schema([new Field("extra", new Int32(), true)])),
    );
    const after = await session.retrying((tx) => tx.columns(ref), { commit: false });
    expect(after.fields.map((f) => f.name)).toEqual(["name", "n", "extra"]);
    expect((await session.retrying((tx) => tx.stats(ref), { commit: false })).numRows).toBe(0n);
    await session.transaction((tx) => tx.dropTable(ref));
    expect(await session.retrying((tx) => tx.tableExists(ref), { commit: false })).toBe(false);
  });

  it("inserts (ids in order), updates rows given in any order, deletes by id; refuses updates without ids", async () => {
    const ref = await freshTable([
      { name: "a", n: 1 },
      { name: "b", n: 2 },
      { name: "c", n: 3 },
    ]);
    const read = () =>
      session.retrying(
        async (tx) => {
          const t = await select(tx, ref, await tx.columns(ref), { internalRowId: true });
          return t
            .toArray()
            .map((r) => ({ id: r[ROW_ID] as bigint, row: [r.name as string, r.n as number] }));
        },
        { commit: false },
      );
    const rows = await read();
    expect(rows.map((r) => r.row)).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    const ids = rows.map((r) => r.id);
    const more = await session.transaction((tx) =>
      tx.insert(
        ref,
        rowsToBatch(columns, [
          { name: "d", n: 4 },
          { name: "e", n: 5 },
        ]),
      ),
    );
    expect(Array.from(more)).toEqual([ids[2]! + 1n, ids[2]! + 2n]);
    const withIds = new Schema([new Field(ROW_ID, new Uint64(), false), ...columns.fields]);
    // Reverse order, the id column first: sent sorted by id.
    await session.transaction((tx) =>
      tx.update(
        ref,
        rowsToBatch(withIds, [
          { [ROW_ID]: ids[2], name: "C", n: 30 },
          { [ROW_ID]: ids[0], name: "A", n: 10 },
        ]),
      ),
    );
    await expect(
      session.transaction((tx) => tx.update(ref, rowsToBatch(columns, [{ name: "x", n: 0 }]))),
    ).rejects.toBeInstanceOf(MissingRowIdColumn);
    seen.length = 0;
    await session.transaction((tx) => tx.delete(ref, []));
    expect(seen.filter((s) => s.url.endsWith("?rows"))).toHaveLength(0);
    await session.transaction((tx) => tx.delete(ref, [more[1]!, ids[1]!]));
    expect((await read()).map((r) => r.row)).toEqual([
      ["A", 10],
      ["C", 30],
      ["d", 4],
    ]);
  });

  it("paths: each name encoded, a schema's `/` kept, a table's encoded", () => {
    expect(enc("a b/c?d")).toBe("a%20b/c%3Fd");
    expect(schemaPath("my bucket", "a/b c")).toBe("/my%20bucket/a/b%20c");
    expect(tablePath({ bucket: "b", schema: "s/t", table: "x/y z" })).toBe("/b/s/t/x%2Fy%20z");
  });
});

describe("importFiles", () => {
  const s3 = () =>
    new S3Client({
      endpoint: emulator.url,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "AK", secretAccessKey: "SK" },
    });

  it("imports objects at most 10 per request; nothing to import sends nothing", async () => {
    const ref = await freshTable();
    const put = s3();
    const objects: { bucket: string; key: string }[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const key = `imports/${ref.table}/${i}.parquet`;
        await put.send(
          new PutObjectCommand({
            Bucket: "vastdb",
            Key: key,
            Body: rowsToParquet(columns, [{ name: `r${i}`, n: i }]),
          }),
        );
        objects.push({ bucket: "vastdb", key });
      }
    } finally {
      put.destroy();
    }
    seen.length = 0;
    await session.transaction((tx) => importFiles(tx, ref, []));
    expect(seen.filter((s) => s.url.endsWith("?data"))).toHaveLength(0);
    await session.transaction((tx) => importFiles(tx, ref, objects));
    const posts = seen.filter((s) => s.method === "POST" && s.url.endsWith("?data"));
    expect(posts.map((p) => p.url)).toEqual([`${tablePath(ref)}?data`, `${tablePath(ref)}?data`]);
    expect(posts[0]!.headers["tabular-case-sensitive"]).toBe("True");
    expect(Number(posts[0]!.headers["content-length"])).toBeGreaterThan(
      Number(posts[1]!.headers["content-length"]),
    );
    const n = await session.retrying(
      async (tx) =>
        (await select(tx, ref, await tx.columns(ref), { columns: ["n"] })).toArray().map((r) => r.n),
      { commit: false },
    );
    expect(n.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it("a refused object fails the import, naming it, its status and the server's message", async () => {
    const ref = await freshTable();
    const err = await session
      .transaction((tx) => importFiles(tx, ref, [{ bucket: "vastdb", key: "missing/x.parquet" }]))
      .then(
        () => null,
        (e: unknown) => e as ImportFilesError,
      );
    expect(err).toBeInstanceOf(ImportFilesError);
    expect(err!.code).toBe("VAST_IMPORT_FAILED");
    expect(err!.status.res).toBe("TabularObjectNotFound");
    expect(err!.message).toMatch(
      /^import of vastdb\/missing\/x\.parquet failed: TabularObjectNotFound \(.+\)$/,
    );
    const bare = new ImportFilesError({ res: "TabularX", err_msg: "", bucket_name: "b", object_name: "k" });
    expect(bare.message).toBe("import of b/k failed: TabularX");
  });

  it("the package entry exports the client's pieces", () => {
    expect(client.VastSession).toBe(VastSession);
    expect(client.importFiles).toBe(importFiles);
    expect(client.select).toBe(select);
    expect(client.ApiResponseError).toBe(ApiResponseError);
    expect(typeof client.Transaction).toBe("function");
    expect(typeof client.withRetries).toBe("function");
  });
});
