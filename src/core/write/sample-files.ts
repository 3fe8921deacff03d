import type { AttributeSpec, Deflate, ExrSpec, PartSpec } from "./spec.js";
import { writeExr } from "./write-exr.js";

/**
 * A catalogue of generated files covering the layout: every attribute type, every part type, every level
 * mode and rounding, channel types and subsampling, multi-part, huge headers. Used by tests, the conformance
 * harness and anyone needing realistic fixtures. Each is a valid file the OpenEXR library reads.
 */
export interface SampleFile {
  name: string;
  bytes: Uint8Array;
}

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});

/** Parts of one file must share their display window (the library refuses the file otherwise). */
const SHARED_DISPLAY_WINDOW = box(0, 0, 39, 23);

const ramp = (c: string, x: number, y: number) => (c.charCodeAt(c.length - 1) % 7) + x * 0.25 + y * 0.5;

/**
 * The zlib stream of an ID manifest written by the official OpenEXR 3.5.3 Python bindings: one channel group
 * (channel `objectId`, components `name`/`path`, hash MurmurHash3_32, encoding `id`) with 4 entries
 * (1000 chair /set/chair, 1007 lamp /set/lamp, 1014 table /set/table, 1021 floor /set/floor); 152 bytes inflated.
 */
const LIBRARY_ID_MANIFEST_ZLIB =
  "eF4djFEOgjAMhstcV+KDVyGRS+iDZzAFZobZHBnjzh6Ddn/ypf2/NAVJL1wdOicMu6/DHHgt+Ik5F4ycNqw8RQ9NQ9OgGpru9IWEBN2VPk9fP9fnYqRY++PkN67B3KS+jpKO8uA9jO/xrgfrYqyMP1kgZ4guhN0J3tYfQA==";

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** One attribute of every type the layout defines, with awkward values (NaN, ±Inf, -0, extremes, non-UTF-8). */
export function everyTypeAttributes(): AttributeSpec[] {
  return [
    { name: "aBox2f", type: "box2f", value: box(-0.5, 1.25, 3.75e10, Number.NaN) },
    { name: "aBox2i", type: "box2i", value: box(-2147483648, -1, 2147483647, 0) },
    {
      name: "aBytes",
      type: "bytes",
      value: { typeHint: "application/x-test", data: Uint8Array.of(0, 1, 254, 255) },
    },
    {
      name: "aChromaticities",
      type: "chromaticities",
      value: [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329],
    },
    { name: "aDeepImageState", type: "deepImageState", value: "NON_OVERLAPPING" },
    { name: "aDouble", type: "double", value: 1 / 3 },
    { name: "aEnvmap", type: "envmap", value: "CUBE" },
    { name: "aFloat", type: "float", value: -0 },
    { name: "aFloatInf", type: "float", value: Number.NEGATIVE_INFINITY },
    { name: "aFloatNaN", type: "float", value: Number.NaN },
    { name: "aFloatvector", type: "floatvector", value: [1.5, Number.POSITIVE_INFINITY, 1e-45] },
    {
      name: "aIdManifest",
      type: "idmanifest",
      value: { uncompressedSize: 152, compressed: fromBase64(LIBRARY_ID_MANIFEST_ZLIB) },
    },
    { name: "aInt", type: "int", value: -123456789 },
    {
      name: "aKeycode",
      type: "keycode",
      value: {
        filmMfcCode: 1,
        filmType: 2,
        prefix: 3,
        count: 4,
        perfOffset: 5,
        perfsPerFrame: 6,
        perfsPerCount: 20,
      },
    },
    { name: "aM33d", type: "m33d", value: [1, 2, 3, 4, 5, 6, 7, 8, 0.1] },
    { name: "aM33f", type: "m33f", value: [1, 0, 0, 0, 1, 0, 0, 0, 0.1] },
    { name: "aM44d", type: "m44d", value: Array.from({ length: 16 }, (_, i) => i / 7) },
    { name: "aM44f", type: "m44f", value: Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : i / 3)) },
    { name: "aPreview", type: "preview", value: { width: 3, height: 2 } },
    { name: "aRational", type: "rational", value: [-24000, 1001] },
    { name: "aString", type: "string", value: "héllo, wörld" },
    { name: "aStringLatin1", type: "string", value: Uint8Array.of(0x63, 0x61, 0x66, 0xe9) },
    { name: "aStringvector", type: "stringvector", value: ["one", "", "three"] },
    {
      name: "aTiledesc",
      type: "tiledesc",
      value: { x_size: 64, y_size: 32, level_mode: 2, rounding_mode: 1 },
    },
    { name: "aTimecode", type: "timecode", value: { time_and_flags: 0x12345678, user_data: 0xdeadbeef } },
    { name: "aV2d", type: "v2d", value: [Number.MIN_VALUE, -Number.MAX_VALUE] },
    { name: "aV2f", type: "v2f", value: [0.1, -0.2] },
    { name: "aV2i", type: "v2i", value: [7, -7] },
    { name: "aV3d", type: "v3d", value: [1e300, -1e-300, 0.5] },
    { name: "aV3f", type: "v3f", value: [1, 2, 3] },
    { name: "aV3i", type: "v3i", value: [1, -2, 3] },
    { name: "aCustom", type: "myCustomType", raw: Uint8Array.of(1, 2, 3, 4, 5) },
  ];
}

