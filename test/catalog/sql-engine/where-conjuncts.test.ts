/**
 * sql-engine/where-conjuncts.ts: which WHERE conjuncts of a query DuckDB's own parser shows to be simple column
 * conditions on a single catalog table (what VAST may filter while reading), and why none when the query has another
 * shape. Every condition form, literal kind, flipped comparison and refusal is checked on its exact output.
 */
import { describe, expect, it } from "vitest";
import {
  analyzeWhere,
  type ColumnTerm,
  termText,
  timestampLiteral,
} from "../../../src/catalog/sql-engine/where-conjuncts.js";

const int = (v: number | bigint) => ({ kind: "integer", value: BigInt(v) }) as const;
const str = (value: string) => ({ kind: "string", value }) as const;

async function terms(where: string, from = "files"): Promise<{ terms: ColumnTerm[]; other: number }> {
  const a = await analyzeWhere(`SELECT * FROM ${from} WHERE ${where}`);
  if (a.kind !== "single-table") throw new Error(`not analysed: ${a.reason}`);
  return { terms: a.terms, other: a.otherConjuncts };
}

describe("analyzeWhere: query shapes that have no single-table WHERE", () => {
  it.each([
    ["SELEC * FROM files WHERE a = 1", "the query could not be parsed"],
    ["SELECT * FROM files WHERE a = 1; SELECT 1 FROM files", "more than one statement"],
    ["SELECT a FROM files UNION SELECT a FROM files", "not a plain SELECT (UNION, VALUES, …)"],
    ["WITH x AS (SELECT 1) SELECT * FROM files WHERE a = 1", "the query has a WITH clause"],
    [
      "SELECT * FROM files JOIN parts USING (file_id) WHERE a = 1",
      "FROM is not a single catalog table (a join or a subquery)",
    ],
    ["SELECT * FROM other_table WHERE a = 1", "FROM is not a single catalog table (a join or a subquery)"],
    [
      "SELECT * FROM (SELECT * FROM files) WHERE a = 1",
      "FROM is not a single catalog table (a join or a subquery)",
    ],
    [
      "SELECT * FROM files WHERE file_id IN (SELECT file_id FROM parts)",
      "the query reads more than one table",
    ],
    ["SELECT * FROM files f WHERE EXISTS (SELECT 1 FROM FILES g)", "the query reads more than one table"],
    ["SELECT count(*) FROM files", "no WHERE clause"],
  ])("%s → %s", async (sql, reason) => {
    expect(await analyzeWhere(sql)).toEqual({ kind: "none", reason });
  });

  it("a subquery over a table that is not the catalog's does not count as a second table", async () => {
    expect(
      await analyzeWhere(
        "SELECT * FROM parts WHERE part_index IN (SELECT 1 FROM range(3)) AND part_index = 0",
      ),
    ).toEqual({
      kind: "single-table",
      table: "parts",
      terms: [{ column: "part_index", anyOf: [{ op: "eq", value: int(0) }] }],
      otherConjuncts: 1,
    });
  });

  it.each(["files", "current_files", "parts", "channels", "attributes", "validation_results"])(
    "%s is a catalog table (any case)",
    async (table) => {
      const a = await analyzeWhere(`SELECT * FROM ${table.toUpperCase()} WHERE x = 1`);
      expect(a).toEqual({
        kind: "single-table",
        table,
        terms: [{ column: "x", anyOf: [{ op: "eq", value: int(1) }] }],
        otherConjuncts: 0,
      });
    },
  );
});

