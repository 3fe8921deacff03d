/**
 * Every comparison operator and every literal type our predicates compile, against the official SDK's encoding
 * of the same predicate (python/vast_interop/sdk_predicate_literals.py builds the SDK's, case for case): decoded,
 * the filter trees must be the same calls over the same fields with the same literal kinds, values and types.
 * Also the predicates the SDK refuses, refused here with UnsupportedPredicate before anything is sent.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { UnsupportedPredicate } from "../../../src/vast/client/errors.js";
import { float64ToHalfBits } from "../../../src/vast/client/half-bits.js";
import {
  anyOf,
  between,
  compilePredicate,
  contains,
  eq,
  ge,
  gt,
  isin,
  isNotNull,
  isNull,
  le,
  lt,
  ne,
  type Predicate,
  predicateColumns,
  startsWith,
} from "../../../src/vast/client/predicate.js";
import { buildQueryRequest } from "../../../src/vast/client/select.js";
import { decodeQueryRelation, type Expr } from "../../../src/vast/protocol/query-relation.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
// EXR_INSPECTOR_PYTHON: set by \`npm run test:mutation\`, whose sandbox copy of the repo has no .venv
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");
const LITERALS_SCRIPT = path.join(ROOT, "python/vast_interop/sdk_predicate_literals.py");
/**
 * The SDK's encodings, cached in the temp directory per interpreter and script (the Python run takes seconds, and
 * mutation testing loads this file once per mutant; the SDK's answer does not depend on our code).
 */
