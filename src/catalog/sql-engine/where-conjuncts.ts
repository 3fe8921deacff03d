/**
 * What of a SQL query's WHERE clause a storage engine could apply while reading: the query is parsed by DuckDB
 * itself (`json_serialize_sql`, no execution), and when it is one SELECT over exactly one catalog table, the
 * conjuncts of its WHERE that are simple column conditions (`= <> < <= > >=` with a constant, BETWEEN, IN, IS [NOT]
 * NULL, and ORs of those on one column) are returned. Filtering the table's rows by them before the query runs
 * cannot change its answer: WHERE is applied before grouping, windows, ordering and limits, and no other part of
 * the query reads the table.
 */
import { DuckDBInstance } from "@duckdb/node-api";

export type SqlLiteral =
  | { kind: "string"; value: string }
  | { kind: "integer"; value: bigint }
  | { kind: "decimal"; value: number }
  | { kind: "boolean"; value: boolean }
  /** A `TIMESTAMP '…'` literal (or `CAST('…' AS TIMESTAMP)`), as microseconds since the epoch (UTC). */
  | { kind: "timestamp"; micros: bigint; text: string };

export type ColumnCondition =
  | { op: "eq" | "ne" | "lt" | "le" | "gt" | "ge"; value: SqlLiteral }
  | { op: "between"; low: SqlLiteral; high: SqlLiteral }
  | { op: "in"; values: SqlLiteral[] }
  | { op: "is_null" }
  | { op: "is_not_null" };

/** An OR of conditions on one column (a single condition when the conjunct is not an OR). */
export interface ColumnTerm {
  column: string;
  anyOf: ColumnCondition[];
}

export type WhereAnalysis =
  | { kind: "single-table"; table: string; terms: ColumnTerm[]; otherConjuncts: number }
  | { kind: "none"; reason: string };

const CATALOG_TABLES = new Set([
  "files",
  "current_files",
  "parts",
  "channels",
  "attributes",
  "validation_results",
]);

const COMPARISONS: Record<string, ColumnCondition["op"]> = {
  COMPARE_EQUAL: "eq",
  COMPARE_NOTEQUAL: "ne",
  COMPARE_LESSTHAN: "lt",
  COMPARE_LESSTHANOREQUALTO: "le",
  COMPARE_GREATERTHAN: "gt",
  COMPARE_GREATERTHANOREQUALTO: "ge",
};
const FLIPPED: Record<string, "eq" | "ne" | "lt" | "le" | "gt" | "ge"> = {
  eq: "eq",
  ne: "ne",
  lt: "gt",
  le: "ge",
  gt: "lt",
  ge: "le",
};

// biome-ignore lint/suspicious/noExplicitAny: DuckDB's serialized parse tree
type Node = any;

/** Parses `sql` with DuckDB and returns the single-table WHERE conjuncts a reader may apply, or why none. */
export async function analyzeWhere(sql: string): Promise<WhereAnalysis> {
  const tree = await parse(sql);
  if (!tree || tree.error) return { kind: "none", reason: "the query could not be parsed" };
  if (tree.statements?.length !== 1) return { kind: "none", reason: "more than one statement" };
  const node = tree.statements[0].node;
  if (node?.type !== "SELECT_NODE") return { kind: "none", reason: "not a plain SELECT (UNION, VALUES, …)" };
  if ((node.cte_map?.map ?? []).length > 0) return { kind: "none", reason: "the query has a WITH clause" };
  const from = node.from_table;
  const name = String(from?.table_name ?? "").toLowerCase();
  if (from?.type !== "BASE_TABLE" || !CATALOG_TABLES.has(name)) {
    return { kind: "none", reason: "FROM is not a single catalog table (a join or a subquery)" };
  }
  if (catalogTableRefs(tree) !== 1) return { kind: "none", reason: "the query reads more than one table" };
  if (!node.where_clause) return { kind: "none", reason: "no WHERE clause" };
  const qualifier = String(from.alias || from.table_name).toLowerCase();
  const conjuncts = flattenAnd(node.where_clause);
  const terms: ColumnTerm[] = [];
  for (const c of conjuncts) {
    const term = columnTerm(c, qualifier);
    if (term) terms.push(term);
  }
  return { kind: "single-table", table: name, terms, otherConjuncts: conjuncts.length - terms.length };
}

