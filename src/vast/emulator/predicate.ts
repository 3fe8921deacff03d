/**
 * Evaluates a decoded query filter (computeir expression) over stored rows with SQL three-valued logic:
 * comparisons with null yield null, `and`/`or` follow Kleene logic, and a row is kept only when the filter
 * is true. Strings compare as UTF-8 bytes (startswith bounds are raw, possibly invalid, UTF-8), float16 cells
 * and literals are raw bit patterns converted for comparison, decimals are unscaled integers, fixed-size lists
 * compare lexicographically.
 */
import { type DataType, type Field, type Float, Precision, Type } from "apache-arrow";
import { type Expr, type LiteralExpr, LiteralKind, type SchemaNode } from "../protocol/query-relation.js";
import { type Cell, isVectorCell } from "./cells.js";
import { badRequest, notImplemented } from "./errors.js";

type Comparable = number | bigint | Uint8Array | Comparable[];
type Truth = boolean | null;
export type RowPredicate = (row: number) => boolean;

/** Resolves a field node of the request schema to the cells of one row. */
export interface ColumnAccess {
  /** Cells of the top-level column this node belongs to. */
  cells(column: number): readonly Cell[];
}

export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const frac = bits & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decimalFromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return BigInt.asIntN(bytes.length * 8, v);
}

function literalComparable(lit: LiteralExpr): Comparable {
  const v = lit.value;
  switch (lit.literal) {
    case LiteralKind.Boolean:
      return v ? 1 : 0;
    case LiteralKind.Float16:
      return float16ToNumber(Number(v));
    case LiteralKind.Decimal:
      return decimalFromBytes(v as Uint8Array);
    case LiteralKind.String:
    case LiteralKind.Binary:
      return v as Uint8Array;
    case LiteralKind.List:
      return (v as LiteralExpr[]).map(literalComparable);
    default:
      return v as number | bigint;
  }
}

function cellComparable(cell: Cell, type: DataType): Comparable {
  if (typeof cell === "string") return Buffer.from(cell, "utf8");
  if (typeof cell === "boolean") return cell ? 1 : 0;
  if (isVectorCell(cell)) return Array.from(cell);
  if (Array.isArray(cell)) {
    const child = (type.children?.[0] as Field | undefined)?.type ?? type;
    return cell.map((c) => (c === null ? Number.NaN : cellComparable(c, child)));
  }
  if (type.typeId === Type.Float && (type as Float).precision === Precision.HALF)
    return float16ToNumber(cell as number);
  return cell as number | bigint | Uint8Array;
}

export function compareComparable(a: Comparable, b: Comparable): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareComparable(a[i]!, b[i]!);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "number" && typeof b === "bigint")
    return Number.isInteger(a) ? compareComparable(BigInt(a), b) : compareComparable(a, Number(b));
  if (typeof a === "bigint" && typeof b === "number") return -compareComparable(b, a);
  throw badRequest("predicate compares incompatible types");
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The literal's text, or null when its bytes are not valid UTF-8 (e.g. a raw prefix bound). */
function validUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Compares two strings in the order of their UTF-8 bytes (= code point order). UTF-16 code units order the same
 * way except that surrogates (U+D800–DFFF, i.e. code points ≥ U+10000) must sort after U+E000–FFFF.
 */
export function compareUtf8Order(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return surrogateLast(x) - surrogateLast(y);
    return x - y;
  }
  return a.length - b.length;
}

