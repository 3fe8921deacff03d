/**
 * The client's typed errors: the class of each non-200 answer is the one the official SDK's
 * `vastdb.errors.from_response` picks for the same status and S3 code, and each error's stable code, fields
 * and message (method, path, status and the server's code/message, never a credential).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ApiResponseError,
  BadRequest,
  Conflict,
  ConnectionError,
  errorFromResponse,
  Forbidden,
  type HttpError,
  type HttpErrorDetails,
  InsufficientCapacity,
  InternalServerError,
  InvalidArgument,
  MethodNotAllowed,
  MissingBucket,
  MissingRowIdColumn,
  MissingSchema,
  MissingTable,
  MissingTransaction,
  NotFound,
  NotImplementedError,
  NotSupportedSchema,
  QueryDataInternalError,
  RequestTimeout,
  SchemaExists,
  ServiceUnavailable,
  SlowDown,
  TableExists,
  TooLargeRequest,
  TooWideRow,
  UnexpectedError,
  UnsupportedPredicate,
  UnsupportedServer,
  VastError,
} from "../../../src/vast/client/errors.js";

const ROOT = path.resolve(import.meta.dirname, "../../..");
// EXR_INSPECTOR_PYTHON: set by `npm run test:mutation`, whose sandbox copy of the repo has no .venv
const PYTHON = process.env.EXR_INSPECTOR_PYTHON ?? path.join(ROOT, ".venv/bin/python");

const STATUSES = [400, 403, 404, 405, 408, 409, 500, 501, 503, 507];
const S3_CODES = [null, "SlowDown", "TabularUnsupportedColumnType", "NoSuchKey"];

/** The SDK's class for each (status, S3 code): from_response over a real requests.Response. */
const SDK_CLASSES = `
import json, sys, requests, vastdb.errors as E
out = {}
for status in ${JSON.stringify(STATUSES)}:
    for code in ${JSON.stringify(S3_CODES).replaceAll("null", "None")}:
        r = requests.Response()
        r.status_code = status
        r._content = (f"<Error><Code>{code}</Code><Message>m</Message></Error>" if code else "").encode()
        r.request = requests.Request("GET", "http://h/b/t").prepare()
        try:
            e = E.from_response(r)
        except Exception as raised:  # 503 is raised, not returned
            e = raised
        out[f"{status} {code}"] = type(e).__name__
json.dump(out, sys.stdout)
`;

/** Our names for the SDK's classes where they differ (NotImplemented shadows a Python builtin). */
const SDK_NAME: Record<string, string> = { NotImplementedError: "NotImplemented", SlowDown: "Slowdown" };

const details = (
  status: number,
  s3Code: string | null,
  s3Message: string | null = null,
): HttpErrorDetails => ({
  method: "PUT",
  path: "/bucket/schema/table?rows",
  status,
  s3Code,
  s3Message,
});

