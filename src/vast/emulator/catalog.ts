/**
 * Catalog state (buckets → schemas → tables with rows) and its copy-on-write mutations.
 * A `CatalogWriter` owns the objects it has already copied, so one transaction copies a table at most once;
 * states reachable from other transactions or from the committed root are never modified.
 */
import { Field, type Field as FieldT } from "apache-arrow";
import type { Cell } from "./cells.js";
import { checkSameColumnType, validateColumns } from "./column-types.js";
import { badRequest, conflict, EmulatorError, notFound } from "./errors.js";

export interface TableState {
  /** Stable handle, survives renames. */
  id: number;
  name: string;
  fields: FieldT[];
  /** Ascending row ids, aligned with every column. */
  rowIds: number[];
  columns: Cell[][];
  /** Row ids come from the `vastdb_rowid` column (set by the first insert that supplies it). */
  externalRowIds?: boolean;
}

/** The column through which a client chooses row ids itself. */
export const EXTERNAL_ROW_ID_COLUMN = "vastdb_rowid";

export interface SchemaState {
  /** Full path inside the bucket, e.g. `a/b`. */
  name: string;
  properties: string;
  tables: Map<string, TableState>;
}

export interface BucketState {
  name: string;
  /** Keyed by full schema path. */
  schemas: Map<string, SchemaState>;
}

export interface CatalogState {
  buckets: Map<string, BucketState>;
}

export function emptyCatalog(bucketNames: readonly string[]): CatalogState {
  return { buckets: new Map(bucketNames.map((name) => [name, { name, schemas: new Map() }])) };
}

export function parentOf(schemaPath: string): string {
  const i = schemaPath.lastIndexOf("/");
  return i < 0 ? "" : schemaPath.slice(0, i);
}

export const missingBucket = (b: string) => notFound("NoSuchBucket", `bucket ${b} does not exist`);
export const missingSchema = (b: string, s: string) =>
  notFound("TabularSchemaNotFound", `schema ${b}/${s} does not exist`);
export const missingTable = (b: string, s: string, t: string) =>
  notFound("TabularTableNotFound", `table ${b}/${s}/${t} does not exist`);

export function getBucket(state: CatalogState, bucket: string): BucketState {
  const b = state.buckets.get(bucket);
  if (!b) throw missingBucket(bucket);
  return b;
}

export function getSchema(state: CatalogState, bucket: string, schema: string): SchemaState {
  const s = getBucket(state, bucket).schemas.get(schema);
  if (!s) throw missingSchema(bucket, schema);
  return s;
}

export function getTable(state: CatalogState, bucket: string, schema: string, table: string): TableState {
  const t = getSchema(state, bucket, schema).tables.get(table);
  if (!t) throw missingTable(bucket, schema, table);
  return t;
}

