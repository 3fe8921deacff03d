import type { Severity } from "../core/model.js";
import type { Rule } from "./model.js";

/** A policy file as written (schema/policy.schema.json), before `extends` is applied. */
export interface PolicyDocument {
  id: string;
  title: string;
  description?: string;
  extends?: string;
  sources?: Array<{ id: string; title: string; url?: string }>;
  rules?: Rule[];
  overrides?: Record<string, { severity: Severity }>;
  disable?: string[];
}

/** Where a policy is wrong: the file, the JSON pointer into it and, when known, the line and column. */
export interface PolicyProblem {
  file: string;
  pointer: string;
  line: number | null;
  column: number | null;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: PolicyProblem[] };

export function describeProblem(p: PolicyProblem): string {
  const at = p.line !== null ? `:${p.line}:${p.column ?? 1}` : "";
  return `${p.file}${at}: ${p.pointer || "/"}: ${p.message}`;
}
