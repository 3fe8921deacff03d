import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Field, Int64, makeData, RecordBatch, Schema, Struct, Utf8 } from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterEach, describe, expect, it } from "vitest";
import { buildData } from "../../../src/vast/emulator/cells.js";
import { type RunningEmulator, startEmulator } from "../../../src/vast/emulator/server.js";
import {
  decodeIpcStream,
  encodeIpcStream,
  encodeSchemaMessage,
} from "../../../src/vast/protocol/arrow-ipc.js";
import { INVALID_ROW_ID } from "../../../src/vast/protocol/headers.js";
import { decodeImportStatuses, encodeImportRequest } from "../../../src/vast/protocol/import-request.js";
import {
  decodeListSchemasResponse,
  decodeListTablesResponse,
} from "../../../src/vast/protocol/object-list.js";
import { encodeQueryRelation, LiteralKind } from "../../../src/vast/protocol/query-relation.js";
import { decodeQueryResponse } from "../../../src/vast/protocol/query-response.js";
import { decodeS3Error } from "../../../src/vast/protocol/s3-error.js";
import { decodeTableStats } from "../../../src/vast/protocol/table-stats.js";

const AUTH =
  "AWS4-HMAC-SHA256 Credential=AK/20260101//s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
const running: RunningEmulator[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const e of running.splice(0)) await e.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** AUTH is not a real signature: these tests exercise the API with only the access key checked. */
async function start(options: Parameters<typeof startEmulator>[0] = {}) {
  const e = await startEmulator({
    port: 0,
    credentials: new Map([["AK", "SK"]]),
    verifySignatures: false,
    ...options,
  });
  running.push(e);
  return e;
}

