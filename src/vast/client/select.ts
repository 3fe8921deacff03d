/**
 * `select`: projection + predicate pushdown through `GET …?data`, paging each split's sub-splits until every
 * one reports the end row id, decoding the framed per-column response back into record batches.
 * Splits run in parallel, spread over the session's data endpoints.
 */
import {
  type Data,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Uint64,
  type Vector,
} from "apache-arrow";
import { INVALID_ROW_ID } from "../protocol/headers.js";
import { MessagePool } from "../protocol/message-pool.js";
import { encodeQueryRelation, numberSchemaNodes, type SchemaNode } from "../protocol/query-relation.js";
import { type ColumnChunk, QueryResponseDecoder } from "../protocol/query-response.js";
import {
  ApiResponseError,
  ConnectionError,
  QueryDataInternalError,
  TooLargeRequest,
  VastError,
} from "./errors.js";
import { compilePredicate, type Predicate, predicateColumns } from "./predicate.js";
import { replayOf } from "./retry-policy.js";
import { ROW_ID, type TableRef, type Transaction, tablePath } from "./transaction.js";

const MAX_QUERY_DATA_REQUEST_SIZE = Math.floor(0.9 * (5 << 20));

export interface SelectOptions {
  /** Columns to return (default: all), in this order. */
  columns?: string[];
  predicate?: Predicate;
  /** Append the `$row_id` column (for update / delete). */
  internalRowId?: boolean;
  /** Splits to issue in parallel (default: one per data endpoint). */
  numSplits?: number;
  /** Server-side parallel reads per split (SDK default 4). */
  numSubSplits?: number;
  /** Rows a sub-split returns per request (SDK default 128 Ki). */
  rowsPerPage?: number;
  /**
   * The reader is done with each batch before it asks for the next (`selectBatches` only): the buffers of a page's
   * messages are then reused for later pages instead of allocated afresh (message-pool.ts). A batch must not be
   * read after the next one was asked for.
   */
  transientPages?: boolean;
}

/** The query-data request body for `options` over `tableSchema`, and the schema of the rows it returns. */
export function buildQueryRequest(
  tableSchema: Schema,
  options: SelectOptions = {},
): { body: Uint8Array; responseSchema: Schema } {
  const byName = new Map(tableSchema.fields.map((f) => [f.name, f]));
  const column = (name: string): Field => {
    const f = byName.get(name);
    if (!f) throw new VastError("VAST_UNKNOWN_COLUMN", `the table has no column '${name}'`);
    return f;
  };
  const wanted = options.columns ?? tableSchema.fields.map((f) => f.name);
  if (wanted.length === 0 && !options.internalRowId) {
    throw new VastError("VAST_INVALID_ARGUMENT", "select needs at least one column");
  }
  // Source schema: the queried columns in the caller's order, then `$row_id`, then predicate-only columns.
  const projected: Field[] = wanted.map(column);
  if (options.internalRowId) projected.push(new Field(ROW_ID, new Uint64(), true));
  const predicate = options.predicate ?? [];
  const extra = predicateColumns(predicate)
    .filter((name) => !projected.some((f) => f.name === name))
    .map(column);
  const requestFields = [...projected, ...extra];
  const nodes = numberSchemaNodes(requestFields);
  const tops = nodes.filter((n) => n.parent === null);
  const leavesOf = (n: SchemaNode): number[] =>
    n.children.length === 0 ? [n.position] : n.children.flatMap((c) => leavesOf(c));
  const positionOf = (name: string): number => {
    const top = tops.find((n) => n.field.name === name)!;
    return top.children.length === 1 && top.children[0]!.children.length === 0
      ? top.children[0]!.position
      : top.position;
  };
  const projection = tops.slice(0, projected.length).flatMap((n) => {
    const leaves = leavesOf(n);
    if (leaves.length !== 1) {
      throw new VastError(
        "VAST_UNSUPPORTED_TYPE",
        `column '${n.field.name}' has several leaves; not supported`,
      );
    }
    return leaves;
  });
  const body = encodeQueryRelation({
    name: "",
    schema: requestFields,
    filter: compilePredicate(predicate, new Schema(requestFields), positionOf),
    projection,
  });
  if (body.byteLength > MAX_QUERY_DATA_REQUEST_SIZE) {
    throw new TooLargeRequest(`query request of ${body.byteLength} bytes exceeds the service limit`);
  }
  return { body, responseSchema: new Schema(projected) };
}

