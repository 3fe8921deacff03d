import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../src/core/base64.js";
import { splitChannelName } from "../../src/core/channels.js";
import { fnv1a64Hex } from "../../src/core/fnv1a64.js";
import { frameNumberFromPath } from "../../src/core/frame-number.js";
import { jsonNumber, numberFromJson } from "../../src/core/json-number.js";

describe("base64", () => {
  it("matches Buffer for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString("base64"));
      }),
    );
  });
});

describe("fnv1a64", () => {
  it("matches the published FNV-1a 64-bit vectors", () => {
    expect(fnv1a64Hex(new Uint8Array(0))).toBe("cbf29ce484222325");
    expect(fnv1a64Hex(Buffer.from("a"))).toBe("af63dc4c8601ec8c");
    expect(fnv1a64Hex(Buffer.from("foobar"))).toBe("85944171f73967e8");
  });
});

describe("json numbers", () => {
  it("encodes non-finite values as strings and back", () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5, -0]) {
      const back = numberFromJson(jsonNumber(v));
      expect(Object.is(back, v) || (Number.isNaN(v) && Number.isNaN(back))).toBe(true);
    }
    expect(numberFromJson("x")).toBeNull();
  });
});

describe("channel names", () => {
  it("split at the last dot", () => {
    expect(splitChannelName("diffuse.R")).toEqual({ layer: "diffuse", component: "R" });
    expect(splitChannelName("R")).toEqual({ layer: null, component: "R" });
    expect(splitChannelName("left.diffuse.R")).toEqual({ layer: "left.diffuse", component: "R" });
  });
});

describe("frame numbers", () => {
  it.each([
    ["beauty.1001.exr", 1001],
    ["/a/b/shot_0042.exr", 42],
    ["x.v2.1001.exr", 1001],
    ["plate-0007.EXR", 7],
    ["shot.-005.exr", -5],
    ["0100.exr", 100],
    ["Desk.exr", null],
    ["render_v003.exr", null],
    ["beauty1001.exr", null],
    ["beauty.1001.denoised.exr", null],
    ["huge.12345678901.exr", null],
    ["C:\\renders\\beauty.0001.exr", 1],
  ])("%s → %s", (path, frame) => {
    expect(frameNumberFromPath(path)).toBe(frame);
  });
});