const SDK_CACHE = path.join(
  tmpdir(),
  `exr-inspector-sdk-error-classes-${createHash("sha256").update(`${PYTHON}\0${SDK_CLASSES}`).digest("hex").slice(0, 16)}.json`,
);
/** A cached answer proves the SDK was there (checking again costs seconds per load of this file). */
const hasSdk =
  existsSync(SDK_CACHE) ||
  (existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import vastdb"], { stdio: "ignore" }).status === 0);

/**
 * The SDK's answers, cached in the temp directory per script and interpreter (the Python run takes seconds, and
 * mutation testing repeats this test for every mutant of errors.ts; the SDK's answer does not depend on our code).
 */
function sdkClasses(): Record<string, string> {
  if (existsSync(SDK_CACHE)) return JSON.parse(readFileSync(SDK_CACHE, "utf8")) as Record<string, string>;
  const run = spawnSync(PYTHON, ["-c", SDK_CLASSES], { encoding: "utf8", timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  writeFileSync(SDK_CACHE, run.stdout);
  return JSON.parse(run.stdout) as Record<string, string>;
}

describe.skipIf(!hasSdk)("HTTP errors as the official SDK classifies them", () => {
  it("every status and S3 code maps to the SDK's class", () => {
    const sdk = sdkClasses();
    expect(Object.keys(sdk)).toHaveLength(STATUSES.length * S3_CODES.length);
    for (const status of STATUSES)
      for (const code of S3_CODES) {
        // The SDK raises its 503 class inside the status map, before it looks at the S3 code: a column type the
        // server refuses is NotSupportedSchema for us whatever the status (the SDK's wrapping, applied to all).
        if (status === 503 && code === "TabularUnsupportedColumnType") {
          expect(sdk[`${status} ${code}`]).toBe("ServiceUnavailable");
          expect(errorFromResponse(details(status, code)).constructor).toBe(NotSupportedSchema);
          continue;
        }
        const ours = errorFromResponse(details(status, code, "m")).constructor.name;
        expect(SDK_NAME[ours] ?? ours, `${status} ${code}`).toBe(sdk[`${status} ${code ?? "None"}`]);
      }
  });
});

describe("HTTP errors", () => {
  it("each class has its stable code; an unknown status is unexpected", () => {
    const codes: [new (d: HttpErrorDetails) => HttpError, number, string | null, string][] = [
      [BadRequest, 400, null, "VAST_BAD_REQUEST"],
      [Forbidden, 403, null, "VAST_FORBIDDEN"],
      [NotFound, 404, null, "VAST_NOT_FOUND"],
      [MethodNotAllowed, 405, null, "VAST_METHOD_NOT_ALLOWED"],
      [RequestTimeout, 408, null, "VAST_REQUEST_TIMEOUT"],
      [Conflict, 409, null, "VAST_CONFLICT"],
      [InternalServerError, 500, null, "VAST_INTERNAL_SERVER_ERROR"],
      [NotImplementedError, 501, null, "VAST_NOT_IMPLEMENTED"],
      [ServiceUnavailable, 503, null, "VAST_SERVICE_UNAVAILABLE"],
      [SlowDown, 503, "SlowDown", "VAST_SLOW_DOWN"],
      [InsufficientCapacity, 507, null, "VAST_INSUFFICIENT_CAPACITY"],
      [UnexpectedError, 502, null, "VAST_UNEXPECTED_STATUS"],
      [UnexpectedError, 418, "Teapot", "VAST_UNEXPECTED_STATUS"],
      [NotSupportedSchema, 400, "TabularUnsupportedColumnType", "VAST_NOT_SUPPORTED_SCHEMA"],
      [NotSupportedSchema, 500, "TabularUnsupportedColumnType", "VAST_NOT_SUPPORTED_SCHEMA"],
    ];
    for (const [cls, status, s3Code, code] of codes) {
      const e = errorFromResponse(details(status, s3Code));
      expect(e, `${status} ${s3Code}`).toBeInstanceOf(cls);
      expect(e.constructor).toBe(cls);
      expect(e).toBeInstanceOf(VastError);
      expect(e.code).toBe(code);
      expect(e.name).toBe(cls.name);
      expect([e.method, e.path, e.status, e.s3Code]).toEqual([
        "PUT",
        "/bucket/schema/table?rows",
        status,
        s3Code,
      ]);
    }
    // SlowDown only as a 503: on another status the S3 code does not make it one
    expect(errorFromResponse(details(500, "SlowDown")).constructor).toBe(InternalServerError);
    expect(errorFromResponse(details(503, "SlowDown"))).toBeInstanceOf(ServiceUnavailable);
  });

  it("the message names the method, path and status, and the server's code and message when given", () => {
    expect(errorFromResponse(details(409, "Busy", "try later")).message).toBe(
      "PUT /bucket/schema/table?rows failed with HTTP 409 (Busy: try later)",
    );
    expect(errorFromResponse(details(409, "Busy")).message).toBe(
      "PUT /bucket/schema/table?rows failed with HTTP 409 (Busy)",
    );
    expect(errorFromResponse(details(409, null, "only a message")).message).toBe(
      "PUT /bucket/schema/table?rows failed with HTTP 409 (only a message)",
    );
    expect(errorFromResponse(details(409, null)).message).toBe(
      "PUT /bucket/schema/table?rows failed with HTTP 409",
    );
    expect(errorFromResponse(details(409, "", "")).message).toBe(
      "PUT /bucket/schema/table?rows failed with HTTP 409",
    );
    const e = errorFromResponse(details(404, "NoSuchKey", "gone"));
    expect(e.s3Message).toBe("gone");
  });
});

describe("client-side errors", () => {
  it("codes, names, fields and messages", () => {
    const cause = new Error("ECONNREFUSED");
    const conn = new ConnectionError("connect to http://h:1 failed", true, cause);
    expect([conn.code, conn.name, conn.message, conn.neverSent, conn.cause]).toEqual([
      "VAST_CONNECTION_ERROR",
      "ConnectionError",
      "connect to http://h:1 failed",
      true,
      cause,
    ]);
    expect(new ConnectionError("dropped", false).neverSent).toBe(false);
    const cases: [VastError, string, string][] = [
      [new MissingBucket("b"), "VAST_MISSING_BUCKET", "bucket 'b' does not exist"],
      [new MissingSchema("b", "s"), "VAST_MISSING_SCHEMA", "schema 'b/s' does not exist"],
      [new MissingTable("b", "s", "t"), "VAST_MISSING_TABLE", "table 'b/s.t' does not exist"],
      [new SchemaExists("b", "s"), "VAST_SCHEMA_EXISTS", "schema 'b/s' already exists"],
      [new TableExists("b", "s", "t"), "VAST_TABLE_EXISTS", "table 'b/s.t' already exists"],
      [new MissingTransaction(), "VAST_MISSING_TRANSACTION", "the transaction is no longer active"],
      [
        new MissingRowIdColumn(),
        "VAST_MISSING_ROW_ID_COLUMN",
        "update/delete needs a uint64 `$row_id` column",
      ],
      [new TooLargeRequest("too large"), "VAST_TOO_LARGE_REQUEST", "too large"],
      [new TooWideRow("too wide"), "VAST_TOO_WIDE_ROW", "too wide"],
      [new UnsupportedServer("old"), "VAST_UNSUPPORTED_SERVER", "old"],
      [
        new QueryDataInternalError(),
        "VAST_QUERY_DATA_INTERNAL_ERROR",
        "the server reported a failed query stream",
      ],
      [new ApiResponseError("bad"), "VAST_API_RESPONSE_ERROR", "bad"],
      [new UnsupportedPredicate("or"), "VAST_UNSUPPORTED_PREDICATE", "or"],
    ];
    for (const [e, code, message] of cases) {
      expect([e.code, e.message, e.name], code).toEqual([code, message, e.constructor.name]);
      expect(e).toBeInstanceOf(VastError);
    }
    expect(new TooWideRow("w")).toBeInstanceOf(InvalidArgument);
    expect(new TooLargeRequest("l")).toBeInstanceOf(InvalidArgument);
    const t = new MissingTable("b", "s", "t");
    expect([t.bucket, t.schema, t.table]).toEqual(["b", "s", "t"]);
    const s = new SchemaExists("b", "s");
    expect([s.bucket, s.schema]).toEqual(["b", "s"]);
    expect(new MissingBucket("x").bucket).toBe("x");
    const te = new TableExists("b", "s", "t");
    expect([te.bucket, te.schema, te.table]).toEqual(["b", "s", "t"]);
    const ms = new MissingSchema("b", "s");
    expect([ms.bucket, ms.schema]).toEqual(["b", "s"]);
  });
});
