import { describe, expect, it } from "vitest";
import type { Finding, PartType } from "../../src/core/model.js";
import { analyzeTables, chunkHeaderSize, layoutTables } from "../../src/core/offset-tables.js";
import { orderedTables } from "../../src/core/ordered-tables.js";
import { tableBytes } from "./bytes.js";

// Offset-table findings asserted whole (code, part, chunk, byte offset, and the numbers the message gives),
// at the exact boundaries: a chunk ending at EOF or touching the next, offsets at the tables' end and at EOF.

const headerEnd = 100;

const error = (code: string, part_index: number, chunk_index: number, byte_offset: number) => ({
  code,
  severity: "error",
  part_index,
  attribute: null,
  chunk_index,
  byte_offset,
});

function located(findings: Finding[], ...mentions: string[]) {
  return findings.map(({ message, ...rest }) => {
    for (const m of mentions) expect(message).toContain(m);
    return rest;
  });
}

const scanline: PartType[] = ["scanlineimage"];

describe("chunk headers and table layout", () => {
  it("chunk header sizes per part type, with and without the part number", () => {
    const types: PartType[] = ["scanlineimage", "tiledimage", "deepscanline", "deeptile"];
    expect(types.map((t) => chunkHeaderSize(t, false))).toEqual([8, 20, 28, 40]);
    expect(types.map((t) => chunkHeaderSize(t, true))).toEqual([12, 24, 32, 44]);
  });

  it("tables follow each other from the header end; unknown counts take no room", () => {
    expect(layoutTables(50, [2, null, 3])).toEqual({
      tables: [
        { part: 0, start: 50, entries: 2 },
        { part: 1, start: 66, entries: 0 },
        { part: 2, start: 66, entries: 3 },
      ],
      start: 50,
      end: 90,
    });
  });
});

