/**
 * Typed errors of the VAST tabular client, mirroring the official SDK's `vastdb.errors`.
 * Every error carries a stable `code` (e.g. `VAST_CONFLICT`) and never any credential: messages are built
 * only from the method, the request path and the server's S3 error code/message.
 */

export interface HttpErrorDetails {
  method: string;
  /** Request path with query (no host, no credentials). */
  path: string;
  status: number;
  /** S3 error code from the XML body, when present (e.g. `SlowDown`). */
  s3Code: string | null;
  s3Message: string | null;
}

export class VastError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A non-200 HTTP answer of the service. */
export class HttpError extends VastError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly s3Code: string | null;
  readonly s3Message: string | null;
  constructor(code: string, details: HttpErrorDetails) {
    const server = [details.s3Code, details.s3Message].filter((s) => s).join(": ");
    super(
      code,
      `${details.method} ${details.path} failed with HTTP ${details.status}${server ? ` (${server})` : ""}`,
    );
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.s3Code = details.s3Code;
    this.s3Message = details.s3Message;
  }
}

export class BadRequest extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_BAD_REQUEST", d);
  }
}
export class Forbidden extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_FORBIDDEN", d);
  }
}
export class NotFound extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_NOT_FOUND", d);
  }
}
export class MethodNotAllowed extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_METHOD_NOT_ALLOWED", d);
  }
}
export class RequestTimeout extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_REQUEST_TIMEOUT", d);
  }
}
export class Conflict extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_CONFLICT", d);
  }
}
export class InternalServerError extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_INTERNAL_SERVER_ERROR", d);
  }
}
export class NotImplementedError extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_NOT_IMPLEMENTED", d);
  }
}
export class ServiceUnavailable extends HttpError {
  constructor(d: HttpErrorDetails, code = "VAST_SERVICE_UNAVAILABLE") {
    super(code, d);
  }
}
/** 503 with S3 code `SlowDown`: the server asks the client to back off and retry. */
export class SlowDown extends ServiceUnavailable {
  constructor(d: HttpErrorDetails) {
    super(d, "VAST_SLOW_DOWN");
  }
}
export class InsufficientCapacity extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_INSUFFICIENT_CAPACITY", d);
  }
}
export class UnexpectedError extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_UNEXPECTED_STATUS", d);
  }
}
/** The server rejected a column type (S3 code `TabularUnsupportedColumnType`). */
export class NotSupportedSchema extends HttpError {
  constructor(d: HttpErrorDetails) {
    super("VAST_NOT_SUPPORTED_SCHEMA", d);
  }
}

/** The connection failed or dropped before a complete answer arrived. */
export class ConnectionError extends VastError {
  /** True when the request provably never reached the server (refused, unresolvable): replaying it is always safe. */
  readonly neverSent: boolean;
  constructor(message: string, neverSent: boolean, cause?: unknown) {
    super("VAST_CONNECTION_ERROR", message, { cause });
    this.neverSent = neverSent;
  }
}

export class MissingBucket extends VastError {
  constructor(readonly bucket: string) {
    super("VAST_MISSING_BUCKET", `bucket '${bucket}' does not exist`);
  }
}
export class MissingSchema extends VastError {
  constructor(
    readonly bucket: string,
    readonly schema: string,
  ) {
    super("VAST_MISSING_SCHEMA", `schema '${bucket}/${schema}' does not exist`);
  }
}
export class MissingTable extends VastError {
  constructor(
    readonly bucket: string,
    readonly schema: string,
    readonly table: string,
  ) {
    super("VAST_MISSING_TABLE", `table '${bucket}/${schema}.${table}' does not exist`);
  }
}
export class SchemaExists extends VastError {
  constructor(
    readonly bucket: string,
    readonly schema: string,
  ) {
    super("VAST_SCHEMA_EXISTS", `schema '${bucket}/${schema}' already exists`);
  }
}
export class TableExists extends VastError {
  constructor(
    readonly bucket: string,
    readonly schema: string,
    readonly table: string,
  ) {
    super("VAST_TABLE_EXISTS", `table '${bucket}/${schema}.${table}' already exists`);
  }
}
export class MissingTransaction extends VastError {
  constructor() {
    super("VAST_MISSING_TRANSACTION", "the transaction is no longer active");
  }
}
export class MissingRowIdColumn extends VastError {
  constructor() {
    super("VAST_MISSING_ROW_ID_COLUMN", "update/delete needs a uint64 `$row_id` column");
  }
}
export class InvalidArgument extends VastError {}
export class TooLargeRequest extends InvalidArgument {
  constructor(message: string) {
    super("VAST_TOO_LARGE_REQUEST", message);
  }
}
export class TooWideRow extends InvalidArgument {
  constructor(message: string) {
    super("VAST_TOO_WIDE_ROW", message);
  }
}
export class UnsupportedServer extends VastError {
  constructor(message: string) {
    super("VAST_UNSUPPORTED_SERVER", message);
  }
}
/** The server aborted a query stream (stream id 0xFFFFFFFD). */
export class QueryDataInternalError extends VastError {
  constructor() {
    super("VAST_QUERY_DATA_INTERNAL_ERROR", "the server reported a failed query stream");
  }
}
/** A logically invalid or inconsistent server response. */
export class ApiResponseError extends VastError {
  constructor(message: string) {
    super("VAST_API_RESPONSE_ERROR", message);
  }
}
/** A predicate shape the tabular API cannot push down (e.g. an OR across two columns). */
export class UnsupportedPredicate extends VastError {
  constructor(message: string) {
    super("VAST_UNSUPPORTED_PREDICATE", message);
  }
}

const BY_STATUS: Record<number, new (d: HttpErrorDetails) => HttpError> = {
  400: BadRequest,
  403: Forbidden,
  404: NotFound,
  405: MethodNotAllowed,
  408: RequestTimeout,
  409: Conflict,
  500: InternalServerError,
  501: NotImplementedError,
  503: ServiceUnavailable,
  507: InsufficientCapacity,
};

/** Maps a non-200 response to its typed error, as `vastdb.errors.from_response` does. */
export function errorFromResponse(details: HttpErrorDetails): HttpError {
  if (details.s3Code === "TabularUnsupportedColumnType") return new NotSupportedSchema(details);
  if (details.status === 503 && details.s3Code === "SlowDown") return new SlowDown(details);
  const ctor = BY_STATUS[details.status] ?? UnexpectedError;
  return new ctor(details);
}
