/**
 * One VAST transaction: DDL (schemas, tables, columns), DML (insert / update / delete by `$row_id`) and
 * select. Mirrors the official SDK's RPCs; every request carries the transaction id.
 */
import {
  type Data,
  Field,
  makeData,
  type RecordBatch,
  Schema,
  Type,
  Uint64,
  Vector,
  vectorFromArray,
} from "apache-arrow";
import { encodeSchemaMessage } from "../protocol/arrow-ipc.js";
import { decodeListSchemasResponse, decodeListTablesResponse } from "../protocol/object-list.js";
import { encodePropertiesRequest } from "../protocol/properties-request.js";
import { decodeTableStats, type TableStats } from "../protocol/table-stats.js";
import {
  assertSupportedField,
  MAX_ROWS_PER_REQUEST,
  readStream,
  recordBatch,
  serializedSlices,
} from "./arrow-batches.js";
import {
  ApiResponseError,
  MissingBucket,
  MissingRowIdColumn,
  MissingSchema,
  MissingTable,
  MissingTransaction,
  NotFound,
} from "./errors.js";
import { commonHeaders, headerValue } from "./request-headers.js";
import type { RetryBudget } from "./retry-policy.js";
import type { HttpTransport, TabularRequest, TabularResponse } from "./transport.js";

/** What a transaction needs of its session (VastSession): the transports. */
export interface TransactionSession {
  readonly transport: HttpTransport;
  /** Transports of the data endpoints (parallel selects); the main one when none is configured. */
  readonly dataTransports: HttpTransport[];
}

export interface TableRef {
  bucket: string;
  schema: string;
  table: string;
}

export const ROW_ID = "$row_id";

/** Columns per listing page: the SDK's default `max_entities_per_page`. */
const COLUMN_PAGE_SIZE = "10000";

export class Transaction {
  readonly session: TransactionSession;
  readonly txid: bigint;
  #active = true;
  /** Committed or rolled back for sure. */
  #finished = false;

  /** The retry budget of the operation this transaction belongs to (its requests retry in place within it). */
  readonly budget: RetryBudget | undefined;

  constructor(session: TransactionSession, txid: bigint, budget?: RetryBudget) {
    this.session = session;
    this.txid = txid;
    this.budget = budget;
  }

  get active(): boolean {
    return this.#active;
  }

  async commit(): Promise<void> {
    this.#ensureActive();
    this.#active = false;
    try {
      await this.session.transport.request({
        method: "PUT",
        path: "/",
        query: "transaction",
        headers: this.headers(),
        call: "commit",
        budget: this.budget,
      });
      this.#finished = true;
    } catch (err) {
      // The commit may not have happened: release the transaction (and its DDL claims) instead of leaking it.
      await this.#release();
      throw err;
    }
  }

