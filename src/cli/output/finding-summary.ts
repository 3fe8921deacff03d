/**
 * Findings as a person reads them (text output; JSON keeps every finding as the core reports it):
 * - a truncated file is one line — where the file ends, how far its chunks reach, which chunks are missing —
 *   instead of one finding per missing chunk (plus an "N more not listed" note);
 * - after a cut header (EXR_TRUNCATED_HEADER, EXR_HEADER_TOO_LARGE) the EXR_MISSING_REQUIRED_ATTRIBUTE findings
 *   it causes are not listed one by one: they follow from the cut, and say nothing more.
 */
import type { Finding, InspectionResult } from "../../core/model.js";
import { humanBytes } from "./human.js";

export interface SummaryLine {
  severity: Finding["severity"];
  code: string;
  text: string;
}

const HEADER_CUT = new Set(["EXR_TRUNCATED_HEADER", "EXR_HEADER_TOO_LARGE"]);
const CASCADE = "EXR_MISSING_REQUIRED_ATTRIBUTE";
const ELIDED = "EXR_FINDINGS_ELIDED";

const isPastEof = (f: Finding) => f.code === "EXR_OFFSET_OUT_OF_RANGE" && f.message.includes("past EOF");
const isTruncation = (f: Finding) => isPastEof(f) || f.code === "EXR_CHUNK_TRUNCATED";
const elidedCode = (f: Finding) =>
  f.code === ELIDED ? /more (\w+) findings/.exec(f.message)?.[1] : undefined;
const elidedCount = (f: Finding) => Number(/^(\d+) more/.exec(f.message)?.[1] ?? 0);

/** A cut-off write leaves offsets at most this many times the size it reached (a frame cut at 1 %). */
const PLAUSIBLE_GROWTH = 100;

const range = (first: number, last: number) =>
  first === last ? `chunk ${first}` : `chunks ${first}–${last}`;

/** The findings of `r` with truncation grouped and header-cut cascades left out, in the core's order. */
export function summarizeFindings(r: InspectionResult, format: (f: Finding) => string): SummaryLine[] {
  const findings = r.validation.findings;
  const headerCut = findings.some((f) => HEADER_CUT.has(f.code));
  const truncatedParts = new Map<number, { listed: Finding[]; elided: number }>();
  const truncatedFile = findings.some(isPastEof) || findings.some((f) => f.code === "EXR_CHUNK_TRUNCATED");
  let cascades = 0;
  const out: SummaryLine[] = [];
  const partOf = (f: Finding) => f.part_index ?? 0;
  for (const f of findings) {
    if (headerCut && (f.code === CASCADE || elidedCode(f) === CASCADE)) {
      cascades += f.code === ELIDED ? elidedCount(f) : 1;
      continue;
    }
    const elided = elidedCode(f);
    if (
      truncatedFile &&
      (isTruncation(f) || elided === "EXR_OFFSET_OUT_OF_RANGE" || elided === "EXR_CHUNK_TRUNCATED")
    ) {
      const entry = truncatedParts.get(partOf(f)) ?? { listed: [], elided: 0 };
      if (f.code === ELIDED) entry.elided += elidedCount(f);
      else entry.listed.push(f);
      truncatedParts.set(partOf(f), entry);
      continue;
    }
    out.push({ severity: f.severity, code: f.code, text: format(f) });
  }
  if (truncatedParts.size > 0) out.unshift(truncationLine(r, truncatedParts));
  if (cascades > 0) {
    out.push({
      severity: "info",
      code: CASCADE,
      text: `info ${CASCADE} ×${cascades} not listed: the header is cut, so these attributes could not be read (--format json lists them)`,
    });
  }
  return out;
}

function truncationLine(
  r: InspectionResult,
  parts: Map<number, { listed: Finding[]; elided: number }>,
): SummaryLine {
  const size = r.file.size_bytes;
  let reach = Math.max(0, ...r.parts.map((p) => p.data_offset_max ?? 0));
  for (const { listed } of parts.values()) {
    for (const f of listed)
      reach = Math.max(reach, Number(/offset (\d+) is past EOF/.exec(f.message)?.[1] ?? 0));
  }
  const pieces: string[] = [];
  const codes = new Map<string, number>();
  for (const [part, { listed, elided }] of [...parts].sort((a, b) => a[0] - b[0])) {
    const chunks = listed.map((f) => f.chunk_index ?? 0);
    const record = r.parts.find((p) => p.part_index === part);
    const first = Math.min(...chunks);
    const count = record?.chunk_count ?? null;
    const missing = listed.length + elided;
    // Elided findings name no chunk: the range runs to the last chunk when the count is plausible.
    const last =
      elided > 0 && count !== null && count - 1 >= Math.max(...chunks) && missing <= count
        ? count - 1
        : Math.max(...chunks);
    const of = count !== null && missing <= count ? ` of ${count}` : "";
    pieces.push(
      `${r.parts.length > 1 ? `part ${part}: ` : ""}${range(first, last)} missing or cut (${missing}${of})`,
    );
    for (const f of listed) codes.set(f.code, (codes.get(f.code) ?? 0) + 1);
    if (elided > 0)
      codes.set("EXR_OFFSET_OUT_OF_RANGE", (codes.get("EXR_OFFSET_OUT_OF_RANGE") ?? 0) + elided);
  }
  const codeList = [...codes].map(([c, n]) => (n > 1 ? `${c} ×${n}` : c)).join(", ");
  const code = [...codes.keys()][0] ?? "EXR_CHUNK_TRUNCATED";
  // Offsets far past the end are garbage rather than a cut-off write: no "truncated" claim then.
  const plausible = reach <= size * PLAUSIBLE_GROWTH;
  const head = plausible
    ? `truncated: the file ends at ${humanBytes(size)}${reach > size ? ` of at least ${humanBytes(reach)}` : ""}`
    : `chunk offsets point past the end of the file (${humanBytes(size)})`;
  return { severity: "error", code, text: `error ${head}; ${pieces.join("; ")} [${codeList}]` };
}