describe("analyzeWhere: conditions", () => {
  it("each comparison, written column-first and constant-first (flipped)", async () => {
    const { terms: t, other } = await terms(
      "a = 1 AND b <> 2 AND c < 3 AND d <= 4 AND e > 5 AND f >= 6 AND 1 = g AND 2 != h AND 3 < i AND 4 <= j AND 5 > k AND 6 >= l",
    );
    expect(other).toBe(0);
    expect(t).toEqual([
      { column: "a", anyOf: [{ op: "eq", value: int(1) }] },
      { column: "b", anyOf: [{ op: "ne", value: int(2) }] },
      { column: "c", anyOf: [{ op: "lt", value: int(3) }] },
      { column: "d", anyOf: [{ op: "le", value: int(4) }] },
      { column: "e", anyOf: [{ op: "gt", value: int(5) }] },
      { column: "f", anyOf: [{ op: "ge", value: int(6) }] },
      { column: "g", anyOf: [{ op: "eq", value: int(1) }] },
      { column: "h", anyOf: [{ op: "ne", value: int(2) }] },
      { column: "i", anyOf: [{ op: "gt", value: int(3) }] },
      { column: "j", anyOf: [{ op: "ge", value: int(4) }] },
      { column: "k", anyOf: [{ op: "lt", value: int(5) }] },
      { column: "l", anyOf: [{ op: "le", value: int(6) }] },
    ]);
  });

  it("BETWEEN, IN, IS NULL, IS NOT NULL, and an OR on one column", async () => {
    const { terms: t, other } = await terms(
      "a BETWEEN 1 AND 'z' AND b IN ('x', 'y''s') AND c IS NULL AND d IS NOT NULL AND (e = 1 OR e > 7 OR e IS NULL)",
    );
    expect(other).toBe(0);
    expect(t).toEqual([
      { column: "a", anyOf: [{ op: "between", low: int(1), high: str("z") }] },
      { column: "b", anyOf: [{ op: "in", values: [str("x"), str("y's")] }] },
      { column: "c", anyOf: [{ op: "is_null" }] },
      { column: "d", anyOf: [{ op: "is_not_null" }] },
      {
        column: "e",
        anyOf: [{ op: "eq", value: int(1) }, { op: "gt", value: int(7) }, { op: "is_null" }],
      },
    ]);
  });

  it("conjuncts that are not simple column conditions are only counted", async () => {
    const { terms: t, other } = await terms(
      [
        "a = b", // two columns
        "1 = 2", // no column
        "lower(c) = 'x'", // a function of the column
        "d = e + 1", // an expression, not a constant
        "(f = 1 OR g = 2)", // an OR across columns
        "(h = 1 OR lower(h) = 'x')", // an OR with a part that is not simple
        "i IS DISTINCT FROM 1", // not one of the six comparisons
        "j NOT IN (1, 2)",
        "k IN (1, l)", // a value that is not a constant
        "m BETWEEN n AND 2",
        "o BETWEEN 1 AND p",
        "q BETWEEN 1 AND NULL",
        "r = NULL",
        "NOT s",
        "lower(t) IS NULL",
        "u LIKE 'x%'",
        "v = TRY_CAST('2026-01-01' AS TIMESTAMP)",
        "w = CAST(1 AS TIMESTAMP)",
        "x = CAST('maybe' AS BOOLEAN)",
        "y = CAST(1 AS BOOLEAN)",
        "z = TRY_CAST('t' AS BOOLEAN)",
        "aa = CAST('2026-02-30' AS TIMESTAMP)",
        "bb = 1::FLOAT",
        "other.cc = 1", // a qualifier that is not the table's
        "main.files.dd = 1", // schema-qualified
        "ee = 170141183460469231731687303715884105727", // HUGEINT: not a JS number
        "ff = 9007199254740993", // beyond 2^53: the parser's number is already rounded
      ].join(" AND "),
    );
    expect(t).toEqual([]);
    expect(other).toBe(27);
  });

  it("a qualifier that is the table's alias, or the table's name without one", async () => {
    expect((await terms("F.a = 1 AND a = 2 AND files.b = 3", "files AS f")).terms).toEqual([
      { column: "a", anyOf: [{ op: "eq", value: int(1) }] },
      { column: "a", anyOf: [{ op: "eq", value: int(2) }] },
    ]);
    expect((await terms("Files.A = 1 AND f.b = 2", "FILES")).terms).toEqual([
      { column: "a", anyOf: [{ op: "eq", value: int(1) }] },
    ]);
  });

  it("literal kinds: strings, integers of every width, decimals, doubles, booleans, timestamps", async () => {
    const { terms: t, other } = await terms(
      [
        "a = 'it''s'",
        "b = -3",
        "c = 3000000000",
        "d = 9007199254740991",
        "e = 2.5",
        "f = 1e3",
        "g = -0.125",
        "h = true",
        "i = false",
        "j = CAST('T' AS BOOLEAN)",
        "k = CAST('False' AS BOOLEAN)",
        "l = CAST(true AS BOOLEAN)",
        "m = TIMESTAMP '2026-01-02 03:04:05.5'",
        "n = CAST('2026-01-02' AS TIMESTAMP)",
        "o = 1::TINYINT",
      ].join(" AND "),
    );
    expect(t.map((x) => x.anyOf)).toEqual([
      [{ op: "eq", value: str("it's") }],
      [{ op: "eq", value: int(-3) }],
      [{ op: "eq", value: int(3000000000) }],
      [{ op: "eq", value: int(9007199254740991n) }],
      [{ op: "eq", value: { kind: "decimal", value: 2.5 } }],
      [{ op: "eq", value: { kind: "decimal", value: 1000 } }],
      [{ op: "eq", value: { kind: "decimal", value: -0.125 } }],
      [{ op: "eq", value: { kind: "boolean", value: true } }],
      [{ op: "eq", value: { kind: "boolean", value: false } }],
      [{ op: "eq", value: { kind: "boolean", value: true } }],
      [{ op: "eq", value: { kind: "boolean", value: false } }],
      [{ op: "eq", value: { kind: "boolean", value: true } }],
      [
        {
          op: "eq",
          value: {
            kind: "timestamp",
            micros: BigInt(Date.UTC(2026, 0, 2, 3, 4, 5)) * 1000n + 500_000n,
            text: "2026-01-02 03:04:05.5",
          },
        },
      ],
      [
        {
          op: "eq",
          value: { kind: "timestamp", micros: BigInt(Date.UTC(2026, 0, 2)) * 1000n, text: "2026-01-02" },
        },
      ],
    ]);
    // `1::TINYINT` is a cast of an INTEGER constant, not a constant: not simple.
    expect(other).toBe(1);
  });
});

