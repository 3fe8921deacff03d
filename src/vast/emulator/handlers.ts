/**
 * The tabular API commands: transactions, bucket check, schemas, tables, columns, stats, rows and data.
 * Reads use the transaction's snapshot (or the committed state for txid 0); writes go through the
 * transaction manager so they can be replayed at commit.
 */
import type { IncomingHttpHeaders } from "node:http";
import { Field, makeData, Null, RecordBatch, Schema, Struct, Uint64 } from "apache-arrow";
import { decodeIpcStream, decodeSchemaMessage, encodeIpcStream } from "../protocol/arrow-ipc.js";
import {
  TABULAR_HEADERS as H,
  INVALID_ROW_ID,
  TABULAR_PARAMS as P,
  ROW_ID_COLUMN,
} from "../protocol/headers.js";
import {
  decodeImportRequest,
  encodeImportStatus,
  type ImportedFile,
  type ImportStatus,
} from "../protocol/import-request.js";
import {
  encodeListSchemasResponse,
  encodeListTablesResponse,
  objectDetails,
} from "../protocol/object-list.js";
import { decodePropertiesRequest } from "../protocol/properties-request.js";
import { decodeQueryRelation } from "../protocol/query-relation.js";
import { encodeTableStats, tableStats, type VipRange } from "../protocol/table-stats.js";
import {
  type CatalogState,
  childSchemas,
  EXTERNAL_ROW_ID_COLUMN,
  getBucket,
  getSchema,
  getTable,
  isSubTable,
  missingBucket,
  type TableState,
} from "./catalog.js";
import { buildData, type Cell, readCells } from "./cells.js";
import { badRequest, EmulatorError, notImplemented } from "./errors.js";
import {
  applyZipImport,
  IMPORTS_SUB_TABLE,
  ImportRefused,
  importsTableName,
  importsTableOf,
  type ParsedImport,
  planPlainImport,
  planZipImport,
  recordImports,
} from "./imports/import-files.js";
import { type ParquetColumns, readParquetColumns, UnreadableParquet } from "./imports/parquet-columns.js";
import { MAX_TABULAR_BODY_BYTES } from "./limits.js";
import { planQuery, type QueryParams, runQuery } from "./query.js";
import type { ObjectStore } from "./s3/object-store.js";
import type { Mutation, Transaction, TransactionManager } from "./transactions.js";

export interface Reply {
  /** Default 200. */
  status?: number;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  stream?: AsyncIterable<Uint8Array>;
  /** A query answer: subject to the `query_failure` fault. */
  query?: boolean;
}

const ARROW_STREAM = { "Content-Type": "application/vnd.apache.arrow.stream" };
const FLATBUFFER = { "Content-Type": "application/octet-stream" };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function intHeader(headers: IncomingHttpHeaders, name: string, fallback: number): number {
  const raw = header(headers, name);
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw badRequest(`header ${name} must be an integer, got "${raw}"`);
  return n;
}

function boolHeader(headers: IncomingHttpHeaders, name: string): boolean {
  return (header(headers, name) ?? "").toLowerCase() === "true";
}

/** Paging and name filtering shared by the list commands. */
function page<T>(items: T[], nameOf: (x: T) => string, headers: IncomingHttpHeaders) {
  const exact = header(headers, H.nameExactMatch);
  const prefix = header(headers, H.namePrefix) ?? "";
  const filtered = items.filter((x) =>
    exact !== undefined ? nameOf(x) === exact : nameOf(x).startsWith(prefix),
  );
  const start = Math.max(0, intHeader(headers, H.nextKey, 0));
  const maxKeys = Math.max(1, intHeader(headers, H.maxKeys, 1000));
  const slice = filtered.slice(start, start + maxKeys);
  const next = start + slice.length;
  const truncated = next < filtered.length;
  const pagingHeaders: Record<string, string> = {
    [H.nextKey]: String(truncated ? next : 0),
    [H.isTruncated]: truncated ? "true" : "false",
    [H.listCount]: String(filtered.length),
  };
  const countOnly = boolHeader(headers, H.listCountOnly);
  return { items: countOnly ? [] : slice, pagingHeaders };
}

