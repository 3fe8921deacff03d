/**
 * sql-engine/mirror.ts, appenders.ts, read-only-query.ts: the throw-away in-memory DuckDB that finishes queries over
 * rows pulled from a backend (tables, `current_files`, search path, sandbox), the appender writing every column
 * kind losslessly, the SELECT-only runner, and which tables and columns a SQL text needs.
 */
import { describe, expect, it } from "vitest";
import { appendThrough } from "../../../src/catalog/sql-engine/appenders.js";
import { neededColumns, withMirror } from "../../../src/catalog/sql-engine/mirror.js";
import { runReadOnly } from "../../../src/catalog/sql-engine/read-only-query.js";
import { EVERY_KIND_COLUMNS, type EveryKindRow } from "./every-kind.js";

const T1 = new Date(Date.UTC(2026, 0, 1));
const T2 = new Date(Date.UTC(2026, 0, 2));

function file(id: string, path: string, last: Date, first = last): Record<string, unknown> {
  return { file_id: id, file_path_normalized: path, last_inspected: last, inspection_timestamp: first };
}

describe("withMirror", () => {
  it("holds the rows given, in the catalog's tables, with current_files choosing each path's current version", async () => {
    const answer = await withMirror(
      {
        files: [
          file("a-old", "/p/a", T1),
          file("a-new", "/p/a", T2),
          file("b2", "/p/b", T1, T1),
          file("b1", "/p/b", T1, T1),
          file("c-later-first", "/p/c", T2, T2),
          file("c-earlier-first", "/p/c", T2, T1),
        ],
        parts: [{ file_id: "a-new", part_index: 0, compression: "zip" }],
        channels: [],
      },
      async (c) => ({
        current: (
          await c.runAndReadAll("SELECT file_id FROM current_files ORDER BY file_path_normalized")
        ).getRowsJS(),
        all: (await c.runAndReadAll("SELECT count(*)::INTEGER FROM exr_metadata.files")).getRowsJS(),
        parts: (
          await c.runAndReadAll("SELECT file_id, part_index, compression, width FROM parts")
        ).getRowsJS(),
        zone: (await c.runAndReadAll("SELECT current_setting('TimeZone')")).getRowsJS(),
        tables: (
          await c.runAndReadAll(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'exr_metadata' ORDER BY table_name",
          )
        ).getRowsJS(),
        access: (await c.runAndReadAll("SELECT current_setting('enable_external_access')")).getRowsJS(),
      }),
    );
    expect(answer.current).toEqual([["a-new"], ["b1"], ["c-later-first"]]);
    expect(answer.all).toEqual([[6]]);
    expect(answer.parts).toEqual([["a-new", 0, "zip", null]]);
    expect(answer.zone).toEqual([["UTC"]]);
    expect(answer.tables.flat()).toEqual([
      "attributes",
      "channels",
      "current_files",
      "files",
      "part_stats",
      "parts",
      "stats",
      "validation_results",
    ]);
    expect(answer.access).toEqual([[true]]);
  });

  it("a column the rows lack is null (no NOT NULL in the mirror)", async () => {
    const r = await withMirror({ files: [{ file_id: "x" }] }, async (c) =>
      (await c.runAndReadAll("SELECT file_id, file_path, inspection_count FROM files")).getRowsJS(),
    );
    expect(r).toEqual([["x", null, null]]);
  });

  it("sandboxed: user SQL cannot reach files or switch the sandbox off", async () => {
    await withMirror(
      {},
      async (c) => {
        await expect(c.run("SELECT * FROM read_csv('/etc/passwd')")).rejects.toThrow(
          /disabled by configuration/,
        );
        await expect(c.run("SET enable_external_access = true")).rejects.toThrow();
        expect((await c.runAndReadAll("SELECT count(*)::INTEGER FROM files")).getRowsJS()).toEqual([[0]]);
      },
      { sandboxed: true },
    );
  });

  it("closes the database even when the work fails, and passes the failure on", async () => {
    await expect(
      withMirror({}, async () => {
        throw new Error("work failed");
      }),
    ).rejects.toThrow("work failed");
  });
});