/** Runs a select over `tableSchema` (from `Transaction.columns`) and returns all matching rows. */
export async function select(
  tx: Transaction,
  ref: TableRef,
  tableSchema: Schema,
  options: SelectOptions = {},
): Promise<Table> {
  const batches: RecordBatch[] = [];
  for await (const batch of selectBatches(tx, ref, tableSchema, options)) batches.push(batch);
  return batches.length > 0
    ? new Table(batches)
    : new Table(buildQueryRequest(tableSchema, options).responseSchema);
}

/**
 * The same select as a stream of record batches, page by page: at most one answer per split is held at a time
 * (`rowsPerPage` rows per sub-split and request bound its size), so a caller that folds the batches as they come
 * reads a table of any size in bounded memory.
 */
export async function* selectBatches(
  tx: Transaction,
  ref: TableRef,
  tableSchema: Schema,
  options: SelectOptions = {},
): AsyncGenerator<RecordBatch> {
  const { body, responseSchema } = buildQueryRequest(tableSchema, options);
  const transports = tx.session.dataTransports;
  const numSplits = options.numSplits ?? transports.length;
  const splits = Array.from({ length: numSplits }, (_, k) =>
    splitPages(
      tx,
      ref,
      body,
      responseSchema,
      k,
      numSplits,
      transports[k % transports.length]!.endpoint,
      options,
    ),
  );
  for await (const page of mergePages(splits)) yield* page;
}

/**
 * Pages of several splits as they arrive (splits run concurrently, each one request at a time). A split is asked
 * for its next page only once the reader has asked for the next one, so a page is never reused under its reader
 * (`transientPages`) and at most one page per split is decoded ahead.
 */
async function* mergePages(splits: AsyncGenerator<RecordBatch[]>[]): AsyncGenerator<RecordBatch[]> {
  if (splits.length === 1) {
    yield* splits[0]!;
    return;
  }
  const next = (i: number) => splits[i]!.next().then((r) => ({ r, i }));
  const pending = new Map(splits.map((_, i) => [i, next(i)]));
  try {
    while (pending.size > 0) {
      const { r, i } = await Promise.race(pending.values());
      pending.delete(i);
      if (!r.done) {
        yield r.value;
        pending.set(i, next(i));
      }
    }
  } finally {
    for (const p of pending.values()) p.catch(() => undefined);
    await Promise.all(splits.map((s) => s.return(undefined).catch(() => undefined)));
  }
}

/**
 * One split's pages, each handed on as soon as its last column has arrived: the answer is read piece by piece and
 * never held whole (at most the message being received and the columns of the pages still incomplete). A sub-split's
 * cursor moves only when its page is handed on, so an answer cut off mid-body is replayed (within the operation's
 * retry budget, like any read) from where the handed-on pages end: nothing is repeated or lost.
 */
