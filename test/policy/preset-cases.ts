/**
 * For each built-in preset: one file written to pass every rule, and one file per rule written to break exactly
 * that rule (with our writer, src/core/write). `touches` names what the break changes relative to the passing
 * file as the official library reads it: header attributes, or `@name` (file name), `@parts` (part count),
 * `@pixel_types`, `@nonfinite` (NaN/Inf pixels).
 */
import { deflateSync } from "node:zlib";
import type { AttributeSpec, ChannelSpec, ExrSpec, PartSpec } from "../../src/core/write/index.js";

export interface PolicyCase {
  /** The rule the file breaks, or null for the passing file. */
  breaks: string | null;
  fileName: string;
  spec: ExrSpec;
  touches: string[];
}

const box = (x0: number, y0: number, x1: number, y1: number) => ({
  min: [x0, y0] as [number, number],
  max: [x1, y1] as [number, number],
});
const deflate = (b: Uint8Array) => new Uint8Array(deflateSync(b));
const channels = (names: string[], type: ChannelSpec["type"] = "half"): ChannelSpec[] =>
  names.map((name) => ({ name, type }));
const ramp = (c: string, x: number, y: number) =>
  (c.charCodeAt(c.length - 1) % 5) * 0.125 + x * 0.25 + y * 0.5;

const AP0 = [0.7347, 0.2653, 0.0, 1.0, 0.0001, -0.077, 0.32168, 0.33767];
const AP1 = [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767];
const REC709 = [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329];
const chroma = (value: number[]): AttributeSpec => ({
  name: "chromaticities",
  type: "chromaticities",
  value,
});
const ACES_FLAG: AttributeSpec = { name: "acesImageContainerFlag", type: "int", value: 1 };
/** Every ACES case has the same name: only its content differs from the passing file. */
const ACES_NAME = "shot.1001.exr";
const interop = (value: string): AttributeSpec => ({ name: "colorInteropID", type: "string", value });

/** A file of one part (or several) with the given changes to a base part. */
function file(base: PartSpec, change: Partial<PartSpec> = {}, extra: Partial<ExrSpec> = {}): ExrSpec {
  return { parts: [{ ...base, ...change }], deflate, ...extra };
}

function acesPart(attributes: AttributeSpec[] = [chroma(AP0), ACES_FLAG]): PartSpec {
  return {
    type: "scanlineimage",
    dataWindow: box(0, 0, 7, 3),
    channels: channels(["B", "G", "R"]),
    compression: "none",
    attributes,
    pixel: ramp,
  };
}

function acesStructureCases(base: PartSpec): PolicyCase[] {
  // Deep parts allow only none, rle, zips and zip.
  const deepCompression = base.compression === "piz" ? "zips" : base.compression;
  const twoParts: ExrSpec = {
    parts: [
      { ...base, name: "main" },
      { ...base, name: "other" },
    ],
  };
  return [
    {
      breaks: "aces.single-part",
      fileName: ACES_NAME,
      spec: twoParts,
      touches: ["@parts", "name", "chunkCount"],
    },
    {
      breaks: "aces.scanline",
      fileName: ACES_NAME,
      spec: file(base, { type: "tiledimage", tiles: { x_size: 4, y_size: 4, level_mode: "ONE_LEVEL" } }),
      touches: ["tiles", "type"],
    },
    {
      breaks: "aces.not-deep",
      fileName: ACES_NAME,
      spec: file(base, { type: "deepscanline", sampleCount: () => 1, compression: deepCompression }),
      touches: [
        "type",
        "name",
        "version",
        "maxSamplesPerPixel",
        "chunkCount",
        ...(deepCompression === base.compression ? [] : ["compression"]),
      ],
    },
    {
      breaks: "aces.channel-set",
      fileName: ACES_NAME,
      spec: file(base, { channels: [...base.channels, { name: "Y", type: "half" }] }),
      touches: ["channels"],
    },
    {
      breaks: "aces.sampling",
      fileName: ACES_NAME,
      spec: file(base, { channels: base.channels.map((c) => (c.name === "B" ? { ...c, xSampling: 2 } : c)) }),
      touches: ["channels"],
    },
    {
      breaks: "aces.line-order",
      fileName: ACES_NAME,
      spec: file(base, { lineOrder: "DECREASING_Y" }),
      touches: ["lineOrder"],
    },
    {
      breaks: "aces.pixel-aspect",
      fileName: ACES_NAME,
      spec: file(base, { pixelAspectRatio: 2 }),
      touches: ["pixelAspectRatio"],
    },
    {
      breaks: "aces.windows-match",
      fileName: ACES_NAME,
      spec: file(base, { displayWindow: box(0, 0, 9, 5) }),
      touches: ["displayWindow"],
    },
  ];
}

