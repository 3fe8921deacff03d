import { finding } from "../findings.js";
import type { DecodedHeader } from "../header-decode.js";
import type { FileRule } from "./rule.js";

const SHARED_REQUIRED = ["displayWindow", "pixelAspectRatio"] as const;
const SHARED_OPTIONAL = ["timeCode", "chromaticities"] as const;

/** Attributes every part of a multi-part file must share. */
export const sharedAttributes: FileRule = ({ headers, out }) => {
  if (headers.length < 2) return;
  const first = headers[0]!;
  const key = (h: DecodedHeader, name: string) => {
    const a = h.byName.get(name);
    return a ? `${a.type}:${JSON.stringify(a.value)}` : null;
  };
  const names = [...SHARED_REQUIRED, ...SHARED_OPTIONAL];
  const firstKeys = names.map((name) => key(first, name));
  headers.slice(1).forEach((h, k) => {
    const p = k + 1;
    names.forEach((name, n) => {
      const a = firstKeys[n] ?? null;
      const b = key(h, name);
      const optional = (SHARED_OPTIONAL as readonly string[]).includes(name);
      if (a === b || (!optional && (a === null || b === null))) return;
      out.push(
        finding(
          "EXR_SHARED_ATTRIBUTE_MISMATCH",
          b === null || a === null
            ? `"${name}" is present in ${a === null ? `part ${p}` : "part 0"} only; it must be shared by all parts`
            : `"${name}" differs from part 0; it must be shared by all parts`,
          { part_index: p, attribute: name, byte_offset: h.byName.get(name)?.offset ?? null },
        ),
      );
    });
  });
};
