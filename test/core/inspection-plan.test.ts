import { describe, expect, it } from "vitest";
import { scanHeaders } from "../../src/core/header-scan.js";
import { Inspection } from "../../src/core/inspection.js";
import {
  firstReadLength,
  inspectBytes,
  inspectionPlan,
  type PlanOptions,
} from "../../src/core/inspection-plan.js";
import { type InspectionResult, SCHEMA_VERSION } from "../../src/core/model.js";
import type { ExrSpec, PartSpec } from "../../src/core/write/spec.js";
import { buildExr, writeExr } from "../../src/core/write/write-exr.js";

// The pure inspection coroutine: which ranges it asks for, what it does with short, long and failed
// reads, and how the file record is assembled from the three steps.

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});
const scan = (extra: Partial<PartSpec> = {}): PartSpec => ({
  type: "scanlineimage",
  dataWindow: box(0, 0, 15, 63),
  channels: [{ name: "Y", type: "float" }],
  ...extra,
});

type Reader = (offset: number, length: number, bytes: Uint8Array) => Uint8Array;
const exact: Reader = (offset, length, bytes) => bytes.subarray(offset, offset + length);

/** Runs the plan, recording every range it asks for; `read` answers each (and may throw). */
function drive(
  bytes: Uint8Array,
  options: Partial<PlanOptions> = {},
  read: Reader = exact,
  mtime: Date | null = null,
) {
  const ranges: Array<[number, number]> = [];
  const plan = inspectionPlan(bytes.length, mtime, { path: "memory:x.exr", ...options });
  let step = plan.next();
  while (!step.done) {
    const { offset, length } = step.value;
    ranges.push([offset, length]);
    let got: Uint8Array;
    try {
      got = read(offset, length, bytes);
    } catch (err) {
      step = plan.throw(err);
      continue;
    }
    step = plan.next(got);
  }
  return { ranges, result: step.value };
}

const codes = (r: InspectionResult) => r.validation.findings.map((f) => f.code);

describe("first read", () => {
  it("the initial read size, at least 8 bytes and never past the header cap", () => {
    expect(firstReadLength({})).toBe(64 * 1024);
    expect(firstReadLength({ initialReadBytes: 3 })).toBe(8);
    expect(firstReadLength({ initialReadBytes: 100, maxHeaderBytes: 50 })).toBe(50);
    expect(firstReadLength({ initialReadBytes: 100, maxHeaderBytes: 3 })).toBe(8);
    expect(firstReadLength({ initialReadBytes: 1 << 30 })).toBe(64 * 1024 * 1024);
  });
});

