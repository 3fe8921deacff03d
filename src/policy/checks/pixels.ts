import type { FinitePixelsCheck } from "../model.js";
import { inScope } from "./channels.js";
import { type CheckInput, PASS, type Verdict, violation } from "./verdict.js";

/**
 * No NaN or infinite sample in the chosen channels, from `exr-inspector stats` numbers (`nan_count`,
 * `inf_count` per channel and level). Without statistics the rule cannot be judged: it says so.
 */
export function checkFinitePixels(check: FinitePixelsCheck, { result, stats }: CheckInput): Verdict {
  if (!stats) return { needsStats: true };
  for (const part of stats.parts) {
    const channels = new Map(
      result.channels.filter((c) => c.part_index === part.part_index).map((c) => [c.name, c] as const),
    );
    for (const level of part.levels)
      for (const c of level.channels) {
        const record = channels.get(c.name);
        if (record && !inScope(check.channels ?? "color", record)) continue;
        if (c.nan_count > 0 || c.inf_count > 0)
          return violation("no NaN or infinite values", `${c.name}: ${c.nan_count} NaN, ${c.inf_count} Inf`, {
            part_index: part.part_index,
          });
      }
  }
  return PASS;
}
