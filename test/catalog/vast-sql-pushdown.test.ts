/**
 * `vastPushdown` on hand-made WHERE analyses (what `analyzeWhere` returns), over the catalog's VAST schemas and a few
 * other column types: which conditions become predicates, in which form, and what is kept back with which reason.
 * The end-to-end answers (pushed vs not pushed, same rows) are checked against the emulator in vast-reads.test.ts.
 */
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint8,
  Uint64,
  Utf8,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import type {
  ColumnCondition,
  ColumnTerm,
  SqlLiteral,
  WhereAnalysis,
} from "../../src/catalog/sql-engine/where-conjuncts.js";
import type { StoredTable } from "../../src/catalog/tables.js";
import { vastPushdown } from "../../src/catalog/vast/sql-pushdown.js";
import { tableSchema } from "../../src/catalog/vast/table-schemas.js";

const str = (value: string): SqlLiteral => ({ kind: "string", value });
const int = (value: bigint): SqlLiteral => ({ kind: "integer", value });
const bool = (value: boolean): SqlLiteral => ({ kind: "boolean", value });
const dec = (value: number): SqlLiteral => ({ kind: "decimal", value });
const ts = (text: string, micros: bigint): SqlLiteral => ({ kind: "timestamp", micros, text });
const eq = (value: SqlLiteral): ColumnCondition => ({ op: "eq", value });

/** A table `files` whose columns are the given fields (every other stored table absent). */
function only(fields: Field[]): Record<StoredTable, Schema | null> {
  return {
    files: new Schema(fields),
    parts: null,
    channels: null,
    attributes: null,
    validation_results: null,
    stats: null,
    part_stats: null,
  };
}

const catalog = (): Record<StoredTable, Schema | null> => ({
  files: tableSchema("files"),
  parts: tableSchema("parts"),
  channels: tableSchema("channels"),
  attributes: tableSchema("attributes"),
  validation_results: tableSchema("validation_results"),
  stats: tableSchema("stats"),
  part_stats: tableSchema("part_stats"),
});

function single(table: string, terms: ColumnTerm[], otherConjuncts = 0): WhereAnalysis {
  return { kind: "single-table", table, terms, otherConjuncts };
}

/** The condition one term on column `c` of type `type` becomes, or null when it is not pushed. */
function pushedAs(type: Field["type"], anyOf: ColumnCondition[]) {
  const r = vastPushdown(single("files", [{ column: "c", anyOf }]), only([new Field("c", type, true)]));
  return r.pushdown ? r.pushdown.predicate[0]!.anyOf : null;
}

