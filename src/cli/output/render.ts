import type { InspectionResult, Severity } from "../../core/model.js";
import { passes, validationReport } from "../../inspect/validation-report.js";
import { worstSeverity } from "../../policy/evaluate.js";
import { formatInspectionCompact } from "./compact-text.js";
import { prettyJson } from "./json.js";
import { formatFindingsLine, formatFindingsText, formatInspectionText } from "./text.js";

/** How one file's result is printed: `inspect --format …` or `validate --format …`. */
export type RenderKind =
  | "text"
  | "text-verbose"
  | "json"
  | "ndjson"
  | "findings-text"
  | "findings-line"
  | "findings-ndjson";

/** One file's printed form, whether it passed (valid and complete) and its worst finding: all the CLI needs. */
export interface Rendered {
  text: string;
  passed: boolean;
  worst: Severity | null;
}

/**
 * Several files' printed forms in input order, joined as they are written (see `separatorOf`), with the counts the
 * CLI keeps: how a batch of files crosses from a worker thread (one string, not an object per file) and reaches stdout.
 */
export interface RenderedBatch {
  /** UTF-8 bytes when a worker encoded them (they cross threads without a copy and are written as they are). */
  text: string | Uint8Array;
  files: number;
  failed: number;
  /** Files that passed but whose worst finding is a warning or an error (a policy's). */
  warned: number;
}

/** What separates two files' printed forms in one output of `kind` (JSON: array elements; text: a blank line). */
export function separatorOf(kind: RenderKind): string {
  if (kind === "json") return ",\n  ";
  return kind === "text" || kind === "text-verbose" ? "\n" : "";
}

/** Collects rendered files into a batch; `omitPassed` (validate -q) counts passing files without printing them. */
export class BatchBuilder {
  private readonly batch: RenderedBatch = { text: "", files: 0, failed: 0, warned: 0 };
  private readonly separator: string;
  private printed = 0;

  constructor(
    kind: RenderKind,
    private readonly omitPassed = false,
  ) {
    this.separator = separatorOf(kind);
  }

  add(item: Rendered): void {
    const b = this.batch;
    if (!item.passed) b.failed += 1;
    else if (item.worst === "warning" || item.worst === "error") b.warned += 1;
    if (!(this.omitPassed && item.passed)) {
      b.text = this.printed === 0 ? item.text : b.text + this.separator + item.text;
      this.printed += 1;
    }
    b.files += 1;
  }

  finish(): RenderedBatch {
    return this.batch;
  }

  /**
   * The batch with its text as UTF-8 bytes of their own (transferable), except for JSON, whose elements the
   * receiving thread still joins as text (JsonOutput).
   */
  finishEncoded(kind: RenderKind): RenderedBatch {
    const b = this.batch;
    if (kind === "json" || typeof b.text !== "string") return b;
    return { ...b, text: encoder.encode(b.text) };
  }
}

const encoder = new TextEncoder();

/** One file as a batch of its own. */
export function batchOf(item: Rendered, kind: RenderKind, omitPassed = false): RenderedBatch {
  const builder = new BatchBuilder(kind, omitPassed);
  builder.add(item);
  return builder.finish();
}

/**
 * Renders a result. `json` gives the document as an element of the top-level array (indented two
 * spaces); `JsonOutput` turns it back into a stand-alone document when the run had one file.
 */
export function render(result: InspectionResult, kind: RenderKind): Rendered {
  return {
    text: renderText(result, kind),
    passed: passes(result),
    worst: worstSeverity(result.validation.findings),
  };
}

function renderText(r: InspectionResult, kind: RenderKind): string {
  switch (kind) {
    case "text":
      return formatInspectionCompact(r);
    case "text-verbose":
      return formatInspectionText(r);
    case "json":
      return prettyJson(r, "  ");
    case "ndjson":
      return `${JSON.stringify(r)}\n`;
    case "findings-text":
      return formatFindingsText(r);
    case "findings-line":
      return formatFindingsLine(r);
    case "findings-ndjson":
      return `${JSON.stringify(validationReport(r))}\n`;
  }
}
