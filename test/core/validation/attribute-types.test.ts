import { describe, expect, it } from "vitest";
import type { AttributeRecord, Finding } from "../../../src/core/model.js";
import { attributeTypes } from "../../../src/core/validation/attribute-types.js";
import type { PartContext } from "../../../src/core/validation/rule.js";

// Every standard attribute of the OpenEXR file layout with the type it must be stored with (OpenEXRFileLayout.rst,
// "Header attributes"), each checked on its own: stored with that type it is fine, with another it is reported at
// that attribute.

const STANDARD: [string, string][] = [
  ["channels", "chlist"],
  ["compression", "compression"],
  ["dataWindow", "box2i"],
  ["displayWindow", "box2i"],
  ["lineOrder", "lineOrder"],
  ["pixelAspectRatio", "float"],
  ["screenWindowCenter", "v2f"],
  ["screenWindowWidth", "float"],
  ["tiles", "tiledesc"],
  ["name", "string"],
  ["type", "string"],
  ["view", "string"],
  ["chunkCount", "int"],
  ["version", "int"],
  ["maxSamplesPerPixel", "int"],
  ["multiView", "stringvector"],
  ["chromaticities", "chromaticities"],
  ["timeCode", "timecode"],
  ["preview", "preview"],
  ["envmap", "envmap"],
  ["keyCode", "keycode"],
  ["deepImageState", "deepImageState"],
];

function run(attributes: { name: string; type: string }[]): Finding[] {
  const out: Finding[] = [];
  const records: AttributeRecord[] = attributes.map((a, i) => ({
    ...a,
    size: 4,
    offset: 100 + i,
    value: null,
  }));
  const ctx = {
    header: {
      offset: 8,
      terminated: true,
      attributes: records,
      byName: new Map(records.map((r) => [r.name, r])),
    },
    at: (attribute: string) => ({
      part_index: 3,
      attribute,
      byte_offset: records.find((r) => r.name === attribute)!.offset,
    }),
    out,
  } as unknown as PartContext;
  attributeTypes(ctx);
  return out;
}

describe("attribute-types rule", () => {
  it.each(STANDARD)("%s must be stored as %s", (name, type) => {
    expect(run([{ name, type }])).toEqual([]);
    const wrong = type === "int" ? "float" : "int";
    const f = run([
      { name: "other", type: "int" },
      { name, type: wrong },
    ]);
    expect(f.map(({ message, ...x }) => x)).toEqual([
      {
        code: "EXR_ATTRIBUTE_WRONG_TYPE",
        severity: "error",
        part_index: 3,
        attribute: name,
        chunk_index: null,
        byte_offset: 101,
      },
    ]);
    expect(f[0]!.message).toBe(`"${name}" is stored as ${wrong}; it must be ${type}`);
  });

  it("custom attributes of any type, and names of Object.prototype members, are not standard", () => {
    expect(
      run([
        { name: "renderer/x", type: "v3f" },
        { name: "toString", type: "int" },
        { name: "", type: "int" },
      ]),
    ).toEqual([]);
  });
});
