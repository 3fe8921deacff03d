import { describe, expect, it } from "vitest";
import type { PartType } from "../../src/core/model.js";
import { analyzeTables, layoutTables } from "../../src/core/offset-tables.js";
import { orderedTables } from "../../src/core/ordered-tables.js";
import { tableBytes } from "./bytes.js";

// The full analysis (tables not in table or round-robin order) judged on its own: the one-pass path of
// ordered-tables.ts handles every in-order table, so these tables are out of order on purpose.

const scanline: PartType[] = ["scanlineimage"];
const at = (code: string, chunk_index: number, byte_offset: number) => ({
  code,
  severity: "error",
  part_index: 0,
  attribute: null,
  chunk_index,
  byte_offset,
});

describe("analyzeTables on out-of-order tables", () => {
  it("zero, before-the-tables and past-EOF entries are findings at their entry, not chunks", () => {
    const headerEnd = 100;
    const layout = layoutTables(headerEnd, [6]);
    const e = layout.end;
    const fileSize = e + 500;
    const offsets = [e + 200, 0, e + 100, fileSize, e - 1, e];
    const bytes = tableBytes(offsets);
    expect(orderedTables(bytes, layout, fileSize, [8])).toBeNull();
    const r = analyzeTables(bytes, layout, fileSize, scanline, false);
    expect(r.findings.map(({ message, ...f }) => f)).toEqual([
      at("EXR_OFFSET_ZERO", 1, headerEnd + 8),
      at("EXR_OFFSET_OUT_OF_RANGE", 3, headerEnd + 24),
      at("EXR_OFFSET_OUT_OF_RANGE", 4, headerEnd + 32),
    ]);
    expect(r.complete).toBe(false);
    expect(r.stats[0]).toEqual({
      offset_table_offset: headerEnd,
      data_offset_min: e,
      data_offset_max: e + 200,
      chunks_present: 3,
    });
    expect(r.lastChunk).toEqual({ part: 0, chunk: 0, offset: e + 200 });
  });
});
