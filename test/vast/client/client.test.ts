import {
  Field,
  FixedSizeList,
  Float32,
  Int32,
  Int64,
  List,
  Schema,
  TimestampMicrosecond,
  Uint64,
  Utf8,
} from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsToBatch } from "../../../src/catalog/vast/arrow-rows.js";
import { VastConfig } from "../../../src/vast/client/config.js";
import {
  Conflict,
  MissingBucket,
  MissingSchema,
  MissingTable,
  UnsupportedServer,
  VastError,
} from "../../../src/vast/client/errors.js";
import {
  anyOf,
  between,
  contains,
  eq,
  ge,
  isin,
  isNotNull,
  isNull,
  lt,
  type Predicate,
  startsWith,
} from "../../../src/vast/client/predicate.js";
import { select } from "../../../src/vast/client/select.js";
import { VastSession } from "../../../src/vast/client/session.js";
import { ROW_ID, type TableRef } from "../../../src/vast/client/transaction.js";
import { type EmulatorHandle, startTestEmulator, testConfig } from "./emulator-harness.js";

let emu: EmulatorHandle;
let session: VastSession;

beforeAll(async () => {
  emu = await startTestEmulator();
  session = await VastSession.connect(testConfig(emu.url, "client_tests"));
});
afterAll(async () => {
  session?.close();
  await emu?.stop();
});

const schema = new Schema([
  new Field("name", new Utf8(), true),
  new Field("n", new Int32(), true),
  new Field("big", new Int64(), true),
  new Field("at", new TimestampMicrosecond(), true),
  new Field("tags", new List(new Field("item", new Utf8(), true)), true),
]);

const T = (iso: string) => new Date(iso);
const T0 = T("2025-12-31T00:00:00Z");
const ROWS = [
  { name: "alpha", n: 1, big: 10n, at: T("2026-01-01T00:00:00Z"), tags: ["a"] },
  { name: "beta", n: 2, big: 20n, at: T("2026-02-01T00:00:00Z"), tags: [] },
  { name: "alphabet", n: 3, big: null, at: T("2026-03-01T00:00:00Z"), tags: ["x", "y"] },
  { name: null, n: 4, big: 40n, at: null, tags: null },
  { name: "gamma ray", n: 5, big: 50n, at: T("2026-05-01T00:00:00Z"), tags: ["z"] },
];

async function freshTable(name: string): Promise<TableRef> {
  const ref = { bucket: "vastdb", schema: "client_tests", table: name };
  await session.transaction(async (tx) => {
    if (!(await tx.schemaExists("vastdb", "client_tests"))) await tx.createSchema("vastdb", "client_tests");
    await tx.createTable(ref, schema);
    await tx.insert(ref, rowsToBatch(schema, ROWS));
  });
  return ref;
}

async function names(ref: TableRef, predicate: Predicate): Promise<unknown[]> {
  return session.transaction(async (tx) => {
    const t = await select(tx, ref, await tx.columns(ref), { columns: ["n"], predicate });
    return [...t.getChild("n")!].sort();
  });
}

