/**
 * The DuckDB catalog's checks: the database file's directory and the file itself are writable, the file opens
 * read-write (no other process holds its lock), schema `exr_metadata` and the four tables with their columns
 * exist, the child tables' keys hold (no duplicate, no orphan: they are not indexed, catalog/child-keys.ts), and an
 * insert/select/delete round trip in a scratch table succeeds (dropped afterwards).
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { CHILD_KEY_CHECKS } from "../catalog/child-keys.js";
import {
  ATTRIBUTE_COLUMNS,
  CHANNEL_COLUMNS,
  FILE_COLUMNS,
  PART_COLUMNS,
  CATALOG_SCHEMA as SCHEMA,
} from "../catalog/tables.js";
import { type CheckResult, notTried, runCheck, withTimeout } from "./check.js";

const OPEN_TIMEOUT_MS = 10_000;
const INIT_FIX = "create it with `exr-inspector db init` (same --db)";
const TABLES = {
  files: FILE_COLUMNS,
  parts: PART_COLUMNS,
  channels: CHANNEL_COLUMNS,
  attributes: ATTRIBUTE_COLUMNS,
};

export async function duckdbChecks(dbPath: string): Promise<CheckResult[]> {
  const file = path.resolve(dbPath);
  const results: CheckResult[] = [];
  const writable = await runCheck(
    "database file",
    `${file} and its directory writable`,
    `run as a user who may write ${path.dirname(file)}, or choose another file with --db / EXR_INSPECTOR_DB`,
    async () => {
      await access(path.dirname(file), constants.W_OK);
      try {
        await stat(file);
      } catch {
        throw new Error(`${file} does not exist (its directory is writable)`);
      }
      await access(file, constants.W_OK);
      return `${file} writable`;
    },
  );
  if (!writable.ok && /does not exist/.test(writable.detail)) writable.fix = INIT_FIX;
  results.push(writable);
  const later = [
    "open",
    "schema",
    ...Object.keys(TABLES).map((t) => `table ${t}`),
    ...CHILD_KEY_CHECKS.map((k) => `keys ${k.table}`),
    "round trip",
  ];
  if (!writable.ok) {
    for (const name of later) results.push(notTried(name, "-", "database file"));
    return results;
  }
  let instance: DuckDBInstance | null = null;
  const open = await runCheck(
    "open",
    `open ${file} read-write (timeout ${OPEN_TIMEOUT_MS / 1000} s)`,
    "stop the process holding the database (a running scan or serve), or use another --db",
    async () => {
      instance = await withTimeout(DuckDBInstance.create(file), OPEN_TIMEOUT_MS, "opening");
      return "opened";
    },
  );
  results.push(open);
  if (!instance) {
    for (const name of later.slice(1)) results.push(notTried(name, "-", "open"));
    return results;
  }
  const db: DuckDBInstance = instance;
  const connection = await db.connect();
  try {
    const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
    const schema = await runCheck("schema", `schema ${SCHEMA}`, INIT_FIX, async () => {
      const found = await rows(`SELECT 1 FROM information_schema.schemata WHERE schema_name = '${SCHEMA}'`);
      if (found.length === 0) throw new Error(`Schema not found: ${SCHEMA}`);
      return `${SCHEMA} exists`;
    });
    results.push(schema);
    if (!schema.ok) {
      for (const name of later.slice(2)) results.push(notTried(name, "-", "schema"));
      return results;
    }
    for (const [table, specs] of Object.entries(TABLES)) {
      const wanted = specs.map((c) => c.name);
      results.push(
        await runCheck(
          `table ${table}`,
          `${SCHEMA}.${table} with its ${wanted.length} columns`,
          INIT_FIX,
          async () => {
            const found = (
              await rows(
                `SELECT column_name FROM information_schema.columns WHERE table_schema = '${SCHEMA}' AND table_name = '${table}'`,
              )
            ).map((r) => String(r[0]));
            if (found.length === 0) throw new Error(`Table not found: ${SCHEMA}.${table}`);
            const missing = wanted.filter((c) => !found.includes(c));
            if (missing.length > 0) throw new Error(`missing columns: ${missing.join(", ")}`);
            return `${found.length} columns`;
          },
        ),
      );
    }
    for (const check of CHILD_KEY_CHECKS) {
      results.push(
        await runCheck(
          `keys ${check.table}`,
          `${SCHEMA}.${check.table}: (${check.key.join(", ")}) unique, every file_id in files`,
          "the catalog was written by something other than exr-inspector: export what is right, or re-scan into a new --db",
          async () => {
            const [duplicated, orphaned] = (await rows(check.sql))[0]!.map(Number);
            if (duplicated || orphaned)
              throw new Error(`${duplicated} rows share a key, ${orphaned} rows have no file`);
            return "no duplicate key, no orphan";
          },
        ),
      );
    }
    const scratch = `${SCHEMA}.doctor_scratch_${process.pid}`;
    results.push(
      await runCheck(
        "round trip",
        `create ${scratch}, insert, select, delete, drop`,
        "check the disk (space, read-only mount) and that no other process holds the database",
        async () => {
          try {
            await connection.run(`CREATE OR REPLACE TABLE ${scratch} (probe VARCHAR, n BIGINT)`);
            await connection.run(`INSERT INTO ${scratch} VALUES ('doctor', 42)`);
            const back = await rows(`SELECT n FROM ${scratch} WHERE probe = 'doctor'`);
            if (back.length !== 1 || Number(back[0]![0]) !== 42)
              throw new Error("select did not return the row");
            await connection.run(`DELETE FROM ${scratch} WHERE probe = 'doctor'`);
            const left = await rows(`SELECT count(*) FROM ${scratch}`);
            if (Number(left[0]![0]) !== 0) throw new Error("row still there after delete");
          } finally {
            await connection.run(`DROP TABLE IF EXISTS ${scratch}`).catch(() => undefined);
          }
          return "insert, select, delete and drop all succeeded";
        },
      ),
    );
  } finally {
    connection.closeSync();
    db.closeSync();
  }
  return results;
}
