import { DEEP_COMPRESSIONS } from "../compression.js";
import { finding } from "../findings.js";
import type { PartRule } from "./rule.js";

/** Compression and line order must be known values (and a deep part's compression one deep data allows). */
export const enumValues: PartRule = ({ header: h, part, at, out }) => {
  const compression = h.byName.get("compression");
  if (compression?.type === "compression") {
    if (typeof compression.value === "number") {
      out.push(
        finding(
          "EXR_UNKNOWN_COMPRESSION",
          `compression value ${compression.value} is unknown`,
          at("compression"),
        ),
      );
    } else if (
      part.is_deep &&
      typeof compression.value === "string" &&
      !DEEP_COMPRESSIONS.has(compression.value)
    ) {
      out.push(
        finding(
          "EXR_DEEP_COMPRESSION_UNSUPPORTED",
          `deep part uses ${compression.value} compression`,
          at("compression"),
        ),
      );
    }
  }
  const lineOrder = h.byName.get("lineOrder");
  if (lineOrder?.type === "lineOrder" && typeof lineOrder.value === "number") {
    out.push(
      finding("EXR_UNKNOWN_LINE_ORDER", `lineOrder value ${lineOrder.value} is unknown`, at("lineOrder")),
    );
  }
};
