import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { countIdManifest, decodeIdManifest, parseManifest } from "../../src/core/attributes/idmanifest.js";
import { decodeAttributeValue } from "../../src/core/attributes/registry.js";
import { zlibInflate } from "../../src/inspect/inspect.js";
import { type Bytes, b } from "./bytes.js";

/**
 * Exact values, problems and flags of the attribute decoders at their boundaries: every fixed size one byte off,
 * the UTF-8 flags, the idmanifest's count, storage and varint forms (mutation testing, issue 20).
 */
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");

describe("fixed-size types name themselves and their size when the stored size is off by one", () => {
  const sizes: Record<string, number> = {
    int: 4,
    float: 4,
    double: 8,
    v2i: 8,
    v2f: 8,
    v2d: 16,
    v3i: 12,
    v3f: 12,
    v3d: 24,
    m33f: 36,
    m33d: 72,
    m44f: 64,
    m44d: 128,
    box2i: 16,
    box2f: 16,
    rational: 8,
    chromaticities: 32,
    keycode: 28,
    timecode: 8,
    tiledesc: 9,
  };
  it.each(Object.entries(sizes))("%s needs %i bytes", (type, size) => {
    for (const stored of [size - 1, size + 1]) {
      const bytes = Uint8Array.from({ length: stored }, (_, i) => i + 1);
      expect(decodeAttributeValue(type, bytes)).toEqual({
        value: { base64: base64(bytes) },
        problem: `${type} needs ${size} bytes, ${stored} stored`,
      });
    }
    expect(decodeAttributeValue(type, new Uint8Array(size)).problem).toBeUndefined();
  });

  it.each(["compression", "lineOrder", "envmap", "deepImageState"])("%s needs 1 byte", (type) => {
    for (const stored of [0, 2]) {
      const bytes = new Uint8Array(stored).fill(1);
      expect(decodeAttributeValue(type, bytes)).toEqual({
        value: { base64: base64(bytes) },
        problem: `${type} needs 1 byte, ${stored} stored`,
      });
    }
  });

  it("floatvector names its size", () => {
    expect(decodeAttributeValue("floatvector", new Uint8Array(5)).problem).toBe(
      "floatvector size 5 is not a multiple of 4",
    );
  });
});

const chlistEntry = (out: Bytes, name: Uint8Array | string) =>
  (typeof name === "string" ? out.str(name, true) : out.raw(name).u8(0)).i32(1).u8(0, 0, 0, 0).i32(1, 1);

describe("chlist", () => {
  it("decodes non-ASCII names as UTF-8 and flags invalid ones, whatever their order", () => {
    const utf8 = chlistEntry(b(), Buffer.from("é", "utf8")).u8(0).build();
    const valid = decodeAttributeValue("chlist", utf8);
    expect(valid.problem).toBeUndefined();
    expect(valid.invalidUtf8).toBe(false);
    expect((valid.value as { name: unknown }[])[0]!.name).toBe("é");

    const invalidName = { text: "\ufffd", base64: "6Q==", valid_utf8: false };
    for (const names of [
      ["R", Uint8Array.of(0xe9)],
      [Uint8Array.of(0xe9), "R"],
    ]) {
      const out = b();
      for (const n of names) chlistEntry(out, n!);
      const d = decodeAttributeValue("chlist", out.u8(0).build());
      expect(d.problem).toBeUndefined();
      expect(d.invalidUtf8).toBe(true);
      expect((d.value as { name: unknown }[]).map((c) => c.name)).toEqual(
        names.map((n) => (typeof n === "string" ? n : invalidName)),
      );
    }
    expect(decodeAttributeValue("chlist", chlistEntry(b(), "G").u8(0).build()).invalidUtf8).toBe(false);
  });

  it("takes names of up to 255 bytes", () => {
    const long = "n".repeat(255);
    const d = decodeAttributeValue("chlist", chlistEntry(b(), long).u8(0).build());
    expect(d.problem).toBeUndefined();
    expect((d.value as { name: unknown }[])[0]!.name).toBe(long);
    const tooLong = chlistEntry(b(), "n".repeat(256)).u8(0).build();
    expect(decodeAttributeValue("chlist", tooLong).problem).toBe(
      "channel name at byte 0 is unterminated or longer than 255",
    );
  });

  it("rejects bytes after the terminator, saying how many", () => {
    const bytes = chlistEntry(b(), "R").u8(0).u8(7, 7).build();
    expect(decodeAttributeValue("chlist", bytes)).toEqual({
      value: { base64: base64(bytes) },
      problem: "2 bytes follow the chlist terminator",
    });
  });
});

