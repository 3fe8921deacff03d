import { describe, expect, it } from "vitest";
import { GROWTH, scanHeaders } from "../../src/core/header-scan.js";
import type { Finding } from "../../src/core/model.js";
import { b } from "./bytes.js";

// Boundaries and locations of the header scan: exact cap, exact EOF, 254-256-byte names, and the
// location (part, attribute, byte offset) of every finding it reports.

const MAGIC = 20000630;
const LONG_NAMES = 0x400;
const MULTIPART = 0x1000;
const CAP = 1 << 20;

type Scan = ReturnType<typeof scanHeaders>;

function done(s: Scan) {
  if (s.kind !== "done") throw new Error(`expected a finished scan, got ${JSON.stringify(s)}`);
  return s;
}

/** The findings without their message, plus the message checked to name `mentions`. */
function located(s: Scan, ...mentions: string[]): Omit<Finding, "message">[] {
  return done(s).findings.map(({ message, ...rest }) => {
    for (const m of mentions) expect(message).toContain(m);
    return rest;
  });
}

const error = (code: string, loc: Partial<Finding>) => ({
  code,
  severity: "error",
  part_index: null,
  attribute: null,
  chunk_index: null,
  byte_offset: null,
  ...loc,
});

function file(flags: number, ...attrs: Array<[string, string, Uint8Array]>) {
  const out = b()
    .i32(MAGIC)
    .u32(2 | flags);
  for (const [n, t, v] of attrs) out.attr(n, t, v);
  return out.u8(0).build();
}

const int = (v: number) => b().i32(v).build();

describe("scanHeaders: long names at the 255-byte limit", () => {
  for (const length of [254, 255]) {
    it(`accepts a ${length}-byte attribute name and type name with the long-names flag`, () => {
      const name = "n".repeat(length);
      const type = "t".repeat(length);
      const bytes = file(LONG_NAMES, [name, type, int(7)]);
      const s = done(scanHeaders(bytes, bytes.length, CAP));
      expect(s.findings).toEqual([]);
      expect(s.headers[0]!.attributes).toEqual([
        { name, type, size: 4, offset: 8, valueOffset: 8 + 2 * (length + 1) + 4 },
      ]);
      expect(s.headerEnd).toBe(bytes.length);
    });
  }

  it("rejects a 256-byte name as unterminated, located at the name", () => {
    const bytes = file(LONG_NAMES, ["n".repeat(256), "int", int(1)]);
    expect(located(scanHeaders(bytes, bytes.length, CAP), "at byte 8", "255")).toEqual([
      error("EXR_BAD_ATTRIBUTE_NAME", { part_index: 0, byte_offset: 8 }),
    ]);
  });

  it("a 256-byte type name is located at the type name and names its attribute", () => {
    const bytes = file(LONG_NAMES, ["a", "t".repeat(256), int(1)]);
    expect(located(scanHeaders(bytes, bytes.length, CAP), "attribute type name", "at byte 10")).toEqual([
      error("EXR_BAD_ATTRIBUTE_NAME", { part_index: 0, attribute: "a", byte_offset: 10 }),
    ]);
  });

  it("without the flag, 31 bytes pass and 32 bytes are too long, naming the attribute", () => {
    const ok = file(0, ["n".repeat(31), "t".repeat(31), int(1)]);
    expect(done(scanHeaders(ok, ok.length, CAP)).findings).toEqual([]);
    const longName = file(0, ["n".repeat(32), "int", int(1)]);
    expect(located(scanHeaders(longName, longName.length, CAP), "is 32 bytes", "max 31")).toEqual([
      error("EXR_NAME_TOO_LONG", { part_index: 0, attribute: "n".repeat(32), byte_offset: 8 }),
    ]);
    // a too-long type name is reported against the attribute that carries it, at the type name
    const longType = file(0, ["a", "t".repeat(32), int(1)]);
    expect(
      located(scanHeaders(longType, longType.length, CAP), "attribute type name", "is 32 bytes"),
    ).toEqual([error("EXR_NAME_TOO_LONG", { part_index: 0, attribute: "a", byte_offset: 10 })]);
  });

  it("a name the file cuts off is truncation; one that runs 256 bytes to EOF is a bad name", () => {
    const prefix = b()
      .i32(MAGIC)
      .u32(2 | LONG_NAMES);
    // 255 name bytes and EOF: the name could still have been terminated
    const cut = prefix.str("n".repeat(255)).build();
    expect(located(scanHeaders(cut, cut.length, CAP), "attribute name", `file size ${cut.length}`)).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 0, byte_offset: 8 }),
    ]);
    // 256 name bytes exactly up to EOF: no terminator within the longest legal name
    const over = b()
      .i32(MAGIC)
      .u32(2 | LONG_NAMES)
      .str("n".repeat(256))
      .build();
    expect(located(scanHeaders(over, over.length, CAP))).toEqual([
      error("EXR_BAD_ATTRIBUTE_NAME", { part_index: 0, byte_offset: 8 }),
    ]);
  });

  it("an unterminated name in a short prefix asks for the name window, never past EOF", () => {
    const bytes = file(LONG_NAMES, ["n".repeat(200), "int", int(1)]);
    // the prefix ends inside the name: the scan needs the whole 256-byte window after it
    expect(scanHeaders(bytes.subarray(0, 50), 10_000, CAP)).toEqual({ kind: "need-more", needed: 8 + 256 });
    // ... but not beyond the end of the file
    expect(scanHeaders(bytes.subarray(0, 100), 150, CAP)).toEqual({ kind: "need-more", needed: 150 });
  });
});

