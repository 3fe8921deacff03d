import { finding } from "../findings.js";
import type { DecodedHeader } from "../header-decode.js";
import type { FileRule } from "./rule.js";

const SHARED_REQUIRED = ["displayWindow", "pixelAspectRatio"] as const;
const SHARED_OPTIONAL = ["timeCode", "chromaticities"] as const;

/** The shared attributes, required first (the order findings come in). */
const SHARED: readonly string[] = [...SHARED_REQUIRED, ...SHARED_OPTIONAL];

function keyOf(h: DecodedHeader, name: string): string | null {
  const a = h.byName.get(name);
  return a ? `${a.type}:${JSON.stringify(a.value)}` : null;
}

/** Attributes every part of a multi-part file must share. */
export const sharedAttributes: FileRule = ({ headers, out }) => {
  if (headers.length < 2) return;
  const first = headers[0]!;
  // Built by push, not `map`: the reads below deoptimized on a mapped array's second map (see Inspection.setHeaders).
  const firstKeys: (string | null)[] = [];
  for (const name of SHARED) firstKeys.push(keyOf(first, name));
  for (let p = 1; p < headers.length; p++) {
    const h = headers[p]!;
    for (let n = 0; n < SHARED.length; n++) {
      const name = SHARED[n]!;
      const a = firstKeys[n] ?? null;
      const b = keyOf(h, name);
      const optional = (SHARED_OPTIONAL as readonly string[]).includes(name);
      if (a === b || (!optional && (a === null || b === null))) continue;
      out.push(
        finding(
          "EXR_SHARED_ATTRIBUTE_MISMATCH",
          b === null || a === null
            ? `"${name}" is present in ${a === null ? `part ${p}` : "part 0"} only; it must be shared by all parts`
            : `"${name}" differs from part 0; it must be shared by all parts`,
          { part_index: p, attribute: name, byte_offset: h.byName.get(name)?.offset ?? null },
        ),
      );
    }
  }
};
