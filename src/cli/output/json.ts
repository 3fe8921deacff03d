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
      await this.write(`[\n${indent(this.first!)}`);
      this.first = null;
    }
    await this.write(`,\n${indent(result)}`);
  }

  async end(): Promise<void> {
    if (this.count === 0) await this.write("[]\n");
    else if (this.count === 1) await this.write(`${JSON.stringify(this.first, null, 2)}\n`);
    else await this.write("\n]\n");
  }
}

const indent = (r: InspectionResult) =>
  JSON.stringify(r, null, 2)
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");

/** `--format ndjson`: one compact line per file. */
export const ndjsonLine = (r: InspectionResult) => `${JSON.stringify(r)}\n`;
