/**
 * Executes one `GET …?data` request against a table snapshot and produces the framed response.
 *
 * Rows are grouped into row groups of 2^16 consecutive row ids. A split/sub-split owns every
 * `total_splits * num_sub_splits`-th run of `rowgroups_per_subsplit` groups, so splits are disjoint and
 * resumable by row id. For every sub-split still open (start row id != 0xFFFFFFFFFFFF) the answer holds at
 * least one page; a page covers matching rows of one row-group run, at most `tabular-limit-rows` rows per
 * sub-split and request, and carries the row id to resume from (or the invalid id once exhausted).
 */
import {
  type DataType,
  Field,
  FixedSizeList,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Type,
  Uint64,
} from "apache-arrow";
import { INVALID_ROW_ID, ROW_ID_COLUMN } from "../protocol/headers.js";
import { numberSchemaNodes, type SchemaNode, type SourceRelation } from "../protocol/query-relation.js";
import { encodeColumnStreamFrames, encodeCompletedFrame } from "../protocol/query-response.js";
import type { TableState } from "./catalog.js";
import { buildData, type Cell } from "./cells.js";
import { badRequest } from "./errors.js";
import { compilePredicate } from "./predicate.js";

export const ROW_GROUP_ROWS = 1 << 16;

export interface QueryParams {
  splitId: number;
  numSplits: number;
  rowGroupsPerSubSplit: number;
  numSubSplits: number;
  /** Start row id per sub-split (missing = 0). */
  startRowIds: Map<number, bigint>;
  /** Rows per sub-split and request; 0 = unlimited. */
  limitRows: number;
}

/** One projected leaf: how to cut its cells out of the top-level column and the Arrow type to send. */
interface LeafPlan {
  column: number;
  field: Field;
  prune: (cell: Cell) => Cell;
}

function pathTo(leaf: SchemaNode): SchemaNode[] {
  const path: SchemaNode[] = [];
  for (let n: SchemaNode | null = leaf; n; n = n.parent) path.unshift(n);
  return path;
}

/** Narrows a nested column to the single path leading to `leaf` (structs keep one child, maps become lists). */
function planLeaf(leaf: SchemaNode): LeafPlan {
  const path = pathTo(leaf);
  const typeAt = (i: number): DataType => {
    const node = path[i]!;
    if (i === path.length - 1) return node.field.type;
    const child = path[i + 1]!;
    const childField = new Field(child.field.name, typeAt(i + 1), child.field.nullable);
    switch (node.field.type.typeId) {
      case Type.Struct:
        return new Struct([childField]);
      case Type.List:
      case Type.Map:
        return new List(childField);
      case Type.FixedSizeList:
        return new FixedSizeList((node.field.type as FixedSizeList).listSize, childField);
      default:
        throw badRequest(`cannot project into ${String(node.field.type)}`);
    }
  };
  const cellAt = (cell: Cell, i: number): Cell => {
    if (cell === null || i === path.length - 1) return cell;
    const node = path[i]!;
    if (node.field.type.typeId === Type.Struct) {
      const k = node.children.indexOf(path[i + 1]!);
      return [cellAt((cell as Cell[])[k] ?? null, i + 1)];
    }
    return (cell as Cell[]).map((x) => cellAt(x, i + 1));
  };
  const root = path[0]!;
  // Only a struct (or a map's entries) on the path drops children; through lists alone the cell is already the leaf's.
  const needsPrune = path.some(
    (n) => n.field.type.typeId === Type.Struct || n.field.type.typeId === Type.Map,
  );
  return {
    column: root.column,
    field: new Field(root.field.name, typeAt(0), root.field.nullable),
    prune: needsPrune ? (c) => cellAt(c, 0) : (c) => c,
  };
}

function lowerBound(ids: readonly number[], value: number): number {
  let lo = 0;
  let hi = ids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function batchOf(field: Field, cells: Cell[]): { schema: Schema; batch: RecordBatch } {
  const schema = new Schema([field]);
  const data = buildData(field.type, cells);
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct([field]), length: cells.length, children: [data] }),
  );
  return { schema, batch };
}

function emptyProjectionBatch(rows: number): { schema: Schema; batch: RecordBatch } {
  const schema = new Schema([]);
  return {
    schema,
    batch: new RecordBatch(schema, makeData({ type: new Struct([]), length: rows, children: [] })),
  };
}

function sameShape(a: Field, b: Field): boolean {
  const ac = (a.type.children ?? []) as Field[];
  const bc = (b.type.children ?? []) as Field[];
  return (
    a.type.typeId === b.type.typeId && ac.length === bc.length && ac.every((c, i) => sameShape(c, bc[i]!))
  );
}

