import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../src/core/base64.js";
import { ByteReader } from "../../src/core/byte-reader.js";
import { channelRecords, splitChannelName, textOf } from "../../src/core/channels.js";
import { compressionName, linesPerChunk } from "../../src/core/compression.js";
import { frameNumberFromPath } from "../../src/core/frame-number.js";
import { isoTimestamp } from "../../src/core/iso-timestamp.js";
import { jsonNumber } from "../../src/core/json-number.js";
import { type JsonAttributeValue, SCHEMA_VERSION } from "../../src/core/model.js";
import { internedAscii, internedName } from "../../src/core/name-intern.js";
import { entryAt, loadEntries } from "../../src/core/table-words.js";
import { b } from "./bytes.js";

/** Boundaries of the small core helpers (mutation testing, issue 20). */

/** Deterministic pseudo-random bytes (xorshift32). */
function pseudoRandom(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("base64 of long inputs (the text is built in several parts)", () => {
  it.each([6144, 6145, 20_000, 20_001, 20_002])("%i bytes match Buffer", (n) => {
    const bytes = pseudoRandom(n, n);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
  });
});

describe("ByteReader", () => {
  it("u64 with a high word", () => {
    const r = new ByteReader(
      b()
        .u32(5, 256)
        .u64(2 ** 52 + 3)
        .build(),
    );
    expect(r.u64()).toBe(256 * 2 ** 32 + 5);
    expect(r.u64()).toBe(2 ** 52 + 3);
    expect(r.remaining).toBe(0);
    expect(r.has(0)).toBe(true);
    expect(r.has(1)).toBe(false);
    expect(r.has(-1)).toBe(false);
  });

  it("f64 reads exactly its 8 bytes", () => {
    const r = new ByteReader(
      b()
        .f64(1 / 3, -2.5)
        .build(),
    );
    expect([r.f64(), r.f64()]).toEqual([1 / 3, -2.5]);
  });
});

describe("channel helpers", () => {
  it("textOf: a string, the text of non-UTF-8 text, else null", () => {
    expect(textOf("beauty")).toBe("beauty");
    expect(textOf({ text: "caf\ufffd", base64: "Y2Fm6Q==", valid_utf8: false })).toBe("caf\ufffd");
    const others: (JsonAttributeValue | undefined)[] = [
      undefined,
      null,
      5,
      ["a"],
      { base64: "AA==" },
      { text: 3 },
    ];
    for (const v of others) expect(textOf(v)).toBeNull();
  });

  it("a name starting with a dot has an empty layer", () => {
    expect(splitChannelName(".R")).toEqual({ layer: "", component: "R" });
    expect(splitChannelName("R.")).toEqual({ layer: "R", component: "" });
  });

  it("channelRecords: one record per channel object, in order; anything else is skipped", () => {
    expect(channelRecords(0, undefined)).toEqual([]);
    expect(channelRecords(0, { base64: "AA==" })).toEqual([]);
    const chlist: JsonAttributeValue = [
      { name: "diffuse.R", type: "half", p_linear: true, x_sampling: 1, y_sampling: 2 },
      null,
      5,
      ["x"],
      {
        name: { text: "\ufffd", base64: "6Q==", valid_utf8: false },
        type: 7,
        p_linear: false,
        x_sampling: 2,
        y_sampling: 1,
      },
      { type: "float", x_sampling: 1, y_sampling: 1 },
    ];
    expect(channelRecords(3, chlist)).toStrictEqual([
      {
        part_index: 3,
        name: "diffuse.R",
        layer_name: "diffuse",
        component_name: "R",
        type: "half",
        x_sampling: 1,
        y_sampling: 2,
        p_linear: true,
      },
      {
        part_index: 3,
        name: "\ufffd",
        layer_name: null,
        component_name: "\ufffd",
        type: "7",
        x_sampling: 2,
        y_sampling: 1,
        p_linear: false,
      },
      {
        part_index: 3,
        name: "",
        layer_name: null,
        component_name: "",
        type: "float",
        x_sampling: 1,
        y_sampling: 1,
        p_linear: false,
      },
    ]);
  });
});

describe("compression table", () => {
  it("lines per chunk of every method", () => {
    const expected = [1, 1, 1, 16, 32, 16, 32, 32, 32, 256, 256, 32];
    expect(expected.map((_, i) => linesPerChunk(compressionName(i)!))).toEqual(expected);
    expect(linesPerChunk("zstd")).toBeNull();
    expect(compressionName(12)).toBeNull();
  });
});

describe("frame numbers at their boundaries", () => {
  it.each([
    ["beauty.1001", 1001],
    ["beauty.1001.tif", null],
    ["beauty.0999.exr", 999],
    ["x.9.exr", 9],
    ["x.123456789.exr", 123456789],
    ["x.1234567890.exr", null],
    ["x.1234567890123.exr", null],
    ["1234567890.exr", null],
    ["beauty..exr", null],
    ["shot_.exr", null],
    ["/renders/0042.exr", 42],
    ["C:\\renders\\0042.exr", 42],
    ["a._0042.exr", 42],
    [".-5.exr", -5],
    ["-5.exr", 5],
    ["shot.-000.exr", 0],
    [".exr", null],
  ])("%s → %s", (path, frame) => {
    expect(frameNumberFromPath(path)).toBe(frame);
  });
});

describe("ISO timestamps", () => {
  it.each([0, 100, 99, 10, 9, 1_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5])(
    "%s ms as Date writes it",
    (ms) => {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    },
  );
});

describe("json numbers", () => {
  it("the sign of infinities", () => {
    expect(jsonNumber(Number.POSITIVE_INFINITY)).toBe("Infinity");
    expect(jsonNumber(Number.NEGATIVE_INFINITY)).toBe("-Infinity");
  });
});

describe("interned names", () => {
  it("ASCII only; anything else is null (internedName decodes it)", () => {
    expect(internedAscii(Uint8Array.of(0x7f, 0x41), 0, 2)).toBe("\x7fA");
    expect(internedAscii(Uint8Array.of(0x41, 0x80), 0, 2)).toBeNull();
    expect(internedName(Buffer.from("é", "utf8"), 0, 2)).toBe("é");
    expect(internedAscii(Buffer.from("xxabcxx"), 2, 5)).toBe("abc");
  });

  it("names that share a cache slot never come back as each other", () => {
    // 16,000 names of 1-5 letters, prefixes of each other and of equal length, against 8,192 slots: many collide
    const letters = "abcdefghijklmnopqrstuvwxyz0123456789._";
    const names: string[] = [];
    const rnd = pseudoRandom(16_000 * 5, 7);
    for (let i = 0; i < 16_000; i++) {
      let s = "";
      for (let k = 0; k <= i % 5; k++) s += letters[rnd[i * 5 + k]! % letters.length];
      names.push(s);
    }
    const buf = Buffer.from(names.join("|"));
    const spans: [number, number][] = [];
    let at = 0;
    for (const n of names) {
      spans.push([at, at + n.length]);
      at += n.length + 1;
    }
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < names.length; i++) {
        const [s, e] = spans[i]!;
        if (internedAscii(buf, s, e) !== names[i]) expect(internedAscii(buf, s, e)).toBe(names[i]);
      }
    }
  });
});

describe("schema version", () => {
  it("is what the JSON schema accepts", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../../schema/inspection.schema.json", import.meta.url), "utf8"),
    ) as { properties: { schema_version: { pattern: string } } };
    expect(SCHEMA_VERSION).toMatch(new RegExp(schema.properties.schema_version.pattern));
  });
});

describe("offset-table words", () => {
  it("the same entries, any count, high words included", () => {
    for (const count of [1, 1024, 3000, 5000]) {
      const values = Array.from({ length: count }, (_, i) => (i % 7) * 2 ** 33 + i * 977 + 1);
      const bytes = b()
        .u64(...values)
        .u8(0xff, 0xff)
        .build();
      const words = loadEntries(bytes, count);
      const back = Array.from({ length: count }, (_, i) => entryAt(words, 2 * i));
      if (back.some((v, i) => v !== values[i])) expect(back).toEqual(values);
    }
  });
});