describe("analyzeTables findings", () => {
  it("a table cut by EOF: located at the first missing entry, in that part and every later one", () => {
    const layout = layoutTables(headerEnd, [4, 3]);
    const offsets = [0, 1, 2, 3, 4, 5, 6].map((i) => layout.end + i * 100);
    const fileSize = layout.end + 800;
    // EOF after 5 entries: part 1 has 1 of 3
    const cut = analyzeTables(
      tableBytes(offsets).subarray(0, 5 * 8 + 3),
      layout,
      fileSize,
      scanline.concat(scanline),
      true,
    );
    expect(located(cut.findings, "1 of 3 entries present")).toEqual([
      error("EXR_OFFSET_TABLE_TRUNCATED", 1, 1, headerEnd + 5 * 8),
    ]);
    expect(cut.complete).toBe(false);
    expect(cut.stats.map((s) => s.chunks_present)).toEqual([4, 1]);
    // EOF inside part 0's table: part 1's table is missing entirely
    const early = analyzeTables(
      tableBytes(offsets).subarray(0, 2 * 8),
      layout,
      fileSize,
      scanline.concat(scanline),
      true,
    );
    expect(located(early.findings, "entries present")).toEqual([
      error("EXR_OFFSET_TABLE_TRUNCATED", 0, 2, headerEnd + 2 * 8),
      error("EXR_OFFSET_TABLE_TRUNCATED", 1, 0, headerEnd + 4 * 8),
    ]);
    expect(early.stats).toEqual([
      {
        offset_table_offset: headerEnd,
        data_offset_min: layout.end,
        data_offset_max: layout.end + 100,
        chunks_present: 2,
      },
      {
        offset_table_offset: headerEnd + 32,
        data_offset_min: null,
        data_offset_max: null,
        chunks_present: 0,
      },
    ]);
  });

  it("zero and out-of-range entries, located at the entry", () => {
    const layout = layoutTables(headerEnd, [5]);
    const fileSize = layout.end + 500;
    const offsets = [layout.end, 0, layout.end - 1, fileSize, layout.end + 200];
    const r = analyzeTables(tableBytes(offsets), layout, fileSize, scanline, false);
    const [zero, before, past] = r.findings;
    expect(located([zero!], "chunk 1 is 0")).toEqual([error("EXR_OFFSET_ZERO", 0, 1, headerEnd + 8)]);
    expect(
      located(
        [before!],
        `chunk 2 offset ${layout.end - 1}`,
        `before the end of the offset tables (${layout.end})`,
      ),
    ).toEqual([error("EXR_OFFSET_OUT_OF_RANGE", 0, 2, headerEnd + 16)]);
    expect(located([past!], `offset ${fileSize}`, `past EOF (${fileSize})`)).toEqual([
      error("EXR_OFFSET_OUT_OF_RANGE", 0, 3, headerEnd + 24),
    ]);
    expect(r.findings).toHaveLength(3);
    expect(r.complete).toBe(false);
    expect(r.stats[0]).toEqual({
      offset_table_offset: headerEnd,
      data_offset_min: layout.end,
      data_offset_max: layout.end + 200,
      chunks_present: 2,
    });
    expect(r.lastChunk).toEqual({ part: 0, chunk: 4, offset: layout.end + 200 });
  });

  it("a file ending where its tables end: an entry at that offset is past EOF, not before the tables' end", () => {
    const layout = layoutTables(headerEnd, [1]);
    const r = analyzeTables(tableBytes([layout.end]), layout, layout.end, scanline, false);
    expect(located(r.findings, `chunk 0 offset ${layout.end} is past EOF (${layout.end})`)).toEqual([
      error("EXR_OFFSET_OUT_OF_RANGE", 0, 0, headerEnd),
    ]);
    expect(r.stats[0]).toMatchObject({ data_offset_min: null, data_offset_max: null, chunks_present: 0 });
    expect([r.lastChunk, r.complete]).toEqual([null, false]);
  });

  it("chunks touching exactly fit; one byte closer overlaps; one byte short of EOF is truncated", () => {
    const layout = layoutTables(headerEnd, [3]);
    const e = layout.end;
    const fits = [e, e + 8, e + 16];
    const exact = analyzeTables(tableBytes(fits), layout, e + 24, scanline, false);
    expect(exact).toEqual({
      stats: [
        { offset_table_offset: headerEnd, data_offset_min: e, data_offset_max: e + 16, chunks_present: 3 },
      ],
      findings: [],
      lastChunk: { part: 0, chunk: 2, offset: e + 16 },
      complete: true,
    });
    const overlap = analyzeTables(tableBytes([e, e + 7, e + 16]), layout, e + 24, scanline, false);
    expect(
      located(overlap.findings, "chunk 0 at", "has 7 bytes before the next chunk; its header needs 8"),
    ).toEqual([error("EXR_CHUNK_OVERLAP", 0, 0, e)]);
    expect(overlap.stats[0]!.chunks_present).toBe(2);
    const short = analyzeTables(tableBytes(fits), layout, e + 23, scanline, false);
    expect(located(short.findings, "file ends 7 bytes into chunk 2; its header alone needs 8")).toEqual([
      error("EXR_CHUNK_TRUNCATED", 0, 2, e + 16),
    ]);
    expect(short.lastChunk).toBeNull();
    expect(short.complete).toBe(false);
  });

  it("an out-of-order table: a truncated highest chunk is truncation, not overlap", () => {
    const layout = layoutTables(headerEnd, [4]);
    const e = layout.end;
    const fileSize = e + 400;
    // descending offsets; the highest (chunk 0) lies 5 bytes before EOF
    const offsets = [fileSize - 5, e + 200, e + 100, e];
    const r = analyzeTables(tableBytes(offsets), layout, fileSize, scanline, false);
    expect(located(r.findings, "file ends 5 bytes into chunk 0")).toEqual([
      error("EXR_CHUNK_TRUNCATED", 0, 0, fileSize - 5),
    ]);
    expect(r.lastChunk).toBeNull();
    expect(r.stats[0]).toEqual({
      offset_table_offset: headerEnd,
      data_offset_min: e,
      data_offset_max: fileSize - 5,
      chunks_present: 3,
    });
    // ... and a chunk too close to the next higher one is overlap, measured to that chunk
    const tight = [e + 300, e + 200, e + 100 + 96, e + 100];
    const t = analyzeTables(tableBytes(tight), layout, fileSize, scanline, false);
    expect(located(t.findings, "chunk 2 at", "has 4 bytes before the next chunk")).toEqual([
      error("EXR_CHUNK_OVERLAP", 0, 2, e + 196),
    ]);
    expect(t.lastChunk).toEqual({ part: 0, chunk: 0, offset: e + 300 });
  });

  it("interleaved parts with different chunk headers: each judged with its own header size", () => {
    // part 0 deep tiled (44-byte headers), part 1 scanline (12): round-robin but not ascending per table
    const layout = layoutTables(headerEnd, [2, 2]);
    const e = layout.end;
    const types: PartType[] = ["deeptile", "scanlineimage"];
    // the scanline chunk at e+44 leaves 12 bytes; the deep chunk at e+56 needs 44 but has 43 before e+99
    const offsets = [e, e + 56, e + 44, e + 99];
    const r = analyzeTables(tableBytes(offsets), layout, e + 99 + 12, types, true);
    expect(located(r.findings, "has 43 bytes", "needs 44")).toEqual([
      error("EXR_CHUNK_OVERLAP", 0, 1, e + 56),
    ]);
    expect(r.lastChunk).toEqual({ part: 1, chunk: 1, offset: e + 99 });
    // the same offsets in table order (ascending): the same finding
    const asc = [e, e + 44, e + 56, e + 99];
    const types2: PartType[] = ["scanlineimage", "deeptile"];
    const a = analyzeTables(tableBytes(asc), layout, e + 99 + 44, types2, true);
    expect(located(a.findings)).toEqual([error("EXR_CHUNK_OVERLAP", 1, 0, e + 56)]);
    expect(a.stats.map((s) => s.chunks_present)).toEqual([2, 1]);
  });

  it("a part of unknown type: its chunks are located, but its last chunk header is not read", () => {
    const layout = layoutTables(headerEnd, [2]);
    const e = layout.end;
    const r = analyzeTables(tableBytes([e, e + 50]), layout, e + 100, [null], false);
    expect(r.findings).toEqual([]);
    expect(r.complete).toBe(true);
    expect(r.lastChunk).toBeNull();
    expect(orderedTables(tableBytes([e, e + 50]), layout, e + 100, [0])).toBeNull();
  });

  it("a last chunk whose header ends exactly at EOF is read", () => {
    const layout = layoutTables(headerEnd, [2]);
    const e = layout.end;
    // out of order, so the full analysis decides
    const r = analyzeTables(tableBytes([e + 100, e]), layout, e + 108, scanline, false);
    expect(r.findings).toEqual([]);
    expect(r.lastChunk).toEqual({ part: 0, chunk: 0, offset: e + 100 });
    const over = analyzeTables(tableBytes([e + 100, e]), layout, e + 107, scanline, false);
    expect(over.lastChunk).toBeNull();
    expect(over.findings.map((f) => f.code)).toEqual(["EXR_CHUNK_TRUNCATED"]);
  });

  it("equal offsets: the later entry is the last chunk; the earlier has no room", () => {
    const layout = layoutTables(headerEnd, [3]);
    const e = layout.end;
    const r = analyzeTables(tableBytes([e, e + 50, e + 50]), layout, e + 100, scanline, false);
    expect(located(r.findings, "has 0 bytes")).toEqual([error("EXR_CHUNK_OVERLAP", 0, 1, e + 50)]);
    expect(r.lastChunk).toEqual({ part: 0, chunk: 2, offset: e + 50 });
  });
});
