/**
 * sql-engine/values.ts, sql-literals.ts, sql-types.ts: DuckDB result values made plain, result objects typed back
 * into catalog rows by column kind, the SQL literals of statements built as text, and the column DDL.
 */
import { describe, expect, it } from "vitest";
import { sqlList, sqlString, sqlTimestamp } from "../../../src/catalog/sql-engine/sql-literals.js";
import { columnDdl, SQL_TYPE } from "../../../src/catalog/sql-engine/sql-types.js";
import { plainValue, rowFromObject } from "../../../src/catalog/sql-engine/values.js";
import { EVERY_KIND_COLUMNS } from "./every-kind.js";

describe("plainValue", () => {
  it("BIGINT → number within ±(2^53 − 1), its decimal text beyond", () => {
    const max = BigInt(Number.MAX_SAFE_INTEGER);
    const min = BigInt(Number.MIN_SAFE_INTEGER);
    expect(plainValue(5n)).toBe(5);
    expect(plainValue(max)).toBe(Number.MAX_SAFE_INTEGER);
    expect(plainValue(min)).toBe(Number.MIN_SAFE_INTEGER);
    expect(plainValue(max + 1n)).toBe("9007199254740992");
    expect(plainValue(min - 1n)).toBe("-9007199254740992");
  });

  it("lists element by element (nested too); everything else unchanged", () => {
    expect(plainValue([1n, [2n, 2n ** 60n], "x"])).toEqual([1, [2, "1152921504606846976"], "x"]);
    const d = new Date(5);
    expect(plainValue(d)).toBe(d);
    expect(plainValue("7")).toBe("7");
    expect(plainValue(1.5)).toBe(1.5);
    expect(plainValue(null)).toBeNull();
  });
});

describe("rowFromObject", () => {
  const columns = EVERY_KIND_COLUMNS;

  it("each kind becomes the row's type", () => {
    const date = new Date(Date.UTC(2026, 0, 2));
    const list = ["a", "b"];
    const row = rowFromObject(columns, {
      s: "x",
      b: 12n,
      i: 7n,
      d: 0.25,
      f: 1.5,
      t: false,
      ts: date,
      l: list,
      v384: [0.5, -1],
      v128: [2],
      extra: "not a column",
    });
    expect(row).toEqual({
      s: "x",
      b: 12,
      i: 7,
      d: 0.25,
      f: 1.5,
      t: false,
      ts: date,
      l: ["a", "b"],
      v384: Float32Array.from([0.5, -1]),
      v128: Float32Array.from([2]),
    });
    expect(Object.keys(row)).toEqual(columns.map((c) => c.name));
    expect(typeof row.b).toBe("number");
    expect(typeof row.i).toBe("number");
    expect(row.ts).toBe(date);
    expect(row.l).not.toBe(list);
    expect(row.v384).toBeInstanceOf(Float32Array);
    expect(row.v128).toBeInstanceOf(Float32Array);
  });

  it("a timestamp given as text is parsed; null and missing values are null", () => {
    const row = rowFromObject(columns, { ts: "2026-01-02T03:04:05.000Z", s: null, b: undefined });
    expect(row.ts).toEqual(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)));
    for (const c of columns.filter((c) => c.name !== "ts")) expect(row[c.name], c.name).toBeNull();
  });
});

describe("SQL literals", () => {
  it("strings quoted with every quote doubled", () => {
    expect(sqlString("plain")).toBe("'plain'");
    expect(sqlString("it's a 'test'")).toBe("'it''s a ''test'''");
    expect(sqlString("")).toBe("''");
  });

  it("timestamps in microseconds since the epoch", () => {
    expect(sqlTimestamp(new Date(1234))).toBe("make_timestamp(1234000)");
    expect(sqlTimestamp(new Date(-5))).toBe("make_timestamp(-5000)");
  });

  it("lists of strings, comma-separated", () => {
    expect(sqlList(["a", "b'c"])).toBe("'a','b''c'");
    expect(sqlList([])).toBe("");
  });
});

describe("SQL types", () => {
  it("each column kind's DuckDB type", () => {
    expect(SQL_TYPE).toEqual({
      varchar: "VARCHAR",
      bigint: "BIGINT",
      integer: "INTEGER",
      double: "DOUBLE",
      float: "FLOAT",
      boolean: "BOOLEAN",
      timestamp: "TIMESTAMP",
      "varchar[]": "VARCHAR[]",
      "float[384]": "FLOAT[384]",
      "float[128]": "FLOAT[128]",
    });
  });

  it("column DDL, NOT NULL where the spec says so", () => {
    const ddl = columnDdl<{ a: string; b: number; c: Float32Array }>([
      { name: "a", kind: "varchar", notNull: true },
      { name: "b", kind: "bigint", notNull: false },
      { name: "c", kind: "float[384]" },
    ]);
    expect(ddl).toBe("a VARCHAR NOT NULL,\n  b BIGINT,\n  c FLOAT[384]");
  });
});
