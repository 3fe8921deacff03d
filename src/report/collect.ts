import type { CatalogStore } from "../catalog/port.js";
import { catalogSequences } from "../sequences/catalog-sequences.js";
import { catalogTotals, distributions } from "./distributions.js";
import { fileDetails, problemFileIds } from "./file-details.js";
import type { ReportData, ReportLimits } from "./page/page-data.js";
import { policySection } from "./policy-section.js";
import { problemFrames, sequenceSection } from "./sequence-section.js";

export const DEFAULT_LIMITS: ReportLimits = { sequences: 300, filesPerRule: 50, fileDetails: 200 };

/** Gathers the report from the catalog: aggregates in the database, bounded lists, detail of linked files only. */
export async function collectReport(
  store: CatalogStore,
  options: { title?: string; now?: Date; limits?: Partial<ReportLimits> } = {},
): Promise<ReportData> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const totals = await catalogTotals(store);
  const reports = await catalogSequences(store);
  const policy = await policySection(store, limits.filesPerRule);
  const attention = await problemFileIds(store, limits.fileDetails);
  const linked = new Set(attention);
  for (const list of Object.values(policy.failures))
    for (const f of list) if (linked.size < limits.fileDetails) linked.add(f.file_id);
  return {
    title: options.title ?? "EXR catalog report",
    generated_at: (options.now ?? new Date()).toISOString(),
    totals: {
      ...totals,
      sequences: reports.length,
      sequences_with_problems: reports.filter((s) => problemFrames(s) > 0).length,
    },
    distributions: await distributions(store),
    sequences: sequenceSection(reports, limits.sequences),
    policy,
    files: await fileDetails(store, [...linked]),
    attention,
    limits,
  };
}