describe("vastPushdown", () => {
  it("passes on the analysis' own reason when there is no single-table WHERE", () => {
    expect(vastPushdown({ kind: "none", reason: "more than one statement" }, catalog())).toEqual({
      pushdown: null,
      reason: "more than one statement",
    });
  });

  it("never pushes into validation_results, stats or part_stats (their latest set is chosen first)", () => {
    const term = [{ column: "file_id", anyOf: [eq(str("x"))] }];
    expect(vastPushdown(single("validation_results", term), catalog())).toEqual({
      pushdown: null,
      reason: "verdicts are filtered only after each file's latest set is chosen",
    });
    for (const table of ["stats", "part_stats"]) {
      expect(vastPushdown(single(table, term), catalog())).toEqual({
        pushdown: null,
        reason: "statistics are filtered only after each file's latest set is chosen",
      });
    }
  });

  it("says when the catalog has no such table", () => {
    const schemas = { ...catalog(), parts: null };
    expect(vastPushdown(single("parts", [{ column: "part_index", anyOf: [eq(int(0n))] }]), schemas)).toEqual({
      pushdown: null,
      reason: "the catalog has no parts table",
    });
  });

  it("pushes simple terms on files, keeps the other conjuncts back and says so", () => {
    const r = vastPushdown(
      single(
        "files",
        [
          { column: "file_path_normalized", anyOf: [eq(str("/a.exr")), eq(str("/b.exr"))] },
          { column: "multipart_count", anyOf: [{ op: "ge", value: int(2n) }] },
          { column: "no_such_column", anyOf: [eq(int(1n))] },
        ],
        2,
      ),
      catalog(),
    );
    expect(r.reason).toBeNull();
    expect(r.pushdown).toEqual({
      table: "files",
      predicate: [
        {
          column: "file_path_normalized",
          anyOf: [
            { op: "eq", value: "/a.exr" },
            { op: "eq", value: "/b.exr" },
          ],
        },
        { column: "multipart_count", anyOf: [{ op: "ge", value: 2 }] },
      ],
      pushed: [
        "(file_path_normalized = '/a.exr' OR file_path_normalized = '/b.exr')",
        "multipart_count >= 2",
      ],
      notPushed: [
        "2 condition(s) that are not simple column comparisons",
        "no_such_column = 1 (unknown column)",
      ],
    });
  });

  it("current_files reads files and pushes only conditions on file_path_normalized", () => {
    const r = vastPushdown(
      single("current_files", [
        { column: "file_size_bytes", anyOf: [{ op: "gt", value: int(10n) }] },
        { column: "file_path_normalized", anyOf: [{ op: "lt", value: str("/m") }] },
      ]),
      catalog(),
    );
    expect(r.pushdown).toEqual({
      table: "files",
      predicate: [{ column: "file_path_normalized", anyOf: [{ op: "lt", value: "/m" }] }],
      pushed: ["file_path_normalized < '/m'"],
      notPushed: [
        "file_size_bytes > 10 (current_files: only file_path_normalized may filter before the current version is chosen)",
      ],
    });
    // Nothing pushable at all: the reasons are the answer.
    expect(
      vastPushdown(
        single("current_files", [{ column: "file_size_bytes", anyOf: [eq(int(1n))] }], 1),
        catalog(),
      ),
    ).toEqual({
      pushdown: null,
      reason:
        "1 condition(s) that are not simple column comparisons; file_size_bytes = 1 (current_files: only file_path_normalized may filter before the current version is chosen)",
    });
  });

  it("pushes into a child table by its own schema", () => {
    const r = vastPushdown(single("parts", [{ column: "is_tiled", anyOf: [eq(bool(true))] }]), catalog());
    expect(r.pushdown?.table).toBe("parts");
    expect(r.pushdown?.predicate).toEqual([{ column: "is_tiled", anyOf: [{ op: "eq", value: true }] }]);
  });

  it("with no terms and no other conjuncts, there is nothing to push", () => {
    expect(vastPushdown(single("files", []), catalog())).toEqual({
      pushdown: null,
      reason: "no condition to push",
    });
  });

  it("a term is pushed whole or not at all: one unpushable alternative keeps the term back", () => {
    const r = vastPushdown(
      single("files", [{ column: "multipart_count", anyOf: [eq(int(1n)), eq(str("2"))] }]),
      catalog(),
    );
    expect(r).toEqual({
      pushdown: null,
      reason:
        "(multipart_count = 1 OR multipart_count = '2') (not comparable on VAST exactly as in DuckDB (Int32))",
    });
  });

  it("strings, booleans and integers compare only with literals of their own kind", () => {
    expect(pushedAs(new Utf8(), [eq(str("x"))])).toEqual([{ op: "eq", value: "x" }]);
    expect(pushedAs(new Utf8(), [eq(int(1n))])).toBeNull();
    expect(pushedAs(new Utf8(), [eq(bool(true))])).toBeNull();
    expect(pushedAs(new Utf8(), [{ op: "ne", value: str("") }])).toEqual([{ op: "ne", value: "" }]);
    expect(pushedAs(new Int32(), [{ op: "le", value: str("1") }])).toBeNull();
    expect(pushedAs(new Int32(), [eq(dec(1.5))])).toBeNull();
    expect(pushedAs(new Int32(), [eq(bool(false))])).toBeNull();
    expect(pushedAs(new Int32(), [eq(int(-7n))])).toEqual([{ op: "eq", value: -7 }]);
    expect(pushedAs(new Int8(), [eq(bool(true))])).toBeNull();
  });

  it("booleans: only boolean literals", () => {
    expect(pushedAs(new Bool(), [eq(bool(false))])).toEqual([{ op: "eq", value: false }]);
    expect(pushedAs(new Bool(), [eq(int(0n))])).toBeNull();
    expect(pushedAs(new Bool(), [eq(str("false"))])).toBeNull();
  });

  it("integer literals must fit the column: signed and unsigned bounds of each width, exactly", () => {
    const cases: [Field["type"], bigint, bigint][] = [
      [new Int8(), -128n, 127n],
      [new Int16(), -32768n, 32767n],
      [new Int32(), -(2n ** 31n), 2n ** 31n - 1n],
      [new Int64(), -(2n ** 63n), 2n ** 63n - 1n],
      [new Uint8(), 0n, 255n],
      [new Uint64(), 0n, 2n ** 64n - 1n],
    ];
    for (const [type, min, max] of cases) {
      const wide = (type as Int64).bitWidth === 64;
      const as = (v: bigint) => (wide ? v : Number(v));
      expect(pushedAs(type, [eq(int(min))]), `${type} min`).toEqual([{ op: "eq", value: as(min) }]);
      expect(pushedAs(type, [eq(int(max))]), `${type} max`).toEqual([{ op: "eq", value: as(max) }]);
      expect(pushedAs(type, [eq(int(min - 1n))]), `${type} below`).toBeNull();
      expect(pushedAs(type, [eq(int(max + 1n))]), `${type} above`).toBeNull();
    }
    // 64-bit values stay bigints (beyond 2^53 a number would round); narrower ones are numbers.
    expect(pushedAs(new Int64(), [eq(int(2n ** 60n + 1n))])).toEqual([{ op: "eq", value: 2n ** 60n + 1n }]);
    expect(typeof (pushedAs(new Int32(), [eq(int(5n))])![0] as { value: unknown }).value).toBe("number");
  });

  it("never pushes floating-point comparisons", () => {
    expect(pushedAs(new Float64(), [eq(dec(0.5))])).toBeNull();
    expect(pushedAs(new Float32(), [eq(int(1n))])).toBeNull();
  });

  it("timestamps: literals and timestamp text, exact in the column's unit, never with a time zone", () => {
    const micros = 1_772_359_200_000_000n; // 2026-03-01 10:00:00
    expect(pushedAs(new TimestampMicrosecond(), [eq(ts("2026-03-01 10:00:00", micros + 5n))])).toEqual([
      { op: "eq", value: micros + 5n },
    ]);
    expect(pushedAs(new TimestampMicrosecond(), [eq(str("2026-03-01 10:00:00.000005"))])).toEqual([
      { op: "eq", value: micros + 5n },
    ]);
    expect(pushedAs(new TimestampMicrosecond(), [eq(str("not a time"))])).toBeNull();
    expect(pushedAs(new TimestampMicrosecond(), [eq(int(micros))])).toBeNull();
    expect(pushedAs(new TimestampMillisecond(), [eq(ts("t", micros + 3000n))])).toEqual([
      { op: "eq", value: (micros + 3000n) / 1000n },
    ]);
    expect(pushedAs(new TimestampMillisecond(), [eq(ts("t", micros + 3001n))])).toBeNull();
    expect(pushedAs(new TimestampSecond(), [eq(ts("t", micros))])).toEqual([
      { op: "eq", value: micros / 1_000_000n },
    ]);
    expect(pushedAs(new TimestampSecond(), [eq(ts("t", micros + 1000n))])).toBeNull();
    expect(pushedAs(new TimestampNanosecond(), [eq(ts("t", micros))])).toBeNull();
    expect(pushedAs(new TimestampMicrosecond("UTC"), [eq(ts("t", micros))])).toBeNull();
  });

  it("BETWEEN and IN push when every literal does; IS [NOT] NULL on any scalar column, never on lists", () => {
    expect(pushedAs(new Int32(), [{ op: "between", low: int(1n), high: int(9n) }])).toEqual([
      { op: "between", low: 1, high: 9 },
    ]);
    expect(pushedAs(new Int32(), [{ op: "between", low: str("1"), high: int(9n) }])).toBeNull();
    expect(pushedAs(new Int32(), [{ op: "between", low: int(1n), high: str("9") }])).toBeNull();
    expect(pushedAs(new Utf8(), [{ op: "in", values: [str("a"), str("b")] }])).toEqual([
      { op: "isin", values: ["a", "b"] },
    ]);
    expect(pushedAs(new Utf8(), [{ op: "in", values: [str("a"), int(1n)] }])).toBeNull();
    expect(pushedAs(new Float64(), [{ op: "is_null" }])).toEqual([{ op: "is_null" }]);
    expect(pushedAs(new Utf8(), [{ op: "is_not_null" }])).toEqual([{ op: "is_not_null" }]);
    const item = new Field("item", new Utf8(), true);
    for (const listLike of [
      new List(item),
      new FixedSizeList(4, new Field("item", new Float32(), false)),
      new Struct([item]),
      new Map_(new Field("entries", new Struct([new Field("key", new Utf8(), false), item]), false) as never),
    ]) {
      expect(pushedAs(listLike, [{ op: "is_null" }]), String(listLike)).toBeNull();
      expect(pushedAs(listLike, [{ op: "is_not_null" }]), String(listLike)).toBeNull();
      expect(pushedAs(listLike, [eq(str("x"))]), String(listLike)).toBeNull();
    }
  });
});
