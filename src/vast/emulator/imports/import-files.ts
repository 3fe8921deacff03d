/**
 * `import_files` as VAST does it: Parquet objects of the S3 side become rows of a table, server-side.
 *
 * - Plain import: every Parquet column must be a table column (else `TabularMismatchColumnName`) of the same type
 *   (else `TabularMismatchColumnType`); table columns the file lacks are null; partition values (one row per file)
 *   fill their columns. Each imported object is recorded in the table's imports sub-table
 *   (`vastdb-imported-objects`: `ObjectName`, `BucketName`).
 * - Zip import (`key_names`, VAST ≥ 5.3.1): the file's rows are matched to existing rows by the key columns;
 *   the file's other columns update those rows, and columns the table lacks are added (nullable, the file's type).
 *   Key columns missing from the file → "Failed to verify import keys"; a file key with no table row →
 *   "Failed to get row_ids to update on table".
 *
 * Validation happens before anything is written, so a refused request changes nothing.
 */
import { Field, type Timestamp, TimeUnit, Type, Utf8 } from "apache-arrow";
import type { CatalogState, CatalogWriter, TableState } from "../catalog.js";
import type { Cell } from "../cells.js";
import { checkSameColumnType } from "../column-types.js";
import { EmulatorError } from "../errors.js";
import type { ParquetColumns } from "./parquet-columns.js";

export const IMPORTS_SUB_TABLE = "vastdb-imported-objects";

/** The imports sub-table lives next to its table under this name (a `/` no table name can contain). */
export function importsTableName(table: string): string {
  return `${table}/${IMPORTS_SUB_TABLE}`;
}

export const IMPORTS_TABLE_FIELDS = [
  new Field("ObjectName", new Utf8(), true),
  new Field("BucketName", new Utf8(), true),
];

export interface ParsedImport {
  bucket: string;
  key: string;
  data: ParquetColumns;
  /** Partition columns with their one value for every row of the file. */
  partitions: { fields: Field[]; values: Cell[] };
}

/** A refused object: the status record's `res` and `err_msg`. */
export class ImportRefused extends Error {
  constructor(
    readonly res: string,
    message: string,
  ) {
    super(message);
  }
}

const PER_SECOND: Record<number, bigint> = {
  [TimeUnit.SECOND]: 1n,
  [TimeUnit.MILLISECOND]: 1000n,
  [TimeUnit.MICROSECOND]: 1_000_000n,
  [TimeUnit.NANOSECOND]: 1_000_000_000n,
};

/**
 * The file's cells in the table column's type: timestamps of another unit are rescaled (a finer unit is
 * truncated, as VAST's import casts them); any other difference is `TabularMismatchColumnType`.
 */
function coerce(column: Field, incoming: Field, cells: Cell[]): Cell[] {
  if (column.type.typeId === Type.Timestamp && incoming.type.typeId === Type.Timestamp) {
    const to = PER_SECOND[(column.type as Timestamp).unit]!;
    const from = PER_SECOND[(incoming.type as Timestamp).unit]!;
    if (to === from) return cells;
    return cells.map((c) =>
      c === null ? null : from > to ? (c as bigint) / (from / to) : (c as bigint) * (to / from),
    );
  }
  sameType(column, incoming);
  return cells;
}

function sameType(column: Field, incoming: Field): void {
  try {
    checkSameColumnType(
      new Field(column.name, column.type, true),
      new Field(column.name, incoming.type, true),
    );
  } catch (err) {
    if (err instanceof EmulatorError) throw new ImportRefused("TabularMismatchColumnType", err.message);
    throw err;
  }
}

/** Checks a plain import of `file` into `table`; returns the table column index of each file column. */
export function planPlainImport(
  table: TableState,
  file: ParsedImport,
): { fields: Field[]; values: Cell[][] } {
  const rows = file.data.rows;
  const fields = [...file.data.fields, ...file.partitions.fields];
  const given = [...file.data.columns, ...file.partitions.values.map((v) => new Array<Cell>(rows).fill(v))];
  const columns = fields.map((f) => {
    const column = table.fields.find((c) => c.name === f.name);
    if (!column)
      throw new ImportRefused(
        "TabularMismatchColumnName",
        `column ${f.name} of ${file.key} does not exist in table ${table.name}`,
      );
    return column;
  });
  const values = fields.map((f, i) => coerce(columns[i]!, f, given[i]!));
  return { fields: columns, values };
}

const keyOf = (cells: readonly Cell[]): string =>
  JSON.stringify(cells, (_, v) =>
    typeof v === "bigint" ? `${v}n` : ArrayBuffer.isView(v) ? [...(v as Uint8Array)] : v,
  );