describe("VAST client against the emulator", () => {
  it("probes the server version at connect", () => {
    expect(session.version[0]).toBeGreaterThanOrEqual(5);
  });

  it("refuses a server that is not VAST", async () => {
    const { createServer } = await import("node:http");
    const other = createServer((_q, r) => r.end("hello"));
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    const port = (other.address() as { port: number }).port;
    await expect(VastSession.connect(testConfig(`http://127.0.0.1:${port}`))).rejects.toBeInstanceOf(
      UnsupportedServer,
    );
    other.close();
  });

  it("checks buckets, creates schemas and tables, lists them and their columns", async () => {
    const ref = await freshTable("ddl");
    await session.transaction(async (tx) => {
      expect(await tx.bucketExists("vastdb")).toBe(true);
      expect(await tx.bucketExists("no-such-bucket")).toBe(false);
      await expect(tx.assertBucket("no-such-bucket")).rejects.toBeInstanceOf(MissingBucket);
      expect(await tx.schemaExists("vastdb", "client_tests")).toBe(true);
      expect(await tx.tableExists(ref)).toBe(true);
      expect(await tx.listTables("vastdb", "client_tests")).toContain("ddl");
      const cols = await tx.columns(ref);
      expect(cols.fields.map((f) => `${f.name}:${f.type}`)).toEqual(
        schema.fields.map((f) => `${f.name}:${f.type}`),
      );
    });
  });

  it("raises MissingSchema / MissingTable like the SDK's navigation", async () => {
    const ref = await freshTable("present");
    await session.transaction(async (tx) => {
      expect((await tx.requireTable(ref)).fields).toHaveLength(schema.fields.length);
      await expect(tx.requireTable({ ...ref, table: "absent" })).rejects.toBeInstanceOf(MissingTable);
      await expect(tx.requireSchema("vastdb", "no_such_schema")).rejects.toBeInstanceOf(MissingSchema);
      await expect(tx.requireTable({ ...ref, schema: "no_such_schema" })).rejects.toBeInstanceOf(
        MissingSchema,
      );
      await expect(tx.listTables("vastdb", "no_such_schema")).rejects.toBeInstanceOf(MissingSchema);
    });
  });

  it("inserts and selects back every value, with projection and $row_id", async () => {
    const ref = await freshTable("roundtrip");
    const t = await session.transaction(async (tx) =>
      select(tx, ref, await tx.columns(ref), { internalRowId: true }),
    );
    expect(t.schema.fields.map((f) => f.name)).toEqual([...schema.fields.map((f) => f.name), ROW_ID]);
    const rows = t.toArray().map((r) => r.toJSON());
    rows.sort((a, b) => Number(a.n) - Number(b.n));
    expect(rows.map((r) => r.name)).toEqual(ROWS.map((r) => r.name));
    expect(rows.map((r) => r.big)).toEqual(ROWS.map((r) => r.big));
    expect(rows.map((r) => r.at)).toEqual(ROWS.map((r) => (r.at ? r.at.getTime() : null)));
    expect(rows.map((r) => (r.tags ? [...r.tags] : null))).toEqual(ROWS.map((r) => r.tags));
    expect(new Set(rows.map((r) => r[ROW_ID])).size).toBe(ROWS.length);
  });

  it("pushes down comparisons, isin, null checks, startswith, contains, between, per-column ORs", async () => {
    const ref = await freshTable("predicates");
    expect(await names(ref, [eq("name", "beta")])).toEqual([2]);
    expect(await names(ref, [isin("name", ["alpha", "gamma ray", "nope"])])).toEqual([1, 5]);
    expect(await names(ref, [isNull("name")])).toEqual([4]);
    expect(await names(ref, [isNotNull("big")])).toEqual([1, 2, 4, 5]);
    expect(await names(ref, [startsWith("name", "alpha")])).toEqual([1, 3]);
    expect(await names(ref, [contains("name", "ray")])).toEqual([5]);
    expect(await names(ref, [between("n", 2, 4)])).toEqual([2, 3, 4]);
    expect(await names(ref, [lt("at", T("2026-02-15T00:00:00Z"))])).toEqual([1, 2]);
    expect(await names(ref, [anyOf(eq("n", 1), ge("n", 5)), startsWith("name", "g")])).toEqual([5]);
    expect(() => anyOf(eq("n", 1), eq("name", "x"))).toThrow(VastError);
  });

  it("updates and deletes rows by $row_id", async () => {
    const ref = await freshTable("dml");
    await session.transaction(async (tx) => {
      const cols = await tx.columns(ref);
      const t = await select(tx, ref, cols, {
        columns: ["n"],
        predicate: [isin("n", [2, 3])],
        internalRowId: true,
      });
      const ids = [...t.getChild(ROW_ID)!] as bigint[];
      const updSchema = new Schema([new Field(ROW_ID, new Uint64(), false), cols.fields[1]!]);
      // Given out of order: the client sorts by $row_id as the service requires.
      const upd = rowsToBatch(updSchema, ids.map((id, i) => ({ [ROW_ID]: id, n: 100 + i })).reverse());
      await tx.update(ref, upd);
      const t1 = await select(tx, ref, cols, {
        columns: ["n"],
        predicate: [eq("name", "alpha")],
        internalRowId: true,
      });
      await tx.delete(ref, [...t1.getChild(ROW_ID)!] as bigint[]);
    });
    expect(await names(ref, [])).toEqual([100, 101, 4, 5]);
  });

  it("updates vector, list and timestamp columns given in any row order", async () => {
    const ref = { bucket: "vastdb", schema: "client_tests", table: "nested_update" };
    const vec = new Field("vec", new FixedSizeList(2, new Field("item", new Float32(), false)), true);
    const tags = schema.fields[4]!;
    const at = schema.fields[3]!;
    const wide = new Schema([new Field("k", new Int32(), true), vec, tags, at]);
    await session.transaction(async (tx) => {
      await tx.createTable(ref, wide);
      await tx.insert(
        ref,
        rowsToBatch(
          wide,
          [1, 2, 3].map((k) => ({ k, vec: Float32Array.of(k, k), tags: [`t${k}`], at: T0 })),
        ),
      );
    });
    await session.transaction(async (tx) => {
      const t = await select(tx, ref, wide, { columns: ["k"], internalRowId: true });
      const byK = new Map(
        [...t.getChild("k")!].map((k, i) => [k as number, t.getChild(ROW_ID)!.get(i) as bigint]),
      );
      const upd = new Schema([new Field(ROW_ID, new Uint64(), false), vec, tags, at]);
      const rows = [3, 1, 2].map((k) => ({
        [ROW_ID]: byK.get(k),
        vec: Float32Array.of(k * 10, -k),
        tags: k === 2 ? null : ["x", `k${k}`],
        at: new Date(Date.UTC(2026, 0, k)),
      }));
      await tx.update(ref, rowsToBatch(upd, rows));
    });
    const back = await session.transaction((tx) => select(tx, ref, wide));
    const got = back
      .toArray()
      .map((r) => r.toJSON())
      .sort((a, b) => Number(a.k) - Number(b.k))
      .map((r) => [
        r.k,
        [...(r.vec as Iterable<number>)],
        r.tags ? [...(r.tags as Iterable<string>)] : null,
        r.at,
      ]);
    expect(got).toEqual([
      [1, [10, -1], ["x", "k1"], Date.UTC(2026, 0, 1)],
      [2, [20, -2], null, Date.UTC(2026, 0, 2)],
      [3, [30, -3], ["x", "k3"], Date.UTC(2026, 0, 3)],
    ]);
  });

  it("rolls back a failed transaction: nothing it wrote is visible", async () => {
    const ref = await freshTable("rollback");
    await expect(
      session.transaction(async (tx) => {
        await tx.insert(ref, rowsToBatch(schema, [{ name: "ghost", n: 99 }]));
        throw new Error("writer died");
      }),
    ).rejects.toThrow("writer died");
    expect(await names(ref, [eq("name", "ghost")])).toEqual([]);
  });

  it("splits inserts larger than the per-request limit", async () => {
    const ref = { bucket: "vastdb", schema: "client_tests", table: "big" };
    const wide = new Schema([new Field("blob", new Utf8(), true)]);
    const rows = Array.from({ length: 12 }, (_, i) => ({ blob: String(i).padEnd(1 << 20, "x") }));
    await session.transaction(async (tx) => {
      await tx.createTable(ref, wide);
      const ids = await tx.insert(ref, rowsToBatch(wide, rows));
      expect(new Set(ids).size).toBe(12);
    });
    const count = await session.transaction(
      async (tx) => (await select(tx, ref, wide, { columns: ["blob"], rowsPerPage: 5 })).numRows,
    );
    expect(count).toBe(12);
  });

  it("runs splits in parallel over several data endpoints and returns every row once", async () => {
    const ref = await freshTable("splits");
    const config = testConfig(emu.url, "client_tests");
    const multi = await VastSession.connect(
      new VastConfig({
        endpoint: emu.url,
        accessKey: config.accessKey,
        secretKey: config.secretKey,
        bucket: "vastdb",
        dataEndpoints: [emu.url, `${emu.url}/`, emu.url],
      }),
    );
    try {
      expect(multi.dataTransports).toHaveLength(3);
      for (const numSplits of [undefined, 2, 5]) {
        const t = await multi.transaction(async (tx) =>
          select(tx, ref, schema, {
            columns: ["n"],
            internalRowId: true,
            numSplits,
            numSubSplits: 3,
            rowsPerPage: 2,
          }),
        );
        expect([...t.getChild("n")!].sort()).toEqual([1, 2, 3, 4, 5]);
      }
    } finally {
      multi.close();
    }
  });

  it("reports a concurrent conflicting DDL as Conflict", async () => {
    const ref = { bucket: "vastdb", schema: "client_tests", table: "raced" };
    const a = await session.begin();
    const b = await session.begin();
    await a.createTable(ref, schema);
    const err = await b.createTable(ref, schema).catch((e: unknown) => e);
    await a.commit();
    await b.rollback();
    expect(err).toBeInstanceOf(Conflict);
  });
});