  async rollback(): Promise<void> {
    if (!this.#active) return;
    this.#active = false;
    await this.#release();
  }

  /**
   * Rollback, retried in place by the transport (rolling back twice is harmless, and a transaction left open would
   * keep its DDL claims, so other writers get 409 on the same tables, until the server times it out).
   */
  async #release(): Promise<void> {
    if (this.#finished) return;
    try {
      await this.session.transport.request({
        method: "DELETE",
        path: "/",
        query: "transaction",
        headers: this.headers(),
        call: "rollback",
        budget: this.budget,
      });
    } catch (err) {
      // Already committed or rolled back (unknown transaction): nothing left to release.
      if (!(err instanceof NotFound)) throw err;
    }
    this.#finished = true;
  }

  headers(): Record<string, string> {
    return commonHeaders(this.txid);
  }

  /** Sends a request in this transaction (with retries on throttling and replayable failures). */
  async rpc(req: TabularRequest): Promise<TabularResponse> {
    this.#ensureActive();
    return this.session.transport.request({
      ...req,
      headers: { ...this.headers(), ...req.headers },
      budget: req.budget ?? this.budget,
    });
  }

  async bucketExists(bucket: string): Promise<boolean> {
    try {
      // Sent without the tabular headers, as the SDK's `head_bucket` does (a plain S3 HeadBucket).
      this.#ensureActive();
      await this.session.transport.request({ method: "HEAD", path: `/${enc(bucket)}`, budget: this.budget });
      return true;
    } catch (err) {
      if (err instanceof NotFound) return false;
      throw err;
    }
  }

  async assertBucket(bucket: string): Promise<void> {
    if (!(await this.bucketExists(bucket))) throw new MissingBucket(bucket);
  }

  // ---- schemas ------------------------------------------------------------------------------------------

  /** Names of the schemas directly under `parent` (or the bucket root), optionally only `exact`. */
  async listSchemas(bucket: string, options: { parent?: string; exact?: string } = {}): Promise<string[]> {
    const path = options.parent ? schemaPath(bucket, options.parent) : `/${enc(bucket)}`;
    const names: string[] = [];
    await this.#paged(path, "schema", options.exact, (body) => {
      for (const s of decodeListSchemasResponse(body).schemas) names.push(s.name);
    });
    return names;
  }

  async schemaExists(bucket: string, schema: string): Promise<boolean> {
    const slash = schema.lastIndexOf("/");
    const parent = slash >= 0 ? schema.slice(0, slash) : undefined;
    const leaf = slash >= 0 ? schema.slice(slash + 1) : schema;
    const found = await this.listSchemas(bucket, { parent, exact: leaf });
    return found.includes(leaf) || found.includes(schema);
  }

  /** Like the SDK's `bucket.schema(name)`: throws `MissingSchema` when it does not exist. */
  async requireSchema(bucket: string, schema: string): Promise<void> {
    if (!(await this.schemaExists(bucket, schema))) throw new MissingSchema(bucket, schema);
  }

  async createSchema(bucket: string, schema: string): Promise<void> {
    await this.rpc({
      method: "POST",
      path: schemaPath(bucket, schema),
      query: "schema",
      body: encodePropertiesRequest({ properties: "" }, true),
    });
  }

  async dropSchema(bucket: string, schema: string): Promise<void> {
    await this.rpc({ method: "DELETE", path: schemaPath(bucket, schema), query: "schema" });
  }

  /** Table names of a schema, optionally only `exact`. */
  async listTables(bucket: string, schema: string, exact?: string): Promise<string[]> {
    const names: string[] = [];
    try {
      await this.#paged(schemaPath(bucket, schema), "table", exact, (body) => {
        for (const t of decodeListTablesResponse(body).tables) names.push(t.name);
      });
    } catch (err) {
      if (err instanceof NotFound && err.s3Code !== "NoSuchBucket") throw new MissingSchema(bucket, schema);
      throw err;
    }
    return names;
  }

  async tableExists(ref: TableRef): Promise<boolean> {
    return (await this.listTables(ref.bucket, ref.schema, ref.table)).includes(ref.table);
  }

  /** Like the SDK's `schema.table(name)`: throws `MissingSchema` / `MissingTable`, else the table's columns. */
  async requireTable(ref: TableRef): Promise<Schema> {
    await this.requireSchema(ref.bucket, ref.schema);
    if (!(await this.tableExists(ref))) throw new MissingTable(ref.bucket, ref.schema, ref.table);
    return this.columns(ref);
  }

  async #paged(path: string, command: string, exact: string | undefined, onPage: (body: Buffer) => void) {
    let nextKey = "0";
    for (;;) {
      // The SDK's pages: 1,000 schemas or tables (1 for a schema looked up by name); a table looked up by name is
      // listed with its stats.
      const headers: Record<string, string> = {
        "tabular-max-keys": exact !== undefined && command === "schema" ? "1" : "1000",
        "tabular-next-key": nextKey,
        "tabular-list-count-only": "False",
      };
      if (exact !== undefined) headers["tabular-name-exact-match"] = exact;
      else headers["tabular-name-prefix"] = "";
      if (command === "table") headers["tabular-include-list-stats"] = exact !== undefined ? "True" : "False";
      const res = await this.rpc({ method: "GET", path, query: command, headers });
      onPage(res.body);
      nextKey = headerValue(res.headers["tabular-next-key"]) ?? "0";
      if (headerValue(res.headers["tabular-is-truncated"]) !== "true") return;
    }
  }

  // ---- tables -------------------------------------------------------------------------------------------

  async createTable(ref: TableRef, schema: Schema): Promise<void> {
    await this.postSchema(ref, "table", schema);
  }

  async dropTable(ref: TableRef): Promise<void> {
    await this.rpc({ method: "DELETE", path: tablePath(ref), query: "table" });
  }

  /** The table's columns (paged `GET ?column`, each page an IPC stream holding only a schema). */
  async columns(ref: TableRef): Promise<Schema> {
    const fields: Field[] = [];
    let nextKey = "0";
    for (;;) {
      const res = await this.rpc({
        method: "GET",
        path: tablePath(ref),
        query: "column",
        headers: {
          "tabular-max-keys": COLUMN_PAGE_SIZE,
          "tabular-next-key": nextKey,
          "tabular-list-count-only": "False",
          "tabular-name-prefix": "",
        },
      });
      fields.push(...readStream(res.body).schema.fields);
      nextKey = headerValue(res.headers["tabular-next-key"]) ?? "0";
      if (headerValue(res.headers["tabular-is-truncated"]) !== "true") break;
    }
    return new Schema(fields);
  }

  /** Table statistics (`GET ?stats`): row count, size, row-id allocation, sorting and vector-index metadata. */
  async stats(ref: TableRef): Promise<TableStats> {
    const res = await this.rpc({ method: "GET", path: tablePath(ref), query: "stats" });
    return decodeTableStats(res.body);
  }

  async addColumns(ref: TableRef, schema: Schema): Promise<void> {
    await this.postSchema(ref, "column", schema);
  }

  /** `POST ?table` / `POST ?column` with the fields as an IPC schema message (unsupported types refused first). */
  private async postSchema(ref: TableRef, query: "table" | "column", schema: Schema): Promise<void> {
    schema.fields.forEach(assertSupportedField);
    await this.rpc({ method: "POST", path: tablePath(ref), query, body: encodeSchemaMessage(schema) });
  }

  // ---- DML ----------------------------------------------------------------------------------------------

  /** Inserts the rows, split into requests under the size limit; returns their `$row_id`s in order. */
  async insert(ref: TableRef, batch: RecordBatch): Promise<BigUint64Array> {
    const ids = new BigUint64Array(batch.numRows);
    for (const slice of serializedSlices(batch)) {
      const res = await this.rpc({ method: "POST", path: tablePath(ref), query: "rows", body: slice.bytes });
      const got = rowIdsOf(readStream(res.body).batches);
      if (got.length !== slice.rows) {
        throw new ApiResponseError(`insert of ${slice.rows} rows answered with ${got.length} row ids`);
      }
      ids.set(got, slice.offset);
    }
    return ids;
  }

  /** Updates rows by `$row_id` (the batch's `$row_id` uint64 column); rows are sent sorted by id. */
  async update(ref: TableRef, batch: RecordBatch): Promise<void> {
    const idIndex = batch.schema.fields.findIndex((f) => f.name === ROW_ID && f.type.typeId === Type.Int);
    if (idIndex < 0) throw new MissingRowIdColumn();
    const sorted = sortByRowId(batch, idIndex);
    for (const slice of serializedSlices(sorted, undefined, MAX_ROWS_PER_REQUEST)) {
      await this.rpc({ method: "PUT", path: tablePath(ref), query: "rows", body: slice.bytes });
    }
  }

  async delete(ref: TableRef, rowIds: ArrayLike<bigint>): Promise<void> {
    if (rowIds.length === 0) return;
    const sorted = BigUint64Array.from(Array.from(rowIds)).sort();
    const schema = new Schema([new Field(ROW_ID, new Uint64(), false)]);
    const column = makeData({ type: new Uint64(), length: sorted.length, nullCount: 0, data: sorted });
    const batch = recordBatch(schema, [column]);
    for (const slice of serializedSlices(batch, undefined, MAX_ROWS_PER_REQUEST)) {
      await this.rpc({ method: "DELETE", path: tablePath(ref), query: "rows", body: slice.bytes });
    }
  }

  #ensureActive(): void {
    if (!this.#active) throw new MissingTransaction();
  }
}