describe("timestampLiteral", () => {
  it.each([
    ["2026-03-04", Date.UTC(2026, 2, 4), 0n],
    [" 2026-03-04 05:06 ", Date.UTC(2026, 2, 4, 5, 6), 0n],
    ["2026-03-04T05:06:07", Date.UTC(2026, 2, 4, 5, 6, 7), 0n],
    ["2026-03-04 05:06:07.000123", Date.UTC(2026, 2, 4, 5, 6, 7), 123n],
    ["2026-03-04 05:06:07.12", Date.UTC(2026, 2, 4, 5, 6, 7), 120_000n],
    ["2024-02-29", Date.UTC(2024, 1, 29), 0n],
    ["2026-12-31 23:59:59.999999", Date.UTC(2026, 11, 31, 23, 59, 59), 999_999n],
    // Years below 100 are those years (Date.UTC alone would read 0050 as 1950).
    ["0050-01-01", -60589296000000, 0n],
    ["0000-03-01 12:00", -62161992000000, 0n], // as DuckDB: epoch_us(TIMESTAMP '0000-03-01 12:00')
  ])("%s", (text, ms, extraMicros) => {
    expect(timestampLiteral(text)).toEqual({
      kind: "timestamp",
      micros: BigInt(ms) * 1000n + extraMicros,
      text: text.trim(),
    });
  });

  it.each([
    "2026-02-30", // no such day
    "2025-02-29",
    "2026-13-01", // no such month
    "2026-04-31",
    "2026-3-4",
    "x2026-03-04",
    "2026-03-04x",
    "2026-03-04 05",
    "2026-03-04 05:06:07.1234567",
    "2026-03-04 05:06:07+02",
    "",
  ])("%s is not a zone-free timestamp", (text) => {
    expect(timestampLiteral(text)).toBeNull();
  });
});

describe("termText", () => {
  it("prints each condition as SQL", () => {
    const ts = timestampLiteral("2026-01-02 03:04")!;
    expect(
      termText({
        column: "c",
        anyOf: [
          { op: "eq", value: str("it's") },
          { op: "ne", value: int(2) },
          { op: "lt", value: { kind: "decimal", value: 2.5 } },
          { op: "le", value: { kind: "boolean", value: true } },
          { op: "gt", value: ts },
          { op: "ge", value: int(-1) },
          { op: "between", low: int(1), high: str("z") },
          { op: "in", values: [str("a"), int(3)] },
          { op: "is_null" },
          { op: "is_not_null" },
        ],
      }),
    ).toBe(
      "(c = 'it''s' OR c <> 2 OR c < 2.5 OR c <= true OR c > TIMESTAMP '2026-01-02 03:04' OR c >= -1 OR c BETWEEN 1 AND 'z' OR c IN ('a', 3) OR c IS NULL OR c IS NOT NULL)",
    );
  });

  it("a single condition has no parentheses; a string with several quotes doubles each", () => {
    expect(termText({ column: "p", anyOf: [{ op: "eq", value: str("a'b'c") }] })).toBe("p = 'a''b''c'");
    expect(termText({ column: "p", anyOf: [{ op: "in", values: [str("x")] }] })).toBe("p IN ('x')");
  });
});
