/**
 * Our query-data requests against the official SDK's, case by case (python/vast_interop/sdk_query_requests.py
 * builds the SDK's with the same schema, projections and predicates): decoded, they must be the same relation —
 * same source schema, same projected leaf positions, same filter tree and literals.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  Int64,
  Schema,
  TimestampMicrosecond,
  Utf8,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  anyOf,
  between,
  contains,
  eq,
  ge,
  gt,
  isin,
  isNotNull,
  isNull,
  lt,
  ne,
  startsWith,
} from "../../../src/vast/client/predicate.js";
import { buildQueryRequest, type SelectOptions } from "../../../src/vast/client/select.js";
import { decodeQueryRelation, type Expr } from "../../../src/vast/protocol/query-relation.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
// EXR_INSPECTOR_PYTHON: set by \`npm run test:mutation\`, whose sandbox copy of the repo has no .venv
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");
const hasSdk =
  existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import vastdb"], { stdio: "ignore" }).status === 0;

const SCHEMA = new Schema([
  new Field("name", new Utf8(), true),
  new Field("n", new Int32(), true),
  new Field("big", new Int64(), true),
  new Field("at", new TimestampMicrosecond(), true),
  new Field("ok", new Bool(), true),
  new Field("x", new Float64(), true),
  new Field("vec", new FixedSizeList(4, new Field("item", new Float32(), false)), true),
]);

const CASES: Record<string, [Schema, SelectOptions]> = {
  eq_string: [SCHEMA, { columns: ["n"], predicate: [eq("name", "beta")] }],
  isin: [SCHEMA, { columns: ["name", "n"], predicate: [isin("name", ["a", "b", "c"])] }],
  // One predicate-only column per case: the SDK orders several as a Python set (arbitrarily).
  null_checks: [SCHEMA, { columns: ["name", "n"], predicate: [isNull("name"), isNotNull("big")] }],
  startswith: [SCHEMA, { columns: ["n", "vec"], predicate: [startsWith("name", "alp")] }],
  contains: [SCHEMA, { columns: ["n"], predicate: [contains("name", "ray")] }],
  between_int: [SCHEMA, { columns: ["n"], predicate: [between("n", 2, 4)] }],
  timestamp_lt: [SCHEMA, { columns: ["n", "at"], predicate: [lt("at", new Date("2026-02-15T00:00:00Z"))] }],
  or_and: [
    SCHEMA,
    { columns: ["name", "n", "x"], predicate: [anyOf(eq("n", 1), ge("n", 5)), ne("x", 0.5), eq("ok", true)] },
  ],
  big_gt_rowid: [SCHEMA, { columns: ["name"], internalRowId: true, predicate: [gt("big", 10n)] }],
  no_filter: [SCHEMA, { columns: ["vec", "name"] }],
};

/** A relation as plain, comparable data. */
function plain(bytes: Uint8Array) {
  const r = decodeQueryRelation(bytes);
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
    return { literal: e.literal, value, type: e.type ? String(e.type.type) : null };
  };
  return {
    schema: r.schema.map((f) => `${f.name}:${f.type}:${f.nullable}`),
    projection: r.projection,
    filter: r.filter ? expr(r.filter) : null,
  };
}

describe.skipIf(!hasSdk)(
  `query requests match the official SDK's${hasSdk ? "" : " (skipped: no .venv with vastdb; pip install -r python/requirements.txt)"}`,
  () => {
    const run = hasSdk
      ? spawnSync(PYTHON, [path.join(ROOT, "python/vast_interop/sdk_query_requests.py")], {
          encoding: "utf8",
        })
      : null;
    const sdk: Record<string, string> = run?.status === 0 ? JSON.parse(run.stdout) : {};

    it("the SDK harness produced every case", () => {
      expect(run?.stderr ?? "").toBe("");
      expect(Object.keys(sdk).sort()).toEqual(Object.keys(CASES).sort());
    });

    for (const [name, [schema, options]] of Object.entries(CASES)) {
      it(name, () => {
        const ours = buildQueryRequest(schema, options).body;
        const theirs = Uint8Array.from(Buffer.from(sdk[name]!, "hex"));
        expect(plain(ours)).toEqual(plain(theirs));
      });
    }
  },
);
