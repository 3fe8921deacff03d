import { Field, FixedSizeList, Float16, Float32, Int32, Int64, Struct, Utf8 } from "apache-arrow";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Cell } from "../../../src/vast/emulator/cells.js";
import { compareUtf8Order, compilePredicate, float16ToNumber } from "../../../src/vast/emulator/predicate.js";
import {
  type Expr,
  type LiteralExpr,
  LiteralKind,
  type LiteralKindTag,
  numberSchemaNodes,
} from "../../../src/vast/protocol/query-relation.js";

const fields = [
  new Field("i", new Int64(), true),
  new Field("s", new Utf8(), true),
  new Field("st", new Struct([new Field("x", new Int32(), true), new Field("q", new Utf8(), true)]), true),
  new Field("v", new FixedSizeList(2, new Field("item", new Float32(), false)), true),
  new Field("h", new Float16(), true),
];
// positions: i=0, s=1, st=2, st.x=3, st.q=4, v=5, v.item=6, h=7
const rows: Cell[][] = [
  [5n, "apple", [1, "AAA"], [1, 2], 0x3c00 /* 1.0 */],
  [null, "banana", null, null, null],
  [-3n, "ap\u00e9", [null, "B"], Float32Array.of(1, 3), 0x4000 /* 2.0 */],
  [10n, null, [2, null], [0, 9], 0xbc00 /* -1.0 */],
];
const columns = fields.map((_, c) => rows.map((r) => r[c]!));
const nodes = numberSchemaNodes(fields);

const lit = (literal: LiteralKindTag, value: LiteralExpr["value"]): LiteralExpr => ({
  kind: "literal",
  literal,
  value,
  type: null,
});
const str = (s: string) => lit(LiteralKind.String, new TextEncoder().encode(s));
const call = (name: string, ...args: Expr[]): Expr => ({ kind: "call", name, args });
const col = (position: number): Expr => ({ kind: "field", position });

function matching(filter: Expr | null): number[] {
  const keep = compilePredicate(filter, nodes, { cells: (c) => columns[c]! });
  return rows.map((_, r) => r).filter((r) => keep(r));
}

