/**
 * The VAST catalog's checks, in dependency order: configuration, network, tabular credentials and server
 * version, bucket, schema, the four tables with their columns, and an insert/select/delete round trip in a
 * scratch table (created and dropped here). Requests use short timeouts and at most two attempts.
 */
import { randomBytes } from "node:crypto";
import { Field, Int64, Schema, Utf8 } from "apache-arrow";
import { CATALOG_TABLES, TABLE_COLUMNS } from "../catalog/tables.js";
import { readBigints, readStrings, rowsToBatch } from "../catalog/vast/arrow-rows.js";
import { INGEST_TOKEN } from "../catalog/vast/table-schemas.js";
import { resolveVastConfig, VastConfig, type VastConfigInput } from "../vast/client/config.js";
import { Forbidden } from "../vast/client/errors.js";
import { eq } from "../vast/client/predicate.js";
import { select } from "../vast/client/select.js";
import { VastSession } from "../vast/client/session.js";
import { ROW_ID, type TableRef } from "../vast/client/transaction.js";
import { CheckFailed, type CheckResult, notTried, runCheck, withTimeout } from "./check.js";
import { networkChecks } from "./network-checks.js";

export const REQUEST_TIMEOUT_MS = 5_000;
const STEP_TIMEOUT_MS = 15_000;
const INIT_FIX =
  "create it with `exr-inspector db init --backend vast` (or the seed's CREATE SCHEMA/TABLE scripts)";

function credentialsFix(endpoint: string): string {
  return `verify VAST_DB_ACCESS_KEY / VAST_DB_SECRET_KEY (an S3 key pair of a VAST user with DataBase permissions); test with: aws s3 ls --endpoint-url ${endpoint}`;
}

export async function vastChecks(
  input: VastConfigInput,
): Promise<{ results: CheckResult[]; config: VastConfig | null }> {
  const results: CheckResult[] = [];
  let config: VastConfig;
  try {
    const resolved = resolveVastConfig(input);
    config = new VastConfig({
      endpoint: resolved.endpoint.href,
      accessKey: resolved.accessKey,
      secretKey: resolved.secretKey,
      bucket: resolved.bucket,
      schema: resolved.schema,
      region: resolved.region,
      timeoutMs: REQUEST_TIMEOUT_MS,
      retry: { maxAttempts: 2, maxElapsedMs: REQUEST_TIMEOUT_MS, baseDelayMs: 100, maxDelayMs: 500 },
    });
    results.push({
      name: "VAST configuration",
      ok: true,
      tried: "VAST_DB_ENDPOINT, VAST_DB_ACCESS_KEY, VAST_DB_SECRET_KEY, VAST_DB_BUCKET, VAST_DB_SCHEMA",
      detail: `endpoint ${config.endpoint.origin}, bucket ${config.bucket}, schema ${config.schema} (keys set, not shown)`,
    });
  } catch (err) {
    results.push({
      name: "VAST configuration",
      ok: false,
      tried: "VAST_DB_ENDPOINT, VAST_DB_ACCESS_KEY, VAST_DB_SECRET_KEY, VAST_DB_BUCKET, VAST_DB_SCHEMA",
      detail: (err as Error).message,
      fix: "export the variables (see docs/deploy-dataengine.md, Environment Configuration)",
    });
    return { results, config: null };
  }
  const network = await networkChecks("VAST endpoint", config.endpoint);
  results.push(...network);
  const later = [
    "VAST credentials",
    "bucket",
    "schema",
    ...CATALOG_TABLES.map((t) => `table ${t}`),
    "round trip",
  ];
  if (network.some((r) => !r.ok)) {
    for (const name of later) results.push(notTried(name, "-", "VAST endpoint reachable"));
    return { results, config };
  }

  let session: VastSession | null = null;
  const auth = await runCheck(
    "VAST credentials",
    `GET ${config.endpoint.origin}/?transaction (server version), then a signed begin/rollback of a transaction (timeout ${REQUEST_TIMEOUT_MS / 1000} s each)`,
    credentialsFix(config.endpoint.origin),
    async () => {
      try {
        session = await withTimeout(VastSession.connect(config), STEP_TIMEOUT_MS, "connecting");
        // The version probe is answered whatever the keys; beginning a transaction needs valid ones.
        const opened = session;
        await withTimeout(
          opened.begin().then((tx) => tx.rollback()),
          STEP_TIMEOUT_MS,
          "beginning a transaction",
        ).catch((err) => {
          opened.close();
          session = null;
          throw err;
        });
      } catch (err) {
        if (err instanceof Forbidden) {
          throw new CheckFailed(
            `Invalid credentials: ${err.message}`,
            credentialsFix(config.endpoint.origin),
          );
        }
        throw err;
      }
      return `accepted; server vast ${session.version.join(".")}`;
    },
  );
  results.push(auth);
  if (!session) {
    for (const name of later.slice(1)) results.push(notTried(name, "-", "VAST credentials"));
    return { results, config };
  }
  const s: VastSession = session;
  try {
    const bucket = await runCheck(
      "bucket",
      `bucket ${config.bucket} exists`,
      `create the bucket ${config.bucket} on the cluster (a database-enabled view) or set VAST_DB_BUCKET`,
      async () => {
        const exists = await withTimeout(
          s.transaction((tx) => tx.bucketExists(config.bucket)),
          STEP_TIMEOUT_MS,
          "bucket",
        );
        if (!exists) throw new Error(`bucket ${config.bucket} not found`);
        return `${config.bucket} exists`;
      },
    );
    results.push(bucket);
    if (!bucket.ok) {
      for (const name of later.slice(2)) results.push(notTried(name, "-", "bucket"));
      return { results, config };
    }
    const schema = await runCheck(
      "schema",
      `schema ${config.schema} in ${config.bucket}`,
      `CREATE SCHEMA ${config.schema}: ${INIT_FIX}; or set VAST_DB_SCHEMA to the schema that holds the tables`,
      async () => {
        const exists = await withTimeout(
          s.transaction((tx) => tx.schemaExists(config.bucket, config.schema)),
          STEP_TIMEOUT_MS,
          "schema",
        );
        if (!exists) throw new Error(`Schema not found: ${config.bucket}/${config.schema}`);
        return `${config.schema} exists`;
      },
    );
    results.push(schema);
    if (!schema.ok) {
      for (const name of later.slice(3)) results.push(notTried(name, "-", "schema"));
      return { results, config };
    }
    for (const table of CATALOG_TABLES) {
      const wanted = [...TABLE_COLUMNS[table].map((c) => c.name), INGEST_TOKEN];
      results.push(
        await runCheck(
          `table ${table}`,
          `${config.schema}.${table} with its ${wanted.length} columns`,
          `${INIT_FIX} (it also adds missing columns)`,
          async () => {
            const columns = await withTimeout(
              s.transaction(async (tx) => {
                const ref: TableRef = { bucket: config.bucket, schema: config.schema, table };
                if (!(await tx.tableExists(ref))) return null;
                return (await tx.columns(ref)).fields.map((f) => f.name);
              }),
              STEP_TIMEOUT_MS,
              `table ${table}`,
            );
            if (columns === null) throw new Error(`Table not found: ${config.schema}.${table}`);
            const missing = wanted.filter((c) => !columns.includes(c));
            if (missing.length > 0) throw new Error(`missing columns: ${missing.join(", ")}`);
            return `${columns.length} columns`;
          },
        ),
      );
    }
    results.push(await roundTrip(s, config));
  } finally {
    s.close();
  }
  return { results, config };
}