const surrogateLast = (unit: number) => (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

const COMPARISONS: Record<string, (c: number) => boolean> = {
  equal: (c) => c === 0,
  not_equal: (c) => c !== 0,
  less: (c) => c < 0,
  less_equal: (c) => c <= 0,
  greater: (c) => c > 0,
  greater_equal: (c) => c >= 0,
};

type Compiled = (row: number) => Truth;

/** Builds a cell reader for a field position: struct paths are followed, fixed-list items mean the list. */
function fieldReader(nodes: readonly SchemaNode[], position: number, access: ColumnAccess) {
  let node = nodes[position];
  if (!node) throw badRequest(`predicate references unknown field position ${position}`);
  if (node.parent && node.parent.field.type.typeId === Type.FixedSizeList) node = node.parent;
  const path: number[] = [];
  for (let n = node; n.parent; n = n.parent) {
    if (n.parent.field.type.typeId !== Type.Struct)
      throw notImplemented(`predicates on elements of ${String(n.parent.field.type)} are not supported`);
    path.unshift(n.parent.children.indexOf(n));
  }
  const cells = access.cells(node.column);
  const type = node.field.type;
  const read = (row: number): Cell => {
    let v: Cell = cells[row] ?? null;
    for (const k of path) v = v === null ? null : ((v as Cell[])[k] ?? null);
    return v;
  };
  return { read, type };
}

function compile(e: Expr, nodes: readonly SchemaNode[], access: ColumnAccess): Compiled {
  if (e.kind !== "call") throw badRequest("a filter must be built from function calls");
  const { name, args } = e;
  if (name === "or") {
    const set = stringSetTest(args, nodes, access);
    if (set) return set;
  }
  if (name === "and" || name === "or") {
    // Set lookups first: they decide most rows of a key lookup (`between(first, last) and isin(keys)`) without
    // the range's two string comparisons; three-valued and/or give the same answer in any order.
    const parts = args
      .map((a) => compile(a, nodes, access))
      .sort((a, b) => Number(SET_TESTS.has(b)) - Number(SET_TESTS.has(a)));
    const isAnd = name === "and";
    return (row) => {
      let unknown = false;
      for (const p of parts) {
        const v = p(row);
        if (v === null) unknown = true;
        else if (v !== isAnd) return v;
      }
      return unknown ? null : isAnd;
    };
  }
  const [target, literal] = args;
  if (target?.kind !== "field") throw badRequest(`${name} needs a column as its first argument`);
  const { read, type } = fieldReader(nodes, target.position, access);
  if (name === "is_null") return (row) => read(row) === null;
  if (name === "is_valid") return (row) => read(row) !== null;
  if (literal?.kind !== "literal") throw badRequest(`${name} needs a literal as its second argument`);
  if (name === "match_substring") {
    const needle = Buffer.from(literal.value as Uint8Array).toString("utf8");
    return (row) => {
      const v = read(row);
      return v === null ? null : String(v).includes(needle);
    };
  }
  // Own keys only: a request naming "toString" or "constructor" must not reach Object.prototype.
  const test = Object.hasOwn(COMPARISONS, name) ? COMPARISONS[name] : undefined;
  if (!test) throw notImplemented(`predicate function ${name} is not supported`);
  const rhs = literalComparable(literal);
  const text = typeof rhs === "object" && type.typeId === Type.Utf8 ? validUtf8(rhs as Uint8Array) : null;
  if (text !== null) {
    // Strings against a string literal: compared as strings in UTF-8 byte order, no per-row encoding.
    if (name === "equal" || name === "not_equal") {
      const equal = name === "equal";
      return (row) => {
        const v = read(row);
        return v === null ? null : (v === text) === equal;
      };
    }
    return (row) => {
      const v = read(row);
      return v === null ? null : test(compareUtf8Order(v as string, text));
    };
  }
  return (row) => {
    const v = read(row);
    return v === null ? null : test(compareComparable(cellComparable(v, type), rhs));
  };
}

/**
 * `s = 'a' OR s = 'b' OR …` on one string column (how clients send `IN` lists, e.g. key lookups by id) as one
 * set lookup per row instead of a comparison per literal; null when the `or` is of another shape.
 */
/** The compiled set lookups (stringSetTest), cheaper per row than any comparison. */
const SET_TESTS = new WeakSet<Compiled>();

function stringSetTest(
  args: readonly Expr[],
  nodes: readonly SchemaNode[],
  access: ColumnAccess,
): Compiled | null {
  const position = args[0]?.kind === "call" ? args[0].args[0] : undefined;
  if (position?.kind !== "field") return null;
  const values = new Set<string>();
  for (const a of args) {
    if (a.kind !== "call" || a.name !== "equal" || a.args.length !== 2) return null;
    const [target, literal] = a.args;
    if (target?.kind !== "field" || target.position !== position.position) return null;
    if (literal?.kind !== "literal" || literal.literal !== LiteralKind.String) return null;
    const text = validUtf8(literal.value as Uint8Array);
    if (text === null) return null;
    values.add(text);
  }
  const { read, type } = fieldReader(nodes, position.position, access);
  if (type.typeId !== Type.Utf8) return null;
  const test: Compiled = (row) => {
    const v = read(row);
    return v === null ? null : values.has(v as string);
  };
  SET_TESTS.add(test);
  return test;
}

/** Compiles the filter; a missing filter (or an empty `and`) keeps every row. */
export function compilePredicate(
  filter: Expr | null,
  nodes: readonly SchemaNode[],
  access: ColumnAccess,
): RowPredicate {
  if (!filter) return () => true;
  const f = compile(filter, nodes, access);
  return (row) => f(row) === true;
}
