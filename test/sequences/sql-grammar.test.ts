import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogSequencesSql } from "../../src/sequences/catalog-sequences.js";
import { parseFrameName } from "../../src/sequences/frame-name.js";

/**
 * `sequences --db` parses names inside DuckDB (RE2) with the same regular expression as parseFrameName (V8). The
 * catalog query's own parsing steps are run here on generated names and must agree with the TypeScript grammar.
 */
let instance: DuckDBInstance;
let connection: Awaited<ReturnType<DuckDBInstance["connect"]>>;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

/** The query's CTEs up to `parsed`, over a VALUES list standing in for current_files. */
async function parseInSql(names: string[]): Promise<Map<string, Record<string, unknown>>> {
  const sql = catalogSequencesSql();
  const head = sql.slice(0, sql.indexOf("), s AS ("));
  const values = names.map((n) => `('/r/${n.replaceAll("'", "''")}')`).join(",");
  const rewritten = head.replace(
    /FROM exr_metadata\.current_files\s*/,
    `FROM (SELECT 'id' AS file_id, 0 AS size_bytes, true AS is_complete, p AS file_path_normalized FROM (VALUES ${values}) v(p)) `,
  );
  const reader = await connection.runAndReadAll(
    `${rewritten}) SELECT directory || '/' || prefix || sep || CASE WHEN frame < 0 THEN '-' ELSE '' END AS head, prefix, sep, suffix, frame, padding, directory FROM parsed`,
  );
  const out = new Map<string, Record<string, unknown>>();
  for (const row of reader.getRowObjectsJS())
    out.set(`${row.prefix}|${row.sep}|${row.frame}|${row.suffix}`, row);
  return out;
}

const nameChars = fc.constantFrom(..."ab_.-0123456789xL".split(""));
const names = fc
  .tuple(fc.array(nameChars, { maxLength: 14 }), fc.constantFrom(".exr", ".EXR", ".left.exr", ".tif", ""))
  .map(([chars, ext]) => `${chars.join("")}${ext}`);

describe("the catalog's SQL grammar", () => {
  it("parses exactly the names parseFrameName parses, into the same parts", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(names, { minLength: 1, maxLength: 60 }), async (list) => {
        const sql = await parseInSql(list);
        const expected = new Map<string, Record<string, unknown>>();
        for (const n of list) {
          const p = parseFrameName(n);
          if (p)
            expected.set(`${p.prefix}|${p.separator}|${p.frame}|${p.suffix}`, { padding: p.digits.length });
        }
        expect([...sql.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [key, value] of expected) expect(Number(sql.get(key)?.padding), key).toBe(value.padding);
      }),
      { numRuns: 150 },
    );
  });
});
