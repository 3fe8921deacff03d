import { finding } from "../findings.js";
import type { FileRule } from "./rule.js";

/** Part names must be unique. */
export const uniquePartNames: FileRule = ({ parts, out }) => {
  const seen = new Set<string>();
  for (const p of parts) {
    if (p.part_name === null) continue;
    if (seen.has(p.part_name)) {
      out.push(
        finding("EXR_DUPLICATE_PART_NAME", `part name "${p.part_name}" is used twice`, {
          part_index: p.part_index,
          attribute: "name",
        }),
      );
    }
    seen.add(p.part_name);
  }
};
