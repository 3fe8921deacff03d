/**
 * The lean IPC reader gives what apache-arrow's `tableFromIPC` gives for every column type the tabular API
 * answers with (values, nulls, nested types, several batches, a body at an unaligned offset), hands what it does
 * not read itself (dictionaries) to apache-arrow, and refuses a body that points outside itself.
 */
import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  type RecordBatch,
  Schema,
  Struct,
  Table,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampSecond,
  tableFromIPC,
  Uint8,
  Uint16,
  Uint32,
  Uint64,
  Utf8,
  vectorFromArray,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { recordBatch } from "../../../src/vast/client/arrow-batches.js";
import { buildData, type Cell } from "../../../src/vast/emulator/cells.js";
import { encodeIpcStream, MalformedIpc, splitIpcMessages } from "../../../src/vast/protocol/arrow-ipc.js";
import { readIpcMessages } from "../../../src/vast/protocol/ipc-reader.js";

/** Row values of every column, as plain JSON-comparable values. */
function rows(batches: RecordBatch[]): unknown[][] {
  const out: unknown[][] = [];
  for (const b of batches) {
    for (let r = 0; r < b.numRows; r++) {
      out.push(
        b.schema.fields.map((_, c) => {
          const v = b.getChildAt(c)!.get(r);
          return JSON.parse(
            JSON.stringify(v, (_k, x) =>
              typeof x === "bigint" ? `${x}n` : x instanceof Uint8Array ? [...x] : x,
            ),
          );
        }),
      );
    }
  }
  return out;
}

function expectSame(bytes: Uint8Array, messages = splitIpcMessages(bytes)) {
  const expected = tableFromIPC(bytes);
  const got = readIpcMessages(messages);
  expect(got.schema.fields.map(String)).toEqual(expected.schema.fields.map(String));
  expect(got.batches.map((b) => b.numRows)).toEqual(expected.batches.map((b) => b.numRows));
  expect(got.batches.map((b) => b.schema.fields.map((f) => f.type.typeId))).toEqual(
    expected.batches.map((b) => b.schema.fields.map((f) => f.type.typeId)),
  );
  expect(rows(got.batches)).toEqual(rows(expected.batches));
  return got;
}

const fields: [Field, Cell[]][] = [
  [new Field("i8", new Int8(), true), [1, null, -128]],
  [new Field("i16", new Int16(), true), [300, -2, null]],
  [new Field("i32", new Int32(), false), [7, 8, 9]],
  [new Field("i64", new Int64(), true), [1n, null, -(2n ** 62n)]],
  [new Field("u8", new Uint8(), true), [255, 0, null]],
  [new Field("u16", new Uint16(), true), [null, 65535, 1]],
  [new Field("u32", new Uint32(), true), [4_000_000_000, null, 0]],
  [new Field("u64", new Uint64(), false), [2n ** 63n + 5n, 0n, 1n]],
  [new Field("f32", new Float32(), true), [1.5, null, -0.25]],
  [new Field("f64", new Float64(), true), [Math.PI, 1e300, null]],
  [new Field("b", new Bool(), true), [true, null, false]],
  [new Field("s", new Utf8(), true), ["ä€😀", null, ""]],
  [new Field("bin", new Binary(), true), [new Uint8Array([1, 2, 3]), null, new Uint8Array(0)]],
  [new Field("ts", new TimestampMicrosecond("UTC"), true), [1_700_000_000_000, null, 0]],
  [new Field("tsec", new TimestampSecond(), true), [null, 1_700_000_000_000, 86_400_000]],
  [new Field("d", new DateDay(), true), [Date.UTC(2026, 11, 8), null, 0]],
  [new Field("t", new TimeMicrosecond(), true), [5_000_000n, null, 0n]],
  [new Field("dec", new Decimal(2, 10, 128), true), [null, null, null]],
  [new Field("list", new List(new Field("item", new Int32(), true)), true), [[1, null, 3], null, []]],
  [
    new Field("vec", new FixedSizeList(3, new Field("item", new Float32(), false)), true),
    [[1, 2, 3], null, [4, 5, 6]],
  ],
  [
    new Field("st", new Struct([new Field("x", new Utf8(), true), new Field("y", new Int64(), true)]), true),
    [{ x: "a", y: 1n }, null, { x: null, y: 2n }] as unknown as Cell[],
  ],
  [
    new Field(
      "m",
      new Map_(
        new Field(
          "entries",
          new Struct([new Field("key", new Utf8(), false), new Field("value", new Int32(), true)]),
          false,
        ) as never,
      ),
      true,
    ),
    [new Map([["k", 1]]), null, new Map()] as unknown as Cell[],
  ],
];