async function* splitPages(
  tx: Transaction,
  ref: TableRef,
  body: Uint8Array,
  responseSchema: Schema,
  splitId: number,
  numSplits: number,
  endpoint: URL,
  options: SelectOptions,
): AsyncGenerator<RecordBatch[]> {
  const numSubSplits = options.numSubSplits ?? 4;
  const rowsPerPage = options.rowsPerPage ?? 128 * 1024;
  const cursor: bigint[] = Array.from({ length: numSubSplits }, () => 0n);
  const transport = tx.session.dataTransports.find((t) => t.endpoint === endpoint) ?? tx.session.transport;
  const budget = tx.budget ?? transport.newBudget();
  const pool = options.transientPages ? new MessagePool() : undefined;
  let replays = 0;
  while (!cursor.every((c) => c === INVALID_ROW_ID)) {
    const headers: Record<string, string> = {
      ...tx.headers(),
      "tabular-split": `${splitId},${numSplits},8`,
      "tabular-num-of-subsplits": String(numSubSplits),
      "tabular-request-format": "string",
      "tabular-response-format": "string",
      "tabular-enable-sorted-projections": "True",
      "tabular-limit-rows": String(rowsPerPage),
    };
    cursor.forEach((c, i) => {
      headers[`tabular-start-row-id-${i}`] = `${i},${c}`;
    });
    const res = await transport.requestStream({
      method: "GET",
      path: tablePath(ref),
      query: "data",
      headers,
      body,
      budget,
    });
    const decoder = new QueryResponseDecoder(pool);
    const pages = new PageAssembler(responseSchema, numSubSplits);
    try {
      for (let piece = await res.body.next(); piece !== null; piece = await res.body.next()) {
        decoder.push(piece);
        for (let event = decoder.next(); event !== null; event = decoder.next()) {
          if (event.kind === "failed") throw new QueryDataInternalError();
          if (event.kind === "completed") continue;
          const page = pages.add(event.chunk);
          if (!page) continue;
          cursor[page.streamId] = page.nextRowId;
          if (page.batches.length > 0) yield page.batches;
          // The reader has asked for the next page: it is done with this one.
          pool?.release(page.leases);
        }
      }
      decoder.end();
      pages.end();
    } catch (err) {
      const delayMs =
        err instanceof ConnectionError && replayOf(err, "read", budget.policy) === "request"
          ? budget.delayAfter(++replays)
          : null;
      if (delayMs === null) throw err;
      transport.onRetry?.({
        attempt: replays,
        delayMs,
        error: err as Error,
        what: `GET ${tablePath(ref)}?data (the rest of an answer cut off)`,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    } finally {
      res.body.close();
    }
  }
}

/** A sub-split's page once all its columns have come: its rows and the cursor to continue from. */
interface Page {
  streamId: number;
  nextRowId: bigint;
  batches: RecordBatch[];
  /** Pool buffers its columns' messages occupy. */
  leases: Uint8Array[];
}

/** Collects each sub-split's leaf columns (one stream each, in projection order) into pages. */
class PageAssembler {
  readonly #pending = new Map<number, { columns: Vector[]; leases: Uint8Array[] }>();
  readonly #leafCount: number;

  constructor(
    readonly schema: Schema,
    readonly numSubSplits: number,
  ) {
    this.#leafCount = schema.fields.length;
  }

  /** Adds a finished column stream; returns the page it completes, if it does. */
  add(chunk: ColumnChunk): Page | null {
    if (chunk.streamId >= this.numSubSplits) {
      throw new ApiResponseError(`query answer names sub-split ${chunk.streamId} of ${this.numSubSplits}`);
    }
    const pending = this.#pending.get(chunk.streamId) ?? { columns: [], leases: [] };
    const { columns, leases } = pending;
    leases.push(...chunk.leases);
    const column = new Table(chunk.schema, chunk.batches).getChildAt(0);
    if (this.#leafCount > 0) {
      if (!column) throw new ApiResponseError("query answer stream without a column");
      columns.push(column);
    }
    if (this.#leafCount > 0 && columns.length < this.#leafCount) {
      this.#pending.set(chunk.streamId, pending);
      return null;
    }
    this.#pending.delete(chunk.streamId);
    const rows =
      this.#leafCount === 0 ? chunk.batches.reduce((n, b) => n + b.numRows, 0) : columns[0]!.length;
    return {
      streamId: chunk.streamId,
      nextRowId: chunk.nextRowId,
      batches: rows > 0 ? pageBatches(this.schema, columns, rows) : [],
      leases,
    };
  }

  /** At the end of the answer: throws when a page is incomplete. */
  end(): void {
    if (this.#pending.size > 0) throw new ApiResponseError("query answer ended in the middle of a page");
  }
}

function pageBatches(schema: Schema, columns: Vector[], rows: number): RecordBatch[] {
  columns.forEach((c, i) => {
    if (c.length !== rows) throw new ApiResponseError("query answer columns of different lengths");
    if (c.type.typeId !== schema.fields[i]!.type.typeId) {
      throw new ApiResponseError(`column '${schema.fields[i]!.name}' came back as ${c.type}`);
    }
  });
  if (columns.every((c) => c.data.length === 1)) {
    const children: Data[] = columns.map((c) => c.data[0]!);
    return [
      new RecordBatch(
        schema,
        makeData({ type: new Struct(schema.fields), length: rows, nullCount: 0, children }),
      ),
    ];
  }
  // Columns chunked differently: let Arrow re-slice them into aligned batches.
  const table = new Table(Object.fromEntries(schema.fields.map((f, i) => [f.name, columns[i]!])));
  return table.batches.map(
    (b) =>
      new RecordBatch(
        schema,
        makeData({
          type: new Struct(schema.fields),
          length: b.numRows,
          nullCount: 0,
          children: b.data.children,
        }),
      ),
  );
}
