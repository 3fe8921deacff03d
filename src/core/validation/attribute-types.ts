import { finding } from "../findings.js";
import type { PartRule } from "./rule.js";

/** Standard attributes and the type each must be stored with (a Map: no prototype keys like "toString"). */
const STANDARD_TYPES: ReadonlyMap<string, string> = new Map([
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
]);

/** Standard attributes must be stored with their standard type. */
export const attributeTypes: PartRule = ({ header: h, at, out }) => {
  for (const a of h.byName.values()) {
    const want = STANDARD_TYPES.get(a.name);
    if (want && a.type !== want) {
      out.push(
        finding(
          "EXR_ATTRIBUTE_WRONG_TYPE",
          `"${a.name}" is stored as ${a.type}; it must be ${want}`,
          at(a.name),
        ),
      );
    }
  }
};
