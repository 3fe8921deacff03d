/**
 * The one place user SQL runs (`sql`, `report`, and anything `serve` exposes): a DuckDB instance with DuckDB's own
 * sandbox settings — no file system or network access (`read_csv('/etc/passwd')`, `glob`, URLs, COPY/EXPORT all
 * refused), no extension auto-install/auto-load, and the configuration locked so a query cannot switch them back —
 * and only SELECT statements. Both backends use it: DuckDB opens its catalog file read-only with these settings,
 * VAST applies them to the in-memory mirror after loading the rows a query needs.
 */
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { QueryResult } from "./port.js";
import { runReadOnly } from "./sql-engine/read-only-query.js";

/** DuckDB settings of the sandbox, in the order they are applied (the lock last). */
export const SANDBOX_SETTINGS = [
  ["enable_external_access", "false"],
  ["autoinstall_known_extensions", "false"],
  ["autoload_known_extensions", "false"],
  ["lock_configuration", "true"],
] as const;

/** Applies the sandbox to the whole instance behind `connection` (irreversible: the configuration is locked). */
export async function sandbox(connection: DuckDBConnection): Promise<void> {
  for (const [name, value] of SANDBOX_SETTINGS) await connection.run(`SET ${name} = ${value}`);
}

/** Refuses to run unless every sandbox setting is in force on `connection`'s instance. */
export async function assertSandboxed(connection: DuckDBConnection): Promise<void> {
  const names = SANDBOX_SETTINGS.map(([n]) => `current_setting('${n}')::VARCHAR`).join(", ");
  const row = (await connection.runAndReadAll(`SELECT ${names}`)).getRows()[0] ?? [];
  SANDBOX_SETTINGS.forEach(([name, value], i) => {
    if (String(row[i]).toLowerCase() !== value)
      throw new Error(`query sandbox not in force: ${name} is ${row[i]}`);
  });
}

/**
 * Opens a database file read-only inside the sandbox: external access and extension loading are off from the
 * instance's start-up config; the session time zone (UTC, like every catalog connection) is set before the lock.
 */
export async function openSandboxedFile(
  dbPath: string,
): Promise<{ connection: DuckDBConnection; close(): void }> {
  // Stryker disable next-line ArrowFunction,ConditionalExpression: sandbox() below SETs the same settings before any user SQL runs; at start-up they only close the window until then (the lock must wait for the time zone)
  const startup = Object.fromEntries(SANDBOX_SETTINGS.filter(([name]) => name !== "lock_configuration"));
  const instance = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY", ...startup });
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    await sandbox(connection);
  } catch (err) {
    connection.closeSync();
    instance.closeSync();
    throw err;
  }
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs user SQL on a sandboxed connection: the sandbox is checked first, then only SELECT statements run. */
export async function runSandboxedQuery(connection: DuckDBConnection, sql: string): Promise<QueryResult> {
  if (sql.trim() === "") throw new EmptyQueryError();
  await assertSandboxed(connection);
  try {
    return await runReadOnly(connection, sql);
  } catch (err) {
    throw new QueryRejectedError(err instanceof Error ? err.message : String(err));
  }
}

/** The query itself was refused or failed (syntax, unknown table, a write, an access outside the sandbox). */
export class QueryRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryRejectedError";
  }
}

export class EmptyQueryError extends Error {
  constructor() {
    super('empty query: give one or more SELECT statements, e.g. "SELECT count(*) FROM files"');
    this.name = "EmptyQueryError";
  }
}