/**
 * Attributes of `everyTypeAttributes()` that make the official Python bindings (3.5.3) refuse the whole header
 * (deepImageState is a type they cannot convert; non-UTF-8 strings raise UnicodeDecodeError).
 */
export const BINDINGS_UNREADABLE_ATTRIBUTES = ["aDeepImageState", "aStringLatin1"];

function scan(extra: Partial<PartSpec> = {}): PartSpec {
  return {
    type: "scanlineimage",
    dataWindow: box(0, 0, 7, 5),
    channels: [
      { name: "R", type: "half" },
      { name: "G", type: "half" },
      { name: "B", type: "half" },
    ],
    pixel: ramp,
    ...extra,
  };
}

function tiled(
  level: "ONE_LEVEL" | "MIPMAP_LEVELS" | "RIPMAP_LEVELS",
  rounding: "ROUND_DOWN" | "ROUND_UP",
): ExrSpec {
  return {
    parts: [
      {
        type: "tiledimage",
        dataWindow: box(0, 0, 36, 20),
        displayWindow: box(0, 0, 39, 23),
        channels: [
          { name: "A", type: "half" },
          { name: "Z", type: "float" },
        ],
        tiles: { x_size: 8, y_size: 16, level_mode: level, rounding_mode: rounding },
        pixel: ramp,
      },
    ],
  };
}

function deep(type: "deepscanline" | "deeptile"): PartSpec {
  return {
    type,
    dataWindow: box(2, 3, 9, 8),
    channels: [
      { name: "A", type: "half" },
      { name: "Z", type: "float" },
      { name: "id", type: "uint" },
    ],
    ...(type === "deeptile" ? { tiles: { x_size: 4, y_size: 4 } } : {}),
    sampleCount: (x, y) => (x * 3 + y) % 4,
    sample: (c, x, y, i) => (c === "id" ? x * 100 + y * 10 + i : x + y / 8 + i / 64),
  };
}