export function enc(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}

export function schemaPath(bucket: string, schema: string): string {
  return `/${enc(bucket)}/${enc(schema)}`;
}

export function tablePath(ref: TableRef): string {
  return `${schemaPath(ref.bucket, ref.schema)}/${encodeURIComponent(ref.table)}`;
}

function rowIdsOf(batches: RecordBatch[]): BigUint64Array {
  const values: bigint[] = [];
  for (const batch of batches) {
    const col = batch.getChild(ROW_ID) ?? (batch.numCols > 0 ? batch.getChildAt(0) : null);
    if (!col) throw new ApiResponseError("insert answer has no $row_id column");
    for (const v of col) values.push(BigInt(v as bigint | number));
  }
  return BigUint64Array.from(values);
}

function sortByRowId(batch: RecordBatch, idIndex: number): RecordBatch {
  const ids = batch.getChildAt(idIndex)!;
  const order = Array.from({ length: batch.numRows }, (_, i) => i);
  order.sort((a, b) => {
    const x = ids.get(a) as bigint;
    const y = ids.get(b) as bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const inOrder = order.every((v, i) => v === i);
  // `$row_id` goes first, as the SDK sends it.
  const fieldOrder = [idIndex, ...batch.schema.fields.map((_, i) => i).filter((i) => i !== idIndex)];
  const schema = new Schema(fieldOrder.map((i) => batch.schema.fields[i]!));
  const columns: Data[] = fieldOrder.map((i) => {
    const child = batch.getChildAt(i)!;
    if (inOrder && child.data.length === 1) return child.data[0]!;
    // Nested values come back as Vectors; rebuild from plain arrays (vectorFromArray cannot read Vectors).
    const plain = (r: number) => {
      const v = child.get(r) as unknown;
      return v instanceof Vector ? v.toArray() : v;
    };
    return vectorFromArray(order.map(plain), child.type).data[0]!;
  });
  return recordBatch(schema, columns);
}
