import type { InspectionResult } from "../../core/model.js";

/**
 * `--format json`: one pretty document when the run has exactly one file, else a pretty JSON array of
 * documents (in input order). Streams: it holds back only the first result until it knows which case applies.
 */
export class JsonOutput {
  private first: InspectionResult | null = null;
  private count = 0;

  constructor(private readonly write: (text: string) => void | Promise<void>) {}

  async add(result: InspectionResult): Promise<void> {
    this.count += 1;
    if (this.count === 1) {
      this.first = result;
      return;
    }
    if (this.count === 2) {
      await this.write(`[\n  ${indent(this.first!)}`);
      this.first = null;
    }
    await this.write(`,\n  ${indent(result)}`);
  }

  async end(): Promise<void> {
    if (this.count === 0) await this.write("[]\n");
    else if (this.count === 1) await this.write(`${prettyJson(this.first)}\n`);
    else await this.write("\n]\n");
  }
}

const indent = (r: InspectionResult) => prettyJson(r, "  ");

/**
 * JSON.stringify(v, null, 2), except that arrays holding only scalars stay on one line
 * (`"min": [0, 0]`, matrices, sample lists): the same document, far fewer lines.
 */
export function prettyJson(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every((v) => v === null || typeof v !== "object"))
      return `[${value.map((v) => JSON.stringify(v) ?? "null").join(", ")}]`;
    return `[\n${value.map((v) => `${inner}${prettyJson(v, inner)}`).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== "function");
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(",\n")}\n${indent}}`;
}

/** `--format ndjson`: one compact line per file. */
export const ndjsonLine = (r: InspectionResult) => `${JSON.stringify(r)}\n`;