/** Every sample file; zip/zips samples are really compressed when `deflate` is given. */
export function sampleFiles(deflate?: Deflate): SampleFile[] {
  const specs: Array<[string, ExrSpec]> = [
    ["scanline_rgb_none.exr", { parts: [scan()] }],
    [
      "scanline_channel_types.exr",
      {
        parts: [
          scan({
            dataWindow: box(-4, -2, 11, 9),
            displayWindow: box(0, 0, 9, 7),
            channels: [
              { name: "diffuse.R", type: "half" },
              { name: "diffuse.G", type: "float", pLinear: true },
              { name: "objectId", type: "uint" },
              { name: "Y", type: "half" },
              { name: "RY", type: "half", xSampling: 2, ySampling: 2 },
              { name: "BY", type: "half", xSampling: 2, ySampling: 2 },
            ],
            lineOrder: "DECREASING_Y",
            pixelAspectRatio: 2,
            screenWindowCenter: [0.5, -0.5],
            screenWindowWidth: 1.5,
          }),
        ],
      },
    ],
    ["scanline_zips.exr", { parts: [scan({ compression: "zips", dataWindow: box(0, 0, 63, 40) })] }],
    ["scanline_zip.exr", { parts: [scan({ compression: "zip", dataWindow: box(0, 0, 63, 40) })] }],
    ["every_attribute_type.exr", { parts: [scan({ attributes: everyTypeAttributes() })] }],
    [
      "bindings_attribute_types.exr",
      {
        parts: [
          scan({
            attributes: everyTypeAttributes().filter(
              (a) => !BINDINGS_UNREADABLE_ATTRIBUTES.includes(String(a.name)),
            ),
          }),
        ],
      },
    ],
    ["tiled_one_level.exr", tiled("ONE_LEVEL", "ROUND_DOWN")],
    ["tiled_mipmap_down.exr", tiled("MIPMAP_LEVELS", "ROUND_DOWN")],
    ["tiled_mipmap_up.exr", tiled("MIPMAP_LEVELS", "ROUND_UP")],
    ["tiled_ripmap_down.exr", tiled("RIPMAP_LEVELS", "ROUND_DOWN")],
    ["tiled_ripmap_up.exr", tiled("RIPMAP_LEVELS", "ROUND_UP")],
    ["deep_scanline.exr", { parts: [deep("deepscanline")] }],
    ["deep_tiled.exr", { parts: [deep("deeptile")] }],
    [
      "multipart_mixed.exr",
      {
        parts: [
          scan({ name: "beauty", attributes: [{ name: "view", type: "string", value: "left" }] }),
          { ...tiled("MIPMAP_LEVELS", "ROUND_UP").parts[0]!, name: "depth" },
          { ...deep("deepscanline"), name: "deep" },
          { ...deep("deeptile"), name: "deepTiles" },
        ].map((p) => ({ ...p, displayWindow: SHARED_DISPLAY_WINDOW })),
      },
    ],
    [
      "long_names.exr",
      {
        parts: [
          scan({
            channels: [{ name: "layer_with_a_rather_long_name_exceeding_31.R", type: "half" }],
            attributes: [{ name: "an_attribute_name_longer_than_31_bytes", type: "int", value: 1 }],
          }),
        ],
      },
    ],
    [
      "huge_header.exr",
      {
        parts: [
          scan({
            attributes: [
              { name: "cryptomatte/0123abc/manifest", type: "string", value: cryptomatteManifest(60_000) },
              { name: "cryptomatte/0123abc/name", type: "string", value: "CryptoObject" },
            ],
          }),
        ],
      },
    ],
    [
      "htj2k_header.exr",
      { parts: [scan({ compression: "htj2k32", chunkData: () => Uint8Array.of(0xff, 0x4f, 0xff, 0x51) })] },
    ],
  ];
  return specs.map(([name, spec]) => ({
    name,
    bytes: writeExr({ ...spec, ...(deflate ? { deflate } : {}) }),
  }));
}

/** A Cryptomatte-style JSON manifest of `entries` names (~70 bytes each: 60k entries ≈ 4 MB). */
export function cryptomatteManifest(entries: number): string {
  const parts: string[] = [];
  for (let i = 0; i < entries; i++) {
    const hash = ((Math.imul(i + 1, 2654435761) >>> 0) ^ 0x5bd1e995) >>> 0;
    parts.push(
      `"/root/world/geo/asset_${i.toString().padStart(6, "0")}/mesh":"${hash.toString(16).padStart(8, "0")}"`,
    );
  }
  return `{${parts.join(",")}}`;
}