describe("inspectionPlan", () => {
  it("a file smaller than the first read: one read of the whole file, every later range taken from it", () => {
    const bytes = writeExr({ parts: [scan()] });
    const { ranges, result } = drive(bytes);
    expect(ranges).toEqual([[0, bytes.length]]);
    expect(result.file).toMatchObject({ bytes_read: bytes.length, is_complete: true, path: "memory:x.exr" });
  });

  it("grows the prefix from where it ends, then reads the tables and the last chunk header it does not hold", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const last = layout.parts[0]!.chunkOffsets.at(-1)!;
    const contiguous = (ranges: Array<[number, number]>, n: number) => {
      let end = 0;
      for (const [offset, length] of ranges.slice(0, n)) {
        expect(offset).toBe(end);
        end += length;
      }
      return end;
    };
    const grown = drive(bytes, { initialReadBytes: 16 });
    expect(grown.ranges[0]).toEqual([0, 16]);
    expect(contiguous(grown.ranges, grown.ranges.length - 1)).toBeGreaterThanOrEqual(
      layout.headerBytes + 8 * 64,
    );
    expect(grown.ranges.at(-1)).toEqual([last, 8]);
    // a cap before the table ends: the table is read on its own, overlapping the prefix
    const capped = drive(bytes, { initialReadBytes: 64, maxHeaderBytes: layout.headerBytes + 300 });
    expect(capped.ranges[0]).toEqual([0, 64]);
    const prefix = contiguous(capped.ranges, capped.ranges.length - 2);
    expect(prefix).toBeGreaterThanOrEqual(layout.headerBytes);
    expect(prefix).toBeLessThan(layout.headerBytes + 8 * 64);
    expect(capped.ranges.slice(-2)).toEqual([
      [layout.headerBytes, 8 * 64],
      [last, 8],
    ]);
    for (const { ranges, result } of [grown, capped]) {
      expect(result.file.bytes_read).toBe(ranges.reduce((n, [, l]) => n + l, 0));
      expect({ ...result, file: { ...result.file, bytes_read: 0 } }).toEqual({
        ...inspectBytes(bytes, { path: "memory:x.exr" }),
        file: { ...result.file, bytes_read: 0 },
      });
    }
  });

  it("the header cap bounds the growth: a header past it is EXR_HEADER_TOO_LARGE, read exactly up to the cap", () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      name: `attr${i}`,
      type: "int" as const,
      value: i,
    }));
    const bytes = writeExr({ parts: [scan({ attributes: many })] });
    const { ranges, result } = drive(bytes, { initialReadBytes: 64, maxHeaderBytes: 1000 });
    expect(Math.max(...ranges.map(([o, l]) => o + l))).toBe(1000);
    expect(codes(result)).toContain("EXR_HEADER_TOO_LARGE");
    expect(result.file).toMatchObject({ is_complete: false, header_bytes: null, bytes_read: 1000 });
  });

  it("a short or a long read is an EXR_IO_ERROR naming the offset and both sizes", () => {
    const bytes = writeExr({ parts: [scan()] });
    for (const [delta, got] of [
      [-1, bytes.length - 1],
      [1, bytes.length + 1],
    ] as const) {
      const { result } = drive(
        bytes,
        {},
        (o, l, b) => new Uint8Array(Math.max(0, Math.min(l, b.length - o) + delta)),
      );
      expect(result.validation.findings).toEqual([
        {
          code: "EXR_IO_ERROR",
          severity: "error",
          message: `read failed: short read at 0: ${got} of ${bytes.length} bytes`,
          part_index: null,
          attribute: null,
          chunk_index: null,
          byte_offset: null,
        },
      ]);
      expect(result.file).toMatchObject({ is_complete: false, bytes_read: got, version: null, flags: null });
    }
  });

  it("a failed read keeps what was learnt before it: a source's own code, else EXR_IO_ERROR", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const failTables =
      (err: unknown): Reader =>
      (o, l, b) => {
        if (o === layout.headerBytes) throw err;
        return exact(o, l, b);
      };
    const gone = Object.assign(new Error("no such key"), { code: "EXR_SOURCE_NOT_FOUND" });
    const opts = { initialReadBytes: 64, maxHeaderBytes: layout.headerBytes + 300 };
    const a = drive(bytes, opts, failTables(gone)).result;
    expect(a.validation.findings.map((f) => [f.code, f.message])).toEqual([
      ["EXR_SOURCE_NOT_FOUND", "no such key"],
    ]);
    expect(a.file).toMatchObject({ is_complete: false, header_bytes: layout.headerBytes, version: 2 });
    expect(a.parts).toHaveLength(1);
    const other = Object.assign(new Error("boom"), { code: "EXR_SOMETHING_ELSE" });
    const b = drive(bytes, opts, failTables(other)).result;
    expect(b.validation.findings.map((f) => [f.code, f.message])).toEqual([
      ["EXR_IO_ERROR", "read failed: boom"],
    ]);
    const c = drive(bytes, opts, failTables("plain text")).result;
    expect(c.validation.findings.map((f) => f.message)).toEqual(["read failed: plain text"]);
    const d = drive(bytes, opts, failTables(null)).result;
    expect(d.validation.findings.map((f) => f.message)).toEqual(["read failed: null"]);
  });

  it("the header hash covers the header component, only with sha256 and hashes not false", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const seen: number[] = [];
    const sha256 = (b: Uint8Array) => {
      seen.push(b.length);
      return `h${b.length}:${b[b.length - 1]}`;
    };
    expect(drive(bytes, { sha256 }).result.file.header_hash).toBe(`h${layout.headerBytes}:0`);
    expect(seen).toEqual([layout.headerBytes]);
    expect(drive(bytes, { sha256, hashes: false }).result.file.header_hash).toBeNull();
    expect(drive(bytes, { sha256, hashes: true }).result.file.header_hash).toBe(`h${layout.headerBytes}:0`);
    expect(drive(bytes).result.file.header_hash).toBeNull();
    const truncated = bytes.subarray(0, 40);
    expect(drive(truncated, { sha256 }).result.file.header_hash).toBeNull();
    expect(seen).toHaveLength(2);
  });

  it("inspectBytes names the file memory: unless given a path", () => {
    const bytes = writeExr({ parts: [scan()] });
    expect(inspectBytes(bytes).file.path).toBe("memory:");
    expect(inspectBytes(bytes, { path: "a/shot.0042.exr" }).file).toMatchObject({
      path: "a/shot.0042.exr",
      frame_number: 42,
    });
  });
});

