/**
 * Predicates the tabular API can push down: an AND of per-column groups, each group an OR of comparisons
 * (`== != < <= > >=`), `isin`, `is_null` / `is_not_null`, `startswith`, `contains` and `between` on one column.
 * Compiled into the computeir filter expression (`protocol/query-relation.ts`) exactly as the SDK does.
 */
import {
  type DataType,
  Field,
  type Int,
  Precision,
  type Schema,
  type Timestamp,
  TimeUnit,
  Type,
} from "apache-arrow";
import type { Expr, LiteralExpr, LiteralKindTag } from "../protocol/query-relation.js";
import { LiteralKind } from "../protocol/query-relation.js";
import { UnsupportedPredicate } from "./errors.js";
import { float64ToHalfBits } from "./half-bits.js";

export type Scalar = string | number | bigint | boolean | Date | Uint8Array;

export type Condition =
  | { op: "eq" | "ne" | "lt" | "le" | "gt" | "ge"; value: Scalar }
  | { op: "isin"; values: Scalar[] }
  | { op: "is_null" }
  | { op: "is_not_null" }
  | { op: "startswith"; prefix: string }
  | { op: "contains"; substring: string }
  | { op: "between"; low: Scalar; high: Scalar };

/** An OR of conditions on one column. */
export interface ColumnFilter {
  column: string;
  anyOf: Condition[];
}

/** An AND of column filters; empty means no filter. */
export type Predicate = ColumnFilter[];

const col =
  (op: "eq" | "ne" | "lt" | "le" | "gt" | "ge") =>
  (column: string, value: Scalar): ColumnFilter => ({ column, anyOf: [{ op, value }] });

export const eq = col("eq");
export const ne = col("ne");
export const lt = col("lt");
export const le = col("le");
export const gt = col("gt");
export const ge = col("ge");
export const isin = (column: string, values: Scalar[]): ColumnFilter => ({
  column,
  anyOf: [{ op: "isin", values }],
});
export const isNull = (column: string): ColumnFilter => ({ column, anyOf: [{ op: "is_null" }] });
export const isNotNull = (column: string): ColumnFilter => ({ column, anyOf: [{ op: "is_not_null" }] });
export const startsWith = (column: string, prefix: string): ColumnFilter => ({
  column,
  anyOf: [{ op: "startswith", prefix }],
});
export const contains = (column: string, substring: string): ColumnFilter => ({
  column,
  anyOf: [{ op: "contains", substring }],
});
export const between = (column: string, low: Scalar, high: Scalar): ColumnFilter => ({
  column,
  anyOf: [{ op: "between", low, high }],
});
/** OR of several filters, all on the same column (an OR across columns cannot be pushed down). */
export function anyOf(...filters: ColumnFilter[]): ColumnFilter {
  const column = filters[0]?.column;
  if (column === undefined) throw new UnsupportedPredicate("an empty OR is not supported");
  if (filters.some((f) => f.column !== column)) {
    throw new UnsupportedPredicate("an OR across different columns cannot be pushed down");
  }
  return { column, anyOf: filters.flatMap((f) => f.anyOf) };
}

/** Column names a predicate reads. */
export function predicateColumns(predicate: Predicate): string[] {
  return [...new Set(predicate.map((f) => f.column))];
}

const CALL: Record<"eq" | "ne" | "lt" | "le" | "gt" | "ge", string> = {
  eq: "equal",
  ne: "not_equal",
  lt: "less",
  le: "less_equal",
  gt: "greater",
  ge: "greater_equal",
};

/**
 * Compiles to `and(or(...), ...)`; `positionOf` maps a column name to its leaf position in the request schema.
 * An empty predicate compiles to `and()` (true), as the SDK sends it.
 */
