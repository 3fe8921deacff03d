/**
 * Record batches as request bodies: the size limits, how a batch is cut into slices that each fit (rows kept in
 * order, none lost or repeated), a row too wide to fit anywhere, and which column types VAST accepts.
 */
import {
  DateDay,
  DateMillisecond,
  Dictionary,
  DurationMillisecond,
  Field,
  FixedSizeBinary,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  Int64,
  LargeBinary,
  LargeUtf8,
  List,
  Map_,
  Null,
  Schema,
  SparseUnion,
  Struct,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import {
  assertSupportedField,
  batchStream,
  MAX_RECORD_BATCH_SLICE_SIZE,
  MAX_ROWS_PER_REQUEST,
  MAX_TABULAR_REQUEST_SIZE,
  readStream,
  recordBatch,
  serializedSlices,
} from "../../../src/vast/client/arrow-batches.js";
import { TooWideRow, VastError } from "../../../src/vast/client/errors.js";

const schema = new Schema([new Field("id", new Int32(), false), new Field("name", new Utf8(), false)]);
function batchOf(rows: number, nameLength = 10) {
  const ids = vectorFromArray(
    Array.from({ length: rows }, (_, i) => i),
    new Int32(),
  );
  const names = vectorFromArray(
    Array.from({ length: rows }, (_, i) => `${i}`.padStart(nameLength, "x")),
    new Utf8(),
  );
  return recordBatch(schema, [ids.data[0]!, names.data[0]!]);
}
const idsOf = (bytes: Uint8Array) =>
  readStream(bytes).batches.flatMap((b) => [...b.getChild("id")!].map(Number));

describe("request size limits", () => {
  it("5 MiB per request, slices at 90 % of it, 512 Ki rows", () => {
    expect(MAX_TABULAR_REQUEST_SIZE).toBe(5 * 1024 * 1024);
    expect(MAX_RECORD_BATCH_SLICE_SIZE).toBe(4_718_592);
    expect(MAX_ROWS_PER_REQUEST).toBe(524_288);
  });
});

describe("recordBatch, batchStream and readStream", () => {
  it("a batch goes through one IPC stream and back", () => {
    const batch = batchOf(5);
    expect(batch.numRows).toBe(5);
    expect(batch.nullCount).toBe(0);
    const { schema: read, batches } = readStream(batchStream(batch));
    expect(read.fields.map((f) => [f.name, String(f.type)])).toEqual([
      ["id", "Int32"],
      ["name", "Utf8"],
    ]);
    expect(batches).toHaveLength(1);
    expect([...batches[0]!.getChild("name")!]).toEqual([
      "xxxxxxxxx0",
      "xxxxxxxxx1",
      "xxxxxxxxx2",
      "xxxxxxxxx3",
      "xxxxxxxxx4",
    ]);
  });

  it("no columns make an empty batch", () => {
    expect(recordBatch(new Schema([]), []).numRows).toBe(0);
  });
});

describe("serializedSlices", () => {
  it("an empty batch has no slice", () => {
    expect([...serializedSlices(batchOf(0))]).toEqual([]);
  });

  it("a batch that fits is one slice: the whole stream", () => {
    const batch = batchOf(100);
    const whole = batchStream(batch);
    const slices = [...serializedSlices(batch, whole.byteLength)];
    expect(slices.map((s) => [s.offset, s.rows])).toEqual([[0, 100]]);
    expect(Buffer.from(slices[0]!.bytes).equals(Buffer.from(whole))).toBe(true);
  });

  it("a larger one is cut into slices under the limit that keep every row once, in order", () => {
    const batch = batchOf(1000, 40);
    const whole = batchStream(batch).byteLength;
    const limit = Math.floor(whole / 3);
    const slices = [...serializedSlices(batch, limit)];
    expect(slices.length).toBeGreaterThanOrEqual(4);
    let next = 0;
    for (const s of slices) {
      expect(s.bytes.byteLength).toBeLessThanOrEqual(limit);
      expect(s.offset).toBe(next);
      expect(idsOf(s.bytes)).toEqual(Array.from({ length: s.rows }, (_, i) => next + i));
      next += s.rows;
    }
    expect(next).toBe(1000);
    // Rows per slice start from 90 % of the average that would fit.
    expect(slices[0]!.rows).toBe(Math.floor((0.9 * 1000 * limit) / whole));
  });

  it("a slice exactly at the limit is kept", () => {
    const batch = batchOf(10);
    const whole = batchStream(batch).byteLength;
    expect([...serializedSlices(batch, whole)].map((s) => s.rows)).toEqual([10]);
    expect([...serializedSlices(batch, whole - 1)].length).toBeGreaterThan(1);
  });

  it("at most maxRows rows per slice", () => {
    const slices = [...serializedSlices(batchOf(10), MAX_RECORD_BATCH_SLICE_SIZE, 3)];
    expect(slices.map((s) => [s.offset, s.rows])).toEqual([
      [0, 3],
      [3, 3],
      [6, 3],
      [9, 1],
    ]);
    expect(slices.flatMap((s) => idsOf(s.bytes))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("halves the rows of a slice while it is too large", () => {
    // One row of 4 KiB among small ones: the average underestimates the slice holding it.
    const rows = 64;
    const ids = vectorFromArray(
      Array.from({ length: rows }, (_, i) => i),
      new Int32(),
    );
    const names = vectorFromArray(
      Array.from({ length: rows }, (_, i) => (i === 0 ? "y".repeat(4096) : "z")),
      new Utf8(),
    );
    const batch = recordBatch(schema, [ids.data[0]!, names.data[0]!]);
    const slices = [...serializedSlices(batch, 4096 + 1024)];
    expect(slices.reduce((n, s) => n + s.rows, 0)).toBe(rows);
    for (const s of slices) expect(s.bytes.byteLength).toBeLessThanOrEqual(4096 + 1024);
    expect(slices.flatMap((s) => idsOf(s.bytes))).toEqual(Array.from({ length: rows }, (_, i) => i));
  });

  it("a single row larger than the limit is TooWideRow", () => {
    const batch = batchOf(4, 2000);
    let thrown: unknown;
    try {
      [...serializedSlices(batch, 1000)];
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TooWideRow);
    expect((thrown as TooWideRow).code).toBe("VAST_TOO_WIDE_ROW");
    expect((thrown as Error).message).toBe("a single row of 2 columns exceeds 1000 bytes");
  });
});

describe("assertSupportedField", () => {
  const field = (type: ConstructorParameters<typeof Field>[1], nullable = true) =>
    new Field("col", type, nullable);
  const refusal = (f: Field) => {
    try {
      assertSupportedField(f);
    } catch (e) {
      expect(e).toBeInstanceOf(VastError);
      expect((e as VastError).code).toBe("VAST_UNSUPPORTED_TYPE");
      return (e as Error).message;
    }
    return null;
  };
  const item = (type: ConstructorParameters<typeof Field>[1], nullable = false) =>
    new Field("item", type, nullable);

  it("accepts the types the SDK maps", () => {
    for (const type of [
      new Int32(),
      new Int64(),
      new Float64(),
      new Utf8(),
      new DateDay(),
      new TimestampMicrosecond(),
      new List(item(new Int32(), true)),
      new FixedSizeList(3, item(new Float32())),
      new Struct([item(new Utf8()), item(new Int64())]),
      new Map_(new Field("entries", new Struct([item(new Utf8()), item(new Int32(), true)]), false) as never),
    ])
      expect(refusal(field(type)), String(type)).toBeNull();
  });

  it("large types: use utf8/binary", () => {
    expect(refusal(field(new LargeUtf8()))).toBe("column 'col': LargeUtf8 is not supported; use utf8/binary");
    expect(refusal(field(new LargeBinary()))).toBe(
      "column 'col': LargeBinary is not supported; use utf8/binary",
    );
  });

  it("types VAST does not store", () => {
    for (const type of [
      new Null(),
      new Dictionary(new Utf8(), new Int32()),
      new SparseUnion([0], [item(new Int32())]),
      new FixedSizeBinary(4),
      new DurationMillisecond(),
      new DateMillisecond(),
    ])
      expect(refusal(field(type))).toBe(`column 'col': ${type} is not supported by VAST`);
  });

  it("fixed-size lists need non-nullable numeric items", () => {
    expect(refusal(field(new FixedSizeList(2, item(new Float32(), true))))).toBe(
      "column 'col': fixed_size_list items must be non-nullable",
    );
    expect(refusal(field(new FixedSizeList(2, item(new Utf8()))))).toBe(
      "column 'col': fixed_size_list items must be numeric",
    );
  });

  it("a refused type nested in a list, struct or map is refused", () => {
    const large = "column 'col': LargeUtf8 is not supported; use utf8/binary";
    expect(refusal(field(new List(item(new LargeUtf8()))))).toBe(large);
    expect(refusal(field(new Struct([item(new Int32()), item(new LargeUtf8())])))).toBe(large);
    expect(
      refusal(
        field(
          new Map_(
            new Field("entries", new Struct([item(new Utf8()), item(new LargeUtf8())]), false) as never,
          ),
        ),
      ),
    ).toBe(large);
  });
});
