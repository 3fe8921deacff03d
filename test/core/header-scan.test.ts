import { describe, expect, it } from "vitest";
import { scanHeaders } from "../../src/core/header-scan.js";
import { b } from "./bytes.js";

const MAGIC = 20000630;
const CAP = 1 << 20;

function singlePart(...attrs: Array<[string, string, Uint8Array]>) {
  const out = b().i32(MAGIC).u32(2);
  for (const [n, t, v] of attrs) out.attr(n, t, v);
  return out.u8(0);
}

const codes = (s: ReturnType<typeof scanHeaders>) => (s.kind === "done" ? s.findings.map((f) => f.code) : []);

describe("scanHeaders", () => {
  it("walks a single-part header and reports offsets of names and values", () => {
    const bytes = singlePart(
      ["owner", "string", b().str("me").build()],
      ["n", "int", b().i32(5).build()],
    ).build();
    const s = scanHeaders(bytes, bytes.length, CAP);
    expect(s.kind).toBe("done");
    if (s.kind !== "done") return;
    expect(s.version).toBe(2);
    expect(s.headerEnd).toBe(bytes.length);
    expect(s.headers[0]!.attributes).toEqual([
      { name: "owner", type: "string", size: 2, offset: 8, valueOffset: 8 + 6 + 7 + 4 },
      {
        name: "n",
        type: "int",
        size: 4,
        offset: 8 + 6 + 7 + 4 + 2,
        valueOffset: 8 + 6 + 7 + 4 + 2 + 2 + 4 + 4,
      },
    ]);
    expect(s.findings).toEqual([]);
  });

  it("multi-part headers end with an empty header", () => {
    const bytes = b()
      .i32(MAGIC)
      .u32(2 | 0x1000)
      .attr("a", "int", b().i32(1).build())
      .u8(0)
      .attr("b", "int", b().i32(2).build())
      .u8(0)
      .u8(0)
      .build();
    const s = scanHeaders(bytes, bytes.length + 100, CAP);
    expect(s.kind === "done" && s.headers.map((h) => h.attributes.map((a) => a.name))).toEqual([
      ["a"],
      ["b"],
    ]);
    expect(s.kind === "done" && s.headerEnd).toBe(bytes.length);
    const none = b()
      .i32(MAGIC)
      .u32(2 | 0x1000)
      .u8(0)
      .build();
    expect(codes(scanHeaders(none, none.length, CAP))).toEqual(["EXR_NO_PARTS"]);
  });

  it("asks for more bytes when a prefix ends inside the header, never beyond the file", () => {
    const bytes = singlePart(["big", "string", new Uint8Array(5000).fill(65)]).build();
    const s = scanHeaders(bytes.subarray(0, 100), bytes.length, CAP);
    expect(s).toEqual({ kind: "need-more", needed: bytes.length - 1 });
    expect(scanHeaders(bytes.subarray(0, 4), bytes.length, CAP)).toEqual({ kind: "need-more", needed: 8 });
    const grown = scanHeaders(bytes.subarray(0, 10), bytes.length, CAP);
    expect(grown.kind === "need-more" && grown.needed).toBeLessThanOrEqual(bytes.length);
  });

  it("reports a truncated header when the file itself ends", () => {
    const bytes = singlePart(["big", "string", new Uint8Array(50).fill(65)]).build();
    for (const cut of [9, 12, 16, 20, 40, bytes.length - 1]) {
      const s = scanHeaders(bytes.subarray(0, cut), cut, CAP);
      expect(codes(s), `cut ${cut}`).toContain("EXR_TRUNCATED_HEADER");
      expect(s.kind === "done" && s.headerEnd).toBeNull();
    }
  });

  it("stops at the header size cap with a clear error", () => {
    const bytes = singlePart(["big", "string", new Uint8Array(5000)]).build();
    const s = scanHeaders(bytes.subarray(0, 1024), bytes.length, 1024);
    expect(codes(s)).toEqual(["EXR_HEADER_TOO_LARGE"]);
  });

  it("rejects bad magic, short files and unsupported versions", () => {
    expect(codes(scanHeaders(b().i32(1234).u32(2).build(), 8, CAP))).toEqual(["EXR_BAD_MAGIC"]);
    expect(codes(scanHeaders(b().i32(MAGIC).build(), 4, CAP))).toEqual(["EXR_FILE_TOO_SMALL"]);
    expect(codes(scanHeaders(b().i32(MAGIC).u32(3).u8(0).build(), 9, CAP))).toEqual([
      "EXR_UNSUPPORTED_VERSION",
    ]);
    expect(codes(scanHeaders(b().i32(MAGIC).u32(0x10002).u8(0).build(), 9, CAP))).toEqual([
      "EXR_UNKNOWN_FLAGS",
    ]);
  });

  it("checks name lengths against the long-names flag", () => {
    const long = "x".repeat(40);
    const bytes = singlePart([long, "int", b().i32(1).build()]).build();
    expect(codes(scanHeaders(bytes, bytes.length, CAP))).toEqual(["EXR_NAME_TOO_LONG"]);
    bytes[5] = 0x04; // set the long-names bit (0x400)
    expect(codes(scanHeaders(bytes, bytes.length, CAP))).toEqual([]);
    const tooLong = singlePart(["y".repeat(300), "int", b().i32(1).build()]).build();
    expect(codes(scanHeaders(tooLong, tooLong.length, CAP))).toEqual(["EXR_BAD_ATTRIBUTE_NAME"]);
  });

  it("reports negative sizes and empty type names", () => {
    const neg = b().i32(MAGIC).u32(2).str("a", true).str("int", true).i32(-4).build();
    expect(codes(scanHeaders(neg, neg.length, CAP))).toEqual(["EXR_BAD_ATTRIBUTE_SIZE"]);
    const empty = singlePart(["a", "", b().i32(1).build()]).build();
    expect(codes(scanHeaders(empty, empty.length, CAP))).toEqual(["EXR_EMPTY_TYPE_NAME"]);
  });

  it("a huge attribute size fails as truncation without allocating", () => {
    const bytes = b().i32(MAGIC).u32(2).str("a", true).str("string", true).i32(0x7fffffff).str("abc").build();
    expect(codes(scanHeaders(bytes, bytes.length, CAP))).toEqual(["EXR_TRUNCATED_HEADER"]);
  });
});