export function compilePredicate(
  predicate: Predicate,
  schema: Schema,
  positionOf: (column: string) => number,
): Expr {
  const groups: Expr[] = predicate.map((filter) => {
    const field = schema.fields.find((f) => f.name === filter.column);
    if (!field) throw new UnsupportedPredicate(`unknown column '${filter.column}'`);
    if (
      field.type.typeId === Type.FixedSizeList ||
      field.type.typeId === Type.List ||
      field.type.typeId === Type.Struct
    ) {
      throw new UnsupportedPredicate(
        `column '${filter.column}' (${field.type}) cannot be filtered server-side`,
      );
    }
    const ref: Expr = { kind: "field", position: positionOf(filter.column) };
    const lit = (v: Scalar) => literal(field.type, v, filter.column);
    const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
    const ors: Expr[] = [];
    if (filter.anyOf.length === 0) throw new UnsupportedPredicate("an empty OR is not supported");
    for (const c of filter.anyOf) {
      switch (c.op) {
        case "isin":
          if (c.values.length === 0) throw new UnsupportedPredicate("isin([]) is not supported");
          for (const v of c.values) ors.push(call("equal", ref, lit(v)));
          break;
        case "is_null":
          ors.push(call("is_null", ref));
          break;
        case "is_not_null":
          ors.push(call("is_valid", ref));
          break;
        case "between":
          ors.push(call("and", call("greater_equal", ref, lit(c.low)), call("less_equal", ref, lit(c.high))));
          break;
        case "contains":
          requireString(field.type, filter.column, "contains");
          ors.push(call("match_substring", ref, lit(c.substring)));
          break;
        case "startswith": {
          requireString(field.type, filter.column, "startswith");
          if (c.prefix === "") {
            ors.push(call("is_valid", ref));
            break;
          }
          const lower = new TextEncoder().encode(c.prefix);
          const upper = lower.slice();
          // UTF-8 never ends in 0xFF, so the incremented last byte gives the exclusive upper bound.
          upper[upper.length - 1] = upper[upper.length - 1]! + 1;
          ors.push(call("and", call("greater_equal", ref, lit(lower)), call("less", ref, lit(upper))));
          break;
        }
        default:
          ors.push(call(CALL[c.op], ref, lit(c.value)));
      }
    }
    return call("or", ...ors);
  });
  return { kind: "call", name: "and", args: groups };
}

function requireString(type: DataType, column: string, op: string): void {
  if (type.typeId !== Type.Utf8 && type.typeId !== Type.Binary) {
    throw new UnsupportedPredicate(`${op} needs a string column; '${column}' is ${type}`);
  }
}

const TIMESTAMP_PER_MS: Record<number, bigint> = {
  [TimeUnit.SECOND]: 0n,
  [TimeUnit.MILLISECOND]: 1n,
  [TimeUnit.MICROSECOND]: 1_000n,
  [TimeUnit.NANOSECOND]: 1_000_000n,
};

function literal(type: DataType, value: Scalar, column: string): LiteralExpr {
  const make = (kind: LiteralKindTag, v: LiteralExpr["value"]): LiteralExpr => ({
    kind: "literal",
    literal: kind,
    value: v,
    type: new Field("", type, true),
  });
  const bad = () =>
    new UnsupportedPredicate(
      `cannot compare column '${column}' (${type}) with ${typeof value} ${String(value)}`,
    );
  switch (type.typeId) {
    case Type.Int: {
      const t = type as Int;
      if (typeof value !== "number" && typeof value !== "bigint") throw bad();
      const kinds: Record<string, LiteralKindTag> = {
        "8s": LiteralKind.Int8,
        "16s": LiteralKind.Int16,
        "32s": LiteralKind.Int32,
        "64s": LiteralKind.Int64,
        "8u": LiteralKind.UInt8,
        "16u": LiteralKind.UInt16,
        "32u": LiteralKind.UInt32,
        "64u": LiteralKind.UInt64,
      };
      const kind = kinds[`${t.bitWidth}${t.isSigned ? "s" : "u"}`]!;
      return make(kind, t.bitWidth === 64 ? BigInt(value) : Number(value));
    }
    case Type.Float: {
      if (typeof value !== "number") throw bad();
      const precision = (type as DataType & { precision: Precision }).precision;
      if (precision === Precision.HALF) return make(LiteralKind.Float16, float64ToHalfBits(value));
      return make(precision === Precision.SINGLE ? LiteralKind.Float32 : LiteralKind.Float64, value);
    }
    case Type.Bool:
      if (typeof value !== "boolean") throw bad();
      return make(LiteralKind.Boolean, value);
    case Type.Utf8:
      if (typeof value === "string") return make(LiteralKind.String, new TextEncoder().encode(value));
      if (value instanceof Uint8Array) return make(LiteralKind.String, value);
      throw bad();
    case Type.Binary:
      if (typeof value === "string") return make(LiteralKind.Binary, new TextEncoder().encode(value));
      if (value instanceof Uint8Array) return make(LiteralKind.Binary, value);
      throw bad();
    case Type.Timestamp: {
      const unit = (type as Timestamp).unit;
      if (value instanceof Date) {
        const ms = BigInt(value.getTime());
        const raw = unit === TimeUnit.SECOND ? ms / 1000n : ms * TIMESTAMP_PER_MS[unit]!;
        return make(LiteralKind.Timestamp, raw);
      }
      if (typeof value === "bigint") return make(LiteralKind.Timestamp, value);
      throw bad();
    }
    case Type.Date:
      if (value instanceof Date)
        return make(LiteralKind.Date, BigInt(Math.floor(value.getTime() / 86_400_000)));
      throw bad();
    default:
      throw new UnsupportedPredicate(`column '${column}' of type ${type} cannot be filtered server-side`);
  }
}
