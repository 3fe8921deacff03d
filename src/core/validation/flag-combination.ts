import { finding } from "../findings.js";
import type { FileRule } from "./rule.js";

/** The single-part tiled bit cannot be combined with the multi-part or non-image bits. */
export const flagCombination: FileRule = ({ flags, out }) => {
  if (flags.tiled && (flags.multipart || flags.non_image)) {
    out.push(
      finding(
        "EXR_INVALID_FLAG_COMBINATION",
        "the single-part tiled bit is set on a multi-part or deep file",
        {
          byte_offset: 4,
        },
      ),
    );
  }
};