describe("text", () => {
  it("valid text is not flagged, short or long, ASCII or not", () => {
    for (const text of ["ACME", "x".repeat(64), "x".repeat(200), "café", "é".repeat(40)]) {
      const d = decodeAttributeValue("string", Buffer.from(text, "utf8"));
      expect(d).toEqual({ value: text, invalidUtf8: false });
      expect(d.invalidUtf8).toBe(false);
    }
  });

  it("invalid UTF-8 of any length is flagged", () => {
    const long = Buffer.concat([Buffer.from("x".repeat(100)), Uint8Array.of(0xff)]);
    const d = decodeAttributeValue("string", long);
    expect(d.invalidUtf8).toBe(true);
    expect(d.value).toEqual({ text: `${"x".repeat(100)}\ufffd`, base64: base64(long), valid_utf8: false });
  });

  it("stringvector flags an invalid entry wherever it is, and only then", () => {
    const entry = (out: Bytes, bytes: Uint8Array) => out.i32(bytes.length).raw(bytes);
    const ok = Buffer.from("ok");
    const bad = Uint8Array.of(0xe9);
    const valid = decodeAttributeValue("stringvector", entry(entry(b(), ok), ok).build());
    expect(valid).toEqual({ value: ["ok", "ok"], invalidUtf8: false });
    expect(valid.invalidUtf8).toBe(false);
    for (const order of [
      [ok, bad],
      [bad, ok],
    ]) {
      const out = b();
      for (const e of order) entry(out, e!);
      const d = decodeAttributeValue("stringvector", out.build());
      expect(d.invalidUtf8).toBe(true);
      expect(d.problem).toBeUndefined();
    }
  });

  it("stringvector problems keep every stored byte", () => {
    for (const [bytes, problem] of [
      [b().i32(2).str("ab").u8(1, 0).build(), "stringvector ends inside a length"],
      [b().i32(2).str("ab").i32(3).str("ab").build(), "stringvector entry length 3 exceeds the attribute"],
      [b().i32(-1).str("abcd").build(), "stringvector entry length -1 exceeds the attribute"],
    ] as const) {
      expect(decodeAttributeValue("stringvector", bytes)).toEqual({
        value: { base64: base64(bytes) },
        problem,
      });
    }
  });
});

describe("bytes and preview", () => {
  it("too short for their fixed fields", () => {
    const three = Uint8Array.of(1, 2, 3);
    expect(decodeAttributeValue("bytes", three)).toEqual({
      value: { base64: "AQID" },
      problem: "bytes attribute shorter than its 4-byte hint length",
    });
    const seven = new Uint8Array(7);
    expect(decodeAttributeValue("preview", seven)).toEqual({
      value: { base64: base64(seven) },
      problem: "preview attribute shorter than 8 bytes",
    });
  });

  it("preview without hashes: the size only", () => {
    const preview = b().u32(2, 1).u8(1, 2, 3, 4, 5, 6, 7, 8).build();
    expect(decodeAttributeValue("preview", preview, { hashes: false })).toStrictEqual({
      value: { width: 2, height: 1 },
    });
    expect(decodeAttributeValue("preview", preview, { hashes: true }).value).toHaveProperty("hash");
  });
});