function decodeTxid(headers: IncomingHttpHeaders): bigint {
  const raw = header(headers, H.txid) ?? "0";
  try {
    return BigInt(raw);
  } catch {
    throw badRequest(`invalid ${H.txid} "${raw}"`);
  }
}

function propertiesOf(body: Uint8Array): string {
  try {
    return decodePropertiesRequest(body).properties;
  } catch (err) {
    throw badRequest(`body is not a properties request: ${(err as Error).message}`);
  }
}

function schemaOfMessage(body: Uint8Array): Schema {
  try {
    return decodeSchemaMessage(body);
  } catch (err) {
    throw badRequest(`body is not an Arrow schema message: ${(err as Error).message}`);
  }
}

function fieldsOfSchemaMessage(body: Uint8Array): Field[] {
  return schemaOfMessage(body).fields;
}

/** Schema metadata keys (`VAST:table:partition-key-N`) through which SDK 2.1 asks for a partitioned table. */
const PARTITION_KEY_METADATA_PREFIX = "VAST:table:partition-key-";

/** Answered on begin: which CNode served it (SDK 2.1 groups discovered endpoints by it). */
const RCF_ID_HEADER = "x-vast-rcf-id";

function batchesOf(body: Uint8Array) {
  try {
    return decodeIpcStream(body);
  } catch (err) {
    throw badRequest(`body is not an Arrow IPC stream: ${(err as Error).message}`);
  }
}

/** Column name → cells of a decoded IPC stream (all batches concatenated). */
function columnsOf(body: Uint8Array): { fields: Field[]; names: string[]; values: Cell[][]; rows: number } {
  const { schema, batches } = batchesOf(body);
  const fields = schema.fields;
  const names = fields.map((f) => f.name);
  const values: Cell[][] = names.map(() => []);
  let rows = 0;
  for (const batch of batches) {
    rows += batch.numRows;
    names.forEach((_, k) => {
      const cells = readCells(batch.data.children[k]!);
      const target = values[k]!;
      for (const c of cells) target.push(c);
    });
  }
  return { fields, names, values, rows };
}

function rowIdsOf(cells: readonly Cell[]): number[] {
  return cells.map((c) => {
    if (c === null) throw badRequest("$row_id must not be null");
    const n = Number(c);
    if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`invalid row id ${String(c)}`);
    return n;
  });
}

/** Client-chosen row ids: non-null, non-negative and strictly ascending within the batch, like VAST demands. */
function externalRowIds(cells: readonly Cell[]): number[] {
  const ids = rowIdsOf(cells);
  for (let i = 1; i < ids.length; i++)
    if (ids[i]! <= ids[i - 1]!)
      throw badRequest("Found duplicate row ids or not in ascending order", "TabularInvalidRowId");
  return ids;
}

/** The field metadata VAST ≥ 5.5 attaches to every listed column (SDK 2.1 finds sorted columns by it). */
const SORT_TYPE_KEY = "VAST:sort_type";
const UNSORTED = "Unsorted";

function withColumnMetadata(f: Field): Field {
  return new Field(f.name, f.type, f.nullable, new Map([...f.metadata, [SORT_TYPE_KEY, UNSORTED]]));
}

/** A names-only listing (`tabular-only-column-names`): the names, with the null type and no metadata. */
function nameOnlyField(f: Field): Field {
  return new Field(f.name, new Null(), true);
}

function estimateSize(t: TableState): bigint {
  return BigInt(t.rowIds.length) * BigInt(8 * (t.fields.length + 1));
}

/** What `?stats` tells clients about the data endpoints (SDK 2.1 discovers them from it). */
export interface EndpointInfo {
  /** The VIP ranges clients may send data requests to (same port as the endpoint). */
  vips: VipRange[];
  /** `x-vast-rcf-id` answered on begin: `E<n>:…`, the CNode a VIP belongs to. */
  rcfId: string;
}

