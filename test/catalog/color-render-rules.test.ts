/**
 * The catalog's colour-space and renderer columns, rule by rule: each named colour-space attribute, each known
 * gamut at and just past the tolerance, every chromaticities encoding (and the malformed ones), each renderer
 * pattern of the `software` string with its word boundaries, and each renderer attribute prefix.
 */
import { describe, expect, it } from "vitest";
import { chromaticitiesToPrimaries, detectColorSpace, namePrimaries } from "../../src/catalog/color-space.js";
import { detectRenderSoftware } from "../../src/catalog/render-software.js";
import type { AttributeRecord } from "../../src/core/model.js";

const attr = (name: string, value: unknown, type = "string") =>
  ({ name, type, size: 0, offset: 0, value }) as AttributeRecord;

const GAMUTS: [string, number[]][] = [
  ["Rec.709", [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329]],
  ["ACES2065-1 (AP0)", [0.7347, 0.2653, 0.0, 1.0, 0.0001, -0.077, 0.32168, 0.33767]],
  ["ACEScg (AP1)", [0.713, 0.293, 0.165, 0.83, 0.128, 0.044, 0.32168, 0.33767]],
  ["Rec.2020", [0.708, 0.292, 0.17, 0.797, 0.131, 0.046, 0.3127, 0.329]],
  ["P3-D65", [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.3127, 0.329]],
  ["P3-DCI", [0.68, 0.32, 0.265, 0.69, 0.15, 0.06, 0.314, 0.351]],
];

describe("colour space", () => {
  it.each(GAMUTS)("%s is named from its primaries, within 0.002 on every coordinate", (name, xy) => {
    expect(namePrimaries(xy as never)).toBe(name);
    for (let i = 0; i < 8; i++) {
      const near = [...xy];
      near[i] = near[i]! + 0.0019;
      expect(namePrimaries(near as never), `coordinate ${i} + 0.0019`).toBe(name);
      const far = [...xy];
      far[i] = far[i]! - 0.0021;
      expect(namePrimaries(far as never), `coordinate ${i} - 0.0021`).not.toBe(name);
    }
  });

  it("primaries matching no known gamut are custom; missing coordinates never match", () => {
    expect(namePrimaries([0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4])).toBe("custom");
    expect(namePrimaries([0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127] as never)).toBe("custom");
  });

  it("reads 8 numbers, 4 pairs, pairs as {x, y}, and {red, green, blue, white}", () => {
    const flat = [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329];
    expect(chromaticitiesToPrimaries(flat)).toEqual(flat);
    expect(
      chromaticitiesToPrimaries([
        [0.64, 0.33],
        [0.3, 0.6],
        [0.15, 0.06],
        [0.3127, 0.329],
      ]),
    ).toEqual(flat);
    expect(
      chromaticitiesToPrimaries([
        { x: 0.64, y: 0.33 },
        { x: 0.3, y: 0.6 },
        { x: 0.15, y: 0.06 },
        { x: 0.3127, y: 0.329 },
      ]),
    ).toEqual(flat);
    expect(
      chromaticitiesToPrimaries({
        red: [0.64, 0.33],
        green: { x: 0.3, y: 0.6 },
        blue: [0.15, 0.06],
        white: [0.3127, 0.329],
      }),
    ).toEqual(flat);
  });

  it("anything malformed is null", () => {
    const bad: unknown[] = [
      null,
      7,
      "0.64 0.33",
      [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, "x"],
      [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, Number.NaN],
      [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, Number.POSITIVE_INFINITY],
      [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127],
      [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06], [0.3127]],
      [
        [0.64, 0.33],
        [0.3, 0.6],
        [0.15, 0.06],
        [0.3127, 0.329, 1],
      ],
      [
        [0.64, 0.33],
        [0.3, 0.6],
        [0.15, 0.06],
        [null, 0.329],
      ],
      [
        [0.64, 0.33],
        [0.3, 0.6],
        [0.15, 0.06],
        [0.3127, null],
      ],
      [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06], { x: 0.3127 }],
      [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06], { y: 0.329 }],
      [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06], "w"],
      [[0.64, 0.33], [0.3, 0.6], [0.15, 0.06], null],
      { red: [0.64, 0.33], green: [0.3, 0.6], blue: [0.15, 0.06] },
      { red: [0.64, 0.33], green: [0.3, 0.6], white: [0.3127, 0.329], blue: 1 },
    ];
    for (const v of bad) expect(chromaticitiesToPrimaries(v as never), JSON.stringify(v)).toBeNull();
  });

  it("a named colour space wins over chromaticities, in each attribute that states one, any case, trimmed", () => {
    const rec2020 = attr("chromaticities", GAMUTS[3]![1], "chromaticities");
    for (const name of [
      "colorspace",
      "ColorSpace",
      "colorInteropID",
      "oiio:ColorSpace",
      "ocio:colorspace",
      "nuke/input/colorspace",
    ])
      expect(detectColorSpace([rec2020, attr(name, "  ACEScg ")]), name).toBe("ACEScg");
  });

  it("a blank or non-string name, or another attribute, falls through to the chromaticities", () => {
    const rec2020 = attr("chromaticities", GAMUTS[3]![1], "chromaticities");
    expect(detectColorSpace([attr("colorspace", "   "), rec2020])).toBe("Rec.2020");
    expect(detectColorSpace([attr("colorspace", 3, "int"), rec2020])).toBe("Rec.2020");
    expect(detectColorSpace([attr("nuke/colorspace", "sRGB"), rec2020])).toBe("Rec.2020");
    expect(detectColorSpace([attr("Chromaticities", GAMUTS[3]![1], "chromaticities")])).toBeNull();
  });

  it("unreadable chromaticities are custom; none at all is null", () => {
    expect(detectColorSpace([attr("chromaticities", "garbage", "chromaticities")])).toBe("custom");
    expect(detectColorSpace([attr("owner", "me")])).toBeNull();
  });
});

