/**
 * catalog/query-sandbox.ts, focused and fast (query-sandbox.test.ts drives the same through both stores and the CLI):
 * the sandbox settings and their order, the check that refuses an unsandboxed connection naming the setting, the
 * read-only file opening, and the errors user SQL gets.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertSandboxed,
  EmptyQueryError,
  openSandboxedFile,
  QueryRejectedError,
  runSandboxedQuery,
  SANDBOX_SETTINGS,
  sandbox,
} from "../../src/catalog/query-sandbox.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "exr-sandbox-rules-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withConnection<T>(
  work: (c: Awaited<ReturnType<DuckDBInstance["connect"]>>) => Promise<T>,
  options: Record<string, string> = {},
): Promise<T> {
  const instance = await DuckDBInstance.create(":memory:", options);
  const connection = await instance.connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const setting = async (c: Awaited<ReturnType<DuckDBInstance["connect"]>>, name: string) =>
  String((await c.runAndReadAll(`SELECT current_setting('${name}')::VARCHAR`)).getRows()[0]?.[0]);

describe("query sandbox (unit)", () => {
  it("the settings, the lock last", () => {
    expect(SANDBOX_SETTINGS).toEqual([
      ["enable_external_access", "false"],
      ["autoinstall_known_extensions", "false"],
      ["autoload_known_extensions", "false"],
      ["lock_configuration", "true"],
    ]);
  });

  it("sandbox applies every setting and locks them", async () => {
    await withConnection(async (c) => {
      await expect(assertSandboxed(c)).rejects.toThrow(
        "query sandbox not in force: enable_external_access is true",
      );
      await sandbox(c);
      for (const [name, value] of SANDBOX_SETTINGS) expect(await setting(c, name)).toBe(value);
      await assertSandboxed(c);
      await expect(c.run("SET autoload_known_extensions = true")).rejects.toThrow();
    });
  });

  it.each(SANDBOX_SETTINGS.map(([name]) => name))(
    "assertSandboxed names the one setting not in force: %s",
    async (missing) => {
      const startup = Object.fromEntries(
        SANDBOX_SETTINGS.filter(([n]) => n !== missing && n !== "lock_configuration"),
      );
      await withConnection(async (c) => {
        if (missing !== "lock_configuration") await c.run("SET lock_configuration = true");
        const expected = missing === "lock_configuration" ? "false" : "true";
        await expect(assertSandboxed(c)).rejects.toThrow(
          `query sandbox not in force: ${missing} is ${expected}`,
        );
        await expect(runSandboxedQuery(c, "SELECT 1")).rejects.toThrow(`${missing} is ${expected}`);
      }, startup);
    },
  );

  it("runSandboxedQuery: empty text, refused statements and failures are told apart", async () => {
    await withConnection(async (c) => {
      await sandbox(c);
      await expect(runSandboxedQuery(c, " \n\t ")).rejects.toBeInstanceOf(EmptyQueryError);
      await expect(runSandboxedQuery(c, "")).rejects.toThrow(
        'empty query: give one or more SELECT statements, e.g. "SELECT count(*) FROM files"',
      );
      const refused = await runSandboxedQuery(c, "CREATE TABLE x (a INTEGER)").catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(QueryRejectedError);
      expect((refused as Error).name).toBe("QueryRejectedError");
      expect((refused as Error).message).toBe(
        "read-only: only SELECT statements are allowed (statement 1 is CREATE)",
      );
      const outside = await runSandboxedQuery(c, "SELECT * FROM read_text('/etc/hostname')").catch(
        (e: unknown) => e,
      );
      expect(outside).toBeInstanceOf(QueryRejectedError);
      expect((outside as Error).message).toMatch(/disabled by configuration/);
      expect(await runSandboxedQuery(c, " SELECT 41 + 1 AS n ")).toEqual({ columns: ["n"], rows: [[42]] });
    });
    expect(new EmptyQueryError().name).toBe("EmptyQueryError");
  });

  it("openSandboxedFile: read-only, UTC, sandboxed; closing releases the file", async () => {
    const file = path.join(dir, "c.duckdb");
    {
      const instance = await DuckDBInstance.create(file);
      const c = await instance.connect();
      await c.run("CREATE TABLE t AS SELECT 1 AS a");
      c.closeSync();
      instance.closeSync();
    }
    const opened = await openSandboxedFile(file);
    try {
      await assertSandboxed(opened.connection);
      expect(await setting(opened.connection, "TimeZone")).toBe("UTC");
      expect(await setting(opened.connection, "access_mode")).toBe("read_only");
      expect(await runSandboxedQuery(opened.connection, "SELECT a FROM t")).toEqual({
        columns: ["a"],
        rows: [[1]],
      });
      await expect(opened.connection.run("INSERT INTO t VALUES (2)")).rejects.toThrow(/read-only/);
    } finally {
      opened.close();
    }
    // Closed: a writer can open the file again.
    const writer = await DuckDBInstance.create(file);
    const w = await writer.connect();
    await w.run("INSERT INTO t VALUES (2)");
    w.closeSync();
    writer.closeSync();
  });

  it("openSandboxedFile refuses a file that is not a database", async () => {
    await expect(openSandboxedFile(path.join(dir, "missing.duckdb"))).rejects.toThrow();
  });
});