describe("scanHeaders: the header size cap and EOF, exactly", () => {
  /** A single-part header whose terminator is its `total`-th byte. */
  function headerOf(total: number) {
    const fixed = 8 + 2 + 7 + 4 + 1; // magic+version, "a\0", "string\0", size, terminator
    return file(0, ["a", "string", new Uint8Array(total - fixed).fill(65)]);
  }

  it("headers ending exactly at the cap are read whole", () => {
    const bytes = headerOf(1000);
    const fileSize = 5000;
    const prefix = scanHeaders(bytes.subarray(0, 100), fileSize, 1000);
    expect(prefix).toEqual({ kind: "need-more", needed: 1000 - 1 });
    const s = done(scanHeaders(bytes, fileSize, 1000));
    expect(s.findings).toEqual([]);
    expect(s.headerEnd).toBe(1000);
  });

  it("one byte over the cap is too large, located at the cap and naming what did not fit", () => {
    const bytes = headerOf(1001);
    const s = scanHeaders(bytes.subarray(0, 1000), 5000, 1000);
    expect(located(s, "1000-byte header size limit", "a header")).toEqual([
      error("EXR_HEADER_TOO_LARGE", { part_index: 0, byte_offset: 1000 }),
    ]);
    expect(done(s).headerEnd).toBeNull();
  });

  it("a value running exactly to EOF beyond the cap is the cap's fault, not truncation", () => {
    // the value ends at EOF (only the terminator is missing), and EOF lies past the cap
    const bytes = headerOf(1001).subarray(0, 1000);
    const s = scanHeaders(bytes.subarray(0, 900), 1000, 900);
    expect(located(s, "900-byte header size limit", 'value of attribute "a"')).toEqual([
      error("EXR_HEADER_TOO_LARGE", { part_index: 0, attribute: "a", byte_offset: 900 }),
    ]);
  });

  it("a value ending exactly at EOF with the terminator missing is truncation at the header's end", () => {
    const bytes = headerOf(1001).subarray(0, 1000);
    expect(located(scanHeaders(bytes, bytes.length, CAP), "a header", "file size 1000")).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 0, byte_offset: 1000 }),
    ]);
  });

  it("a value cut by EOF is truncation located at its attribute", () => {
    const bytes = headerOf(1001).subarray(0, 999);
    expect(located(scanHeaders(bytes, bytes.length, CAP), 'value of attribute "a"')).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 0, attribute: "a", byte_offset: 8 }),
    ]);
    // the same prefix of a longer file is read further, not reported
    expect(scanHeaders(bytes, 5000, CAP).kind).toBe("need-more");
  });

  it("a size field cut by EOF is truncation located at its attribute", () => {
    const bytes = b().i32(MAGIC).u32(2).str("a", true).str("int", true).u8(4, 0).build();
    expect(located(scanHeaders(bytes, bytes.length, CAP), 'size of attribute "a"')).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 0, attribute: "a", byte_offset: 8 }),
    ]);
  });

  it("grows a short prefix by GROWTH, up to the cap, and at least to what is needed", () => {
    const bytes = headerOf(100_000);
    // the value needs the whole header: that is more than growing by GROWTH
    expect(scanHeaders(bytes.subarray(0, 64), 200_000, CAP)).toEqual({ kind: "need-more", needed: 99_999 });
    // a short item in a long file: the prefix grows by GROWTH
    const names = file(0, ["a", "int", int(1)], ["b", "int", int(2)]);
    expect(scanHeaders(names.subarray(0, 15), 200_000, CAP)).toEqual({
      kind: "need-more",
      needed: 15 * GROWTH,
    });
    // ... but never past the cap
    expect(scanHeaders(names.subarray(0, 15), 200_000, 40)).toEqual({ kind: "need-more", needed: 40 });
    // a prefix shorter than the cap but holding the whole file is judged as it is
    expect(located(scanHeaders(names.subarray(0, 12), 12, CAP))).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 0, attribute: "a", byte_offset: 10 }),
    ]);
  });

  it("an item starting right at the cap of a longer file is too large, whatever the item", () => {
    // multi-part: the end of the part list falls on the cap
    const multi = b()
      .i32(MAGIC)
      .u32(2 | MULTIPART)
      .attr("a", "int", int(1))
      .u8(0)
      .build();
    expect(located(scanHeaders(multi, multi.length + 10, multi.length), "the header list")).toEqual([
      error("EXR_HEADER_TOO_LARGE", { part_index: 1, byte_offset: multi.length }),
    ]);
    // single part: the terminator falls on the cap
    const single = b().i32(MAGIC).u32(2).attr("a", "int", int(1)).build();
    expect(located(scanHeaders(single, single.length + 10, single.length), "a header")).toEqual([
      error("EXR_HEADER_TOO_LARGE", { part_index: 0, byte_offset: single.length }),
    ]);
    // a size field crossing the cap
    const size = b().i32(MAGIC).u32(2).str("a", true).str("int", true).i32(4).i32(1).u8(0).build();
    expect(located(scanHeaders(size.subarray(0, 16), size.length, 16), 'size of attribute "a"')).toEqual([
      error("EXR_HEADER_TOO_LARGE", { part_index: 0, attribute: "a", byte_offset: 16 }),
    ]);
  });

  it("a prefix as long as the cap is not asked to grow", () => {
    const bytes = headerOf(2000);
    const s = scanHeaders(bytes.subarray(0, 1500), 5000, 1500);
    expect(done(s).findings.map((f) => f.code)).toEqual(["EXR_HEADER_TOO_LARGE"]);
  });
});

