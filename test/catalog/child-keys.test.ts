/**
 * catalog/child-keys.ts: the `doctor` checks of the child tables' keys, run on a database holding duplicated keys
 * and orphaned rows in each table: each check counts exactly its own table's.
 */
import { describe, expect, it } from "vitest";
import { CHILD_KEY_CHECKS } from "../../src/catalog/child-keys.js";
import { withMirror } from "../../src/catalog/sql-engine/mirror.js";

describe("CHILD_KEY_CHECKS", () => {
  it("one check per child table, keyed as the catalog keys it", () => {
    expect(CHILD_KEY_CHECKS.map((c) => [c.table, c.key])).toEqual([
      ["parts", ["file_id", "part_index"]],
      ["channels", ["file_id", "part_index", "channel_name"]],
      ["attributes", ["file_id", "part_index", "attribute_index"]],
    ]);
  });

  it("counts rows sharing a key and rows without a files row, per table", async () => {
    const counts = await withMirror(
      {
        files: [{ file_id: "f1" }, { file_id: "f2" }],
        parts: [
          { file_id: "f1", part_index: 0 },
          { file_id: "f1", part_index: 0 }, // duplicated key (2 rows)
          { file_id: "f1", part_index: 1 },
          { file_id: "f2", part_index: 0 },
          { file_id: "gone", part_index: 0 }, // orphan
        ],
        channels: [
          { file_id: "f1", part_index: 0, channel_name: "R" },
          { file_id: "f1", part_index: 0, channel_name: "R" },
          { file_id: "f1", part_index: 0, channel_name: "R" }, // 3 rows share a key
          { file_id: "f1", part_index: 1, channel_name: "R" },
          { file_id: "f1", part_index: 0, channel_name: "G" },
          { file_id: "x", part_index: 0, channel_name: "R" },
          { file_id: "y", part_index: 0, channel_name: "R" }, // 2 orphans
        ],
        attributes: [
          { file_id: "f2", part_index: 0, attribute_index: 0, attribute_name: "a" },
          { file_id: "f2", part_index: 0, attribute_index: 1, attribute_name: "a" }, // same name, other position
          { file_id: "f2", part_index: 1, attribute_index: 0, attribute_name: "a" },
        ],
      },
      async (c) => {
        const out: Record<string, unknown[]> = {};
        for (const check of CHILD_KEY_CHECKS)
          out[check.table] = (await c.runAndReadAll(check.sql)).getRowsJS()[0]!;
        return out;
      },
    );
    expect(counts).toEqual({
      parts: [2n, 1n],
      channels: [3n, 2n],
      attributes: [0n, 0n],
    });
  });
});
