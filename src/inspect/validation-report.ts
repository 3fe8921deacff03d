import type { Finding, InspectionResult, ValidationStatus } from "../core/model.js";
import type { ByteSource } from "../io/byte-source.js";
import type { InspectOptions } from "./options.js";

/** What `validate` answers for one file: the findings and whether the file passes. */
export interface ValidationReport {
  path: string;
  status: ValidationStatus;
  is_complete: boolean;
  /** Valid (no error findings) and complete (offset tables and chunks all present). */
  passed: boolean;
  findings: Finding[];
}

/** A file passes when it validates without errors and its offset tables and chunks are complete. */
export function passes(result: InspectionResult): boolean {
  return result.validation.status !== "error" && result.file.is_complete;
}

export function validationReport(result: InspectionResult): ValidationReport {
  return {
    path: result.file.path,
    status: result.validation.status,
    is_complete: result.file.is_complete,
    passed: passes(result),
    findings: result.validation.findings,
  };
}

/** Validates one EXR from any ByteSource (no hashes are computed). Never throws. */
export async function validate(source: ByteSource, options: InspectOptions = {}): Promise<ValidationReport> {
  // Loaded on first use: the CLI's main thread prints verdicts (above) but never inspects on a long run.
  const { inspect } = await import("./inspect.js");
  return validationReport(await inspect(source, { ...options, hashes: false }));
}
