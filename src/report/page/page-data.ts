/**
 * The data the HTML report page receives (embedded as JSON): already aggregated, so the page never holds per-file
 * rows of the whole catalog. Types only; shared by the page script and the code that collects the data.
 */
/** Everything the HTML report shows. */
export interface ReportData {
  title: string;
  generated_at: string;
  totals: ReportTotals;
  distributions: Distributions;
  sequences: SequenceSection;
  policy: PolicySection;
  /** Detail of the files the page links to (problem files first), keyed by file_id. */
  files: Record<string, FileDetail>;
  /** The files listed under "Files needing attention", in order. */
  attention: string[];
  limits: ReportLimits;
}

export interface ReportLimits {
  sequences: number;
  filesPerRule: number;
  fileDetails: number;
}

export interface ReportTotals {
  files: number;
  bytes: number;
  invalid: number;
  incomplete: number;
  /** Invalid or incomplete (each file once). */
  needing_attention: number;
  sequences: number;
  sequences_with_problems: number;
}

/** `[label, count]` pairs, largest first (an `(other)` bucket sums the rest). */
export type Counts = [string, number][];

export interface Distributions {
  compression: Counts;
  channel_sets: Counts;
  resolutions: Counts;
  /** Powers-of-two size buckets in ascending order: `[lower bound in bytes, files]`. */
  sizes: [number, number][];
  /** Files last inspected per day: `[YYYY-MM-DD, files]`, ascending. */
  inspected: [string, number][];
}

/** A sequence on the page (`SequenceReport` with missing frames as runs, so a long gap stays one pair). */
export interface PageSequence {
  directory: string;
  pattern: string;
  first: number;
  last: number;
  count: number;
  missing: [number, number][];
  missing_count: number;
  duplicates: number[];
  incomplete: number[];
  odd: { frame: number; differs: string[] }[];
  size_outliers: number[];
}

export interface SequenceSection {
  /** Sequences with problems first (most problem frames first), then clean ones, up to the limit. */
  shown: PageSequence[];
  total: number;
}

export interface RuleRow {
  policy_id: string;
  rule_id: string;
  severity: string;
  files: number;
  passed: number;
  failed: number;
  other: number;
}

export interface RuleFailure {
  file_id: string;
  file_path: string;
  message: string | null;
  expected: string | null;
  actual: string | null;
  suggested_fix: string | null;
}

export interface PolicySection {
  /** False when the catalog has no `validation_results` table (no policy was ever checked into it). */
  available: boolean;
  rules: RuleRow[];
  /** Failing files per `policy_id/rule_id`, up to the limit (the rule's `failed` is the full count). */
  failures: Record<string, RuleFailure[]>;
}

export interface FileDetail {
  file_id: string;
  file_path: string;
  size_bytes: number | null;
  mtime: string | null;
  last_inspected: string | null;
  validation_status: string;
  is_complete: boolean | null;
  error_codes: string[];
  error_message: string | null;
  parts: Record<string, unknown>[];
  channels: { part_index: number; name: string; type: string | null }[];
  attributes: { part_index: number | null; name: string; type: string | null; value: string | null }[];
  verdicts: Record<string, unknown>[];
  /** Rows of the `stats` table for this file, when the catalog has one. */
  stats: Record<string, unknown>[] | null;
}