/** The SDK sends at most 10 files per import request ("enforced in server side"). */
const MAX_IMPORT_FILES_PER_REQUEST = 10;

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export class TabularHandlers {
  constructor(
    private readonly txm: TransactionManager,
    private readonly endpoints: EndpointInfo = { vips: [], rcfId: "E1:vast-emulator" },
    /** The S3 side, where `import_files` reads its Parquet objects. */
    private readonly objects: ObjectStore | null = null,
  ) {}

  private readState(txid: bigint): CatalogState {
    return txid === 0n ? this.txm.state : this.txm.get(txid).writer.state;
  }

  private async mutate(
    txid: bigint,
    ddlKeys: string[],
    mutation: Mutation,
    rowWrites: readonly string[] = [],
  ): Promise<void> {
    const run = (tx: Transaction) => {
      if (ddlKeys.length) this.txm.claimDdl(tx, ddlKeys);
      this.txm.apply(tx, mutation, rowWrites);
    };
    if (txid === 0n) await this.txm.autoCommit(run);
    else run(this.txm.get(txid));
  }

  async handle(method: string, url: URL, headers: IncomingHttpHeaders, body: Uint8Array): Promise<Reply> {
    const command = url.search.slice(1).split("&")[0]!.split("=")[0]!;
    const segments = url.pathname
      .split("/")
      .filter((s) => s !== "")
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          throw badRequest(`malformed path segment "${s}"`);
        }
      });
    const txid = decodeTxid(headers);

    if (segments.length === 0) {
      if (command !== "transaction") throw badRequest(`unsupported request ${method} /?${command}`);
      return this.transaction(method, txid);
    }
    const [bucket, ...rest] = segments as [string, ...string[]];
    if (!command || command.startsWith("list-type") || url.searchParams.has("list_type"))
      return this.bucketLevel(method, bucket, txid);

    const schemaPath = rest.join("/");
    const tableName = rest[rest.length - 1] ?? "";
    const tableSchema = rest.slice(0, -1).join("/");
    const sub = url.searchParams.get(P.subTable);
    if (sub !== null) {
      if (sub !== IMPORTS_SUB_TABLE) throw notImplemented(`sub-table ${sub} is not emulated`);
      return this.importsTable(command, method, bucket, tableSchema, tableName, txid, headers, body);
    }

    switch (command) {
      case "schema":
        return this.schema(method, bucket, schemaPath, txid, url, headers, body);
      case "table":
        if (method === "GET") return this.listTables(bucket, schemaPath, txid, headers);
        return this.table(method, bucket, tableSchema, tableName, txid, url, headers, body);
      case "column":
      case "sorted-columns":
        return this.column(command, method, bucket, tableSchema, tableName, txid, url, headers, body);
      case "stats":
        if (method !== "GET") break;
        return this.stats(bucket, tableSchema, tableName, txid);
      case "rows":
        return this.rows(method, bucket, tableSchema, tableName, txid, body);
      case "data":
        if (method === "GET") return this.query(bucket, tableSchema, tableName, txid, headers, body);
        if (method === "POST") return this.importFiles(bucket, tableSchema, tableName, txid, body);
        break;
      default:
        throw notImplemented(`command ${command} is not emulated`);
    }
    throw new EmulatorError(405, "MethodNotAllowed", `${method} is not allowed for ?${command}`);
  }

  private async transaction(method: string, txid: bigint): Promise<Reply> {
    switch (method) {
      case "POST": {
        const tx = this.txm.begin();
        return { headers: { [H.txid]: tx.id.toString(), [RCF_ID_HEADER]: this.endpoints.rcfId } };
      }
      case "PUT":
        await this.txm.commit(txid);
        return { headers: { [H.txid]: txid.toString() } };
      case "DELETE":
        this.txm.rollback(txid);
        return { headers: { [H.txid]: txid.toString() } };
      case "GET":
        if (txid !== 0n) this.txm.get(txid);
        return { headers: txid !== 0n ? { [H.txid]: txid.toString() } : {} };
      default:
        throw new EmulatorError(405, "MethodNotAllowed", `${method} /?transaction`);
    }
  }

  private bucketLevel(method: string, bucket: string, txid: bigint): Reply {
    const state = this.readState(txid);
    if (!state.buckets.has(bucket)) throw missingBucket(bucket);
    if (method === "HEAD") return {};
    if (method === "GET") {
      // S3 ListObjectsV2 over `.snapshot/`: the emulator has no snapshots.
      return {
        headers: { "Content-Type": "application/xml" },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>${bucket}</Name><Prefix>.snapshot/</Prefix><Marker></Marker><IsTruncated>false</IsTruncated></ListBucketResult>`,
      };
    }
    throw new EmulatorError(405, "MethodNotAllowed", `${method} on a bucket`);
  }

  private async schema(
    method: string,
    bucket: string,
    path: string,
    txid: bigint,
    url: URL,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    if (method === "GET") {
      const state = this.readState(txid);
      const b = getBucket(state, bucket);
      if (path) getSchema(state, bucket, path);
      const rel = (full: string) => (path ? full.slice(path.length + 1) : full);
      const { items, pagingHeaders } = page(childSchemas(b, path), (s) => rel(s.name), headers);
      return {
        headers: { ...FLATBUFFER, ...pagingHeaders },
        body: encodeListSchemasResponse({
          bucketName: bucket,
          schemas: items.map((s) => objectDetails({ name: rel(s.name), properties: s.properties })),
        }),
      };
    }
    if (!path) throw badRequest("schema name missing");
    const key = `schema:${bucket}/${path}`;
    switch (method) {
      case "POST": {
        const properties = propertiesOf(body);
        await this.mutate(txid, [key], (w) => w.createSchema(bucket, path, properties));
        return {};
      }
      case "PUT": {
        const newName = url.searchParams.get(P.newSchemaName) ?? "";
        const props = body.length ? propertiesOf(body) : "";
        const keys = newName ? [key, `schema:${bucket}/${newName}`] : [key];
        await this.mutate(txid, keys, (w) => {
          if (props) w.alterSchemaProperties(bucket, path, props);
          if (newName) w.renameSchema(bucket, path, newName);
        });
        return {};
      }
      case "DELETE":
        await this.mutate(txid, [key], (w) => w.dropSchema(bucket, path));
        return {};
      default:
        throw new EmulatorError(405, "MethodNotAllowed", `${method} ?schema`);
    }
  }

  private listTables(bucket: string, schema: string, txid: bigint, headers: IncomingHttpHeaders): Reply {
    const s = getSchema(this.readState(txid), bucket, schema);
    const all = [...s.tables.values()]
      .filter((t) => !isSubTable(t.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { items, pagingHeaders } = page(all, (t) => t.name, headers);
    const withStats = boolHeader(headers, H.includeListStats);
    return {
      headers: { ...FLATBUFFER, ...pagingHeaders },
      body: encodeListTablesResponse({
        bucketName: bucket,
        schemaName: schema,
        tables: items.map((t) =>
          objectDetails({
            name: t.name,
            handle: String(t.id),
            numRows: withStats ? BigInt(t.rowIds.length) : 0n,
            sizeInBytes: withStats ? estimateSize(t) : 0n,
          }),
        ),
      }),
    };
  }

  private async table(
    method: string,
    bucket: string,
    schema: string,
    name: string,
    txid: bigint,
    url: URL,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    if (!schema || !name) throw badRequest("table path must be /bucket/schema/table");
    const nameKey = `table:${bucket}/${schema}/${name}`;
    switch (method) {
      case "POST": {
        if (Object.keys(headers).some((h) => h.startsWith(H.sortedColumnPrefix)))
          throw notImplemented("sorted (Elysium) tables are not emulated");
        if (boolHeader(headers, H.useExternalRowIdsAlloc))
          throw notImplemented("external row id allocation is not emulated");
        if (headers["tabular-vector-index-column"]) throw notImplemented("vector indexes are not emulated");
        const { fields, metadata } = body.length
          ? schemaOfMessage(body)
          : { fields: [], metadata: new Map() };
        if ([...metadata.keys()].some((k) => k.startsWith(PARTITION_KEY_METADATA_PREFIX)))
          throw notImplemented("partitioned (Hydra) tables are not emulated");
        getSchema(this.readState(txid), bucket, schema);
        const id = this.txm.allocateTableId();
        await this.mutate(txid, [nameKey], (w) =>
          w.createTable(bucket, schema, {
            id,
            name,
            fields: [...fields],
            rowIds: [],
            columns: fields.map(() => []),
          }),
        );
        return {};
      }
      case "PUT": {
        const t = getTable(this.readState(txid), bucket, schema, name);
        const newPath = url.searchParams.get(P.newTableName) ?? "";
        if (Object.keys(headers).some((h) => h.startsWith(H.sortedColumnPrefix)))
          throw notImplemented("sorting keys are not emulated");
        if (!newPath) return {};
        const cut = newPath.lastIndexOf("/");
        const target = cut < 0 ? `${schema}/${newPath}` : newPath;
        await this.mutate(txid, [nameKey, `tid:${t.id}`, `table:${bucket}/${target}`], (w) =>
          w.renameTable(bucket, schema, name, newPath),
        );
        return {};
      }
      case "DELETE": {
        const t = getTable(this.readState(txid), bucket, schema, name);
        await this.mutate(txid, [nameKey, `tid:${t.id}`], (w) => w.dropTable(bucket, schema, name));
        return {};
      }
      default:
        throw new EmulatorError(405, "MethodNotAllowed", `${method} ?table`);
    }
  }

  private async column(
    command: string,
    method: string,
    bucket: string,
    schema: string,
    name: string,
    txid: bigint,
    url: URL,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    const t = getTable(this.readState(txid), bucket, schema, name);
    const keys = [`table:${bucket}/${schema}/${name}`, `tid:${t.id}`];
    if (method === "GET") {
      if (command === "sorted-columns")
        throw badRequest(
          `Listing sorted columns of table ${schema}/${name} without elysium (a sorting key) enabled`,
        );
      const { items, pagingHeaders } = page([...t.fields], (f) => f.name, headers);
      const namesOnly = boolHeader(headers, H.onlyColumnNames);
      const listed = namesOnly ? items.map(nameOnlyField) : items.map(withColumnMetadata);
      const answer = encodeIpcStream(new Schema(listed), []);
      if (answer.length > MAX_TABULAR_BODY_BYTES)
        throw badRequest(
          `list column result size ${answer.length} is too long (limit ${MAX_TABULAR_BODY_BYTES} bytes): ` +
            `ask for fewer columns per page (${H.maxKeys}) or for names only (${H.onlyColumnNames})`,
        );
      return { headers: { ...ARROW_STREAM, ...pagingHeaders }, body: answer };
    }
    if (command !== "column") throw new EmulatorError(405, "MethodNotAllowed", `${method} ?${command}`);
    switch (method) {
      case "POST": {
        const fields = fieldsOfSchemaMessage(body);
        await this.mutate(txid, keys, (w) => w.addColumns(bucket, schema, name, fields));
        return {};
      }
      case "DELETE": {
        const names = fieldsOfSchemaMessage(body).map((f) => f.name);
        await this.mutate(txid, keys, (w) => w.dropColumns(bucket, schema, name, names));
        return {};
      }
      case "PUT": {
        const from = url.searchParams.get(P.columnName) ?? "";
        const to = url.searchParams.get(P.newColumnName) ?? "";
        if (!from) throw badRequest(`${P.columnName} missing`);
        if (!to) return {};
        await this.mutate(txid, keys, (w) => w.renameColumn(bucket, schema, name, from, to));
        return {};
      }
      default:
        throw new EmulatorError(405, "MethodNotAllowed", `${method} ?column`);
    }
  }

  private stats(bucket: string, schema: string, name: string, txid: bigint): Reply {
    return this.statsOf(getTable(this.readState(txid), bucket, schema, name));
  }

  private statsOf(t: TableState): Reply {
    return {
      headers: FLATBUFFER,
      body: encodeTableStats(
        tableStats({
          numRows: BigInt(t.rowIds.length),
          sizeInBytes: estimateSize(t),
          acummulativeRowInsertionCount: BigInt(t.rowIds.length),
          isExternalRowidAlloc: t.externalRowIds === true,
          vips: this.endpoints.vips,
        }),
      ),
    };
  }

  private async rows(
    method: string,
    bucket: string,
    schema: string,
    name: string,
    txid: bigint,
    body: Uint8Array,
  ): Promise<Reply> {
    const t = getTable(this.readState(txid), bucket, schema, name);
    const { fields, names, values, rows } = columnsOf(body);
    switch (method) {
      case "POST": {
        if (names.length === 0) throw notImplemented("inserting rows without columns is not supported");
        if (names.includes(ROW_ID_COLUMN)) throw badRequest("$row_id cannot be inserted");
        const externalAt = names.indexOf(EXTERNAL_ROW_ID_COLUMN);
        const external = externalAt >= 0 && t.fields.some((f) => f.name === EXTERNAL_ROW_ID_COLUMN);
        const ids = external ? externalRowIds(values[externalAt]!) : this.txm.allocateRowIds(t.id, rows);
        await this.mutate(txid, [], (w) => w.insertRows(bucket, schema, name, ids, fields, values, external));
        const rowIdField = new Field(ROW_ID_COLUMN, new Uint64(), false);
        const data = buildData(rowIdField.type, ids);
        const out = new Schema([rowIdField]);
        const batch = new RecordBatch(
          out,
          makeData({ type: new Struct([rowIdField]), length: ids.length, children: [data] }),
        );
        return { headers: ARROW_STREAM, body: encodeIpcStream(out, [batch]) };
      }
      case "PUT": {
        if (names[0] !== ROW_ID_COLUMN) throw badRequest("the first column of an update must be $row_id");
        const ids = rowIdsOf(values[0]!);
        await this.mutate(
          txid,
          [],
          (w) => w.updateRows(bucket, schema, name, ids, fields.slice(1), values.slice(1)),
          ids.map((id) => `${t.id}:${id}`),
        );
        return {};
      }
      case "DELETE": {
        const k = names.indexOf(ROW_ID_COLUMN);
        if (k < 0) throw badRequest("a delete needs a $row_id column");
        const ids = rowIdsOf(values[k]!);
        await this.mutate(
          txid,
          [],
          (w) => w.deleteRows(bucket, schema, name, ids),
          ids.map((id) => `${t.id}:${id}`),
        );
        return {};
      }
      default:
        throw new EmulatorError(405, "MethodNotAllowed", `${method} ?rows`);
    }
  }

  private query(
    bucket: string,
    schema: string,
    name: string,
    txid: bigint,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Reply {
    const tx = txid === 0n ? null : this.txm.get(txid);
    tx?.writer.release();
    return this.queryOf(getTable(this.readState(txid), bucket, schema, name), headers, body);
  }

  private queryOf(t: TableState, headers: IncomingHttpHeaders, body: Uint8Array): Reply {
    let relation: ReturnType<typeof decodeQueryRelation>;
    try {
      relation = decodeQueryRelation(body);
    } catch (err) {
      throw badRequest(`bad query: ${(err as Error).message}`);
    }
    const plan = planQuery(t, relation);
    const params = queryParams(headers);
    return {
      headers: { "Content-Type": "application/octet-stream" },
      stream: runQuery(t, plan, params),
      query: true,
    };
  }

  /** The imports sub-table (`?…&sub-table=vastdb-imported-objects`): listed, queried, cleaned, dropped. */
  private async importsTable(
    command: string,
    method: string,
    bucket: string,
    schema: string,
    name: string,
    txid: bigint,
    headers: IncomingHttpHeaders,
    body: Uint8Array,
  ): Promise<Reply> {
    const state = this.readState(txid);
    const sub = importsTableOf(state, bucket, schema, getTable(state, bucket, schema, name));
    const subName = importsTableName(name);
    const exists = getSchema(state, bucket, schema).tables.has(subName);
    switch (`${method} ${command}`) {
      case "POST table":
        throw new EmulatorError(
          500,
          "InternalError",
          `the imports table of ${schema}/${name} is VAST's own: it is created by the first import`,
        );
      case "DELETE table":
        if (exists)
          await this.mutate(txid, [`table:${bucket}/${schema}/${subName}`], (w) =>
            w.dropTable(bucket, schema, subName),
          );
        return {};
      case "GET column": {
        const { items, pagingHeaders } = page([...sub.fields], (f) => f.name, headers);
        return {
          headers: { ...ARROW_STREAM, ...pagingHeaders },
          body: encodeIpcStream(new Schema(items), []),
        };
      }
      case "GET stats":
        return this.statsOf(sub);
      case "GET data":
        if (txid !== 0n) this.txm.get(txid).writer.release();
        return this.queryOf(sub, headers, body);
      case "DELETE rows": {
        const { names, values } = columnsOf(body);
        const k = names.indexOf(ROW_ID_COLUMN);
        if (k < 0) throw badRequest("a delete needs a $row_id column");
        if (!exists)
          throw badRequest(`the imports table of ${schema}/${name} is empty`, "TabularInvalidRowId");
        const ids = rowIdsOf(values[k]!);
        await this.mutate(txid, [], (w) => w.deleteRows(bucket, schema, subName, ids));
        return {};
      }
      default:
        throw new EmulatorError(405, "MethodNotAllowed", `${method} ?${command} on the imports table`);
    }
  }

  /** `POST ?data`: import Parquet objects of the S3 side (see imports/import-files.ts). */
  private async importFiles(
    bucket: string,
    schema: string,
    name: string,
    txid: bigint,
    body: Uint8Array,
  ): Promise<Reply> {
    let request: ReturnType<typeof decodeImportRequest>;
    try {
      request = decodeImportRequest(body);
    } catch (err) {
      throw badRequest(`body is not an import request: ${(err as Error).message}`);
    }
    if (request.files.length > MAX_IMPORT_FILES_PER_REQUEST)
      throw badRequest(
        `at most ${MAX_IMPORT_FILES_PER_REQUEST} files per import request, got ${request.files.length}`,
      );
    const table = getTable(this.readState(txid), bucket, schema, name);
    const statuses: ImportStatus[] = [];
    const done = (file: ImportedFile, res: string, message = ""): ImportStatus => ({
      res,
      err_msg: message,
      bucket_name: file.bucket,
      object_name: file.key,
    });
    const answer = (): Reply => ({
      headers: { "Content-Type": "application/json" },
      body: concatBytes(statuses.map(encodeImportStatus)),
    });
    const parsed: ParsedImport[] = [];
    for (const { format, file } of request.files) {
      try {
        parsed.push(await this.readImportedFile(format, file));
      } catch (err) {
        if (!(err instanceof ImportRefused)) throw err;
        statuses.push(done(file, err.res, err.message));
        return answer();
      }
    }
    const keyNames = request.keyNames;
    try {
      if (keyNames.length > 0) {
        const plans = parsed.map((p) => planZipImport(table, p, keyNames));
        const added = plans.flatMap((p) => p.added.map((f) => f.name));
        if (new Set(added).size !== added.length)
          throw new ImportRefused(
            "TabularMismatchColumnName",
            `two files add the same column (${added.join(", ")})`,
          );
        const ddl = added.length ? [`table:${bucket}/${schema}/${name}`, `tid:${table.id}`] : [];
        await this.mutate(txid, ddl, (w) => {
          for (const p of parsed) {
            const now = w.state.buckets.get(bucket)!.schemas.get(schema)!.tables.get(name)!;
            applyZipImport(w, bucket, schema, name, planZipImport(now, p, keyNames));
          }
          recordImports(w, bucket, schema, name, parsed, () => this.txm.allocateTableId());
        });
      } else {
        const plans = parsed.map((p) => planPlainImport(table, p));
        const ids = parsed.map((p) => this.txm.allocateRowIds(table.id, p.data.rows));
        const subId = this.txm.allocateTableId();
        await this.mutate(txid, [], (w) => {
          plans.forEach((p, i) => {
            w.insertRows(bucket, schema, name, ids[i]!, p.fields, p.values);
          });
          recordImports(w, bucket, schema, name, parsed, () => subId);
        });
      }
    } catch (err) {
      if (!(err instanceof ImportRefused)) throw err;
      const culprit = parsed.find((p) => err.message.includes(p.key)) ?? parsed[0]!;
      statuses.push(
        done(
          { bucket: culprit.bucket, key: culprit.key, partitions: new Uint8Array(0) },
          err.res,
          err.message,
        ),
      );
      return answer();
    }
    for (const p of parsed)
      statuses.push(done({ bucket: p.bucket, key: p.key, partitions: new Uint8Array(0) }, "Success"));
    return answer();
  }

  private async readImportedFile(format: string, file: ImportedFile): Promise<ParsedImport> {
    if (format.toLowerCase() !== "parquet")
      throw new ImportRefused(
        "TabularUnsupportedFormat",
        `only parquet objects can be imported, not ${format}`,
      );
    if (!this.objects) throw new ImportRefused("TabularObjectNotFound", "the emulator serves no S3 objects");
    let bytes: Uint8Array;
    try {
      const o = this.objects.get(file.bucket, file.key);
      bytes = await this.objects.read(file.bucket, o, 0, o.size);
    } catch (err) {
      if (err instanceof EmulatorError)
        throw new ImportRefused("TabularObjectNotFound", `${file.bucket}/${file.key}: ${err.message}`);
      throw err;
    }
    let data: ParquetColumns;
    try {
      data = await readParquetColumns(bytes);
    } catch (err) {
      if (err instanceof UnreadableParquet)
        throw new ImportRefused("TabularInvalidParquetFile", `${file.key}: ${err.message}`);
      throw err;
    }
    let partitions: ParsedImport["partitions"] = { fields: [], values: [] };
    if (file.partitions.length > 0) {
      const p = columnsOf(file.partitions);
      if (p.rows !== 1)
        throw new ImportRefused("TabularInvalidPartitions", `partitions of ${file.key} must be one row`);
      partitions = { fields: p.fields, values: p.values.map((v) => v[0]!) };
    }
    return { bucket: file.bucket, key: file.key, data, partitions };
  }
}