describe("what the plan does not read", () => {
  it("a range that ends exactly where the prefix ends is taken from it", () => {
    // empty chunks: the last chunk's header ends at EOF
    const bytes = writeExr({ parts: [scan({ chunkData: () => new Uint8Array(0) })] });
    const { ranges, result } = drive(bytes);
    expect(ranges).toEqual([[0, bytes.length]]);
    expect(result.parts[0]!.chunks_present).toBe(64);
  });

  it("no table read after an unfinished header, no chunk read when no entry is valid; neither is an I/O error", () => {
    const bytes = writeExr({ parts: [scan()] });
    const cut = drive(bytes.subarray(0, 40));
    expect(cut.ranges).toEqual([[0, 40]]);
    expect(codes(cut.result)[0]).toBe("EXR_TRUNCATED_HEADER");
    expect(codes(cut.result)).not.toContain("EXR_IO_ERROR");
    const zeros = buildExr({
      parts: [scan({ dataWindow: box(0, 0, 15, 1) })],
      damage: { zeroOffsets: [0, 1].map((chunk) => ({ part: 0, chunk })) },
    });
    const z = drive(zeros.bytes, { initialReadBytes: 64, maxHeaderBytes: zeros.layout.headerBytes + 300 });
    expect(z.ranges.at(-1)![0]).toBeLessThan(zeros.layout.parts[0]!.chunkOffsets[0]!);
    expect(codes(z.result)).toEqual(["EXR_OFFSET_ZERO", "EXR_OFFSET_ZERO"]);
    expect(z.result.file.is_complete).toBe(false);
    const garbage = inspectBytes(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9));
    const scanned = scanHeaders(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 9, 1 << 20);
    expect(scanned.kind === "done" && scanned.flags).toBe(null);
    expect(garbage.validation.findings).toEqual(scanned.kind === "done" ? scanned.findings : []);
    expect([garbage.parts, garbage.channels]).toEqual([[], []]);
  });
});