describe("render software", () => {
  const bySoftware: [string, string][] = [
    ["Arnold 7.2.1.1", "Arnold"],
    ["MtoA 5.3", "Arnold"],
    ["HtoA 6.2", "Arnold"],
    ["KtoA 4.0", "Arnold"],
    ["C4DtoA 4.6", "Arnold"],
    ["V-Ray 6.1", "V-Ray"],
    ["vray 5", "V-Ray"],
    ["RenderMan 25.2", "RenderMan"],
    ["PRMan 24", "RenderMan"],
    ["RfM 25", "RenderMan"],
    ["RfH 25", "RenderMan"],
    ["Redshift 3.5", "Redshift"],
    ["Houdini Karma XPU", "Karma"],
    ["Cycles 4.1", "Cycles"],
    ["Mantra 19", "Mantra"],
    ["OctaneRender 2023", "Octane"],
    ["Clarisse iFX 5", "Clarisse"],
    ["3Delight 2.9", "3Delight"],
    ["Blender 4.1", "Cycles"],
    ["Nuke 15.0v2", "Nuke"],
  ];
  it.each(bySoftware)("software %j is %s", (software, name) => {
    expect(detectRenderSoftware([attr("software", software)])).toBe(name);
    expect(detectRenderSoftware([attr("Software", ` ${software} `)])).toBe(name);
  });

  it("names only as whole words: the string itself otherwise, trimmed", () => {
    for (const s of [
      "Arnolds 1",
      "Mtoax",
      "ArnoldTool",
      "prmanual",
      "rfmx",
      "rfhx",
      "Karmas",
      "bicycles",
      "Mantras",
      "Clarissex",
      "3Delights",
      "Blenders",
      "Nukes",
      "xhtoa",
      "xktoa",
      "xc4dtoa",
    ])
      expect(detectRenderSoftware([attr("software", s)]), s).toBe(s);
    expect(detectRenderSoftware([attr("software", "  MyTool 1.0  ")])).toBe("MyTool 1.0");
  });

  it("the first matching pattern wins", () => {
    expect(detectRenderSoftware([attr("software", "Blender Cycles")])).toBe("Cycles");
    expect(detectRenderSoftware([attr("software", "Nuke with Arnold")])).toBe("Arnold");
    expect(detectRenderSoftware([attr("software", "Redshift for Nuke")])).toBe("Redshift");
  });

  const byPrefix: [string, string][] = [
    ["arnold/version", "Arnold"],
    ["vrayInfo/camera", "V-Ray"],
    ["rman/version", "RenderMan"],
    ["RenderMan:version", "RenderMan"],
    ["prman/stats", "RenderMan"],
    ["redshift/Version", "Redshift"],
    ["karma/version", "Karma"],
    ["karma:render", "Karma"],
    ["cycles/samples", "Cycles"],
    ["Cycles:view", "Cycles"],
    ["blender/version", "Cycles"],
    ["blender:scene", "Cycles"],
    ["mantra/version", "Mantra"],
    ["mantra:x", "Mantra"],
    ["octane/version", "Octane"],
  ];
  it.each(byPrefix)("an attribute named %j means %s", (name, renderer) => {
    expect(detectRenderSoftware([attr("owner", "me"), attr(name, 1, "int")])).toBe(renderer);
  });

  it("prefixes count only at the start and with their separator", () => {
    for (const name of [
      "my/arnold/x",
      "my/rman/x",
      "my/renderman:x",
      "my/redshift/x",
      "my/karma:x",
      "my/cycles/x",
      "my/blender:x",
      "my/mantra/x",
      "my/octane/x",
      "arnold",
      "rman",
      "rmanx/y",
      "redshift",
      "karma",
      "karmax/y",
      "cycles",
      "blender",
      "mantra",
      "octane",
      "xvray",
      "renderman",
      "prman",
    ])
      expect(detectRenderSoftware([attr(name, 1, "int")]), name).toBeNull();
  });

  it("a known software wins over attribute prefixes; an unknown one loses to them", () => {
    expect(detectRenderSoftware([attr("arnold/x", 1, "int"), attr("software", "Redshift 3")])).toBe(
      "Redshift",
    );
    expect(detectRenderSoftware([attr("software", "Studio Tool"), attr("arnold/x", 1, "int")])).toBe(
      "Arnold",
    );
  });

  it("a blank or non-string software is no software; the last software attribute counts", () => {
    expect(detectRenderSoftware([attr("software", "   ")])).toBeNull();
    expect(detectRenderSoftware([attr("software", 5, "int")])).toBeNull();
    expect(detectRenderSoftware([attr("software", "Mantra"), attr("software", "Octane")])).toBe("Octane");
  });
});
