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

/**
 * Collects rendered files into a batch; `omitPassed` (validate -q) counts passing files without printing them.
 * `encode` (worker threads) collects UTF-8 bytes instead of text, each file encoded as it is added (see `ByteText`).
 */
export class BatchBuilder {
  private readonly batch: RenderedBatch = { text: "", files: 0, failed: 0, warned: 0 };
  private readonly separator: string;
  private readonly bytes: ByteText | null;
  private printed = 0;

  constructor(
    kind: RenderKind,
    private readonly omitPassed = false,
    encode = false,
  ) {
    this.separator = separatorOf(kind);
    // JSON elements stay text: the receiving thread joins them (JsonOutput).
    this.bytes = encode && kind !== "json" ? new ByteText() : null;
  }

  add(item: Rendered): void {
    const b = this.batch;
    if (!item.passed) b.failed += 1;
    else if (item.worst === "warning" || item.worst === "error") b.warned += 1;
    if (!(this.omitPassed && item.passed)) {
      if (this.bytes) {
        if (this.printed > 0 && this.separator) this.bytes.append(this.separator);
        this.bytes.append(item.text);
      } else b.text = this.printed === 0 ? item.text : b.text + this.separator + item.text;
      this.printed += 1;
    }
    b.files += 1;
  }

  /** The batch; with `encode`, its text as UTF-8 bytes of their own (transferable to another thread). */
  finish(): RenderedBatch {
    if (this.bytes) this.batch.text = this.bytes.finish();
    return this.batch;
  }
}

const encoder = new TextEncoder();

/**
 * UTF-8 bytes appended text by text into one growing buffer. Joining the texts first and encoding the join cost more:
 * one file with a character above U+00FF (a Cyrillic attribute value) turns the whole joined batch into a two-byte
 * string, and every other file's text is then copied and widened before it is encoded.
 */
class ByteText {
  /**
   * Bytes the last batch of this thread took: the next one starts at that size (plus a margin). A batch of ndjson is
   * megabytes, and growing from a small buffer by doubling copied and zero-filled about twice its size each time.
   */
  private static lastSize = 64 * 1024;
  private buf = uninitialized(ByteText.lastSize + (ByteText.lastSize >> 2));
  private used = 0;

  append(text: string): void {
    // encodeInto writes at most 3 bytes per UTF-16 unit.
    const need = this.used + text.length * 3;
    if (need > this.buf.length) {
      const grown = uninitialized(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.used));
      this.buf = grown;
    }
    this.used += encoder.encodeInto(text, this.buf.subarray(this.used)).written;
  }

  finish(): Uint8Array {
    ByteText.lastSize = Math.max(64 * 1024, this.used);
    return this.buf.subarray(0, this.used);
  }
}

/**
 * A buffer of its own (transferable: never a slice of Node's shared pool) that is not zero-filled: every byte a batch
 * hands over is written first.
 */
function uninitialized(length: number): Uint8Array {
  return new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
}

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