/** OpenEXR's unsigned LEB128 (7 bits a byte, low first). */
function varint(out: Bytes, v: number): Bytes {
  let rest = v;
  while (rest >= 128) {
    out.u8((rest % 128) | 128);
    rest = Math.floor(rest / 128);
  }
  return out.u8(rest);
}

function stringList(out: Bytes, strings: readonly string[]): Bytes {
  out.i32(strings.length);
  for (const s of strings) varint(out, s.length);
  for (const s of strings) out.str(s);
  return out;
}

interface Group {
  components: string[];
  /** 0: 8-byte ids, 1: 4-byte ids, else varint ids. */
  storage: number;
  ids: number[];
}

/** A serialized IDManifest (ImfIDManifest.cpp, version 0). */
function manifest(
  groups: Group[],
  opts: { strings?: string[]; rle?: number; version?: number; groupCount?: number } = {},
): Uint8Array {
  const out = b().u32(opts.version ?? 0);
  stringList(out, opts.strings ?? ["a", "b"]);
  const rle = opts.rle ?? 1;
  out.i32(rle);
  for (let i = 0; i < rle; i++) out.i32(i, i + 1);
  out.i32(opts.groupCount ?? groups.length);
  for (const g of groups) {
    stringList(out, ["id"]);
    stringList(out, g.components);
    out.u8(1).u32(4).str("none").u32(2).str("id");
    out.u8(g.storage).i32(g.ids.length);
    for (const id of g.ids) {
      if (g.storage === 0) out.u64(id);
      else if (g.storage === 1) out.u32(id);
      else varint(out, id);
      for (let c = 0; c < g.components.length; c++) varint(out, c + 1);
    }
  }
  return out.build();
}

const ENDS_EARLY = { problem: "idmanifest ends early or holds an impossible count" };

describe("idmanifest contents", () => {
  it("counts groups and entries for each id storage", () => {
    const groups: Group[] = [
      { components: ["name"], storage: 0, ids: [7, 2 ** 40] },
      { components: ["name", "kind"], storage: 1, ids: [3, 4, 5] },
      { components: [], storage: 2, ids: [1, 300, 70000, 9] },
      { components: ["x"], storage: 1, ids: [1] },
    ];
    expect(parseManifest(manifest(groups))).toEqual({ groups: 4, entries: 10 });
    // the same ids in the other storages
    for (const storage of [0, 1, 2])
      expect(parseManifest(manifest(groups.map((g) => ({ ...g, storage }))))).toEqual({
        groups: 4,
        entries: 10,
      });
  });

  it("empty lists, tables and groups are valid", () => {
    expect(parseManifest(manifest([], { strings: [], rle: 0 }))).toEqual({ groups: 0, entries: 0 });
    expect(parseManifest(manifest([{ components: [], storage: 1, ids: [] }]))).toEqual({
      groups: 1,
      entries: 0,
    });
  });

  it("multi-byte varints: string lengths and ids", () => {
    const longName = "s".repeat(200);
    const g: Group[] = [
      { components: [longName], storage: 2, ids: [2 ** 21 + 5] },
      { components: [], storage: 2, ids: [1] },
    ];
    expect(parseManifest(manifest(g, { strings: [longName, "t".repeat(20_000)] }))).toEqual({
      groups: 2,
      entries: 2,
    });
  });

  it("a varint of more than 10 bytes is refused, even when it ends", () => {
    const eleven = b().u32(0).i32(1);
    for (let i = 0; i < 10; i++) eleven.u8(0x80);
    eleven.u8(0).i32(0).i32(0); // the 11-byte length 0, no RLE ranges, no groups
    expect(parseManifest(eleven.build())).toEqual(ENDS_EARLY);
    const ten = b().u32(0).i32(1);
    for (let i = 0; i < 9; i++) ten.u8(0x80);
    ten.u8(0).i32(0).i32(0);
    expect(parseManifest(ten.build())).toEqual({ groups: 0, entries: 0 });
  });

  it("negative counts are refused", () => {
    const one: Group[] = [{ components: ["c"], storage: 1, ids: [1] }];
    const negativeStrings = b().u32(0).i32(-1).i32(0).i32(0).build();
    expect(parseManifest(negativeStrings)).toEqual(ENDS_EARLY);
    const negativeRle = b().u32(0).i32(0).i32(-1).i32(0).build();
    expect(parseManifest(negativeRle)).toEqual(ENDS_EARLY);
    expect(parseManifest(manifest([], { groupCount: -1 }))).toEqual(ENDS_EARLY);
    // the table size of the last group, negative
    const bytes = manifest(one);
    const tableSizeAt = bytes.length - 4 - 1 - 4; // one u32 id, one component varint, then the size before them
    new DataView(bytes.buffer).setInt32(tableSizeAt, -1, true);
    expect(parseManifest(bytes.subarray(0, tableSizeAt + 4))).toEqual(ENDS_EARLY);
  });

  it("refuses other versions, and every truncation of a manifest", () => {
    expect(parseManifest(manifest([], { version: 1 }))).toEqual({ problem: "unknown idmanifest version 1" });
    const whole = manifest([
      { components: ["c"], storage: 0, ids: [5] },
      { components: [], storage: 1, ids: [6] },
      { components: [], storage: 0, ids: [8] },
    ]);
    expect(parseManifest(whole)).toEqual({ groups: 3, entries: 3 });
    for (let cut = 0; cut < whole.length; cut++)
      expect(parseManifest(whole.subarray(0, cut))).toEqual(ENDS_EARLY);
  });
});

