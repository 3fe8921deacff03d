import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  Int8,
  Int64,
  List,
  Map_,
  Struct,
  TimeMicrosecond,
  TimestampNanosecond,
  Uint64,
  Utf8,
} from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildData, type Cell, isVectorCell, readCells } from "../../../src/vast/emulator/cells.js";

/** Cells with stored vectors (typed-array views) written as plain arrays, to compare with what was given. */
const plain = (cells: Cell[]): Cell[] =>
  cells.map((c) => (c !== null && isVectorCell(c) ? Array.from(c) : c));

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });

const entries = new Struct([new Field("key", new Utf8(), false), new Field("value", new Int64(), true)]);
const cases: [string, DataType, fc.Arbitrary<Cell>][] = [
  ["int8", new Int8(), nullable(fc.integer({ min: -128, max: 127 }))],
  ["int64", new Int64(), nullable(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }))],
  ["uint64", new Uint64(), nullable(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }))],
  ["float64", new Float64(), nullable(fc.double({ noNaN: true }))],
  ["float16 bits", new Float16(), nullable(fc.integer({ min: 0, max: 0x7bff }))],
  ["bool", new Bool(), nullable(fc.boolean())],
  ["utf8", new Utf8(), nullable(fc.string({ unit: "grapheme" }))],
  ["binary", new Binary(), nullable(fc.uint8Array({ maxLength: 8 }))],
  ["date32", new DateDay(), nullable(fc.integer({ min: -100000, max: 100000 }))],
  ["time64", new TimeMicrosecond(), nullable(fc.bigInt({ min: 0n, max: 86_400_000_000n }))],
  ["timestamp ns", new TimestampNanosecond(), nullable(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }))],
  ["decimal128", new Decimal(3, 38, 128), nullable(fc.bigInt({ min: -(10n ** 37n), max: 10n ** 37n }))],
  [
    "list<int64>",
    new List(new Field("item", new Int64(), true)),
    nullable(fc.array(nullable(fc.bigInt({ min: -5n, max: 5n })), { maxLength: 4 })),
  ],
  [
    "fixed_size_list<float64 not null, 3>",
    new FixedSizeList(3, new Field("item", new Float64(), false)),
    nullable(fc.array(fc.double({ noNaN: true }), { minLength: 3, maxLength: 3 })),
  ],
  [
    "struct<x: int8, s: utf8>",
    new Struct([new Field("x", new Int8(), true), new Field("s", new Utf8(), true)]),
    nullable(
      fc
        .tuple(nullable(fc.integer({ min: -128, max: 127 })), nullable(fc.string()))
        .map((t) => [...t] as Cell),
    ),
  ],
  [
    "map<utf8, int64>",
    new Map_(new Field("entries", entries, false)),
    nullable(
      fc.array(
        fc.tuple(fc.string(), nullable(fc.bigInt({ min: -9n, max: 9n }))).map((t) => [...t] as Cell),
        { maxLength: 3 },
      ),
    ),
  ],
];

describe("cells ↔ Arrow data", () => {
  for (const [name, type, arb] of cases) {
    it(`round-trips ${name}`, () => {
      fc.assert(
        fc.property(fc.array(arb, { maxLength: 20 }), (cells) => {
          const back = readCells(buildData(type, cells));
          expect(plain(back)).toEqual(cells);
        }),
        { numRuns: 60 },
      );
    });
  }

  it("stores float vectors as views of one typed array per batch and answers them with the stored items", () => {
    const type = new FixedSizeList(3, new Field("item", new Float32(), false));
    const given = [[1, 2, 3], null, [0.5, -1, 7]];
    const stored = readCells(buildData(type, given));
    expect(stored[0]).toBeInstanceOf(Float32Array);
    expect((stored[0] as Float32Array).buffer).toBe((stored[2] as Float32Array).buffer);
    expect(plain(stored)).toEqual(given);
    // Rows of two stored batches, out of order, with a null and a plain array (e.g. from a Parquet import) among them
    const other = readCells(
      buildData(type, [
        [9, 9, 9],
        [4, 5, 6],
      ]),
    );
    const mixed = [other[1]!, stored[0]!, stored[1]!, [8, 8, 8], stored[2]!, other[0]!];
    expect(plain(readCells(buildData(type, mixed)))).toEqual([
      [4, 5, 6],
      [1, 2, 3],
      null,
      [8, 8, 8],
      [0.5, -1, 7],
      [9, 9, 9],
    ]);
    // Adjacent rows of one batch are answered straight from the stored array
    const run = buildData(type, other);
    expect(run.children[0]!.values.buffer).toBe((other[0] as Float32Array).buffer);
    expect(plain(readCells(run))).toEqual([
      [9, 9, 9],
      [4, 5, 6],
    ]);
  });

  it("keeps vectors with null items (nullable item field) as plain cells", () => {
    const type = new FixedSizeList(2, new Field("item", new Float64(), true));
    const given = [
      [1, null],
      [2, 3],
    ];
    const back = readCells(buildData(type, given));
    expect(back).toEqual(given);
  });

  it("keeps nanosecond timestamps exact (no millisecond rounding)", () => {
    const ts = [1n, 1_700_000_000_123_456_789n, null];
    expect(readCells(buildData(new TimestampNanosecond(), ts))).toEqual(ts);
  });
});
