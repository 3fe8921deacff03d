import { finding } from "../findings.js";
import type { PartRule } from "./rule.js";

/** A stored `chunkCount` must be non-negative and agree with the header. */
export const chunkCount: PartRule = ({ header: h, part, at, out }) => {
  const chunkCount = h.byName.get("chunkCount");
  if (chunkCount?.type === "int" && typeof chunkCount.value === "number" && chunkCount.value < 0) {
    out.push(
      finding("EXR_INVALID_CHUNK_COUNT", `chunkCount ${chunkCount.value} is negative`, at("chunkCount")),
    );
  } else if (
    part.chunk_count_stored !== null &&
    part.chunk_count !== null &&
    part.chunk_count_stored !== part.chunk_count
  ) {
    out.push(
      finding(
        "EXR_CHUNK_COUNT_MISMATCH",
        `chunkCount is ${part.chunk_count_stored}, the header implies ${part.chunk_count}`,
        at("chunkCount"),
      ),
    );
  }
};
