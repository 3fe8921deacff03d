import { textOf } from "../channels.js";
import { finding } from "../findings.js";
import { PART_TYPES } from "../part-derive.js";
import type { PartRule } from "./rule.js";

/** The `type` attribute must name a known part type that agrees with the version flags. */
export const partType: PartRule = ({ flags, header: h, at, out }) => {
  const typeAttr = h.byName.get("type");
  const typeText = typeAttr?.type === "string" ? textOf(typeAttr.value) : null;
  if (typeText !== null) {
    const known = PART_TYPES.includes(typeText as never);
    const deep = typeText === "deepscanline" || typeText === "deeptile";
    if (!known) {
      out.push(finding("EXR_UNKNOWN_PART_TYPE", `type "${typeText}" is not a known part type`, at("type")));
    } else if (flags.multipart) {
      if (deep && !flags.non_image) {
        out.push(
          finding(
            "EXR_TYPE_FLAG_MISMATCH",
            `type "${typeText}" needs the non-image flag (0x800)`,
            at("type"),
          ),
        );
      }
    } else {
      const expected = flags.tiled ? "tiledimage" : flags.non_image ? null : "scanlineimage";
      if ((expected !== null && typeText !== expected) || (expected === null && !deep)) {
        const flagText = flags.tiled
          ? "tiled flag set"
          : flags.non_image
            ? "non-image flag set"
            : "no tiled/non-image flag";
        out.push(
          finding(
            "EXR_TYPE_FLAG_MISMATCH",
            `type "${typeText}" contradicts the version flags (${flagText})`,
            at("type"),
          ),
        );
      }
    }
  }
};
