import { describe, expect, it } from "vitest";
import { buildRecord } from "../../src/catalog/build-record.js";
import { DuckDbCatalogStore } from "../../src/catalog/duckdb/duckdb-store.js";
import { encodeChildren } from "../../src/catalog/encoded-children.js";
import type { CatalogRecord } from "../../src/catalog/rows.js";
import { fixture } from "./fixtures.js";

/** A record whose attribute values exercise the encodings' edge cases (`nul`: one string holds U+0000). */
function awkward(path: string, nul: boolean): CatalogRecord {
  const rec = buildRecord(fixture({ path }), { now: new Date(1000) });
  const base = rec.attributes[0]!;
  const values: [number | null, string | null][] = [
    [Number.NaN, null],
    [Number.POSITIVE_INFINITY, null],
    [Number.NEGATIVE_INFINITY, null],
    [-0, null],
    [5e-324, null],
    [1.7976931348623157e308, null],
    [0.1 + 0.2, null],
    [null, `quote " backslash \\ newline \n tab \t${nul ? " nul \u0000" : ""} end`],
    [null, "\u0001 and \u001f control characters"],
    [null, "emoji \u{1F600} é ü"],
    [null, ""],
  ];
  rec.attributes.push(
    ...values.map(([value_number, value_text], i) => ({
      ...base,
      attribute_name: `edge${i}`,
      attribute_index: rec.attributes.length + i,
      attribute_value: value_text === null ? String(value_number) : JSON.stringify(value_text),
      value_number,
      value_text,
    })),
  );
  return rec;
}

describe("encoded child rows (scan fast path)", () => {
  it.each([
    ["columnar", false, "columns"],
    ["JSON (a string holds U+0000)", true, "json"],
  ] as const)("%s: store exactly the rows the object path stores", async (_, nul, format) => {
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      const plain = awkward("/j/plain.exr", nul);
      const encoded = awkward("/j/encoded.exr", nul);
      const bare = buildRecord(fixture({ path: "/j/bare.exr" }), { now: new Date(1000) });
      bare.channels = [];
      bare.attributes = [];
      const other = awkward("/j/other.exr", !nul);
      encodeChildren(encoded);
      encodeChildren(bare);
      encodeChildren(other);
      expect(encoded.encoded!.format).toBe(format);
      expect(other.encoded!.format).not.toBe(format);
      expect(encoded.channels).toEqual([]);
      expect(encoded.attributes).toEqual([]);
      await store.upsertBatch([plain, encoded, bare, other]);
      const a = await store.getRecord(plain.file.file_id);
      const b = await store.getRecord(encoded.file.file_id);
      expect(a).toEqual(plain);
      const strip = <T extends { file_id: string; file_path: string }>(rows: T[]) =>
        rows.map(({ file_id: _i, file_path: _p, ...rest }) => rest);
      expect(strip(b!.channels)).toEqual(strip(a!.channels));
      expect(strip(b!.attributes)).toEqual(strip(a!.attributes));
      expect(
        b!.channels.every((c) => c.file_id === encoded.file.file_id && c.file_path === "/j/encoded.exr"),
      ).toBe(true);
      const none = await store.getRecord(bare.file.file_id);
      expect([none!.channels, none!.attributes]).toEqual([[], []]);
      const counts = await store.query(
        `SELECT file_path, count(*) FROM exr_metadata.attributes GROUP BY 1 ORDER BY 1`,
      );
      const n = plain.attributes.length;
      expect(counts.rows).toEqual([
        ["/j/encoded.exr", n],
        ["/j/other.exr", n],
        ["/j/plain.exr", n],
      ]);
      // -0 and NaN compared exactly (toEqual treats them loosely).
      const signs = await store.query(
        `SELECT file_path, attribute_name, value_number::VARCHAR FROM exr_metadata.attributes
         WHERE attribute_name IN ('edge0', 'edge3') AND file_path <> '/j/other.exr' ORDER BY 1, 2`,
      );
      expect(signs.rows).toEqual([
        ["/j/encoded.exr", "edge0", "nan"],
        ["/j/encoded.exr", "edge3", "-0.0"],
        ["/j/plain.exr", "edge0", "nan"],
        ["/j/plain.exr", "edge3", "-0.0"],
      ]);
    } finally {
      await store.close();
    }
  });

  it("a lone surrogate is stored as U+FFFD, as the appender stores it", async () => {
    const store = await DuckDbCatalogStore.open(":memory:");
    await store.init();
    try {
      const plain = buildRecord(fixture({ path: "/j/s1.exr" }), { now: new Date(1000) });
      const encoded = buildRecord(fixture({ path: "/j/s2.exr" }), { now: new Date(1000) });
      const json = buildRecord(fixture({ path: "/j/s3.exr" }), { now: new Date(1000) });
      for (const r of [plain, encoded, json]) r.attributes[0]!.value_text = "a\uD800b";
      json.attributes[1]!.value_text = "\u0000";
      encodeChildren(encoded);
      encodeChildren(json);
      expect([encoded.encoded!.format, json.encoded!.format]).toEqual(["columns", "json"]);
      await store.upsertBatch([plain, encoded, json]);
      const r = await store.query(
        `SELECT DISTINCT value_text FROM exr_metadata.attributes WHERE value_text LIKE 'a%b'`,
      );
      expect(r.rows).toEqual([["a\uFFFDb"]]);
    } finally {
      await store.close();
    }
  });
});
