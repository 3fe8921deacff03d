import { describe, expect, it } from "vitest";
import { classifyChannels, LEGACY_RULES, readChannelRules } from "../../../src/core/codecs/dwa-classifier.js";
import type { CodecChannel, SampleType } from "../../../src/core/codecs/types.js";

/**
 * DWA's channel classification (OpenEXRCore's sLegacyChannelRules, DwaCompressor_classifyChannels and the
 * version-2 rule table), rule by rule (mutation testing, issue 20).
 */

const ch = (name: string, type: SampleType = "half", xSampling = 1, ySampling = 1): CodecChannel => ({
  name,
  type,
  bytes: type === "half" ? 2 : 4,
  xSampling,
  ySampling,
  pLinear: false,
  width: 1,
  height: 1,
});

const schemesOf = (names: [string, SampleType][]) =>
  classifyChannels(
    names.map(([n, t]) => ch(n, t)),
    LEGACY_RULES,
  ).schemes;

describe("legacy rules (DWA blocks before version 2)", () => {
  it("each suffix, any case, half and float lossy; A is RLE for every type; anything else unknown", () => {
    const lossy = ["r", "red", "g", "grn", "green", "b", "blu", "blue", "y", "by", "ry"];
    for (const s of lossy)
      for (const name of [s, s.toUpperCase(), `layer.${s}`, `a.b.${s[0]!.toUpperCase()}${s.slice(1)}`]) {
        expect(schemesOf([[name, "half"]]), name).toEqual(["lossy-dct"]);
        expect(schemesOf([[name, "float"]]), name).toEqual(["lossy-dct"]);
        expect(schemesOf([[name, "uint"]]), name).toEqual(["unknown"]);
      }
    for (const t of ["half", "float", "uint"] as const) {
      expect(schemesOf([["A", t]])).toEqual(["rle"]);
      expect(schemesOf([["diffuse.a", t]])).toEqual(["rle"]);
    }
    for (const name of [
      "Z",
      "rr",
      "re",
      "gree",
      "bl",
      "blues",
      "yy",
      "rgb",
      "alpha",
      "",
      "r.",
      "R.x",
      "x.ZR",
    ])
      expect(schemesOf([[name, "half"]]), name).toEqual(["unknown"]);
  });

  it("the rule table itself: suffixes, schemes, types and triple positions", () => {
    const dec = new TextDecoder();
    expect(
      LEGACY_RULES.map((r) =>
        [dec.decode(r.suffix), r.scheme, r.type, r.cscIndex, r.caseInsensitive].join(" "),
      ),
    ).toEqual([
      "r lossy-dct half 0 true",
      "r lossy-dct float 0 true",
      "red lossy-dct half 0 true",
      "red lossy-dct float 0 true",
      "g lossy-dct half 1 true",
      "g lossy-dct float 1 true",
      "grn lossy-dct half 1 true",
      "grn lossy-dct float 1 true",
      "green lossy-dct half 1 true",
      "green lossy-dct float 1 true",
      "b lossy-dct half 2 true",
      "b lossy-dct float 2 true",
      "blu lossy-dct half 2 true",
      "blu lossy-dct float 2 true",
      "blue lossy-dct half 2 true",
      "blue lossy-dct float 2 true",
      "y lossy-dct half -1 true",
      "y lossy-dct float -1 true",
      "by lossy-dct half -1 true",
      "by lossy-dct float -1 true",
      "ry lossy-dct half -1 true",
      "ry lossy-dct float -1 true",
      "a rle uint -1 true",
      "a rle half -1 true",
      "a rle float -1 true",
    ]);
  });

  it("R'G'B' triples: per layer prefix, all three present, equal sampling", () => {
    const sets = (cs: CodecChannel[]) => classifyChannels(cs, LEGACY_RULES).cscSets;
    expect(sets([ch("B"), ch("G"), ch("R")])).toEqual([[2, 1, 0]]);
    expect(sets([ch("blue"), ch("green"), ch("red")])).toEqual([[2, 1, 0]]);
    expect(sets([ch("a.B"), ch("a.G"), ch("b.R"), ch("a.R"), ch("b.G"), ch("b.B")])).toEqual([
      [3, 1, 0],
      [2, 4, 5],
    ]);
    expect(sets([ch("G"), ch("R")])).toEqual([]);
    expect(sets([ch("B"), ch("R")])).toEqual([]);
    expect(sets([ch("B"), ch("G")])).toEqual([]);
    expect(sets([ch("B", "half", 2, 1), ch("G"), ch("R")])).toEqual([]);
    expect(sets([ch("B"), ch("G", "half", 2, 1), ch("R")])).toEqual([]);
    expect(sets([ch("B"), ch("G", "half", 1, 2), ch("R")])).toEqual([]);
    expect(sets([ch("B", "half", 1, 2), ch("G"), ch("R")])).toEqual([]);
    // a float triple, and a uint one (no rule matches uint R/G/B)
    expect(sets([ch("B", "float"), ch("G", "float"), ch("R", "float")])).toEqual([[2, 1, 0]]);
    expect(sets([ch("B", "uint"), ch("G", "uint"), ch("R", "uint")])).toEqual([]);
    // the last channel matching a position wins; names of the same length but other bytes are other prefixes
    expect(sets([ch("x.R"), ch("x.G"), ch("x.B"), ch("x.red")])).toEqual([[3, 1, 2]]);
    expect(sets([ch("x.R"), ch("y.G"), ch("x.B"), ch("y.R"), ch("x.G"), ch("y.B")])).toEqual([
      [0, 4, 2],
      [3, 1, 5],
    ]);
  });
});

