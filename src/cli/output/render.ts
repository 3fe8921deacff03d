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