export function acesStrictCases(): PolicyCase[] {
  const base = acesPart();
  return [
    { breaks: null, fileName: ACES_NAME, spec: file(base), touches: [] },
    ...acesStructureCases(base),
    {
      breaks: "aces.pixel-type",
      fileName: ACES_NAME,
      spec: file(base, { channels: channels(["B", "G", "R"], "float") }),
      touches: ["@pixel_types"],
    },
    {
      breaks: "aces.compression",
      fileName: ACES_NAME,
      spec: file(base, { compression: "piz" }),
      touches: ["compression"],
    },
    {
      breaks: "aces.chromaticities",
      fileName: ACES_NAME,
      spec: file(base, { attributes: [chroma(REC709), ACES_FLAG] }),
      touches: ["chromaticities"],
    },
    {
      breaks: "aces.container-flag",
      fileName: ACES_NAME,
      spec: file(base, { attributes: [chroma(AP0)] }),
      touches: ["acesImageContainerFlag"],
    },
  ];
}

/** Real-world "ACES": PIZ, float, AP0 stated by colorInteropID only. Passes relaxed, breaks three strict rules. */
export function relaxedPassPart(): PartSpec {
  return {
    ...acesPart([interop("lin_ap0_scene"), ACES_FLAG]),
    compression: "piz",
    channels: channels(["A", "B", "G", "R"], "float"),
  };
}

export function acesRelaxedCases(): PolicyCase[] {
  const base = relaxedPassPart();
  return [
    { breaks: null, fileName: ACES_NAME, spec: file(base), touches: [] },
    ...acesStructureCases(base),
    {
      breaks: "aces.pixel-type",
      fileName: ACES_NAME,
      spec: file(base, { channels: channels(["A", "B", "G", "R"], "uint") }),
      touches: ["@pixel_types"],
    },
    {
      breaks: "aces.compression",
      fileName: ACES_NAME,
      spec: file(base, { compression: "dwaa" }),
      touches: ["compression"],
    },
    {
      breaks: "aces.chromaticities",
      fileName: ACES_NAME,
      spec: file(base, { attributes: [interop("lin_rec709_scene"), ACES_FLAG] }),
      touches: ["colorInteropID"],
    },
    {
      breaks: "aces.container-flag",
      fileName: ACES_NAME,
      spec: file(base, { attributes: [interop("lin_ap0_scene")] }),
      touches: ["acesImageContainerFlag"],
    },
  ];
}