describe("Inspection result", () => {
  it("channels of every part, each with its part index", () => {
    const bytes = writeExr({
      parts: [
        scan(),
        scan({
          channels: [
            { name: "A", type: "half" },
            { name: "B", type: "uint" },
          ],
        }),
      ],
    });
    const r = inspectBytes(bytes);
    expect(r.channels.map((c) => [c.part_index, c.name, c.type])).toEqual([
      [0, "Y", "float"],
      [1, "A", "half"],
      [1, "B", "uint"],
    ]);
  });

  it("a part's deep type makes the file deep even without the non-image flag", () => {
    const bytes = writeExr({ parts: [scan(), scan({ type: "deepscanline" })], versionField: 2 | 0x1000 });
    expect(inspectBytes(bytes).file.is_deep).toBe(true);
  });

  it("a read failing at the last chunk's header: incomplete, with the failure's own code", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const last = layout.parts[0]!.chunkOffsets.at(-1)!;
    for (const code of ["EXR_SOURCE_CHANGED", undefined]) {
      const { ranges, result } = drive(bytes, { initialReadBytes: 16 }, (o, l, b) => {
        if (o === last) throw Object.assign(new Error("changed"), code ? { code } : {});
        return exact(o, l, b);
      });
      expect(ranges.at(-1)).toEqual([last, 8]);
      expect(codes(result)).toEqual([code ?? "EXR_IO_ERROR"]);
      expect(result.file.is_complete).toBe(false);
      expect(result.parts[0]!.chunks_present).toBe(64);
    }
  });

  it("the last chunk's data size is checked against that part's own channels", () => {
    const { bytes, layout } = buildExr({
      parts: [
        scan({
          channels: [
            { name: "A", type: "float" },
            { name: "B", type: "float" },
            { name: "C", type: "float" },
          ],
        }),
        scan({ dataWindow: box(0, 0, 15, 0) }),
      ],
    });
    const last = layout.parts[1]!.chunkOffsets[0]!;
    expect(Math.max(...layout.parts[0]!.chunkOffsets)).toBeLessThan(last);
    const bad = bytes.slice();
    // part number, y, then a size of 3 floats per pixel (part 0's channels) instead of 1
    new DataView(bad.buffer).setInt32(last + 8, 16 * 12, true);
    const r = inspectBytes(bad.subarray(0, last + 12 + 16 * 4));
    const found = r.validation.findings.filter((f) => f.code === "EXR_CHUNK_HEADER_INVALID");
    expect(found.map((f) => [f.part_index, f.chunk_index])).toEqual([[1, 0]]);
    expect(r.file.is_complete).toBe(false);
  });

  it("the file record: sizes, time, version, flags, part count, deep from the flags or a part", () => {
    const spec: ExrSpec = { parts: [scan(), scan({ type: "deepscanline" })] };
    const bytes = writeExr(spec);
    const { result } = drive(bytes, {}, exact, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)));
    expect(result.schema_version).toBe(SCHEMA_VERSION);
    expect(result.file).toMatchObject({
      size_bytes: bytes.length,
      mtime: "2024-01-02T03:04:05.006Z",
      version: 2,
      multipart_count: 2,
      is_deep: true,
      is_complete: true,
      frame_number: null,
    });
    expect(result.file.flags).toMatchObject({ multipart: true, non_image: true });
    const deepFlagOnly = writeExr({ parts: [scan()], versionField: 2 | 0x800 });
    expect(inspectBytes(deepFlagOnly).file.is_deep).toBe(true);
    expect(inspectBytes(writeExr({ parts: [scan()] })).file.is_deep).toBe(false);
    expect(inspectBytes(new Uint8Array(0)).file).toMatchObject({
      is_deep: false,
      is_complete: false,
      flags: null,
      version: null,
      header_bytes: null,
      multipart_count: 0,
    });
  });

  it("a header finding does not make a file with every chunk present incomplete", () => {
    const bytes = writeExr({
      parts: [scan({ attributes: [{ name: "odd", type: "int", raw: Uint8Array.of(1, 2, 3) }] })],
    });
    const r = inspectBytes(bytes);
    expect(r.validation.findings.map((f) => [f.code, f.attribute])).toEqual([
      ["EXR_ATTRIBUTE_SIZE_MISMATCH", "odd"],
    ]);
    expect(r.file.is_complete).toBe(true);
  });

  it("a part without a chunk count stops the table layout there, located at that part", () => {
    const bytes = writeExr({
      parts: [scan(), scan({ omit: ["dataWindow", "chunkCount"] }), scan()],
    });
    const r = inspectBytes(bytes);
    const unknown = r.validation.findings.filter((f) => f.code === "EXR_CHUNK_COUNT_UNKNOWN");
    expect(unknown).toEqual([
      {
        code: "EXR_CHUNK_COUNT_UNKNOWN",
        severity: expect.any(String),
        message: "cannot determine the number of chunks; offset tables from here on are not read",
        part_index: 1,
        attribute: null,
        chunk_index: null,
        byte_offset: null,
      },
    ]);
    expect(r.parts.map((p) => p.offset_table_offset)).toEqual([r.file.header_bytes, null, null]);
    expect(r.file.is_complete).toBe(false);
  });

  it("a part of unknown type stops the layout even with a stored chunk count", () => {
    const bytes = writeExr({
      parts: [scan(), scan({ attributes: [{ name: "type", type: "string", value: "mystery" }] })],
    });
    const r = inspectBytes(bytes);
    expect(
      r.validation.findings.filter((f) => f.code === "EXR_CHUNK_COUNT_UNKNOWN").map((f) => f.part_index),
    ).toEqual([1]);
    expect(r.parts[1]!.chunk_count_stored).toBe(64);
    expect(r.parts[0]!.chunks_present).toBe(64);
  });

  it("the table range stops at the end of the file; nothing to read before the headers are known", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const tablesOf = (size: number) => {
      const buf = bytes.subarray(0, size);
      const s = scanHeaders(buf, size, 1 << 20);
      if (s.kind !== "done") throw new Error("scan incomplete");
      const i = new Inspection("x", size);
      i.setHeaders(buf, s);
      return i.tablesRange();
    };
    expect(tablesOf(layout.headerBytes + 20)).toEqual({ offset: layout.headerBytes, length: 20 });
    expect(tablesOf(layout.headerBytes)).toEqual({ offset: layout.headerBytes, length: 0 });
    expect(tablesOf(bytes.length)).toEqual({ offset: layout.headerBytes, length: 8 * 64 });
    const none = new Inspection("x", 100);
    expect(none.tablesRange()).toBeNull();
    expect(none.lastChunkRange()).toBeNull();
    none.setTables(new Uint8Array(8));
    none.setLastChunk(new Uint8Array(8));
    expect(none.result({ size: 100, mtime: null, bytesRead: 0, headerHash: null }).parts).toEqual([]);
  });

  it("a last chunk whose data runs past the end: only its header is read and it is not counted present", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const last = layout.parts[0]!.chunkOffsets.at(-1)!;
    const cut = bytes.subarray(0, last + 18);
    const { ranges, result } = drive(cut, { initialReadBytes: 16 });
    expect(ranges.at(-1)).toEqual([last, 8]);
    expect(result.parts[0]!.chunks_present).toBe(63);
    expect(result.file.is_complete).toBe(false);
    expect(codes(result)).toContain("EXR_CHUNK_TRUNCATED");
  });

  it("a last chunk header with a finding makes the file incomplete even when it fits", () => {
    const { bytes, layout } = buildExr({ parts: [scan()] });
    const last = layout.parts[0]!.chunkOffsets.at(-1)!;
    const bad = bytes.slice();
    new DataView(bad.buffer).setInt32(last, 7, true);
    const r = inspectBytes(bad);
    expect(r.file.is_complete).toBe(false);
    expect(r.parts[0]!.chunks_present).toBe(64);
    expect(codes(r)).toContain("EXR_CHUNK_HEADER_INVALID");
  });

  it("not a regular file: one finding, nothing read, incomplete", () => {
    const i = new Inspection("/dev/x", 0);
    i.notARegularFile("a FIFO");
    const r = i.result({ size: 0, mtime: null, bytesRead: 0, headerHash: null });
    expect(r.validation).toEqual({
      status: "error",
      findings: [
        {
          code: "EXR_NOT_A_REGULAR_FILE",
          severity: "error",
          message: "a FIFO",
          part_index: null,
          attribute: null,
          chunk_index: null,
          byte_offset: null,
        },
      ],
    });
    expect(r.file).toMatchObject({ is_complete: false, mtime: null, header_hash: null, bytes_read: 0 });
  });

  it("an I/O error after a complete inspection still makes it incomplete, whichever code it carries", () => {
    const bytes = writeExr({ parts: [scan()] });
    for (const code of [
      "EXR_SOURCE_CHANGED",
      "EXR_SOURCE_ACCESS_DENIED",
      "EXR_SOURCE_UNAVAILABLE",
      undefined,
    ]) {
      const plan = inspectionPlan(bytes.length, null, { path: "x" });
      const first = plan.next();
      expect(first.done).toBe(false);
      const err = Object.assign(new Error("gone"), code ? { code } : {});
      const r = plan.throw(err).value as InspectionResult;
      expect(codes(r)).toEqual([code ?? "EXR_IO_ERROR"]);
      expect(r.file.is_complete).toBe(false);
    }
  });
});