describe("idmanifest attribute", () => {
  const sized = (prefix: number[], rest: number[]) => Uint8Array.from([...prefix, ...rest]);

  it("8-byte size form only when bytes 4..7 are all zero and a stream follows", () => {
    expect(decodeIdManifest(sized([100, 0, 0, 0, 0, 0, 0, 0], [9])).value).toEqual({
      uncompressed_size: 100,
      compressed_size: 1,
    });
    // one non-zero byte among 4..7: the 4-byte form, whose stream starts at byte 4
    for (let k = 4; k < 8; k++) {
      const bytes = sized([100, 0, 0, 0, 0, 0, 0, 0], [9]);
      bytes[k] = 1;
      expect(decodeIdManifest(bytes).value).toEqual({ uncompressed_size: 100, compressed_size: 5 });
    }
    // exactly 8 bytes: no stream after an 8-byte size, so it is the 4-byte form
    expect(decodeIdManifest(new Uint8Array([100, 0, 0, 0, 0, 0, 0, 0])).value).toEqual({
      uncompressed_size: 100,
      compressed_size: 4,
    });
    expect(decodeIdManifest(Uint8Array.of(100, 0, 0, 0)).value).toEqual({
      uncompressed_size: 100,
      compressed_size: 0,
    });
  });

  it("shorter than 4 bytes", () => {
    expect(decodeIdManifest(Uint8Array.of(1, 2, 3))).toEqual({
      value: { base64: "AQID" },
      problem: "idmanifest attribute shorter than 4 bytes",
    });
    expect(countIdManifest(Uint8Array.of(1, 2, 3), zlibInflate)).toEqual({
      problem: "idmanifest attribute shorter than 4 bytes",
    });
  });

  it("a stream that does not inflate names the inflater's error", () => {
    const notZlib = b().u64(10).u8(1, 2, 3, 4, 5).build();
    const result = countIdManifest(notZlib, zlibInflate) as { problem: string };
    expect(result.problem).toMatch(/^idmanifest does not inflate: \S/);
    const data = manifest([{ components: [], storage: 1, ids: [1] }]);
    expect(countIdManifest(b().u64(data.length).raw(deflateSync(data)).build(), zlibInflate)).toEqual({
      groups: 1,
      entries: 1,
    });
  });
});