export function vfxPlateCases(): PolicyCase[] {
  const base: PartSpec = {
    type: "scanlineimage",
    dataWindow: box(0, 0, 3839, 3),
    channels: channels(["B", "G", "R"]),
    compression: "zip",
    attributes: [chroma(AP0)],
    pixel: ramp,
  };
  const name = "SHOW_EP_SHOT_PLATE_v001.1001.exr";
  return [
    { breaks: null, fileName: name, spec: file(base), touches: [] },
    {
      breaks: "plate.half",
      fileName: name,
      spec: file(base, { channels: channels(["B", "G", "R"], "float") }),
      touches: ["@pixel_types"],
    },
    {
      breaks: "plate.lossless",
      fileName: name,
      spec: file(base, { compression: "dwab" }),
      touches: ["compression"],
    },
    {
      breaks: "plate.named-compression",
      fileName: name,
      spec: file(base, { compression: "zips" }),
      touches: ["compression"],
    },
    {
      breaks: "plate.uhd-width",
      fileName: name,
      spec: file(base, { dataWindow: box(0, 0, 1919, 3) }),
      touches: ["dataWindow", "displayWindow"],
    },
    {
      breaks: "plate.ap0",
      fileName: name,
      spec: file(base, { attributes: [chroma(AP1)] }),
      touches: ["chromaticities"],
    },
    {
      breaks: "plate.not-log",
      fileName: name,
      spec: file(base, { attributes: [chroma(AP0), interop("acescct_ap1")] }),
      touches: ["colorInteropID"],
    },
    {
      breaks: "plate.legal-name",
      fileName: "SHOW_EP_SHOT 2_PLATE_v001.1001.exr",
      spec: file(base),
      touches: ["@name"],
    },
    {
      breaks: "plate.name-convention",
      fileName: "plate_v001.1001.exr",
      spec: file(base),
      touches: ["@name"],
    },
    {
      breaks: "plate.frame-number",
      fileName: "SHOW_EP_SHOT_PLATE_v001.exr",
      spec: file(base),
      touches: ["@name"],
    },
    {
      breaks: "plate.finite-pixels",
      fileName: name,
      spec: file(base, {
        pixel: (c, x, y) => (c === "R" && x === 100 && y === 2 ? Number.NaN : ramp(c, x, y)),
      }),
      touches: ["@nonfinite"],
    },
  ];
}

export function studioDefaultCases(): PolicyCase[] {
  const base: PartSpec = {
    type: "scanlineimage",
    dataWindow: box(0, 0, 7, 3),
    channels: channels(["A", "B", "G", "R"]),
    compression: "zip",
    attributes: [chroma(REC709)],
    pixel: ramp,
  };
  const name = "beauty.1001.exr";
  return [
    { breaks: null, fileName: name, spec: file(base), touches: [] },
    { breaks: "studio.legal-name", fileName: "beauty final.1001.exr", spec: file(base), touches: ["@name"] },
    { breaks: "studio.frame-number", fileName: "beauty.exr", spec: file(base), touches: ["@name"] },
    {
      breaks: "studio.lossless",
      fileName: name,
      spec: file(base, { compression: "dwaa" }),
      touches: ["compression"],
    },
    {
      breaks: "studio.color-space",
      fileName: name,
      spec: file(base, { attributes: [] }),
      touches: ["chromaticities"],
    },
    {
      breaks: "studio.header-size",
      fileName: name,
      spec: file(base, {
        attributes: [chroma(REC709), { name: "note", type: "string", value: "x".repeat(8_400_000) }],
      }),
      touches: ["note"],
    },
    {
      breaks: "studio.channel-names",
      fileName: name,
      spec: file(base, { channels: [...base.channels, { name: "my aov", type: "half" }] }),
      touches: ["channels"],
    },
    {
      breaks: "studio.pixel-aspect",
      fileName: name,
      spec: file(base, { pixelAspectRatio: 2 }),
      touches: ["pixelAspectRatio"],
    },
    {
      breaks: "studio.finite-pixels",
      fileName: name,
      spec: file(base, {
        pixel: (c, x, y) => (c === "G" && x === 3 && y === 1 ? Number.POSITIVE_INFINITY : ramp(c, x, y)),
      }),
      touches: ["@nonfinite"],
    },
  ];
}

export const PRESET_CASES: Record<string, () => PolicyCase[]> = {
  "aces-container-strict": acesStrictCases,
  "aces-container-relaxed": acesRelaxedCases,
  "vfx-plate-delivery": vfxPlateCases,
  "studio-default": studioDefaultCases,
};