describe("predicate evaluation", () => {
  it("keeps every row without a filter or with an empty and", () => {
    expect(matching(null)).toEqual([0, 1, 2, 3]);
    expect(matching(call("and"))).toEqual([0, 1, 2, 3]);
  });

  it("compares integers across literal widths; null never matches a comparison", () => {
    expect(matching(call("greater", col(0), lit(LiteralKind.Int64, 0n)))).toEqual([0, 3]);
    expect(matching(call("less_equal", col(0), lit(LiteralKind.Int8, 5)))).toEqual([0, 2]);
    expect(matching(call("not_equal", col(0), lit(LiteralKind.Int64, 5n)))).toEqual([2, 3]);
  });

  it("is_null / is_valid", () => {
    expect(matching(call("is_null", col(0)))).toEqual([1]);
    expect(matching(call("is_valid", col(1)))).toEqual([0, 1, 2]);
  });

  it("uses Kleene logic for and/or", () => {
    const isNullOrBig = call(
      "or",
      call("is_null", col(0)),
      call("greater", col(0), lit(LiteralKind.Int64, 7n)),
    );
    expect(matching(isNullOrBig)).toEqual([1, 3]);
    expect(matching(call("and", isNullOrBig, call("is_valid", col(1))))).toEqual([1]);
  });

  it("treats isin as an or of equals and between as an and of bounds", () => {
    const isin = call(
      "or",
      call("equal", col(0), lit(LiteralKind.Int64, 5n)),
      call("equal", col(0), lit(LiteralKind.Int64, 10n)),
    );
    expect(matching(isin)).toEqual([0, 3]);
    const between = call(
      "and",
      call("greater_equal", col(0), lit(LiteralKind.Int64, -3n)),
      call("less_equal", col(0), lit(LiteralKind.Int64, 5n)),
    );
    expect(matching(between)).toEqual([0, 2]);
  });

  it("compares strings as UTF-8 bytes, including startswith ranges with invalid UTF-8 bounds", () => {
    const upper = new Uint8Array([0x61, 0x70, 0xff]); // "ap" + 0xff: past every "ap…" string
    const startsWithAp = call(
      "and",
      call("greater_equal", col(1), str("ap")),
      call("less", col(1), lit(LiteralKind.String, upper)),
    );
    expect(matching(startsWithAp)).toEqual([0, 2]);
    // "apé" sorts after "apz" because é is 0xC3 0xA9 in UTF-8
    expect(matching(call("greater", col(1), str("apz")))).toEqual([1, 2]);
  });

  it("orders strings like their UTF-8 bytes without encoding them (astral and U+E000–FFFF characters)", () => {
    const sign = (n: number) => Math.sign(n);
    const text = fc.string({
      unit: fc.constantFrom("a", "z", "\u00e9", "\ue000", "\uffff", "\u{10000}", "\u{1f600}"),
    });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(sign(compareUtf8Order(a, b))).toBe(sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 500 },
    );
  });

  it("matches an or of string equals on one column (an IN list) like the equals one by one", () => {
    const isin = call("or", call("equal", col(1), str("banana")), call("equal", col(1), str("ap\u00e9")));
    expect(matching(isin)).toEqual([1, 2]);
    expect(
      matching(call("or", call("equal", col(1), str("banana")), call("equal", col(4), str("B")))),
    ).toEqual([1, 2]);
    expect(matching(call("or", call("equal", col(1), str("cherry"))))).toEqual([]);
  });

  it("answers a key lookup (range and IN list) the same in every order of its parts, nulls included", () => {
    const parts = [
      call("or", call("greater_equal", col(1), str("ap"))),
      call("or", call("less_equal", col(1), str("banana"))),
      call("or", call("equal", col(1), str("banana")), call("equal", col(1), str("apple"))),
      call("or", call("greater", col(0), lit(LiteralKind.Int64, 0n))),
    ];
    const orders = [
      [0, 1, 2, 3],
      [2, 0, 1, 3],
      [3, 2, 1, 0],
      [1, 3, 0, 2],
    ];
    for (const order of orders) {
      const and = order.map((i) => parts[i]!);
      expect(matching(call("and", ...and))).toEqual([0]); // banana's i is null, so its and is null
      expect(matching(call("or", ...and))).toEqual([0, 1, 2, 3]);
      const strings = order.filter((i) => i < 3).map((i) => parts[i]!);
      expect(matching(call("and", ...strings))).toEqual([0, 1]);
    }
  });

  it("matches substrings", () => {
    expect(matching(call("match_substring", col(1), str("an")))).toEqual([1]);
    expect(matching(call("match_substring", col(1), str("p\u00e9")))).toEqual([2]);
  });

  it("follows struct subfields (a null struct makes its fields null)", () => {
    expect(matching(call("equal", col(3), lit(LiteralKind.Int32, 1)))).toEqual([0]);
    expect(matching(call("is_null", col(3)))).toEqual([1, 2]);
    expect(matching(call("less", col(4), str("B")))).toEqual([0]);
  });

  it("compares fixed-size lists lexicographically through the element position", () => {
    const list = (a: number, b: number) =>
      lit(LiteralKind.List, [lit(LiteralKind.Float32, a), lit(LiteralKind.Float32, b)]);
    expect(matching(call("less", col(6), list(1, 3)))).toEqual([0, 3]);
    expect(matching(call("equal", col(6), list(1, 3)))).toEqual([2]);
  });

  it("converts float16 bit patterns on both sides", () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7c00)).toBe(Number.POSITIVE_INFINITY);
    expect(matching(call("greater", col(7), lit(LiteralKind.Float16, 0x3800 /* 0.5 */)))).toEqual([0, 2]);
  });

  it("rejects unknown functions and malformed calls", () => {
    expect(() => matching(call("like", col(1), str("a%")))).toThrow(/not supported/);
    expect(() => matching(call("toString", col(1), str("a")))).toThrow(/not supported/);
    expect(() => matching(call("constructor", col(1), str("a")))).toThrow(/not supported/);
    expect(() => matching(call("equal", str("a"), col(1)))).toThrow(/column/);
    expect(() => matching(call("equal", col(99), str("a")))).toThrow(/unknown field/);
  });
});