/** Child schemas of `parent` ("" = bucket root), sorted by name, as relative names. */
export function childSchemas(bucket: BucketState, parent: string): SchemaState[] {
  const out: SchemaState[] = [];
  for (const s of bucket.schemas.values()) if (parentOf(s.name) === parent) out.push(s);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class CatalogWriter {
  private owned = new WeakSet<object>();

  constructor(public state: CatalogState) {}

  /** Forgets ownership so later writes copy again (a running query keeps reading the current arrays). */
  release(): void {
    this.owned = new WeakSet<object>();
  }

  private own<T extends object>(fresh: T): T {
    this.owned.add(fresh);
    return fresh;
  }

  private rootForWrite(): CatalogState {
    if (!this.owned.has(this.state)) this.state = this.own({ buckets: new Map(this.state.buckets) });
    return this.state;
  }

  private bucketForWrite(bucket: string): BucketState {
    const root = this.rootForWrite();
    const current = root.buckets.get(bucket);
    if (!current) throw missingBucket(bucket);
    if (this.owned.has(current)) return current;
    const copy = this.own({ name: current.name, schemas: new Map(current.schemas) });
    root.buckets.set(bucket, copy);
    return copy;
  }

  private schemaForWrite(bucket: string, schema: string): SchemaState {
    const b = this.bucketForWrite(bucket);
    const current = b.schemas.get(schema);
    if (!current) throw missingSchema(bucket, schema);
    if (this.owned.has(current)) return current;
    const copy = this.own({ ...current, tables: new Map(current.tables) });
    b.schemas.set(schema, copy);
    return copy;
  }

  /** A writable copy of the table's metadata; row arrays are copied separately by `rowsForWrite`. */
  tableForWrite(bucket: string, schema: string, table: string): TableState {
    const s = this.schemaForWrite(bucket, schema);
    const current = s.tables.get(table);
    if (!current) throw missingTable(bucket, schema, table);
    if (this.owned.has(current)) return current;
    const copy = this.own({ ...current, fields: [...current.fields], columns: [...current.columns] });
    s.tables.set(table, copy);
    return copy;
  }

  private rowsForWrite(t: TableState): void {
    if (!this.owned.has(t.rowIds)) t.rowIds = this.own(t.rowIds.slice());
    t.columns = t.columns.map((c) => (this.owned.has(c) ? c : this.own(c.slice())));
  }

  private columnForWrite(t: TableState, index: number): Cell[] {
    const c = t.columns[index]!;
    if (this.owned.has(c)) return c;
    const copy = this.own(c.slice());
    t.columns[index] = copy;
    return copy;
  }

  createSchema(bucket: string, name: string, properties: string): void {
    if (!name || name.split("/").some((p) => p === "")) throw badRequest(`invalid schema name "${name}"`);
    const b = this.bucketForWrite(bucket);
    if (b.schemas.has(name))
      throw conflict(`schema ${bucket}/${name} already exists`, "TabularSchemaAlreadyExists");
    const parent = parentOf(name);
    if (parent && !b.schemas.has(parent)) throw missingSchema(bucket, parent);
    b.schemas.set(name, this.own({ name, properties, tables: new Map() }));
  }

  dropSchema(bucket: string, name: string): void {
    const b = this.bucketForWrite(bucket);
    const s = b.schemas.get(name);
    if (!s) throw missingSchema(bucket, name);
    if (s.tables.size > 0) throw conflict(`schema ${bucket}/${name} is not empty (it has tables)`);
    if (childSchemas(b, name).length > 0)
      throw conflict(`schema ${bucket}/${name} is not empty (it has schemas)`);
    b.schemas.delete(name);
  }

  renameSchema(bucket: string, name: string, newName: string): void {
    const b = this.bucketForWrite(bucket);
    const s = b.schemas.get(name);
    if (!s) throw missingSchema(bucket, name);
    const target = newName.includes("/") ? newName : [parentOf(name), newName].filter(Boolean).join("/");
    if (target === name) return;
    if (b.schemas.has(target))
      throw conflict(`schema ${bucket}/${target} already exists`, "TabularSchemaAlreadyExists");
    const moved = [...b.schemas.values()].filter((x) => x.name === name || x.name.startsWith(`${name}/`));
    for (const x of moved) b.schemas.delete(x.name);
    for (const x of moved) {
      const renamed = target + x.name.slice(name.length);
      b.schemas.set(renamed, this.own({ ...x, name: renamed, tables: new Map(x.tables) }));
    }
  }

  alterSchemaProperties(bucket: string, name: string, properties: string): void {
    this.schemaForWrite(bucket, name).properties = properties;
  }

  createTable(bucket: string, schema: string, table: TableState): void {
    if (!table.name || table.name.includes("/")) throw badRequest(`invalid table name "${table.name}"`);
    checkFieldNames(table.fields);
    validateColumns(table.fields);
    const s = this.schemaForWrite(bucket, schema);
    if (s.tables.has(table.name))
      throw conflict(`table ${bucket}/${schema}/${table.name} already exists`, "TabularTableAlreadyExists");
    s.tables.set(table.name, this.own(table));
  }

  /** A table's companion (e.g. its imports sub-table, `name/vastdb-imported-objects`): hidden from listings. */
  createSubTable(bucket: string, schema: string, table: TableState): void {
    const s = this.schemaForWrite(bucket, schema);
    if (s.tables.has(table.name))
      throw conflict(`table ${bucket}/${schema}/${table.name} already exists`, "TabularTableAlreadyExists");
    s.tables.set(table.name, this.own(table));
  }

  dropTable(bucket: string, schema: string, name: string): void {
    const s = this.schemaForWrite(bucket, schema);
    if (!s.tables.delete(name)) throw missingTable(bucket, schema, name);
    for (const sub of subTablesOf(s, name)) s.tables.delete(sub);
  }

  /** `newPath` is `schema/new_name` (the SDK always sends the schema); a bare name stays in `schema`. */
  renameTable(bucket: string, schema: string, name: string, newPath: string): void {
    const cut = newPath.lastIndexOf("/");
    const targetSchema = cut < 0 ? schema : newPath.slice(0, cut);
    const newName = cut < 0 ? newPath : newPath.slice(cut + 1);
    if (!newName) throw badRequest("empty table name");
    const t = this.tableForWrite(bucket, schema, name);
    const dest = this.schemaForWrite(bucket, targetSchema);
    if (dest.tables.has(newName) && !(targetSchema === schema && newName === name))
      throw conflict(
        `table ${bucket}/${targetSchema}/${newName} already exists`,
        "TabularTableAlreadyExists",
      );
    const source = this.schemaForWrite(bucket, schema);
    source.tables.delete(name);
    t.name = newName;
    dest.tables.set(newName, t);
    for (const sub of subTablesOf(source, name)) {
      const companion = this.tableForWrite(bucket, schema, sub);
      source.tables.delete(sub);
      companion.name = `${newName}${sub.slice(name.length)}`;
      dest.tables.set(companion.name, companion);
    }
  }

  addColumns(bucket: string, schema: string, table: string, fields: readonly FieldT[]): void {
    validateColumns(fields);
    const t = this.tableForWrite(bucket, schema, table);
    for (const f of fields) {
      if (t.fields.some((x) => x.name === f.name))
        throw conflict(`column ${f.name} already exists`, "TabularColumnAlreadyExists");
      t.fields.push(f);
      t.columns.push(this.own(new Array<Cell>(t.rowIds.length).fill(null)));
    }
    checkFieldNames(t.fields);
  }

  dropColumns(bucket: string, schema: string, table: string, names: readonly string[]): void {
    const t = this.tableForWrite(bucket, schema, table);
    for (const name of names) {
      const i = t.fields.findIndex((f) => f.name === name);
      if (i < 0) throw notFound("TabularColumnNotFound", `column ${name} does not exist`);
      t.fields.splice(i, 1);
      t.columns.splice(i, 1);
    }
  }

  renameColumn(bucket: string, schema: string, table: string, name: string, newName: string): void {
    const t = this.tableForWrite(bucket, schema, table);
    const i = t.fields.findIndex((f) => f.name === name);
    if (i < 0) throw notFound("TabularColumnNotFound", `column ${name} does not exist`);
    if (!newName) throw badRequest("empty column name");
    if (newName !== name && t.fields.some((f) => f.name === newName))
      throw conflict(`column ${newName} already exists`, "TabularColumnAlreadyExists");
    const f = t.fields[i]!;
    t.fields[i] = new Field(newName, f.type, f.nullable, f.metadata);
  }

  /** Rows arrive with pre-allocated ascending ids; `incoming[k]` describes the column of `values[k]`. */
  insertRows(
    bucket: string,
    schema: string,
    table: string,
    ids: number[],
    incoming: FieldT[],
    values: Cell[][],
    external = false,
  ) {
    const t = this.tableForWrite(bucket, schema, table);
    if (t.externalRowIds && !external)
      throw badRequest(
        `table ${t.name} uses external row ids: inserts must supply ${EXTERNAL_ROW_ID_COLUMN}`,
      );
    if (external) t.externalRowIds = true;
    const columnIndexes = incoming.map((f) => this.columnIndex(t, f));
    this.rowsForWrite(t);
    const full: Cell[][] = t.fields.map((_, c) => {
      const k = columnIndexes.indexOf(c);
      return k < 0 ? new Array<Cell>(ids.length).fill(null) : values[k]!;
    });
    const last = t.rowIds.length ? t.rowIds[t.rowIds.length - 1]! : -1;
    if (ids.length === 0) return;
    if (ids[0]! > last) {
      for (let r = 0; r < ids.length; r++) t.rowIds.push(ids[r]!);
      full.forEach((col, c) => {
        const target = t.columns[c]!;
        for (let r = 0; r < col.length; r++) target.push(col[r]!);
      });
      return;
    }
    // Replaying a transaction whose ids were allocated before a concurrent commit: merge by id.
    const order = [
      ...t.rowIds.map((id, r) => ({ id, src: 0, r })),
      ...ids.map((id, r) => ({ id, src: 1, r })),
    ].sort((a, b) => a.id - b.id);
    for (let i = 1; i < order.length; i++)
      if (order[i]!.id === order[i - 1]!.id)
        throw badRequest(`duplicate row id ${order[i]!.id}`, "TabularDuplicateRowId");
    t.rowIds = this.own(order.map((o) => o.id));
    t.columns = t.columns.map((col, c) =>
      this.own(order.map((o) => (o.src === 0 ? col[o.r]! : full[c]![o.r]!))),
    );
  }

  /** Index of the table column written by `incoming`, checking the type matches exactly. */
  private columnIndex(t: TableState, incoming: FieldT): number {
    const c = t.fields.findIndex((f) => f.name === incoming.name);
    if (c < 0) throw notFound("TabularColumnNotFound", `column ${incoming.name} does not exist`);
    checkSameColumnType(t.fields[c]!, incoming);
    return c;
  }

  /** Positions of the given row ids (ascending binary search); unknown ids are a 400 like VAST. */
  private positionsOf(t: TableState, ids: readonly number[]): number[] {
    return ids.map((id) => {
      let lo = 0;
      let hi = t.rowIds.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = t.rowIds[mid]!;
        if (v === id) return mid;
        if (v < id) lo = mid + 1;
        else hi = mid - 1;
      }
      throw badRequest(`row id ${id} does not exist in table ${t.name}`, "TabularInvalidRowId");
    });
  }

  updateRows(
    bucket: string,
    schema: string,
    table: string,
    ids: number[],
    incoming: FieldT[],
    values: Cell[][],
  ) {
    const t = this.tableForWrite(bucket, schema, table);
    const positions = this.positionsOf(t, ids);
    incoming.forEach((f, k) => {
      const c = this.columnIndex(t, f);
      const target = this.columnForWrite(t, c);
      positions.forEach((p, r) => {
        target[p] = values[k]![r]!;
      });
    });
  }

  deleteRows(bucket: string, schema: string, table: string, ids: number[]): void {
    const t = this.tableForWrite(bucket, schema, table);
    const doomed = new Set(this.positionsOf(t, ids));
    if (doomed.size === 0) return;
    const keep = (_: unknown, i: number) => !doomed.has(i);
    t.rowIds = this.own(t.rowIds.filter(keep));
    t.columns = t.columns.map((c) => this.own(c.filter(keep)));
  }
}

/** Names of the companion tables of `table` (`table/<sub-table>`). */
function subTablesOf(s: SchemaState, table: string): string[] {
  return [...s.tables.keys()].filter((n) => n.startsWith(`${table}/`));
}

/** Whether a stored table is a companion (sub-table) rather than a user table. */
export function isSubTable(name: string): boolean {
  return name.includes("/");
}

function checkFieldNames(fields: readonly FieldT[]): void {
  const seen = new Set<string>();
  for (const f of fields) {
    if (!f.name) throw badRequest("empty column name");
    if (f.name === "$row_id") throw badRequest("$row_id is reserved");
    if (seen.has(f.name))
      throw new EmulatorError(409, "TabularColumnAlreadyExists", `duplicate column ${f.name}`);
    seen.add(f.name);
  }
}