describe("appendThrough (every column kind)", () => {
  type R = EveryKindRow;
  const columns = EVERY_KIND_COLUMNS;

  it("round-trips values exactly (float vectors with NaN and ±Infinity too); trailing columns get their defaults", async () => {
    const v = new Float32Array(384);
    v[0] = 0.1;
    v[1] = Number.NaN;
    v[2] = Number.POSITIVE_INFINITY;
    v[3] = Number.NEGATIVE_INFINITY;
    v[4] = -3.4028234663852886e38;
    v[383] = 1.401298464324817e-45;
    const w = Float32Array.from({ length: 128 }, (_, k) => k / 7);
    const rows: R[] = [
      { s: "x'y", b: 2 ** 53, i: -7, d: 0.1, f: 0.1, t: true, ts: T2, l: ["a", "b"], v384: v, v128: w },
      {
        s: null,
        b: null,
        i: null,
        d: null,
        f: null,
        t: false,
        ts: null,
        l: null,
        v384: null,
        v128: undefined as never,
      },
    ];
    const out = await withMirror({}, async (c) => {
      await c.run(
        "CREATE TABLE main.t (s VARCHAR, b BIGINT, i INTEGER, d DOUBLE, f FLOAT, t BOOLEAN, ts TIMESTAMP, l VARCHAR[], v384 FLOAT[384], v128 FLOAT[128], extra INTEGER DEFAULT 42, extra2 VARCHAR DEFAULT 'd')",
      );
      await appendThrough(c, { table: "t", schema: "main" }, columns, rows);
      return (await c.runAndReadAll("SELECT * FROM main.t ORDER BY s NULLS LAST")).getRowsJS();
    });
    expect(out).toHaveLength(2);
    const [first, second] = out as unknown[][];
    expect(first!.slice(0, 8)).toEqual([
      "x'y",
      BigInt(2 ** 53),
      -7,
      0.1,
      Math.fround(0.1),
      true,
      T2,
      ["a", "b"],
    ]);
    expect(Float32Array.from(first![8] as number[])).toEqual(v);
    expect(Float32Array.from(first![9] as number[])).toEqual(w);
    expect(first!.slice(10)).toEqual([42, "d"]);
    expect(second).toEqual([null, null, null, null, null, false, null, null, null, null, 42, "d"]);
  });

  it("a failing append closes the appender and passes the failure on", async () => {
    await withMirror({}, async (c) => {
      await c.run("CREATE TABLE main.n (s VARCHAR NOT NULL)");
      await expect(
        appendThrough(c, { table: "n", schema: "main" }, [{ name: "s", kind: "varchar" }], [{ s: null }]),
      ).rejects.toThrow();
      expect((await c.runAndReadAll("SELECT count(*)::INTEGER FROM main.n")).getRowsJS()).toEqual([[0]]);
    });
  });
});

describe("runReadOnly", () => {
  it("runs every SELECT and answers the last one's result, BIGINTs made plain", async () => {
    const r = await withMirror({}, (c) =>
      runReadOnly(c, "SELECT 1 AS one; SELECT 2::BIGINT AS two, 2::BIGINT ** 62 AS big, [3::BIGINT] AS l"),
    );
    expect(r).toEqual({ columns: ["two", "big", "l"], rows: [[2, 2 ** 62, [3]]] });
  });

  it("refuses before anything runs when any statement is not a SELECT", async () => {
    await withMirror({}, async (c) => {
      await c.run("CREATE TABLE k (x INTEGER)");
      await expect(runReadOnly(c, "SELECT 1; INSERT INTO k VALUES (1)")).rejects.toThrow(
        "read-only: only SELECT statements are allowed (statement 2 is INSERT)",
      );
      await expect(runReadOnly(c, "INSERT INTO k VALUES (1); SELECT 1")).rejects.toThrow(
        "read-only: only SELECT statements are allowed (statement 1 is INSERT)",
      );
      expect((await c.runAndReadAll("SELECT count(*)::INTEGER FROM k")).getRowsJS()).toEqual([[0]]);
    });
  });
});

describe("neededColumns", () => {
  it("a table when its name appears, a column when its name appears as a word, with the columns always needed", () => {
    expect(neededColumns("SELECT compression, count(*) FROM parts GROUP BY compression")).toEqual({
      parts: ["file_id", "compression"],
    });
    expect(neededColumns("select SIZE_BYTES from current_files where width > 3")).toEqual({
      files: ["file_id", "file_path_normalized", "last_inspected", "inspection_timestamp", "size_bytes"],
    });
    expect(neededColumns("SELECT rule_id FROM validation_results; SELECT 1 FROM stats, part_stats")).toEqual({
      validation_results: ["file_id", "policy_id", "rule_id", "checked_at"],
      stats: ["file_id", "computed_at"],
      part_stats: ["file_id", "computed_at"],
    });
    expect(neededColumns("SELECT 1")).toEqual({});
    expect(neededColumns("SELECT filesx FROM x_files")).toEqual({});
  });

  it("`*` (other than count(*)) pulls every column of the needed tables", () => {
    const all = neededColumns("SELECT * FROM channels");
    expect(all.channels).toEqual([
      "file_id",
      "file_path",
      "part_index",
      "channel_name",
      "channel_type",
      "x_sampling",
      "y_sampling",
      "channel_fingerprint",
      "layer_name",
      "component_name",
      "p_linear",
    ]);
    expect(neededColumns("SELECT COUNT ( * ) FROM channels")).toEqual({ channels: ["file_id"] });
    expect(neededColumns("SELECT count(*), 2 * part_index FROM channels").channels).toHaveLength(11);
  });
});