describe("scanHeaders: every finding's location", () => {
  it("file too small, bad magic, unsupported version, unknown flags", () => {
    const small = b().i32(MAGIC).u8(2, 0).build();
    expect(located(scanHeaders(small, 6, CAP), "file is 6 bytes")).toEqual([
      error("EXR_FILE_TOO_SMALL", { byte_offset: 0 }),
    ]);
    expect(scanHeaders(small, 8, CAP)).toEqual({ kind: "need-more", needed: 8 });
    const magic = b().i32(1234).u32(2).u8(0).build();
    expect(located(scanHeaders(magic, magic.length, CAP), "1234", `${MAGIC}`)).toEqual([
      error("EXR_BAD_MAGIC", { byte_offset: 0 }),
    ]);
    const version = b().i32(MAGIC).u32(1).u8(0).build();
    const v = done(scanHeaders(version, version.length, CAP));
    expect(located(v, "version 1")).toEqual([error("EXR_UNSUPPORTED_VERSION", { byte_offset: 4 })]);
    expect(v.version).toBe(1);
    const flags = b()
      .i32(MAGIC)
      .u32(2 | 0x10000 | LONG_NAMES)
      .u8(0)
      .build();
    const f = done(scanHeaders(flags, flags.length, CAP));
    expect(located(f, "0x10000")).toEqual([error("EXR_UNKNOWN_FLAGS", { byte_offset: 4 })]);
    // unknown flags do not stop the scan: the (empty) header is still read
    expect(f.flags?.long_names).toBe(true);
    expect(f.headers).toEqual([{ offset: 8, attributes: [], terminated: true }]);
    expect(f.headerEnd).toBe(9);
  });

  it("empty type name and negative size", () => {
    const empty = file(0, ["x", "int", int(1)], ["a", "", int(1)]);
    const at = 8 + 2 + 4 + 4 + 4;
    const e = done(scanHeaders(empty, empty.length, CAP));
    expect(located(e, 'attribute "a"')).toEqual([
      error("EXR_EMPTY_TYPE_NAME", { part_index: 0, attribute: "a", byte_offset: at }),
    ]);
    // the attribute is still kept
    expect(e.headers[0]!.attributes.map((a) => [a.name, a.type])).toEqual([
      ["x", "int"],
      ["a", ""],
    ]);
    const neg = b().i32(MAGIC).u32(2).str("a", true).str("int", true).i32(-4).i32(0).u8(0).build();
    const n = done(scanHeaders(neg, neg.length, CAP));
    expect(located(n, "negative size -4")).toEqual([
      error("EXR_BAD_ATTRIBUTE_SIZE", { part_index: 0, attribute: "a", byte_offset: 8 + 2 + 4 }),
    ]);
    expect(n.headerEnd).toBeNull();
  });

  it("a size of 0 is a valid empty value", () => {
    const bytes = b().i32(MAGIC).u32(2).str("a", true).str("string", true).i32(0).u8(0).build();
    const s = done(scanHeaders(bytes, bytes.length, CAP));
    expect(s.findings).toEqual([]);
    expect(s.headers[0]!.attributes).toEqual([
      { name: "a", type: "string", size: 0, offset: 8, valueOffset: 8 + 2 + 7 + 4 },
    ]);
  });

  it("multi-part: findings carry the part index; an empty part list is located at its terminator", () => {
    const bytes = b()
      .i32(MAGIC)
      .u32(2 | MULTIPART)
      .attr("a", "int", int(1))
      .u8(0)
      .attr("b", "", int(2))
      .u8(0)
      .u8(0)
      .build();
    const s = done(scanHeaders(bytes, bytes.length, CAP));
    const second = 8 + 2 + 4 + 4 + 4 + 1;
    expect(located(s)).toEqual([
      error("EXR_EMPTY_TYPE_NAME", { part_index: 1, attribute: "b", byte_offset: second }),
    ]);
    expect(s.headers.map((h) => [h.offset, h.terminated])).toEqual([
      [8, true],
      [second, true],
    ]);
    expect(s.headerEnd).toBe(bytes.length);
    const none = b()
      .i32(MAGIC)
      .u32(2 | MULTIPART)
      .u8(0)
      .build();
    const n = done(scanHeaders(none, none.length, CAP));
    expect(located(n, "no part header")).toEqual([error("EXR_NO_PARTS", { byte_offset: 8 })]);
    expect(n.headerEnd).toBe(9);
    expect(n.headers).toEqual([]);
  });

  it("multi-part: EOF before the end of the part list is truncation at that part", () => {
    const bytes = b()
      .i32(MAGIC)
      .u32(2 | MULTIPART)
      .attr("a", "int", int(1))
      .u8(0)
      .build();
    const s = done(scanHeaders(bytes, bytes.length, CAP));
    expect(located(s, "the header list")).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 1, byte_offset: bytes.length }),
    ]);
    expect(s.headers).toHaveLength(1);
    expect(s.headers[0]!.terminated).toBe(true);
    // a longer file: read on
    expect(scanHeaders(bytes, bytes.length + 10, CAP)).toEqual({
      kind: "need-more",
      needed: bytes.length + 10,
    });
  });

  it("single part: EOF where the terminator belongs leaves the header unterminated", () => {
    const bytes = b().i32(MAGIC).u32(2).attr("a", "int", int(1)).build();
    const s = done(scanHeaders(bytes, bytes.length, CAP));
    expect(located(s, "a header")).toEqual([
      error("EXR_TRUNCATED_HEADER", { part_index: 0, byte_offset: bytes.length }),
    ]);
    expect(s.headers[0]!.terminated).toBe(false);
    expect(s.headers[0]!.attributes).toHaveLength(1);
  });
});