export interface ZipPlan {
  /** Columns the table gains (in the file's order). */
  added: Field[];
  /** File columns written into matched rows (key columns excluded). */
  updated: { field: Field; cells: Cell[] }[];
  /** For each file row, the row id of the table row it updates. */
  rowIds: number[];
}

/** Checks a zip import against the table as it is now and matches every file row to a table row. */
export function planZipImport(table: TableState, file: ParsedImport, keyNames: readonly string[]): ZipPlan {
  const fileIndex = (name: string) => file.data.fields.findIndex((f) => f.name === name);
  const fileKeys = keyNames.map((k) => {
    const at = fileIndex(k);
    const column = table.fields.findIndex((f) => f.name === k);
    if (at < 0 || column < 0)
      throw new ImportRefused(
        "TabularImportKeysError",
        `Failed to verify import keys: key column ${k} is missing from ${at < 0 ? file.key : `table ${table.name}`}`,
      );
    return coerce(table.fields[column]!, file.data.fields[at]!, file.data.columns[at]!);
  });
  const tableKeys = keyNames.map((k) => table.columns[table.fields.findIndex((f) => f.name === k)]!);
  const byKey = new Map<string, number>();
  for (let r = 0; r < table.rowIds.length; r++)
    byKey.set(keyOf(tableKeys.map((c) => c[r]!)), table.rowIds[r]!);
  const rowIds: number[] = [];
  for (let r = 0; r < file.data.rows; r++) {
    const id = byKey.get(keyOf(fileKeys.map((c) => c[r]!)));
    if (id === undefined)
      throw new ImportRefused(
        "TabularImportKeysError",
        `Failed to get row_ids to update on table ${table.name}: row ${r} of ${file.key} matches no row`,
      );
    rowIds.push(id);
  }
  const added: Field[] = [];
  const updated: ZipPlan["updated"] = [];
  file.data.fields.forEach((f, i) => {
    if (keyNames.includes(f.name)) return;
    const column = table.fields.find((c) => c.name === f.name);
    if (!column) added.push(new Field(f.name, f.type, true));
    const cells = column ? coerce(column, f, file.data.columns[i]!) : file.data.columns[i]!;
    updated.push({ field: column ?? new Field(f.name, f.type, true), cells });
  });
  return { added, updated, rowIds };
}

/** Applies a zip plan: adds the new columns, then updates the matched rows (sorted by row id, as updates go). */
export function applyZipImport(
  w: CatalogWriter,
  bucket: string,
  schema: string,
  table: string,
  plan: ZipPlan,
): void {
  if (plan.added.length) w.addColumns(bucket, schema, table, plan.added);
  const order = plan.rowIds.map((id, r) => ({ id, r })).sort((a, b) => a.id - b.id);
  w.updateRows(
    bucket,
    schema,
    table,
    order.map((o) => o.id),
    plan.updated.map((u) => u.field),
    plan.updated.map((u) => order.map((o) => u.cells[o.r]!)),
  );
}

/** Records imported objects in the table's imports sub-table (created on first use). */
export function recordImports(
  w: CatalogWriter,
  bucket: string,
  schema: string,
  table: string,
  objects: readonly { bucket: string; key: string }[],
  newTableId: () => number,
): void {
  const name = importsTableName(table);
  const s = w.state.buckets.get(bucket)?.schemas.get(schema);
  if (!s?.tables.has(name))
    w.createSubTable(bucket, schema, {
      id: newTableId(),
      name,
      fields: [...IMPORTS_TABLE_FIELDS],
      rowIds: [],
      columns: IMPORTS_TABLE_FIELDS.map(() => []),
    });
  const sub = w.state.buckets.get(bucket)!.schemas.get(schema)!.tables.get(name)!;
  const first = sub.rowIds.length ? sub.rowIds[sub.rowIds.length - 1]! + 1 : 0;
  w.insertRows(
    bucket,
    schema,
    name,
    objects.map((_, i) => first + i),
    [...IMPORTS_TABLE_FIELDS],
    [objects.map((o) => o.key), objects.map((o) => o.bucket)],
  );
}

/** The imports sub-table of a table, or an empty one when nothing was imported yet. */
export function importsTableOf(
  state: CatalogState,
  bucket: string,
  schema: string,
  table: TableState,
): TableState {
  const sub = state.buckets.get(bucket)?.schemas.get(schema)?.tables.get(importsTableName(table.name));
  return (
    sub ?? {
      id: -table.id,
      name: importsTableName(table.name),
      fields: [...IMPORTS_TABLE_FIELDS],
      rowIds: [],
      columns: IMPORTS_TABLE_FIELDS.map(() => []),
    }
  );
}