/** Create a scratch table, insert a row, select it back by value, delete it, check it is gone, drop the table. */
async function roundTrip(session: VastSession, config: VastConfig): Promise<CheckResult> {
  const ref: TableRef = {
    bucket: config.bucket,
    schema: config.schema,
    table: `doctor_scratch_${randomBytes(4).toString("hex")}`,
  };
  const schema = new Schema([new Field("probe", new Utf8(), true), new Field("n", new Int64(), true)]);
  const value = randomBytes(8).toString("hex");
  return runCheck(
    "round trip",
    `create ${config.schema}.${ref.table}, insert, select, delete, drop`,
    "check the user's permissions on the schema and the Transaction Rollback advice (docs/deploy-dataengine.md)",
    async () => {
      await withTimeout(
        session.transaction((tx) => tx.createTable(ref, schema)),
        STEP_TIMEOUT_MS,
        "create table",
      );
      try {
        await withTimeout(
          session.transaction((tx) => tx.insert(ref, rowsToBatch(schema, [{ probe: value, n: 42n }]))),
          STEP_TIMEOUT_MS,
          "insert",
        );
        const found = await withTimeout(
          session.transaction(async (tx) => {
            const t = await select(tx, ref, schema, { predicate: [eq("probe", value)], internalRowId: true });
            return { probes: readStrings(t, "probe"), rowIds: readBigints(t, ROW_ID) };
          }),
          STEP_TIMEOUT_MS,
          "select",
        );
        if (found.probes.length !== 1 || found.probes[0] !== value)
          throw new Error(`select returned ${found.probes.length} rows instead of the one inserted`);
        await withTimeout(
          session.transaction((tx) => tx.delete(ref, found.rowIds)),
          STEP_TIMEOUT_MS,
          "delete",
        );
        const left = await withTimeout(
          session.transaction(
            async (tx) => (await select(tx, ref, schema, { predicate: [eq("probe", value)] })).numRows,
          ),
          STEP_TIMEOUT_MS,
          "select after delete",
        );
        if (left !== 0) throw new Error(`${left} rows left after delete`);
      } finally {
        await session.transaction((tx) => tx.dropTable(ref)).catch(() => undefined);
      }
      return "insert, select with a predicate, delete and drop all succeeded";
    },
  );
}