describe("version-2 rule tables", () => {
  const table = (rules: [string, number, number][], size?: number) => {
    const body: number[] = [];
    for (const [s, value, type] of rules) body.push(...new TextEncoder().encode(s), 0, value, type);
    const total = size ?? body.length + 2;
    return Uint8Array.from([total & 0xff, total >> 8, ...body]);
  };

  it("reads each rule: suffix, csc index + 1 << 4, scheme << 2, case-insensitive bit, pixel type", () => {
    const b = table([
      ["Q", (1 << 4) | (1 << 2) | 1, 1],
      ["zz", (3 << 4) | (2 << 2), 2],
      ["y", 0, 0],
    ]);
    const r = readChannelRules(b, 0, b.length);
    if ("failure" in r) throw new Error(r.failure);
    expect(r.bytes).toBe(b.length);
    const dec = new TextDecoder();
    expect(
      r.rules.map((x) => [dec.decode(x.suffix), x.scheme, x.type, x.cscIndex, x.caseInsensitive]),
    ).toEqual([
      ["Q", "lossy-dct", "half", 0, true],
      ["zz", "rle", "float", 2, false],
      ["y", "unknown", "uint", -1, false],
    ]);
    // case-sensitive rules match only the same bytes; case-insensitive ones any case
    const cs = classifyChannels([ch("q"), ch("ZZ", "float"), ch("zz", "float"), ch("Q")], r.rules);
    expect(cs.schemes).toEqual(["lossy-dct", "unknown", "rle", "lossy-dct"]);
    // at an offset inside a larger buffer
    const shifted = new Uint8Array(b.length + 5);
    shifted.set(b, 3);
    const r2 = readChannelRules(shifted, 3, 3 + b.length);
    expect("failure" in r2 ? r2.failure : r2.bytes).toBe(b.length);
  });

  it("a 128-byte suffix is the longest; damaged tables fail with their reason", () => {
    const f = (b: Uint8Array) => {
      const r = readChannelRules(b, 0, b.length);
      return "failure" in r ? r.failure : r.rules.length;
    };
    expect(f(table([["x".repeat(128), 1 << 2, 1]]))).toBe(1);
    expect(f(table([["x".repeat(129), 1 << 2, 1]]))).toBe("DWA channel rule suffix is longer than 128 bytes");
    expect(f(Uint8Array.of(2))).toBe("DWA channel rules are cut off");
    expect(f(Uint8Array.of(2, 0))).toBe("DWA channel rules are cut off");
    expect(f(Uint8Array.of(2, 0, 0))).toBe(0);
    expect(f(Uint8Array.of(1, 0, 0))).toBe("DWA channel rules claim 1 bytes");
    expect(f(Uint8Array.of(0, 0, 0))).toBe("DWA channel rules claim 0 bytes");
    expect(f(table([["r", 1 << 2, 1]], 20))).toBe("DWA channel rules pass the end of the chunk");
    // a rule of 3 bytes or less after the size
    expect(f(Uint8Array.of(5, 0, 0x72, 0, 4))).toBe("DWA channel rule is cut off");
    expect(f(Uint8Array.of(6, 0, 0x72, 0, 4, 1))).toBe(1);
    // the suffix runs into the rule's last two bytes
    expect(f(Uint8Array.of(6, 0, 0x72, 0x72, 0x72, 0))).toBe("DWA channel rule suffix is not terminated");
    expect(f(Uint8Array.of(7, 0, 0x72, 0x72, 0, 4, 1))).toBe(1);
    // invalid csc index (3 -> 2 is the last), scheme (3) or type (3)
    expect(f(table([["r", (3 << 4) | (1 << 2), 1]]))).toBe(1);
    expect(f(table([["r", (4 << 4) | (1 << 2), 1]]))).toBe("DWA channel rule has an invalid scheme or type");
    expect(f(table([["r", 3 << 2, 1]]))).toBe("DWA channel rule has an invalid scheme or type");
    expect(f(table([["r", 1 << 2, 3]]))).toBe("DWA channel rule has an invalid scheme or type");
    expect(f(table([["r", 1 << 2, 2]]))).toBe(1);
  });
});