async function parse(sql: string): Promise<Node | null> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR)", [sql]);
    return JSON.parse(String(reader.getRows()[0]?.[0] ?? "null"));
  } catch {
    return null;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Table references to catalog tables anywhere in the tree (subqueries included). */
function catalogTableRefs(tree: Node): number {
  let n = 0;
  const visit = (x: Node): void => {
    if (Array.isArray(x)) {
      for (const v of x) visit(v);
      return;
    }
    if (x === null || typeof x !== "object") return;
    if (x.type === "BASE_TABLE" && CATALOG_TABLES.has(String(x.table_name).toLowerCase())) n++;
    for (const v of Object.values(x)) visit(v);
  };
  visit(tree);
  return n;
}

function flattenAnd(e: Node): Node[] {
  if (e?.class === "CONJUNCTION" && e.type === "CONJUNCTION_AND") return e.children.flatMap(flattenAnd);
  return [e];
}

function columnTerm(e: Node, qualifier: string): ColumnTerm | null {
  if (e?.class === "CONJUNCTION" && e.type === "CONJUNCTION_OR") {
    const parts = e.children.map((c: Node) => columnTerm(c, qualifier));
    if (parts.some((p: ColumnTerm | null) => p === null)) return null;
    const column = parts[0].column;
    if (parts.some((p: ColumnTerm) => p.column !== column)) return null; // an OR across columns
    return { column, anyOf: parts.flatMap((p: ColumnTerm) => p.anyOf) };
  }
  if (e?.class === "COMPARISON" && e.type in COMPARISONS) {
    const op = COMPARISONS[e.type] as "eq" | "ne" | "lt" | "le" | "gt" | "ge";
    const left = columnOf(e.left, qualifier);
    const right = columnOf(e.right, qualifier);
    if (left && !right) {
      const value = literalOf(e.right);
      return value ? { column: left, anyOf: [{ op, value }] } : null;
    }
    if (right && !left) {
      const value = literalOf(e.left);
      return value ? { column: right, anyOf: [{ op: FLIPPED[op]!, value }] } : null;
    }
    return null;
  }
  if (e?.class === "BETWEEN") {
    const column = columnOf(e.input, qualifier);
    const low = literalOf(e.lower);
    const high = literalOf(e.upper);
    return column && low && high ? { column, anyOf: [{ op: "between", low, high }] } : null;
  }
  if (e?.class === "OPERATOR") {
    const column = columnOf(e.children?.[0], qualifier);
    if (!column) return null;
    if (e.type === "OPERATOR_IS_NULL" && e.children.length === 1)
      return { column, anyOf: [{ op: "is_null" }] };
    if (e.type === "OPERATOR_IS_NOT_NULL" && e.children.length === 1) {
      return { column, anyOf: [{ op: "is_not_null" }] };
    }
    if (e.type === "COMPARE_IN" && e.children.length > 1) {
      const values = e.children.slice(1).map(literalOf);
      if (values.some((v: SqlLiteral | null) => v === null)) return null;
      return { column, anyOf: [{ op: "in", values }] };
    }
  }
  return null;
}

function columnOf(e: Node, qualifier: string): string | null {
  if (e?.class !== "COLUMN_REF") return null;
  const names: string[] = e.column_names ?? [];
  if (names.length === 1) return names[0]!.toLowerCase();
  if (names.length === 2 && names[0]!.toLowerCase() === qualifier) return names[1]!.toLowerCase();
  return null;
}

const INTEGER_TYPES = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "BIGINT",
  "HUGEINT",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "UBIGINT",
]);

function literalOf(e: Node): SqlLiteral | null {
  if (e?.class === "CAST" && !e.try_cast && e.cast_type?.id === "TIMESTAMP") {
    const inner = literalOf(e.child);
    return inner?.kind === "string" ? timestampLiteral(inner.value) : null;
  }
  if (e?.class === "CAST" && !e.try_cast && e.cast_type?.id === "BOOLEAN") {
    // The parser writes TRUE / FALSE as CAST('t' / 'f' AS BOOLEAN).
    const inner = literalOf(e.child);
    const text = inner?.kind === "string" ? inner.value.toLowerCase() : null;
    if (text === "t" || text === "true") return { kind: "boolean", value: true };
    if (text === "f" || text === "false") return { kind: "boolean", value: false };
    return inner?.kind === "boolean" ? inner : null;
  }
  if (e?.class !== "CONSTANT" || e.value?.is_null !== false) return null;
  const type = String(e.value.type?.id ?? "");
  const v = e.value.value;
  if (type === "VARCHAR" && typeof v === "string") return { kind: "string", value: v };
  if (type === "BOOLEAN" && typeof v === "boolean") return { kind: "boolean", value: v };
  if (INTEGER_TYPES.has(type) && (typeof v === "number" || typeof v === "string")) {
    if (typeof v === "number" && !Number.isSafeInteger(v)) return null;
    if (typeof v === "string" && !/^-?\d+$/.test(v)) return null;
    return { kind: "integer", value: BigInt(v) };
  }
  if (type === "DECIMAL" && typeof v === "number") {
    // The parser writes a DECIMAL constant as its unscaled integer (2.5 is 25 with scale 1).
    return { kind: "decimal", value: v / 10 ** Number(e.value.type.type_info?.scale ?? 0) };
  }
  if ((type === "DOUBLE" || type === "FLOAT") && typeof v === "number") return { kind: "decimal", value: v };
  return null;
}

const TIMESTAMP_TEXT = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$/;

/** A timezone-free timestamp text as DuckDB reads it (the catalog's session time zone is UTC), or null. */
export function timestampLiteral(text: string): SqlLiteral | null {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = ""] = m;
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s));
  const ms = date.getTime();
  if (date.getUTCDate() !== Number(d) || date.getUTCMonth() !== Number(mo) - 1) return null; // e.g. Feb 30
  return { kind: "timestamp", micros: BigInt(ms) * 1000n + BigInt(frac.padEnd(6, "0")), text: text.trim() };
}

/** The SQL text of a term, for telling the user what was pushed down. */
export function termText(term: ColumnTerm): string {
  const lit = (l: SqlLiteral): string => {
    switch (l.kind) {
      case "string":
        return `'${l.value.replace(/'/g, "''")}'`;
      case "timestamp":
        return `TIMESTAMP '${l.text}'`;
      default:
        return String(l.value);
    }
  };
  const SYMBOL = { eq: "=", ne: "<>", lt: "<", le: "<=", gt: ">", ge: ">=" } as const;
  const one = (c: ColumnCondition): string => {
    switch (c.op) {
      case "between":
        return `${term.column} BETWEEN ${lit(c.low)} AND ${lit(c.high)}`;
      case "in":
        return `${term.column} IN (${c.values.map(lit).join(", ")})`;
      case "is_null":
        return `${term.column} IS NULL`;
      case "is_not_null":
        return `${term.column} IS NOT NULL`;
      default:
        return `${term.column} ${SYMBOL[c.op]} ${lit(c.value)}`;
    }
  };
  return term.anyOf.length === 1 ? one(term.anyOf[0]!) : `(${term.anyOf.map(one).join(" OR ")})`;
}