function stream(pairs: [Field, Cell[]][], batches = 1): Uint8Array {
  const schema = new Schema(pairs.map(([f]) => f));
  const batch = recordBatch(
    schema,
    pairs.map(([f, values]) => buildData(f.type, values)),
  );
  return encodeIpcStream(
    schema,
    Array.from({ length: batches }, (_, i) => (i % 2 === 0 ? batch : batch.slice(1, 3))),
  );
}

describe("readIpcMessages", () => {
  for (const [field, values] of fields) {
    it(`reads ${field.type} as apache-arrow does`, () => {
      expectSame(stream([[field, values]]));
    });
  }

  it("reads every type at once, over several batches", () => {
    const got = expectSame(stream(fields, 3));
    expect(got.batches.map((b) => b.numRows)).toEqual([3, 2, 3]);
  });

  it("reads a stream of only a schema (a list-columns answer)", () => {
    const got = expectSame(stream(fields, 0));
    expect(got.batches.map((b) => [b.numRows, b.numCols])).toEqual([[0, fields.length]]);
    expect(got.schema.fields.map((f) => f.name)).toEqual(fields.map(([f]) => f.name));
  });

  it("copies a body at an unaligned offset instead of failing on it", () => {
    const bytes = stream([[new Field("i64", new Int64(), true), [1n, 2n, null]], fields[3]!]);
    // A node Buffer, as pieces from a socket are (its slice() is another view, not a copy).
    const shifted = Buffer.alloc(bytes.length + 1);
    shifted.set(bytes, 1);
    const messages = splitIpcMessages(shifted.subarray(1));
    expect(messages[1]!.byteOffset % 8).not.toBe(0);
    expectSame(bytes, messages);
  });

  it("stops at an end-of-stream marker among the messages", () => {
    const bytes = stream(fields.slice(0, 2), 2);
    const messages = splitIpcMessages(bytes);
    const eos = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
    const got = readIpcMessages([messages[0]!, messages[1]!, eos, messages[2]!]);
    expect(got.batches.map((b) => b.numRows)).toEqual([3]);
  });

  it("hands dictionary-encoded columns to apache-arrow, with the same result", () => {
    const table = new Table({
      d: vectorFromArray(["a", "b", "a", null], new Dictionary(new Utf8(), new Int32())),
    });
    const bytes = encodeIpcStream(table.schema, table.batches);
    const got = expectSame(bytes);
    expect(got.batches[0]!.getChild("d")!.toArray()).toEqual(["a", "b", "a", null]);
  });

  it("refuses a buffer that points past the body", () => {
    const bytes = stream([[new Field("s", new Utf8(), true), ["abc", "def", null]]]);
    const messages = splitIpcMessages(bytes);
    const batch = messages[1]!.slice();
    // Cut the body short: the last buffer (the string bytes) now ends past it. The metadata's body length is
    // lowered to match, so only the buffer check can notice.
    const view = new DataView(batch.buffer);
    const metaLength = view.getInt32(4, true);
    const cut = batch.subarray(0, batch.length - 8);
    const metadata = cut.subarray(8, 8 + metaLength);
    const bodyLength = batch.length - 8 - metaLength;
    const at = findInt64(metadata, BigInt(bodyLength));
    new DataView(metadata.buffer, metadata.byteOffset).setBigInt64(at, BigInt(bodyLength - 8), true);
    expect(() => readIpcMessages([messages[0]!, cut])).toThrow(MalformedIpc);
  });

  it("refuses a message whose body length runs past the message", () => {
    const bytes = stream([[new Field("i32", new Int32(), false), [1, 2, 3]]]);
    const messages = splitIpcMessages(bytes);
    expect(() => readIpcMessages([messages[0]!, messages[1]!.subarray(0, messages[1]!.length - 8)])).toThrow(
      MalformedIpc,
    );
  });
});

/** Offset of a little-endian int64 value inside a flatbuffer (the message's bodyLength field). */
function findInt64(bytes: Uint8Array, value: bigint): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 8 <= bytes.length; i++) if (view.getBigInt64(i, true) === value) return i;
  throw new Error("value not found");
}