/** Validates and prepares the request against the table; throws 400s before any byte is sent. */
export function planQuery(table: TableState, relation: SourceRelation) {
  const columnCells: (readonly Cell[])[] = relation.schema.map((f) => {
    if (f.name === ROW_ID_COLUMN) return table.rowIds;
    const i = table.fields.findIndex((x) => x.name === f.name);
    if (i < 0)
      throw badRequest(`column ${f.name} does not exist in table ${table.name}`, "TabularColumnNotFound");
    return table.columns[i]!;
  });
  const rowIdType = new Uint64();
  // Output uses the table's own column types (the request omits e.g. timestamp zones); shapes must agree.
  const schema = relation.schema.map((f) => {
    if (f.name === ROW_ID_COLUMN) return new Field(f.name, rowIdType, false);
    const column = table.fields.find((x) => x.name === f.name)!;
    if (!sameShape(column, f))
      throw badRequest(`query type of column ${f.name} does not match the table (${String(column.type)})`);
    return column;
  });
  const nodes = numberSchemaNodes(schema);
  const leaves = relation.projection.map((p) => {
    const node = nodes[p];
    if (!node || node.children.length > 0) throw badRequest(`projection position ${p} is not a leaf column`);
    return planLeaf(node);
  });
  const keep = compilePredicate(relation.filter, nodes, { cells: (c) => columnCells[c]! });
  return { columnCells, leaves, keep };
}

export type QueryPlan = ReturnType<typeof planQuery>;

/** Produces response chunks page by page (an async generator so long answers do not block the server). */
export async function* runQuery(
  table: TableState,
  plan: QueryPlan,
  params: QueryParams,
): AsyncGenerator<Uint8Array> {
  const ids = table.rowIds;
  const lastId = ids.length ? ids[ids.length - 1]! : -1;
  const runRows = ROW_GROUP_ROWS * Math.max(1, params.rowGroupsPerSubSplit);
  const stride = Math.max(1, params.numSplits) * Math.max(1, params.numSubSplits);

  for (let sub = 0; sub < Math.max(1, params.numSubSplits); sub++) {
    const start = params.startRowIds.get(sub) ?? 0n;
    if (start >= INVALID_ROW_ID) continue;
    let budget = params.limitRows > 0 ? params.limitRows : Number.POSITIVE_INFINITY;
    let sentPage = false;
    const firstRun = params.splitId + Math.max(1, params.numSplits) * sub;
    // runs owned by this sub-split: firstRun, firstRun + stride, ...
    let run = firstRun;
    const startRow = Number(start);
    while (run * runRows + runRows <= startRow) run += stride;
    while (budget > 0 && run * runRows <= lastId) {
      const from = lowerBound(ids, Math.max(run * runRows, startRow));
      const to = lowerBound(ids, (run + 1) * runRows);
      const matched: number[] = [];
      let pos = from;
      for (; pos < to && matched.length < budget; pos++) if (plan.keep(pos)) matched.push(pos);
      budget -= matched.length;
      const cutShort = pos < to;
      const nextRun = run + stride;
      const exhausted = !cutShort && nextRun * runRows > lastId;
      const next = cutShort ? BigInt(ids[pos]!) : exhausted ? INVALID_ROW_ID : BigInt(nextRun * runRows);
      if (matched.length > 0 || exhausted) {
        yield* page(plan, matched, sub, next);
        sentPage = true;
      }
      // one scheduler turn per row-group run, so a long scan never starves other requests
      await new Promise((r) => setImmediate(r));
      if (cutShort || exhausted) break;
      run = nextRun;
    }
    if (!sentPage) yield* page(plan, [], sub, INVALID_ROW_ID);
  }
  yield encodeCompletedFrame();
}

function* page(plan: QueryPlan, positions: number[], streamId: number, next: bigint): Generator<Uint8Array> {
  if (plan.leaves.length === 0) {
    const { schema, batch } = emptyProjectionBatch(positions.length);
    yield* encodeColumnStreamFrames(streamId, next, schema, [batch]);
    return;
  }
  for (const leaf of plan.leaves) {
    const source = plan.columnCells[leaf.column]!;
    const cells = positions.map((p) => leaf.prune(source[p] ?? null));
    const { schema, batch } = batchOf(leaf.field, cells);
    yield* encodeColumnStreamFrames(streamId, next, schema, [batch]);
  }
}
