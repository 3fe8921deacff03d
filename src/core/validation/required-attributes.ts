import { finding } from "../findings.js";
import type { PartRule } from "./rule.js";

const REQUIRED = [
  "channels",
  "compression",
  "dataWindow",
  "displayWindow",
  "lineOrder",
  "pixelAspectRatio",
  "screenWindowCenter",
  "screenWindowWidth",
] as const;

/** Attributes every part (and every multi-part, deep or tiled part) must have. */
export const requiredAttributes: PartRule = ({ flags, header: h, part, out }) => {
  const requireAttribute = (name: string) => {
    if (!h.byName.has(name)) {
      out.push(
        finding("EXR_MISSING_REQUIRED_ATTRIBUTE", `required attribute "${name}" is missing`, {
          part_index: part.part_index,
          attribute: name,
        }),
      );
    }
  };
  for (const name of REQUIRED) requireAttribute(name);
  if (part.is_tiled) requireAttribute("tiles");
  // The layout document also lists `name` for single-part deep files, but the OpenEXR library
  // writes and reads them without one (its own deep test images have none).
  if (flags.multipart || flags.non_image) {
    requireAttribute("type");
    requireAttribute("chunkCount");
  }
  if (flags.multipart) requireAttribute("name");
  if (part.is_deep) requireAttribute("version"); // "version is required for deep data parts" (layout document)
};
