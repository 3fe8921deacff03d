import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeAttributeValue, isKnownType } from "../../src/core/attributes/registry.js";
import { b } from "./bytes.js";

const decode = (type: string, bytes: Uint8Array) => decodeAttributeValue(type, bytes);
const value = (type: string, bytes: Uint8Array) => {
  const d = decode(type, bytes);
  expect(d.problem).toBeUndefined();
  return d.value;
};

describe("scalar and vector types", () => {
  it("int, float, double", () => {
    expect(value("int", b().i32(-7).build())).toBe(-7);
    expect(value("float", b().f32(0.1).build())).toBe(Math.fround(0.1));
    expect(
      value(
        "double",
        b()
          .f64(1 / 3)
          .build(),
      ),
    ).toBe(1 / 3);
  });

  it("float32 values round-trip to the same bits", () => {
    for (const bits of [0x3dcccccd, 0x00000001, 0x7f7fffff, 0x80000000, 0x33d6bf95]) {
      const bytes = b().u32(bits).build();
      const v = value("float", bytes) as number;
      const back = new DataView(new ArrayBuffer(4));
      back.setFloat32(0, v, true);
      expect(back.getUint32(0, true)).toBe(bits);
    }
  });

  it("NaN and infinities become strings", () => {
    expect(value("float", b().f32(Number.NaN).build())).toBe("NaN");
    expect(value("float", b().f32(Number.POSITIVE_INFINITY).build())).toBe("Infinity");
    expect(value("double", b().f64(Number.NEGATIVE_INFINITY).build())).toBe("-Infinity");
    expect(value("v2f", b().f32(1, Number.NaN).build())).toEqual([1, "NaN"]);
  });

  it("negative zero keeps its sign as the string -0", () => {
    expect(value("float", b().f32(-0).build())).toBe("-0");
    expect(value("m33d", b().f64(0, -0, 0, 0, 0, 0, 0, 0, 0).build())).toEqual([
      0,
      "-0",
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    expect(JSON.stringify(value("float", b().f32(0).build()))).toBe("0");
  });

  it("vectors", () => {
    expect(value("v2i", b().i32(1, -2).build())).toEqual([1, -2]);
    expect(value("v2f", b().f32(1.5, 2.5).build())).toEqual([1.5, 2.5]);
    expect(value("v2d", b().f64(0.1, 0.2).build())).toEqual([0.1, 0.2]);
    expect(value("v3i", b().i32(1, 2, 3).build())).toEqual([1, 2, 3]);
    expect(value("v3f", b().f32(1, 2, 3).build())).toEqual([1, 2, 3]);
    expect(value("v3d", b().f64(1.25, 2, 3).build())).toEqual([1.25, 2, 3]);
  });

  it("matrices in stored order", () => {
    const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const sixteen = Array.from({ length: 16 }, (_, i) => i - 3.5);
    expect(
      value(
        "m33f",
        b()
          .f32(...nine)
          .build(),
      ),
    ).toEqual(nine);
    expect(
      value(
        "m33d",
        b()
          .f64(...nine)
          .build(),
      ),
    ).toEqual(nine);
    expect(
      value(
        "m44f",
        b()
          .f32(...sixteen)
          .build(),
      ),
    ).toEqual(sixteen);
    expect(
      value(
        "m44d",
        b()
          .f64(...sixteen)
          .build(),
      ),
    ).toEqual(sixteen);
  });

  it("boxes", () => {
    expect(value("box2i", b().i32(-1, -2, 3, 4).build())).toEqual({ min: [-1, -2], max: [3, 4] });
    expect(value("box2f", b().f32(-0.5, 0, 1.5, 2).build())).toEqual({ min: [-0.5, 0], max: [1.5, 2] });
  });

  it("floatvector of any length, including empty", () => {
    expect(value("floatvector", b().f32(1, 2, 0.5).build())).toEqual([1, 2, 0.5]);
    expect(value("floatvector", new Uint8Array(0))).toEqual([]);
  });

  it("rational, chromaticities, keycode, timecode", () => {
    expect(value("rational", b().i32(-24000).u32(1001).build())).toEqual({
      numerator: -24000,
      denominator: 1001,
    });
    expect(value("chromaticities", b().f32(0.5, 0.25, 0.125, 1, 2, 3, 4, 5).build())).toEqual({
      red: [0.5, 0.25],
      green: [0.125, 1],
      blue: [2, 3],
      white: [4, 5],
    });
    expect(value("keycode", b().i32(1, 2, 3, 4, 5, 6, 7).build())).toEqual({
      film_mfc_code: 1,
      film_type: 2,
      prefix: 3,
      count: 4,
      perf_offset: 5,
      perfs_per_frame: 6,
      perfs_per_count: 7,
    });
    expect(value("timecode", b().u32(0x01020304, 0xffffffff).build())).toEqual({
      time_and_flags: 0x01020304,
      user_data: 0xffffffff,
    });
  });

  it("a size that does not fit the type keeps the raw bytes and reports a problem", () => {
    const d = decode("box2i", b().i32(1, 2, 3).build());
    expect(d.problem).toMatch(/box2i needs 16 bytes, 12 stored/);
    expect(d.value).toEqual({ base64: Buffer.from(b().i32(1, 2, 3).build()).toString("base64") });
    expect(decode("floatvector", new Uint8Array(5)).problem).toMatch(/multiple of 4/);
    expect(decode("int", new Uint8Array(0)).problem).toBeDefined();
  });
});

describe("enum types", () => {
  it("compression names including HTJ2K, unknown values as numbers", () => {
    const names = [
      "none",
      "rle",
      "zips",
      "zip",
      "piz",
      "pxr24",
      "b44",
      "b44a",
      "dwaa",
      "dwab",
      "htj2k256",
      "htj2k32",
    ];
    for (const [i, n] of names.entries()) expect(value("compression", b().u8(i).build())).toBe(n);
    expect(value("compression", b().u8(12).build())).toBe(12);
  });

  it("lineOrder, envmap, deepImageState", () => {
    expect(value("lineOrder", b().u8(0).build())).toBe("INCREASING_Y");
    expect(value("lineOrder", b().u8(1).build())).toBe("DECREASING_Y");
    expect(value("lineOrder", b().u8(2).build())).toBe("RANDOM_Y");
    expect(value("lineOrder", b().u8(9).build())).toBe(9);
    expect(value("envmap", b().u8(0).build())).toBe("LATLONG");
    expect(value("envmap", b().u8(1).build())).toBe("CUBE");
    expect(value("deepImageState", b().u8(3).build())).toBe("TIDY");
    expect(value("deepImageState", b().u8(2).build())).toBe("NON_OVERLAPPING");
  });

  it("tiledesc with level and rounding modes", () => {
    expect(value("tiledesc", b().u32(64, 32).u8(0x12).build())).toEqual({
      x_size: 64,
      y_size: 32,
      level_mode: "RIPMAP_LEVELS",
      rounding_mode: "ROUND_UP",
    });
    expect(value("tiledesc", b().u32(1, 1).u8(0x01).build())).toEqual({
      x_size: 1,
      y_size: 1,
      level_mode: "MIPMAP_LEVELS",
      rounding_mode: "ROUND_DOWN",
    });
    expect(value("tiledesc", b().u32(1, 1).u8(0x33).build())).toMatchObject({
      level_mode: 3,
      rounding_mode: 3,
    });
  });
});

describe("text types", () => {
  it("string uses the attribute size, no terminator", () => {
    expect(value("string", b().str("ACME").build())).toBe("ACME");
    expect(value("string", new Uint8Array(0))).toBe("");
    expect(value("string", Buffer.from("café ✓", "utf8"))).toBe("café ✓");
  });

  it("non-UTF-8 text is kept readable plus its raw bytes", () => {
    const d = decode("string", b().str("caf\xe9").build());
    expect(d.invalidUtf8).toBe(true);
    expect(d.value).toEqual({ text: "caf\ufffd", base64: "Y2Fm6Q==", valid_utf8: false });
  });

  it("stringvector", () => {
    expect(value("stringvector", b().i32(4).str("left").i32(5).str("right").i32(0).build())).toEqual([
      "left",
      "right",
      "",
    ]);
    expect(value("stringvector", new Uint8Array(0))).toEqual([]);
    expect(decode("stringvector", b().i32(10).str("abc").build()).problem).toMatch(/exceeds/);
    expect(decode("stringvector", b().i32(1).str("a").u8(0, 0).build()).problem).toMatch(/inside a length/);
  });

  it("chlist", () => {
    const chlist = b()
      .str("A", true)
      .i32(1)
      .u8(0, 0, 0, 0)
      .i32(1, 1)
      .str("diffuse.R", true)
      .i32(2)
      .u8(1, 0, 0, 0)
      .i32(2, 2)
      .str("id", true)
      .i32(0)
      .u8(0, 0, 0, 0)
      .i32(1, 1)
      .u8(0)
      .build();
    expect(value("chlist", chlist)).toEqual([
      { name: "A", type: "half", p_linear: false, x_sampling: 1, y_sampling: 1 },
      { name: "diffuse.R", type: "float", p_linear: true, x_sampling: 2, y_sampling: 2 },
      { name: "id", type: "uint", p_linear: false, x_sampling: 1, y_sampling: 1 },
    ]);
    expect(value("chlist", b().u8(0).build())).toEqual([]);
    expect(decode("chlist", chlist.subarray(0, chlist.length - 1)).problem).toMatch(/terminating NUL/);
    expect(decode("chlist", chlist.subarray(0, 10)).problem).toMatch(/inside a channel entry/);
    expect(decode("chlist", b().str("x".repeat(300)).build()).problem).toMatch(/unterminated/);
    expect(value("chlist", b().str("Z", true).i32(7).u8(0, 0, 0, 0).i32(1, 1).u8(0).build())).toEqual([
      { name: "Z", type: 7, p_linear: false, x_sampling: 1, y_sampling: 1 },
    ]);
  });
});

describe("opaque types", () => {
  it("bytes with a type hint", () => {
    expect(value("bytes", b().u32(4).str("text").u8(0, 1, 255).build())).toEqual({
      base64: "AAH/",
      hint: "text",
    });
    expect(value("bytes", b().u32(0).build())).toEqual({ base64: "", hint: "" });
    expect(decode("bytes", b().u32(99).str("ab").build()).problem).toMatch(/hint length/);
  });

  it("preview: size and a hash, not the pixels", () => {
    const pixels = [255, 0, 0, 255, 0, 255, 0, 255];
    const v = value(
      "preview",
      b()
        .u32(2, 1)
        .u8(...pixels)
        .build(),
    ) as Record<string, unknown>;
    expect(v.width).toBe(2);
    expect(v.height).toBe(1);
    expect(v.hash).toMatch(/^fnv1a64:[0-9a-f]{16}$/);
    const other = value("preview", b().u32(2, 1).u8(255, 0, 0, 255, 0, 255, 1, 255).build()) as Record<
      string,
      unknown
    >;
    expect(other.hash).not.toBe(v.hash);
    expect(decode("preview", b().u32(100, 100).build()).problem).toMatch(/needs 40000 pixel bytes/);
  });

  it("preview: SHA-256 of exactly the pixel bytes when the host supplies it", () => {
    const pixels = [255, 0, 0, 255, 0, 255, 0, 255];
    const seen: number[][] = [];
    const sha256 = (bytes: Uint8Array) => {
      seen.push([...bytes]);
      return createHash("sha256").update(bytes).digest("hex");
    };
    const decoded = decodeAttributeValue(
      "preview",
      b()
        .u32(2, 1)
        .u8(...pixels)
        .build(),
      { sha256 },
    );
    expect(seen).toEqual([pixels]);
    expect(decoded.value).toEqual({
      width: 2,
      height: 1,
      hash: `sha256:${createHash("sha256").update(Uint8Array.from(pixels)).digest("hex")}`,
    });
  });

  it("idmanifest: sizes", () => {
    expect(value("idmanifest", b().i32(1234).u8(1, 2, 3).build())).toEqual({
      uncompressed_size: 1234,
      compressed_size: 3,
    });
  });

  it("unknown types keep raw bytes as base64", () => {
    expect(isKnownType("myCustomType")).toBe(false);
    expect(value("myCustomType", b().u8(1, 2, 3).build())).toEqual({ base64: "AQID" });
  });
});