const LITERALS_CACHE = path.join(
  tmpdir(),
  `exr-inspector-sdk-predicate-literals-${createHash("sha256")
    .update(`${PYTHON}\0${existsSync(LITERALS_SCRIPT) ? readFileSync(LITERALS_SCRIPT, "utf8") : ""}`)
    .digest("hex")
    .slice(0, 16)}.json`,
);
/** A cached answer proves the SDK was there. */
const hasSdk =
  existsSync(LITERALS_CACHE) ||
  (existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import vastdb"], { stdio: "ignore" }).status === 0);

const SCHEMA = new Schema([
  new Field("i8", new Int8(), true),
  new Field("i16", new Int16(), true),
  new Field("i32", new Int32(), true),
  new Field("i64", new Int64(), true),
  new Field("u8", new Uint8(), true),
  new Field("u16", new Uint16(), true),
  new Field("u32", new Uint32(), true),
  new Field("u64", new Uint64(), true),
  new Field("f32", new Float32(), true),
  new Field("f64", new Float64(), true),
  new Field("flag", new Bool(), true),
  new Field("s", new Utf8(), true),
  new Field("bin", new Binary(), true),
  new Field("ts_s", new TimestampSecond(), true),
  new Field("ts_ms", new TimestampMillisecond(), true),
  new Field("ts_us", new TimestampMicrosecond(), true),
  new Field("ts_ns", new TimestampNanosecond(), true),
  new Field("day", new DateDay(), true),
  new Field("f16", new Float16(), true),
]);

const AT = new Date("2026-02-15T01:02:03.456Z");

const CASES: Record<string, Predicate> = {
  op_eq: [eq("i32", 7)],
  op_ne: [ne("i32", 7)],
  op_lt: [lt("i32", 7)],
  op_le: [le("i32", 7)],
  op_gt: [gt("i32", 7)],
  op_ge: [ge("i32", 7)],
  lit_i8: [eq("i8", -5)],
  lit_i16: [eq("i16", 300)],
  lit_i64: [eq("i64", 2 ** 40 + 3)],
  lit_u8: [eq("u8", 200)],
  lit_u16: [eq("u16", 60000)],
  lit_u32: [eq("u32", 4_000_000_000)],
  lit_u64: [eq("u64", 2n ** 63n + 5n)],
  lit_f32: [eq("f32", 0.5)],
  lit_f64: [lt("f64", -2.25)],
  lit_bool: [eq("flag", false)],
  lit_string_utf8: [eq("s", "h\u00e9llo \u2603")],
  lit_binary: [eq("bin", Uint8Array.of(0x00, 0xff, 0x10))],
  lit_ts_s: [ge("ts_s", AT)],
  lit_ts_ms: [ge("ts_ms", AT)],
  lit_ts_us: [ge("ts_us", AT)],
  lit_ts_ns: [ge("ts_ns", AT)],
  lit_date: [eq("day", new Date("2026-02-15T00:00:00Z"))],
  lit_f16: [eq("f16", 0.5)],
  lit_f16_rounded: [lt("f16", 0.3)],
  lit_f16_tie_to_even_down: [eq("f16", 2049)],
  lit_f16_tie_to_even_up: [eq("f16", 2051)],
  lit_f16_subnormal: [gt("f16", 6e-8)],
  lit_f16_underflow: [ge("f16", 1e-8)],
  lit_f16_negative_zero: [eq("f16", -0)],
  lit_f16_max: [le("f16", 65504)],
  lit_f16_overflow: [lt("f16", 65520)],
  between_f16: [between("f16", -1.5, 2.5)],
  isin_one: [isin("i64", [5])],
  isin_strings: [isin("s", ["a", "b"])],
  startswith_empty: [startsWith("s", "")],
  startswith_multibyte: [startsWith("s", "\u00e9")],
  between_float: [between("f64", -1.5, 2.5)],
  between_ts: [between("ts_ms", AT, new Date("2026-03-01T00:00:00Z"))],
  or_three: [anyOf(eq("s", "a"), lt("s", "b"), isNull("s"))],
};

/** A filter tree as plain, comparable data. */
function plainFilter(bytes: Uint8Array) {
  const expr = (e: Expr): unknown => {
    if (e.kind === "field") return { field: e.position };
    if (e.kind === "call") return { call: e.name, args: e.args.map(expr) };
    const v = e.value;
    const value =
      v instanceof Uint8Array
        ? Buffer.from(v).toString("hex")
        : typeof v === "bigint"
          ? v.toString()
          : Array.isArray(v)
            ? v.length
            : v;
    return { literal: e.literal, value, type: e.type ? `${e.type.type}:${e.type.nullable}` : null };
  };
  const r = decodeQueryRelation(bytes);
  return {
    schema: r.schema.map((f) => `${f.name}:${f.type}`),
    projection: r.projection,
    filter: r.filter && expr(r.filter),
  };
}

describe.skipIf(!hasSdk)(
  `predicate operators and literal types match the official SDK's${hasSdk ? "" : " (skipped: no .venv with vastdb)"}`,
  () => {
    const run =
      hasSdk && existsSync(LITERALS_CACHE)
        ? { status: 0, stdout: readFileSync(LITERALS_CACHE, "utf8"), stderr: "" }
        : hasSdk
          ? spawnSync(PYTHON, [LITERALS_SCRIPT], { encoding: "utf8" })
          : null;
    if (run?.status === 0 && run.stderr === "" && !existsSync(LITERALS_CACHE))
      writeFileSync(LITERALS_CACHE, run.stdout);
    const sdk: Record<string, string> = run?.status === 0 ? JSON.parse(run.stdout) : {};

    it("the SDK harness produced every case", () => {
      expect(run?.stderr ?? "").toBe("");
      expect(Object.keys(sdk).sort()).toEqual(Object.keys(CASES).sort());
    });

    it("float16 literals are rounded as the SDK rounds them (numpy's float16), on 5,000 values", () => {
      // Edge values (ties, binade edges, subnormals, overflow) and random doubles over the half range.
      const values: number[] = [
        0,
        -0,
        1,
        -1,
        65504,
        65519.99,
        65520,
        1e6,
        -1e6,
        Number.NaN,
        Infinity,
        -Infinity,
      ];
      for (let e = -26; e <= 16; e++)
        for (const f of [
          1,
          1 + 2 ** -11,
          1 + 2 ** -11 + 2 ** -40,
          1.5 + 2 ** -11,
          2 - 2 ** -12,
          2 - 2 ** -13,
        ])
          values.push(f * 2 ** e, -f * 2 ** e);
      let seed = 12345;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      while (values.length < 5000) values.push((random() - 0.5) * 2 ** Math.floor(random() * 44 - 26));
      const hex = values.map((v) => {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(v);
        return b.toString("hex");
      });
      const script =
        "import json, sys, struct, warnings\nimport numpy as np\nwarnings.simplefilter('ignore')\n" +
        "vals = [struct.unpack('>d', bytes.fromhex(h))[0] for h in json.load(sys.stdin)]\n" +
        "print(json.dumps([int(np.float16(v).view(np.uint16)) for v in vals]))";
      // numpy's answer depends only on the script and the values: cached in the temp directory (the Python run
      // costs seconds, and Stryker loads this file once per mutant).
      const input = JSON.stringify(hex);
      const key = createHash("sha256").update(`${PYTHON}\0${script}\0${input}`).digest("hex").slice(0, 16);
      const cached = path.join(tmpdir(), `exr-inspector-numpy-float16-${key}.json`);
      if (!existsSync(cached)) {
        const numpy = spawnSync(PYTHON, ["-c", script], { input, encoding: "utf8" });
        expect(numpy.status, numpy.stderr).toBe(0);
        writeFileSync(cached, numpy.stdout);
      }
      const expected = JSON.parse(readFileSync(cached, "utf8")) as number[];
      const ours = values.map(float64ToHalfBits);
      const differ = values.flatMap((v, i) => (ours[i] === expected[i] ? [] : [[v, ours[i], expected[i]]]));
      expect(differ).toEqual([]);
    });

    for (const [name, predicate] of Object.entries(CASES)) {
      it(name, () => {
        const ours = buildQueryRequest(SCHEMA, { columns: ["i32"], predicate }).body;
        const theirs = Uint8Array.from(Buffer.from(sdk[name]!, "hex"));
        expect(plainFilter(ours)).toEqual(plainFilter(theirs));
      });
    }
  },
);

describe("predicates", () => {
  const position = (column: string) => SCHEMA.fields.findIndex((f) => f.name === column);
  const compile = (p: Predicate) => compilePredicate(p, SCHEMA, position);
  const refused = (p: () => unknown, message: string) => {
    expect(p).toThrow(UnsupportedPredicate);
    expect(p).toThrow(message);
  };

  it("an empty predicate is and() (true); each column filter is one or()", () => {
    expect(compile([])).toEqual({ kind: "call", name: "and", args: [] });
    const e = compile([isNull("s"), isNotNull("i8")]);
    expect(e).toEqual({
      kind: "call",
      name: "and",
      args: [
        {
          kind: "call",
          name: "or",
          args: [{ kind: "call", name: "is_null", args: [{ kind: "field", position: 11 }] }],
        },
        {
          kind: "call",
          name: "or",
          args: [{ kind: "call", name: "is_valid", args: [{ kind: "field", position: 0 }] }],
        },
      ],
    });
  });

  it("the upper bound of startswith increments the last UTF-8 byte", () => {
    const e = compile([startsWith("s", "a\u00e9")]) as { args: Array<{ args: Array<{ args: Expr[] }> }> };
    const [low, high] = e.args[0]!.args[0]!.args.map((c) => (c as { args: Expr[] }).args[1]);
    expect(low).toMatchObject({ literal: expect.any(Number), value: Uint8Array.of(0x61, 0xc3, 0xa9) });
    expect(high).toMatchObject({ value: Uint8Array.of(0x61, 0xc3, 0xaa) });
  });

  it("predicateColumns lists each column once, in first-use order", () => {
    expect(predicateColumns([eq("s", "a"), gt("i8", 1), lt("s", "z")])).toEqual(["s", "i8"]);
    expect(predicateColumns([])).toEqual([]);
  });

  it("anyOf joins conditions on one column and refuses none or several columns", () => {
    expect(anyOf(eq("i8", 1), isin("i8", [2, 3]))).toEqual({
      column: "i8",
      anyOf: [
        { op: "eq", value: 1 },
        { op: "isin", values: [2, 3] },
      ],
    });
    refused(() => anyOf(), "an empty OR is not supported");
    refused(() => anyOf(eq("i8", 1), eq("i16", 1)), "an OR across different columns cannot be pushed down");
  });

  it("refuses what the SDK cannot push down", () => {
    refused(() => compile([{ column: "i8", anyOf: [] }]), "an empty OR is not supported");
    refused(() => compile([isin("i8", [])]), "isin([]) is not supported");
    refused(() => compile([eq("nope", 1)]), "unknown column 'nope'");
    const nested = new Schema([
      new Field("fixed", new FixedSizeList(2, new Field("item", new Float32(), false)), true),
      new Field("list", new List(new Field("item", new Int32(), true)), true),
      new Field("st", new Struct([new Field("a", new Int32(), true)]), true),
    ]);
    for (const column of ["fixed", "list", "st"])
      refused(() => compilePredicate([isNotNull(column)], nested, () => 0), `column '${column}'`);
    const decimal = new Schema([new Field("d", new Decimal(2, 10, 128), true)]);
    refused(() => compilePredicate([eq("d", 1)], decimal, () => 0), "column 'd' of type Decimal");
    refused(() => compile([startsWith("i32", "1")]), "startswith needs a string column; 'i32' is Int32");
    refused(() => compile([contains("f64", "1")]), "contains needs a string column; 'f64' is Float64");
    expect(() => compile([startsWith("bin", "ab"), contains("bin", "c")])).not.toThrow();
  });

  it("refuses literals that do not fit the column's type", () => {
    const mismatches: Array<[string, unknown]> = [
      ["i32", "7"],
      ["i64", true],
      ["f64", 1n],
      ["f32", "0.5"],
      ["flag", 1],
      ["s", 5],
      ["bin", 5],
      ["ts_us", 5],
      ["ts_ms", "2026-01-01"],
      ["day", 20000],
    ];
    for (const [column, value] of mismatches) {
      refused(
        () => compile([eq(column, value as never)]),
        `cannot compare column '${column}' (${SCHEMA.fields[position(column)]!.type}) with ${typeof value} ${String(value)}`,
      );
    }
  });

  it("timestamps take raw bigints as they are, in the column's unit", () => {
    const e = compile([eq("ts_ns", 123n)]) as { args: Array<{ args: Array<{ args: Expr[] }> }> };
    expect(e.args[0]!.args[0]!.args[1]).toMatchObject({ kind: "literal", value: 123n });
  });

  it("a Date before 1970 in a seconds column and a date column", () => {
    const lit = (p: Predicate) =>
      (compile(p) as { args: Array<{ args: Array<{ args: Expr[] }> }> }).args[0]!.args[0]!.args[1];
    expect(lit([eq("ts_s", new Date("1969-12-31T23:59:58Z"))])).toMatchObject({ value: -2n });
    expect(lit([eq("ts_ms", new Date("1969-12-31T23:59:58.5Z"))])).toMatchObject({ value: -1500n });
    expect(lit([eq("day", new Date("1969-12-31T12:00:00Z"))])).toMatchObject({ value: -1n });
    expect(lit([eq("day", new Date("1970-01-02T23:59:59Z"))])).toMatchObject({ value: 1n });
    expect(lit([eq("i64", 5)])).toMatchObject({ value: 5n });
    expect(lit([eq("i32", 5n)])).toMatchObject({ value: 5 });
    expect(lit([eq("s", Uint8Array.of(0xc3))])).toMatchObject({ value: Uint8Array.of(0xc3) });
    expect(lit([eq("bin", "ab")])).toMatchObject({ value: Uint8Array.of(0x61, 0x62) });
  });
});
