import type { SequenceReport } from "../sequences/analyze.js";
import { frameRuns } from "../sequences/notation.js";
import type { PageSequence, SequenceSection } from "./page/page-data.js";

export function problemFrames(s: SequenceReport): number {
  return s.missing.length + s.duplicates.length + s.incomplete.length + s.odd.length + s.size_outliers.length;
}

/** The sequences the page shows: problems first (most problem frames first), then clean ones, up to `limit`. */
export function sequenceSection(reports: readonly SequenceReport[], limit: number): SequenceSection {
  const ranked = reports
    .map((s, order) => ({ s, order, problems: problemFrames(s) }))
    .sort((a, b) => b.problems - a.problems || a.order - b.order)
    .slice(0, Math.max(0, limit));
  const shown: PageSequence[] = ranked.map(({ s }) => ({
    ...s,
    missing: frameRuns(s.missing),
    missing_count: s.missing.length,
  }));
  return { shown, total: reports.length };
}
