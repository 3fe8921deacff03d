/**
 * The part of an `sql` query's WHERE that VAST can apply while reading (where-conjuncts.ts finds the simple
 * single-table conditions; this turns those whose meaning is the same on VAST into pushdown predicates).
 * A condition is pushed only when VAST compares exactly as DuckDB would: strings byte-wise, integers, booleans,
 * `timestamp` columns against timestamp literals (exact to the microsecond); never floating-point comparisons (a
 * literal rounded to float32 could move a boundary), never list columns. Whatever is not pushed is still applied
 * by DuckDB afterwards — the whole WHERE always runs there — so pushing only ever narrows what is read.
 */
import { type DataType, type Int, type Schema, type Timestamp, TimeUnit, Type } from "apache-arrow";
import type { ColumnFilter, Condition, Predicate, Scalar } from "../../vast/client/predicate.js";
import {
  type ColumnCondition,
  type SqlLiteral,
  termText,
  timestampLiteral,
  type WhereAnalysis,
} from "../sql-engine/where-conjuncts.js";
import type { StoredTable } from "../tables.js";

export interface Pushdown {
  /** The table the predicate applies to (`current_files` reads `files`). */
  table: StoredTable;
  predicate: Predicate;
  /** What was pushed down, as SQL. */
  pushed: string[];
  /** Why the rest was not (empty when everything was). */
  notPushed: string[];
}

/**
 * The pushdown of a query (null when none applies, with the reason). `current_files` picks each path's current
 * version among all its rows, so only conditions on `file_path_normalized` (which keep or drop every version of a
 * path together) may filter it; `validation_results` keeps each (file, policy)'s latest set, so none may.
 */
export function vastPushdown(
  analysis: WhereAnalysis,
  schemas: Record<StoredTable, Schema | null>,
): { pushdown: Pushdown | null; reason: string | null } {
  if (analysis.kind === "none") return { pushdown: null, reason: analysis.reason };
  if (analysis.table === "validation_results") {
    return { pushdown: null, reason: "verdicts are filtered only after each file's latest set is chosen" };
  }
  if (analysis.table === "stats" || analysis.table === "part_stats") {
    return { pushdown: null, reason: "statistics are filtered only after each file's latest set is chosen" };
  }
  const table = (analysis.table === "current_files" ? "files" : analysis.table) as StoredTable;
  const schema = schemas[table];
  if (!schema) return { pushdown: null, reason: `the catalog has no ${table} table` };
  const predicate: Predicate = [];
  const pushed: string[] = [];
  const notPushed: string[] = [];
  if (analysis.otherConjuncts > 0) {
    notPushed.push(`${analysis.otherConjuncts} condition(s) that are not simple column comparisons`);
  }
  for (const term of analysis.terms) {
    const text = termText(term);
    if (analysis.table === "current_files" && term.column !== "file_path_normalized") {
      notPushed.push(
        `${text} (current_files: only file_path_normalized may filter before the current version is chosen)`,
      );
      continue;
    }
    const field = schema.fields.find((f) => f.name === term.column);
    // Stryker disable next-line ArrayDeclaration: without a field the term is kept back (`!field` is tested first), so this list is never read
    const conditions = field ? term.anyOf.map((c) => condition(field.type, c)) : [];
    if (!field || conditions.some((c) => c === null)) {
      notPushed.push(
        `${text} (${field ? `not comparable on VAST exactly as in DuckDB (${field.type})` : "unknown column"})`,
      );
      continue;
    }
    const filter: ColumnFilter = { column: term.column, anyOf: conditions as Condition[] };
    predicate.push(filter);
    pushed.push(text);
  }
  if (predicate.length === 0) {
    return { pushdown: null, reason: notPushed.length > 0 ? notPushed.join("; ") : "no condition to push" };
  }
  return { pushdown: { table, predicate, pushed, notPushed }, reason: null };
}

function condition(type: DataType, c: ColumnCondition): Condition | null {
  switch (c.op) {
    case "is_null":
    case "is_not_null":
      return isListLike(type) ? null : { op: c.op };
    case "between": {
      const low = scalar(type, c.low);
      const high = scalar(type, c.high);
      return low === null || high === null ? null : { op: "between", low, high };
    }
    case "in": {
      const values = c.values.map((v) => scalar(type, v));
      return values.some((v) => v === null) ? null : { op: "isin", values: values as Scalar[] };
    }
    default: {
      const value = scalar(type, c.value);
      return value === null ? null : { op: c.op, value };
    }
  }
}

function isListLike(type: DataType): boolean {
  return [Type.List, Type.FixedSizeList, Type.Struct, Type.Map].includes(type.typeId);
}

const MICROS_PER_UNIT: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1_000_000n,
  [TimeUnit.MILLISECOND]: 1_000n,
  [TimeUnit.MICROSECOND]: 1n,
};

/** The literal as a value of the column's type when the comparison means the same on VAST, else null. */
function scalar(type: DataType, literal: SqlLiteral): Scalar | null {
  switch (type.typeId) {
    case Type.Utf8:
      return literal.kind === "string" ? literal.value : null;
    case Type.Bool:
      return literal.kind === "boolean" ? literal.value : null;
    case Type.Int: {
      if (literal.kind !== "integer") return null;
      const { bitWidth, isSigned } = type as Int;
      const min = isSigned ? -(1n << BigInt(bitWidth - 1)) : 0n;
      const max = isSigned ? (1n << BigInt(bitWidth - 1)) - 1n : (1n << BigInt(bitWidth)) - 1n;
      if (literal.value < min || literal.value > max) return null;
      return bitWidth === 64 ? literal.value : Number(literal.value);
    }
    case Type.Timestamp: {
      const t = type as Timestamp;
      if (t.timezone) return null; // TIMESTAMPTZ compares in instants; our literals are zone-free
      const ts = literal.kind === "string" ? timestampLiteral(literal.value) : literal;
      if (ts?.kind !== "timestamp") return null;
      const per = MICROS_PER_UNIT[t.unit];
      if (per === undefined || ts.micros % per !== 0n) return null; // not representable exactly in the unit
      return ts.micros / per;
    }
    default:
      return null;
  }
}