function queryParams(headers: IncomingHttpHeaders): QueryParams {
  const split = (header(headers, H.split) ?? "0,1,8").split(",").map((x) => Number(x.trim()));
  const [splitId = 0, numSplits = 1, rowGroups = 8] = split;
  if (split.some((x) => !Number.isInteger(x) || x < 0) || numSplits < 1 || splitId >= numSplits)
    throw badRequest(`invalid ${H.split} header`);
  const numSubSplits = intHeader(headers, H.numSubSplits, 1);
  if (numSubSplits < 1) throw badRequest(`invalid ${H.numSubSplits} header`);
  const scheduleId = header(headers, H.scheduleId);
  if (scheduleId !== undefined && !/^\d+$/.test(scheduleId))
    throw badRequest(`${H.scheduleId} must be a non-negative integer`);
  const limitRows = intHeader(headers, H.limitRows, 0);
  if (limitRows < 0) throw badRequest(`invalid ${H.limitRows} header`);
  const startRowIds = new Map<number, bigint>();
  for (const [k, v] of Object.entries(headers)) {
    if (!k.startsWith(H.startRowIdPrefix) || typeof v !== "string") continue;
    const [sub, row] = v.split(",").map((x) => x.trim());
    try {
      const r = BigInt(row ?? "0");
      startRowIds.set(Number(sub), r > INVALID_ROW_ID ? INVALID_ROW_ID : r);
    } catch {
      throw badRequest(`invalid ${k} header`);
    }
  }
  return { splitId, numSplits, rowGroupsPerSubSplit: rowGroups, numSubSplits, startRowIds, limitRows };
}
