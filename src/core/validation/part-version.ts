import { finding } from "../findings.js";
import type { PartRule } from "./rule.js";

/** A deep part's `version` attribute must be 1. */
export const partVersion: PartRule = ({ header: h, at, out }) => {
  const version = h.byName.get("version");
  if (version?.type === "int" && version.value !== 1) {
    out.push(
      finding("EXR_UNKNOWN_PART_VERSION", `part version ${String(version.value)} is not 1`, at("version")),
    );
  }
};