/** node:http rather than fetch: the query API sends a body with GET. */
function client(e: RunningEmulator) {
  return (
    method: string,
    path: string,
    opts: { txid?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
  ): Promise<{ status: number; headers: Map<string, string>; bytes: Uint8Array }> =>
    new Promise((resolve, reject) => {
      const req = request(
        `${e.url}${path}`,
        {
          method,
          headers: {
            authorization: AUTH,
            "tabular-txid": opts.txid ?? "0",
            "content-length": String(opts.body?.length ?? 0),
            ...opts.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: new Map(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
              bytes: new Uint8Array(Buffer.concat(chunks)),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(opts.body ? Buffer.from(opts.body) : undefined);
    });
}

const fields = [new Field("a", new Int64(), true), new Field("s", new Utf8(), true)];

function ipcRows(a: (bigint | null)[], s: (string | null)[]): Uint8Array {
  const schema = new Schema(fields);
  const children = [buildData(fields[0]!.type, a), buildData(fields[1]!.type, s)];
  return encodeIpcStream(schema, [
    new RecordBatch(schema, makeData({ type: new Struct(fields), length: a.length, children })),
  ]);
}

async function setup(e: RunningEmulator) {
  const call = client(e);
  const tx = (await call("POST", "/?transaction")).headers.get("tabular-txid")!;
  expect((await call("POST", "/vastdb/s?schema", { txid: tx })).status).toBe(200);
  expect(
    (await call("POST", "/vastdb/s/t?table", { txid: tx, body: encodeSchemaMessage(new Schema(fields)) }))
      .status,
  ).toBe(200);
  const inserted = await call("POST", "/vastdb/s/t?rows", {
    txid: tx,
    body: ipcRows([1n, 2n, null], ["x", null, "z"]),
  });
  expect(inserted.status).toBe(200);
  const ids = decodeIpcStream(inserted.bytes).batches[0]!.getChildAt(0)!.toArray();
  expect([...ids]).toEqual([0n, 1n, 2n]);
  expect((await call("PUT", "/?transaction", { txid: tx })).status).toBe(200);
  return call;
}

function selectA(minA: bigint) {
  return encodeQueryRelation({
    name: "",
    schema: fields,
    projection: [1],
    filter: {
      kind: "call",
      name: "and",
      args: [
        {
          kind: "call",
          name: "or",
          args: [
            {
              kind: "call",
              name: "greater_equal",
              args: [
                { kind: "field", position: 0 },
                { kind: "literal", literal: LiteralKind.Int64, value: minA, type: null },
              ],
            },
          ],
        },
      ],
    },
  });
}

describe("emulator HTTP API", () => {
  it("answers the version probe with the Server header even for unknown keys, and 403s unknown keys", async () => {
    const e = await start();
    const probe = await fetch(`${e.url}/?transaction`);
    expect(probe.headers.get("server")).toBe("vast 5.4.0.0");
    const denied = await fetch(`${e.url}/?transaction`, {
      method: "POST",
      headers: { authorization: AUTH.replace("AK/", "BAD/") },
    });
    expect(denied.status).toBe(403);
    expect(decodeS3Error(await denied.text())?.code).toBe("InvalidAccessKeyId");
  });

  it("verifies signatures unless told not to: a request not signed with the key's secret gets 403", async () => {
    const e = await startEmulator({ port: 0, credentials: new Map([["AK", "SK"]]) });
    running.push(e);
    const forged = await fetch(`${e.url}/?transaction`, { method: "POST", headers: { authorization: AUTH } });
    expect(forged.status).toBe(403);
    expect(decodeS3Error(await forged.text())?.code).toBe("SignatureDoesNotMatch");
  });

  it("checks buckets with HEAD and lists schemas with paging", async () => {
    const e = await start({ buckets: ["b1"] });
    const call = client(e);
    expect((await call("HEAD", "/b1")).status).toBe(200);
    expect((await call("HEAD", "/nope")).status).toBe(404);
    for (const n of ["s3", "s1", "s2"]) expect((await call("POST", `/b1/${n}?schema`)).status).toBe(200);
    const first = await call("GET", "/b1?schema", {
      headers: { "tabular-max-keys": "2", "tabular-next-key": "0" },
    });
    expect(decodeListSchemasResponse(first.bytes).schemas.map((s) => s.name)).toEqual(["s1", "s2"]);
    expect(first.headers.get("tabular-is-truncated")).toBe("true");
    const second = await call("GET", "/b1?schema", {
      headers: { "tabular-max-keys": "2", "tabular-next-key": first.headers.get("tabular-next-key")! },
    });
    expect(decodeListSchemasResponse(second.bytes).schemas.map((s) => s.name)).toEqual(["s3"]);
    expect(second.headers.get("tabular-is-truncated")).toBe("false");
  });

  it("isolates transactions and answers 409 to conflicting DDL", async () => {
    const e = await start();
    const call = await setup(e);
    const t1 = (await call("POST", "/?transaction")).headers.get("tabular-txid")!;
    const t2 = (await call("POST", "/?transaction")).headers.get("tabular-txid")!;
    expect((await call("PUT", "/vastdb/s/t?table&tabular-new-table-name=s%2Fu", { txid: t1 })).status).toBe(
      200,
    );
    const seenBy2 = decodeListTablesResponse((await call("GET", "/vastdb/s?table", { txid: t2 })).bytes);
    expect(seenBy2.tables.map((t) => t.name)).toEqual(["t"]);
    const clash = await call("DELETE", "/vastdb/s/t?table", { txid: t2 });
    expect(clash.status).toBe(409);
    expect((await call("PUT", "/?transaction", { txid: t2 })).status).toBe(409);
    expect((await call("PUT", "/?transaction", { txid: t1 })).status).toBe(200);
    const after = decodeListTablesResponse((await call("GET", "/vastdb/s?table")).bytes);
    expect(after.tables.map((t) => t.name)).toEqual(["u"]);
  });

  it("streams a filtered select, one page per open sub-split, then the completion marker", async () => {
    const e = await start();
    const call = await setup(e);
    const res = await call("GET", "/vastdb/s/t?data", {
      body: selectA(2n),
      headers: {
        "tabular-split": "0,1,8",
        "tabular-num-of-subsplits": "2",
        "tabular-start-row-id-0": "0,0",
        "tabular-start-row-id-1": "1,0",
      },
    });
    expect(res.status).toBe(200);
    const decoded = decodeQueryResponse(res.bytes);
    expect(decoded.completed).toBe(true);
    expect(decoded.chunks.map((c) => [c.streamId, c.nextRowId])).toEqual([
      [0, INVALID_ROW_ID],
      [1, INVALID_ROW_ID],
    ]);
    const values = decoded.chunks.flatMap((c) => c.batches.flatMap((b) => [...b.getChildAt(0)!]));
    expect(values).toEqual([null]);
  });

  it("honours the per-sub-split row limit and resumes from next_row_id", async () => {
    const e = await start();
    const call = await setup(e);
    const page = async (start: string) =>
      decodeQueryResponse(
        (
          await call("GET", "/vastdb/s/t?data", {
            body: selectA(0n),
            headers: {
              "tabular-num-of-subsplits": "1",
              "tabular-start-row-id-0": `0,${start}`,
              "tabular-limit-rows": "1",
            },
          })
        ).bytes,
      ).chunks[0]!;
    const first = await page("0");
    expect(first.nextRowId).toBe(1n);
    expect([...first.batches[0]!.getChildAt(0)!]).toEqual(["x"]);
    const second = await page(String(first.nextRowId));
    expect([...second.batches[0]!.getChildAt(0)!]).toEqual([null]);
  });

  it("keeps serving other requests while a large select stream waits on a slow reader", async () => {
    const e = await start();
    const call = await setup(e);
    const n = 200_000;
    const many = ipcRows(
      Array.from({ length: n }, (_, i) => BigInt(i)),
      Array.from({ length: n }, (_, i) => `value-${i}`),
    );
    expect((await call("POST", "/vastdb/s/t?rows", { body: many })).status).toBe(200);
    const body = selectA(0n);
    const paused = await new Promise<import("node:http").IncomingMessage>((resolve, reject) => {
      const req = request(`${e.url}/vastdb/s/t?data`, {
        method: "GET",
        headers: { authorization: AUTH, "tabular-txid": "0", "content-length": String(body.length) },
      });
      req.on("response", (res) => {
        res.pause(); // never read: the server must hit back-pressure, not block
        resolve(res);
      });
      req.on("error", reject);
      req.end(Buffer.from(body));
    });
    for (let i = 0; i < 5; i++) {
      expect((await call("HEAD", "/vastdb")).status).toBe(200);
      expect((await call("GET", "/vastdb/s?table")).status).toBe(200);
    }
    let bytes = 0;
    paused.on("data", (c: Buffer) => {
      bytes += c.length;
    });
    paused.resume();
    await new Promise((r) => paused.on("end", r));
    expect(bytes).toBeGreaterThan(n * 8);
  });

  it("serves fault settings on the admin endpoint and injects SlowDown", async () => {
    const e = await start();
    const set = await fetch(`${e.url}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ slowdown: 1 }),
    });
    expect(await set.json()).toEqual({ slowdown: 1, error500: 0, drop: 0, latency_ms: 0, query_failure: 0 });
    const res = await client(e)("POST", "/?transaction");
    expect(res.status).toBe(503);
    expect(decodeS3Error(Buffer.from(res.bytes).toString())?.code).toBe("SlowDown");
    const bad = await fetch(`${e.url}/_emulator/faults`, {
      method: "POST",
      body: JSON.stringify({ nope: 1 }),
    });
    expect(bad.status).toBe(400);
  });

  it("persists committed state to --data-dir and reloads it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "vast-emu-"));
    dirs.push(dataDir);
    const e = await start({ dataDir });
    await setup(e);
    await e.close();
    running.splice(running.indexOf(e), 1);
    const again = await start({ dataDir });
    const call = client(again);
    const listed = decodeListTablesResponse(
      (await call("GET", "/vastdb/s?table", { headers: { "tabular-include-list-stats": "true" } })).bytes,
    );
    expect(listed.tables.map((t) => [t.name, t.numRows])).toEqual([["t", 3n]]);
    const inserted = await call("POST", "/vastdb/s/t?rows", { body: ipcRows([4n], ["w"]) });
    expect([...decodeIpcStream(inserted.bytes).batches[0]!.getChildAt(0)!.toArray()]).toEqual([3n]);
  });
});

describe("what SDK 2.1 expects (posing as 5.5)", () => {
  it("answers a sorted-columns listing of an ordinary table with 400, like VAST", async () => {
    const call = await setup(await start());
    const res = await call("GET", "/vastdb/s/t?sorted-columns");
    expect(res.status).toBe(400);
    expect(decodeS3Error(new TextDecoder().decode(res.bytes))?.message).toMatch(
      /Listing sorted.*columns.*without elysium.*enabled/,
    );
  });

  it("tags listed columns with VAST:sort_type and lists names only on request", async () => {
    const call = await setup(await start());
    const full = decodeIpcStream((await call("GET", "/vastdb/s/t?column")).bytes).schema;
    expect(full.fields.map((f) => f.metadata.get("VAST:sort_type"))).toEqual(["Unsorted", "Unsorted"]);
    const names = decodeIpcStream(
      (await call("GET", "/vastdb/s/t?column", { headers: { "tabular-only-column-names": "true" } })).bytes,
    ).schema;
    expect(names.fields.map((f) => [f.name, String(f.type), f.metadata.size])).toEqual([
      ["a", "Null", 0],
      ["s", "Null", 0],
    ]);
  });

  it("refuses tabular requests over 5 MiB (an insert the client did not split)", async () => {
    const call = await setup(await start());
    const big = ipcRows([1n], ["x".repeat(5 * 1024 * 1024 + 1)]);
    const res = await call("POST", "/vastdb/s/t?rows", { body: big });
    expect(res.status).toBe(400);
    expect(decodeS3Error(new TextDecoder().decode(res.bytes))?.code).toBe("EntityTooLarge");
    const fits = ipcRows([1n], ["x".repeat(4 * 1024 * 1024)]);
    expect((await call("POST", "/vastdb/s/t?rows", { body: fits })).status).toBe(200);
  });

  it("tells its data endpoints: VIPs in ?stats, the CNode in x-vast-rcf-id on begin", async () => {
    const call = await setup(await start());
    const stats = decodeTableStats((await call("GET", "/vastdb/s/t?stats")).bytes);
    expect(stats.vips).toEqual([{ startAddress: "127.0.0.1", addressCount: 1 }]);
    const begin = await call("POST", "/?transaction");
    expect(begin.headers.get("x-vast-rcf-id")).toMatch(/^E\d+:/);
  });

  it("refuses a partition spec with 501 instead of dropping it", async () => {
    const call = client(await start());
    expect((await call("POST", "/vastdb/p?schema")).status).toBe(200);
    const partitioned = new Schema(
      fields,
      new Map([["VAST:table:partition-key-0", '{"column-index": 0, "transform": "identity"}']]),
    );
    const res = await call("POST", "/vastdb/p/t?table", { body: encodeSchemaMessage(partitioned) });
    expect(res.status).toBe(501);
  });
});

describe("import_files (POST ?data)", () => {
  async function putObject(e: RunningEmulator, key: string, bytes: Uint8Array) {
    const res = await client(e)("PUT", `/vastdb/${key}`, { body: bytes });
    expect(res.status).toBe(200);
  }

  function parquet(columns: { name: string; data: unknown[]; type: "INT64" | "STRING" }[]): Uint8Array {
    return new Uint8Array(
      parquetWriteBuffer({
        columnData: columns.map((c) => ({ name: c.name, data: c.data as never, type: c.type })),
      }),
    );
  }

  it("imports Parquet objects into the table and records them in the imports sub-table", async () => {
    const e = await start();
    const call = await setup(e);
    await putObject(e, "in/one.parquet", parquet([{ name: "a", data: [10n, 11n], type: "INT64" }]));
    await putObject(
      e,
      "in/two.parquet",
      parquet([
        { name: "s", data: ["p", "q", "r"], type: "STRING" },
        { name: "a", data: [20n, null, 22n], type: "INT64" },
      ]),
    );
    const res = await call("POST", "/vastdb/s/t?data", {
      body: encodeImportRequest({
        files: [
          { bucket: "vastdb", key: "in/one.parquet", partitions: new Uint8Array(0) },
          { bucket: "vastdb", key: "in/two.parquet", partitions: new Uint8Array(0) },
        ],
        keyNames: [],
      }),
    });
    expect(res.status).toBe(200);
    expect(decodeImportStatuses(res.bytes).map((s) => [s.object_name, s.res])).toEqual([
      ["in/one.parquet", "Success"],
      ["in/two.parquet", "Success"],
    ]);
    const rows = decodeQueryResponse((await call("GET", "/vastdb/s/t?data", { body: selectA(10n) })).bytes);
    const values = rows.chunks.flatMap((c) => c.batches.flatMap((b) => [...b.getChildAt(0)!.toArray()]));
    // a >= 10: the first file's rows (no s) and the second's with a set
    expect(values.sort()).toEqual([null, null, "p", "r"].sort());
    const imports = await call("GET", "/vastdb/s/t?stats&sub-table=vastdb-imported-objects");
    expect(decodeTableStats(imports.bytes).numRows).toBe(2n);
    const tables = decodeListTablesResponse((await call("GET", "/vastdb/s?table")).bytes);
    expect(tables.tables.map((t) => t.name)).toEqual(["t"]);
  });

  it("refuses a file with a column the table lacks, with the SDK's status record, and writes nothing", async () => {
    const e = await start();
    const call = await setup(e);
    await putObject(e, "bad.parquet", parquet([{ name: "nope", data: [1n], type: "INT64" }]));
    const res = await call("POST", "/vastdb/s/t?data", {
      body: encodeImportRequest({
        files: [{ bucket: "vastdb", key: "bad.parquet", partitions: new Uint8Array(0) }],
        keyNames: [],
      }),
    });
    expect(res.bytes.length).toBe(1024);
    const [status] = decodeImportStatuses(res.bytes);
    expect(status).toMatchObject({ res: "TabularMismatchColumnName", object_name: "bad.parquet" });
    expect(status!.err_msg).toContain("nope");
    const stats = decodeTableStats((await call("GET", "/vastdb/s/t?stats")).bytes);
    expect(stats.numRows).toBe(3n);
  });
});
